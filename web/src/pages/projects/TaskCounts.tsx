// A project card's progress: share of tasks done, and the count in each column.
import { useTranslation } from 'react-i18next';
import type { Project } from '../../api/types';

export function TaskCounts({ counts }: { counts: Project['taskCounts'] }) {
  const { t } = useTranslation();
  const total = counts.todo + counts.in_progress + counts.done;
  const percent = total === 0 ? 0 : Math.round((counts.done / total) * 100);
  return (
    <div className="task-counts">
      <meter
        className="progress"
        min={0}
        max={100}
        value={percent}
        aria-label={t('projects.progress', { percent })}
      />
      <p className="muted">
        {total === 0
          ? t('projects.noTasks')
          : t('projects.counts', {
              todo: counts.todo,
              inProgress: counts.in_progress,
              done: counts.done,
            })}
      </p>
    </div>
  );
}
