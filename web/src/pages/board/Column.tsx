// One status column: its heading and count, quick-add, and the sortable list of its cards.
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Status, Task } from '../../api/types';
import { useProject } from '../../lib/project';
import type { QuickAdd as QuickAddInput } from '../../lib/quickAdd';
import { ArchiveColumn } from './ArchiveColumn';
import { useCardWindow } from './cardWindow';
import { QuickAdd } from './QuickAdd';
import { SortableCard } from './SortableCard';

export function Column({
  status,
  ids,
  count,
  tasks,
  canEdit,
  inputRef,
  onAdd,
  onRename,
  archive,
}: {
  status: Status;
  ids: string[];
  count: number;
  tasks: Map<string, Task>;
  canEdit: boolean;
  inputRef?: React.RefObject<HTMLInputElement | null>;
  onAdd: (status: Status, task: QuickAddInput) => Promise<void>;
  onRename: (taskId: string, title: string) => void;
  /** "Archive all" in the header (editors, the Done column): the column's whole count. */
  archive?: { count: number; onArchived: () => void };
}) {
  const { t, i18n } = useTranslation();
  const { project, memberName } = useProject();
  const base = `/projects/${encodeURIComponent(project.id)}`;
  const { setNodeRef, isOver } = useDroppable({ id: status, disabled: !canEdit });
  const headingId = `column-${status}`;
  const listRef = useRef<HTMLOListElement | null>(null);
  const setListRef = useCallback(
    (node: HTMLOListElement | null) => {
      listRef.current = node;
      setNodeRef(node);
    },
    [setNodeRef],
  );
  const cards = useCardWindow(ids, listRef);
  return (
    <section
      className={`column column-${status}${isOver ? ' column-over' : ''}`}
      aria-labelledby={headingId}
      data-status={status}
    >
      <header className="column-header" data-toast-avoid>
        <h2 id={headingId}>
          <span className="column-dot" aria-hidden="true" />
          {t(`status.${status}`)}
        </h2>
        <span className="column-tools">
          {canEdit && archive && <ArchiveColumn status={status} {...archive} />}
          <span className="count">
            <span aria-hidden="true">{count}</span>
            <span className="visually-hidden">{t('board.countLabel', { count })}</span>
          </span>
        </span>
      </header>
      {canEdit && <QuickAdd status={status} inputRef={inputRef} onAdd={onAdd} />}
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
                measureRef={cards.measure}
                onRename={onRename}
                href={`${base}/tasks/${encodeURIComponent(id)}`}
                assigneeName={task.assignee?.name ?? memberName(task.assigneeId)}
                t={t}
                lang={i18n.language}
              />
            ) : null;
          })}
          {ids.length === 0 && <li className="column-empty">{t('board.emptyColumn')}</li>}
        </ol>
      </SortableContext>
    </section>
  );
}
