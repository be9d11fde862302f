// What a card shows (cover image, title, priority, due date, checklist progress, attachments, labels,
// assignee); also the card under the pointer while dragging (`overlay`).
import type { TFunction } from 'i18next';
import { memo, useRef } from 'react';
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

/** The card's title as a text box (SortableCard's rename): Enter or leaving it keeps, Esc not. */
function TitleInput({
  task,
  t,
  onDone,
}: {
  task: Task;
  t: TFunction;
  onDone: (title: string | undefined, byKey: boolean) => void;
}) {
  const done = useRef(false);
  const finish = (title: string | undefined, byKey: boolean) => {
    if (done.current) return;
    done.current = true;
    onDone(title, byKey);
  };
  return (
    <input
      className="task-card-title-input"
      aria-label={t('board.titleOf', { title: task.title })}
      defaultValue={task.title}
      maxLength={200}
      required
      autoFocus
      onFocus={(event) => event.currentTarget.select()}
      // The card drags from anywhere but here: selecting text is not a drag.
      onMouseDown={(event) => event.stopPropagation()}
      onTouchStart={(event) => event.stopPropagation()}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === 'Enter') {
          event.preventDefault();
          finish(event.currentTarget.value, true);
        } else if (event.key === 'Escape') {
          event.preventDefault();
          finish(undefined, true);
        }
      }}
      onBlur={(event) => finish(event.currentTarget.value, false)}
    />
  );
}

// Memoised: a drag re-renders every sortable card, not what each one shows.
export const CardBody = memo(function CardBody({
  task,
  href,
  assigneeName,
  t,
  lang,
  overlay = false,
  onRenamed,
}: CardProps & {
  overlay?: boolean;
  /**
   * While the title is being renamed: called with the new title, or undefined (cancelled), and
   * whether a key (Enter, Esc) ended it.
   */
  onRenamed?: (title: string | undefined, byKey: boolean) => void;
}) {
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
      {onRenamed ? (
        <TitleInput task={task} t={t} onDone={onRenamed} />
      ) : overlay ? (
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
});
