// One task in a day of the calendar: its time (when it has one), its title linking to the task,
// overdue and done marked; draggable to another day by mouse, touch (the whole task) and keyboard
// (its handle), unless the user may not change it. `overlay`: the copy under the pointer.
import { useDraggable } from '@dnd-kit/core';
import type { TFunction } from 'i18next';
import { memo } from 'react';
import type { Task } from '../../api/types';
import { Icon } from '../../components/Icon';
import { hasDueTime, isOverdue } from '../../lib/format';
import { Link } from '../../lib/router';
import { timeOfDay } from './dates';

export interface CalendarTaskProps {
  task: Task;
  canMove: boolean;
  /** A second line (My work: the task's project), in the week view. */
  detail: string | undefined;
  t: TFunction;
  lang: string;
}

export const taskPath = (task: Task) =>
  `/projects/${encodeURIComponent(task.projectId)}/tasks/${encodeURIComponent(task.id)}`;

function taskClass(task: Task, extra = ''): string {
  const overdue = isOverdue(task);
  return [
    'calendar-task',
    `priority-edge-${task.priority}`,
    overdue && 'calendar-task-overdue',
    task.status === 'done' && 'calendar-task-done',
    extra,
  ]
    .filter(Boolean)
    .join(' ');
}

function Body({
  task,
  detail,
  t,
  lang,
  overlay,
}: Omit<CalendarTaskProps, 'canMove'> & { overlay?: boolean }) {
  const overdue = isOverdue(task);
  return (
    <span className="calendar-task-body">
      <span className="calendar-task-line">
        {task.dueAt && hasDueTime(task.dueAt) && (
          <time className="calendar-task-time" dateTime={task.dueAt}>
            {timeOfDay(task.dueAt, lang)}
          </time>
        )}
        {overdue && <span className="visually-hidden">{t('task.overdue')}: </span>}
        {task.status === 'done' && <span className="visually-hidden">{t('status.done')}: </span>}
        {overlay ? (
          <span className="calendar-task-title">{task.title}</span>
        ) : (
          <Link to={taskPath(task)} className="calendar-task-title" draggable={false}>
            {task.title}
          </Link>
        )}
      </span>
      {detail && <span className="calendar-task-detail">{detail}</span>}
    </span>
  );
}

export const CalendarTask = memo(function CalendarTask({
  task,
  canMove,
  ...props
}: CalendarTaskProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useDraggable({
    id: task.id,
    disabled: !canMove,
  });
  // Mouse and touch take the whole task; the keyboard its handle, so that Enter on the title
  // still opens the task.
  const { onKeyDown, ...pointerListeners } = listeners ?? {};
  return (
    <li
      ref={setNodeRef}
      className={taskClass(task, isDragging ? 'is-dragging' : '')}
      data-task-id={task.id}
      {...(canMove ? pointerListeners : {})}
    >
      {canMove && (
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="calendar-handle"
          {...attributes}
          onKeyDown={onKeyDown as React.KeyboardEventHandler | undefined}
          aria-label={props.t('board.moveTask', { title: task.title })}
        >
          <Icon name="grip" size={14} />
        </button>
      )}
      <Body task={task} {...props} />
    </li>
  );
});

/** The task under the pointer while it is dragged. */
export function CalendarTaskOverlay(props: Omit<CalendarTaskProps, 'canMove'>) {
  return (
    <div className={taskClass(props.task, 'calendar-task-overlay')}>
      <Body {...props} overlay />
    </div>
  );
}
