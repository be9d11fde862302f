// Watch or stop watching the task: a watcher is told of its changes and comments (the creator and
// the assignee watch by default).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifications } from '../../api/endpoints';
import { Icon } from '../../components/Icon';
import { describeError } from '../../lib/errors';
import { useToast } from '../../lib/toast';

export function WatchToggle({ taskId, initial }: { taskId: string; initial: boolean }) {
  const { t } = useTranslation();
  const toast = useToast();
  const [watching, setWatching] = useState(initial);
  const [busy, setBusy] = useState(false);

  const toggle = async () => {
    setBusy(true);
    try {
      if (watching) await notifications.unwatch(taskId);
      else await notifications.watch(taskId);
      setWatching(!watching);
      toast.success(watching ? t('watch.stopped') : t('watch.started'));
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <button
      type="button"
      className="button button-ghost"
      aria-pressed={watching}
      title={watching ? t('watch.watching') : undefined}
      disabled={busy}
      onClick={() => void toggle()}
    >
      <Icon name="eye" />
      {watching ? t('watch.unwatch') : t('watch.watch')}
    </button>
  );
}
