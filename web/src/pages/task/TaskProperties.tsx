// The side panel for viewers, who may not edit: the task's properties as a read-only list.
import { useTranslation } from 'react-i18next';
import type { Column, Task } from '../../api/types';
import { Assignee } from '../../components/Avatar';
import { LabelChip, PriorityBadge, StatusBadge } from '../../components/Badges';
import { nameOfColumn } from '../../lib/board';
import { formatDue, isOverdue } from '../../lib/format';
import { useProject } from '../../lib/project';

export function TaskProperties({ task, columns }: { task: Task; columns: readonly Column[] }) {
  const { t, i18n } = useTranslation();
  const { memberName } = useProject();
  const assigneeName = memberName(task.assigneeId);
  return (
    <div className="card task-side">
      <dl className="properties">
        <dt>{t('task.status')}</dt>
        <dd>
          <StatusBadge
            status={task.status}
            label={nameOfColumn(columns, task.columnId, (s) => t(`status.${s}`))}
          />
        </dd>
        <dt>{t('task.priority')}</dt>
        <dd>
          <PriorityBadge priority={task.priority} />
        </dd>
        <dt>{t('task.assignee')}</dt>
        <dd>
          <Assignee id={task.assigneeId} name={assigneeName} />
        </dd>
        <dt>{t('task.due')}</dt>
        <dd>
          {task.dueAt ? (
            <span className={`due${isOverdue(task) ? ' due-overdue' : ''}`}>
              {formatDue(task.dueAt, i18n.language)}
              {isOverdue(task) && ` · ${t('task.overdue')}`}
            </span>
          ) : (
            <span className="muted">—</span>
          )}
        </dd>
        <dt>{t('task.labels')}</dt>
        <dd className="chips">
          {task.labels.length === 0 && <span className="muted">—</span>}
          {task.labels.map((l) => (
            <LabelChip key={l.id} label={l} />
          ))}
        </dd>
      </dl>
      <p className="muted readonly-note">{t('task.readOnly')}</p>
    </div>
  );
}
