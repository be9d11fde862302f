import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { memo } from 'react';
import { Icon } from '../../components/Icon';
import { CardBody, type CardProps } from './CardBody';

// Hundreds of cards: they take what they show as props (no per-card context subscriptions) and
// are memoised, so a drag re-renders only the cards whose position changes.
export const SortableCard = memo(function SortableCard({
  canEdit,
  ...props
}: CardProps & { canEdit: boolean }) {
  const { task, t } = props;
  const {
    attributes,
    listeners,
    setNodeRef,
    setActivatorNodeRef,
    transform,
    transition,
    isDragging,
  } = useSortable({ id: task.id, disabled: !canEdit });
  // Mouse and touch grab the whole card; the keyboard uses the handle, so that Enter on the
  // title link still opens the task.
  const { onKeyDown, ...pointerListeners } = listeners ?? {};
  return (
    <li
      ref={setNodeRef}
      className={`task-card priority-edge-${task.priority}${isDragging ? ' is-dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      data-task-id={task.id}
      {...(canEdit ? pointerListeners : {})}
    >
      <CardBody {...props} />
      {canEdit && (
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="drag-handle"
          {...attributes}
          onKeyDown={onKeyDown as React.KeyboardEventHandler | undefined}
          aria-label={t('board.moveTask', { title: task.title })}
        >
          <Icon name="grip" />
        </button>
      )}
    </li>
  );
});
