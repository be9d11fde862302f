// The task's history, newest first; reloaded after each save (`version`).
import { useTranslation } from 'react-i18next';
import { activity as activityApi } from '../../api/endpoints';
import type { Column } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { nameOfColumn } from '../../lib/board';
import { formatDateTime, relativeTime } from '../../lib/format';
import { useAsync } from '../../lib/useAsync';
import { describeActivity } from './describeActivity';

export function ActivityFeed({
  taskId,
  version,
  columns,
}: {
  taskId: string;
  version: number;
  /** The project's columns: a move between them is told by their names. */
  columns: readonly Column[];
}) {
  const { t, i18n } = useTranslation();
  const nameOf = (id: string) => nameOfColumn(columns, id, (s) => t(`status.${s}`));
  const feed = useAsync(async () => (await activityApi.forTask(taskId)).items, [taskId, version]);
  return (
    <CardSection name="activity" title={t('activity.title')} icon="clock" className="activity">
      {feed.error !== undefined && <ErrorState error={feed.error} onRetry={feed.reload} />}
      {feed.loading && !feed.data && <Loading />}
      {feed.data && feed.data.length === 0 && <EmptyState title={t('activity.empty')} />}
      {feed.data && feed.data.length > 0 && (
        <ol className="activity-list">
          {feed.data.map((item) => (
            <li key={item.id}>
              <span className="activity-dot" aria-hidden="true" />
              <span>
                <strong>{item.actor.name}</strong> {describeActivity(item, t, nameOf)}
              </span>
              <time
                className="muted"
                dateTime={item.createdAt}
                title={formatDateTime(item.createdAt, i18n.language)}
              >
                {relativeTime(item.createdAt, i18n.language)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </CardSection>
  );
}
