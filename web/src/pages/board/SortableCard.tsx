import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { memo, useCallback, useRef, useState } from 'react';
import { Icon } from '../../components/Icon';
import { CardBody, type CardProps } from './CardBody';

// Hundreds of cards: they take what they show as props (no per-card context subscriptions) and
// are memoised, so a drag re-renders only the cards whose position changes. In a long column,
// only the cards near the screen are here, each measured as it comes (cardWindow.ts).
export const SortableCard = memo(function SortableCard({
  canEdit,
  index,
  drop,
  measureRef,
  onRename,
  ...props
}: CardProps & {
  canEdit: boolean;
  /** Saves a new title (Board); the card shows it at once. */
  onRename: (taskId: string, title: string) => void;
  /** The card's place in its column. */
  index: number;
  /** A card held over this column from another would go just before or after this one. */
  drop?: 'before' | 'after';
  measureRef: ((node: Element | null) => void) | undefined;
}) {
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
  // Inline rename: the title becomes a text box; the focus comes back to the rename button.
  const [renaming, setRenaming] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const renamed = useCallback(
    (title: string | undefined, byKey: boolean) => {
      setRenaming(false);
      const trimmed = title?.trim();
      if (trimmed && trimmed !== task.title) onRename(task.id, trimmed);
      if (byKey) requestAnimationFrame(() => renameButton.current?.focus());
    },
    [onRename, task.id, task.title],
  );
  const setRef = useCallback(
    (node: HTMLLIElement | null) => {
      setNodeRef(node);
      measureRef?.(node);
    },
    [setNodeRef, measureRef],
  );
  return (
    <li
      ref={setRef}
      data-index={index}
      className={`task-card priority-edge-${task.priority}${isDragging ? ' is-dragging' : ''}${drop ? ` drop-${drop}` : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      data-task-id={task.id}
      {...(canEdit ? pointerListeners : {})}
    >
      <CardBody {...props} onRenamed={renaming ? renamed : undefined} />
      {canEdit && !renaming && (
        <button
          type="button"
          ref={renameButton}
          className="card-rename"
          onClick={() => setRenaming(true)}
          onMouseDown={(event) => event.stopPropagation()}
          aria-label={t('board.rename', { title: task.title })}
        >
          <Icon name="edit" size={16} />
        </button>
      )}
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
