// What a card shows (cover image, title, priority, due date, checklist progress, attachments, labels,
// assignee); also the card under the pointer while dragging (`overlay`).
import type { TFunction } from 'i18next';
import type { Task } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { ChecklistBadge, LabelChip } from '../../components/Badges';
import { Icon } from '../../components/Icon';
import { formatDue, isOverdue } from '../../lib/format';
import { Link } from '../../lib/router';

export interface CardProps {
  task: Task;
  href: string;
  assigneeName: string | undefined;
  t: TFunction;
  lang: string;
}

export function CardBody({
  task,
  href,
  assigneeName,
  t,
  lang,
  overlay = false,
}: CardProps & { overlay?: boolean }) {
  const overdue = isOverdue(task);
  return (
    <div className={overlay ? 'task-card task-card-overlay' : 'task-card-body'}>
      {task.cover && (
        <img
          className="task-card-cover"
          src={task.cover.url}
          alt=""
          loading="lazy"
          decoding="async"
          draggable={false}
        />
      )}
      {overlay ? (
        <span className="task-card-title">{task.title}</span>
      ) : (
        <Link to={href} className="task-card-title" draggable={false}>
          {task.title}
        </Link>
      )}
      <div className="task-card-meta">
        <span className={`badge priority priority-${task.priority}`}>
          <span className="priority-dot" aria-hidden="true" />
          {t(`priority.${task.priority}`)}
        </span>
        {task.dueAt && (
          <span className={`due${overdue ? ' due-overdue' : ''}`}>
            <Icon name="calendar" size={14} />
            {overdue && <span className="visually-hidden">{t('task.overdue')}: </span>}
            {formatDue(task.dueAt, lang)}
          </span>
        )}
        <ChecklistBadge progress={task.checklist} />
        {task.attachments > 0 && (
          <span className="attachments-badge">
            <Icon name="paperclip" size={14} />
            <span aria-hidden="true">{task.attachments}</span>
            <span className="visually-hidden">
              {t('attachments.cardCount', { count: task.attachments })}
            </span>
          </span>
        )}
        {task.labels.map((label) => (
          <LabelChip key={label.id} label={label} />
        ))}
        {assigneeName && task.assigneeId && (
          <span className="task-card-assignee">
            <Avatar id={task.assigneeId} name={assigneeName} size="sm" />
            <span className="visually-hidden">{t('task.assignedTo', { name: assigneeName })}</span>
          </span>
        )}
      </div>
    </div>
  );
}
