// "Archive all" in a column's header: every active task of the column goes to the project's
// archive (restorable there) after a confirmation that names how many.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tasks as tasksApi } from '../../api/endpoints';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { describeError } from '../../lib/errors';
import { useProject } from '../../lib/project';
import { useToast } from '../../lib/toast';

export function ArchiveColumn({
  columnId,
  column,
  count,
  onArchived,
}: {
  columnId: string;
  /** The column's name, as its heading shows it. */
  column: string;
  /** The column's tasks, whatever the filter shows: all of them are archived. */
  count: number;
  onArchived: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const { project } = useProject();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  const archive = async () => {
    setBusy(true);
    try {
      const archived = await tasksApi.archiveColumn(project.id, columnId);
      toast.success(t('archive.columnArchived', { count: archived }));
      onArchived();
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  if (count === 0) return null;
  return (
    <>
      <button
        type="button"
        className="icon-button column-archive"
        aria-label={t('archive.archiveColumnNamed', { column })}
        title={t('archive.archiveColumnNamed', { column })}
        onClick={() => setOpen(true)}
      >
        <Icon name="archive" />
      </button>
      <ConfirmDialog
        open={open}
        title={t('archive.archiveColumnTitle', { column })}
        message={t('archive.archiveColumnConfirm', { count, column })}
        confirmLabel={t('archive.archiveColumn')}
        busy={busy}
        onClose={() => setOpen(false)}
        onConfirm={() => void archive()}
      />
    </>
  );
}
