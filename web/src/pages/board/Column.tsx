// One board column: its heading, count (against its WIP limit, if it has one), its tools, quick-add,
// and the sortable list of its cards.
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useCallback, useRef } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Column as ColumnData, Task } from '../../api/types';
import { Icon } from '../../components/Icon';
import { columnDropId, overLimit, type DropTarget } from '../../lib/board';
import { useProject } from '../../lib/project';
import type { QuickAdd as QuickAddInput } from '../../lib/quickAdd';
import { ArchiveColumn } from './ArchiveColumn';
import { useCardWindow } from './cardWindow';
import { QuickAdd } from './QuickAdd';
import { SortableCard } from './SortableCard';

export function Column({
  column,
  name,
  ids,
  total,
  drop,
  tasks,
  canEdit,
  inputRef,
  onAdd,
  onRename,
  archive,
  actions,
}: {
  column: ColumnData;
  /** As shown (lib/board.ts columnName). */
  name: string;
  /** The cards shown (the filter's). */
  ids: string[];
  /** Every card of the column, whatever the filter shows: what its WIP limit counts. */
  total: number;
  /** Where a card held over this column from another would go (Board's line). */
  drop?: DropTarget;
  tasks: Map<string, Task>;
  canEdit: boolean;
  inputRef?: React.RefObject<HTMLInputElement | null>;
  onAdd: (columnId: string, task: QuickAddInput) => Promise<void>;
  onRename: (taskId: string, title: string) => void;
  /** "Archive all" in the header (editors, the columns of the done category). */
  archive?: { onArchived: () => void };
  /** The column's menu (editors). */
  actions?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const { project, memberName } = useProject();
  const base = `/projects/${encodeURIComponent(project.id)}`;
  const { setNodeRef, isOver } = useDroppable({ id: columnDropId(column.id), disabled: !canEdit });
  const headingId = `column-${column.id}`;
  const listRef = useRef<HTMLOListElement | null>(null);
  const setListRef = useCallback(
    (node: HTMLOListElement | null) => {
      listRef.current = node;
      setNodeRef(node);
    },
    [setNodeRef],
  );
  const cards = useCardWindow(ids, listRef);
  // The line goes above the card it names, or below the last one (the end).
  const lastId = ids.at(-1);
  const dropAt = (id: string) => {
    if (!drop) return undefined;
    if (drop.beforeId === id) return 'before';
    return drop.beforeId === undefined && id === lastId ? 'after' : undefined;
  };
  const limit = column.wipLimit;
  const over = overLimit(total, limit);
  const classes = ['column', `column-${column.category}`];
  if (isOver || drop) classes.push('column-over');
  if (over) classes.push('column-over-limit');
  return (
    <section
      className={classes.join(' ')}
      aria-labelledby={headingId}
      data-status={column.category}
      data-column-id={column.id}
    >
      <header className="column-header" data-toast-avoid>
        <h2 id={headingId}>
          <span
            className="column-dot"
            style={column.color ? { backgroundColor: column.color } : undefined}
            aria-hidden="true"
          />
          <span className="column-name">{name}</span>
        </h2>
        <span className="column-tools">
          {canEdit && archive && (
            <ArchiveColumn columnId={column.id} column={name} count={total} {...archive} />
          )}
          {limit == null ? (
            <span className="count">
              <span aria-hidden="true">{ids.length}</span>
              <span className="visually-hidden">
                {t('board.countLabel', { count: ids.length })}
              </span>
            </span>
          ) : (
            <span className="count count-limit">
              <span aria-hidden="true">
                {total} / {limit}
              </span>
              <span className="visually-hidden">
                {t('columns.countLimit', { count: total, limit })}
              </span>
            </span>
          )}
          {actions}
        </span>
      </header>
      {over && limit != null && (
        <p className="column-wip-warning">
          <Icon name="alert" size={16} />
          {t('columns.overLimit', { count: total, limit })}
        </p>
      )}
      {canEdit && (
        <QuickAdd columnId={column.id} columnName={name} inputRef={inputRef} onAdd={onAdd} />
      )}
      <SortableContext items={ids} strategy={verticalListSortingStrategy} disabled={!canEdit}>
        <ol ref={setListRef} className="card-list" aria-labelledby={headingId} style={cards.style}>
          {cards.shown.map(({ id, index }) => {
            const task = tasks.get(id);
            return task ? (
              <SortableCard
                key={id}
                task={task}
                canEdit={canEdit}
                index={index}
                drop={dropAt(id)}
                measureRef={cards.measure}
                onRename={onRename}
                href={`${base}/tasks/${encodeURIComponent(id)}`}
                assigneeName={task.assignee?.name ?? memberName(task.assigneeId)}
                t={t}
                lang={i18n.language}
              />
            ) : null;
          })}
          {ids.length === 0 && (
            <li className={`column-empty${drop ? ' drop-here' : ''}`}>{t('board.emptyColumn')}</li>
          )}
        </ol>
      </SortableContext>
    </section>
  );
}
