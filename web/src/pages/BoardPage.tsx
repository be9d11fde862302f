// The board: three columns in kanban order. Cards move by mouse, touch or keyboard (@dnd-kit);
// a move shows at once and is rolled back, with a message, if the service refuses it.
import {
  closestCenter,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  pointerWithin,
  rectIntersection,
  TouchSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { tasks as tasksApi } from '../api/endpoints';
import type { Status, Task } from '../api/types';
import { STATUSES } from '../api/types';
import { Avatar } from '../components/Avatar';
import { LabelChip } from '../components/Badges';
import { Icon } from '../components/Icon';
import { ErrorState, Loading } from '../components/States';
import {
  findColumn,
  isStatus,
  placeBefore,
  placementOf,
  samePlacement,
  toColumns,
  type Columns,
} from '../lib/board';
import { describeError } from '../lib/errors';
import { formatDate, isOverdue } from '../lib/format';
import { useProject } from '../lib/project';
import { Link, updateSearchParams } from '../lib/router';
import { useShortcut } from '../lib/shortcuts';
import { useToast } from '../lib/toast';
import { boardTasks } from '../lib/boardData';
import { useAsync } from '../lib/useAsync';

export default function BoardPage() {
  const { t } = useTranslation();
  const { project } = useProject();
  const state = useAsync(() => boardTasks(project.id), [project.id]);

  if (state.error !== undefined) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label={t('board.loading')} />;
  return <Board key={project.id} initial={state.data} />;
}

function Board({ initial }: { initial: Task[] }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, canEdit } = useProject();
  const [tasks, setTasks] = useState<Map<string, Task>>(
    () => new Map(initial.map((task) => [task.id, task])),
  );
  const [columns, setColumns] = useState<Columns>(() => toColumns(initial));
  const [activeId, setActiveId] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState('');
  const snapshot = useRef<Columns | undefined>(undefined);
  const columnsRef = useRef(columns);
  const filterRef = useRef<HTMLInputElement>(null);
  const quickAddRef = useRef<HTMLInputElement>(null);
  const boardRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    columnsRef.current = columns;
  }, [columns]);

  // The benchmark (bench/web) reads this mark: the first paint of a loaded board.
  useEffect(() => {
    performance.mark('tm:board-rendered');
    boardRef.current?.setAttribute('data-ready', 'true');
  }, []);

  useShortcut('/', () => filterRef.current?.focus());
  useShortcut('n', () => quickAddRef.current?.focus(), canEdit);

  // `n` on the list view comes here with ?new=1: open the quick-add of "To do".
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('new') !== '1') return;
    updateSearchParams({ new: undefined });
    quickAddRef.current?.focus();
  }, []);

  const needle = filter.trim().toLowerCase();
  const visible = useMemo(() => {
    if (!needle) return columns;
    const keep = (id: string) => tasks.get(id)?.title.toLowerCase().includes(needle) ?? false;
    return {
      todo: columns.todo.filter(keep),
      in_progress: columns.in_progress.filter(keep),
      done: columns.done.filter(keep),
    };
  }, [columns, tasks, needle]);

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  // Prefer the card under the pointer; over a column's empty space, the nearest card in it.
  const collisionDetection = useCallback<CollisionDetection>((args) => {
    const pointerHits = pointerWithin(args);
    const hits = pointerHits.length > 0 ? pointerHits : rectIntersection(args);
    const card = hits.find((hit) => !isStatus(hit.id));
    if (card) return [card];
    const column = hits.find((hit) => isStatus(hit.id));
    if (column && isStatus(column.id)) {
      const ids = new Set<UniqueIdentifier>(columnsRef.current[column.id]);
      ids.delete(args.active.id);
      if (ids.size > 0) {
        const nearest = closestCenter({
          ...args,
          droppableContainers: args.droppableContainers.filter((c) => ids.has(c.id)),
        });
        if (nearest.length > 0) return nearest.slice(0, 1);
      }
      return [column];
    }
    return hits;
  }, []);

  const titleOf = useCallback(
    (id: UniqueIdentifier) => tasks.get(String(id))?.title ?? '',
    [tasks],
  );
  const describeSpot = useCallback(
    (overId: UniqueIdentifier, activeTaskId: UniqueIdentifier) => {
      const cols = columnsRef.current;
      const status = findColumn(cols, String(overId));
      if (!status) return undefined;
      const list = cols[status].filter((id) => id !== activeTaskId);
      const index = isStatus(overId) ? list.length : Math.max(0, list.indexOf(String(overId)));
      return {
        column: t(`status.${status}`),
        position: index + 1,
        total: list.length + 1,
      };
    },
    [t],
  );

  const announcements = useMemo<Announcements>(
    () => ({
      onDragStart: ({ active }) => t('board.dnd.picked', { title: titleOf(active.id) }),
      onDragOver: ({ active, over }) => {
        const spot = over ? describeSpot(over.id, active.id) : undefined;
        return spot
          ? t('board.dnd.over', { title: titleOf(active.id), ...spot })
          : t('board.dnd.notOver', { title: titleOf(active.id) });
      },
      onDragEnd: ({ active, over }) => {
        const place = placementOf(columnsRef.current, String(active.id));
        if (!over || !place) return t('board.dnd.cancelled', { title: titleOf(active.id) });
        return t('board.dnd.dropped', {
          title: titleOf(active.id),
          column: t(`status.${place.status}`),
          position: place.index + 1,
        });
      },
      onDragCancel: ({ active }) => t('board.dnd.cancelled', { title: titleOf(active.id) }),
    }),
    [t, titleOf, describeSpot],
  );

  const onDragStart = ({ active }: DragStartEvent) => {
    snapshot.current = columnsRef.current;
    setActiveId(String(active.id));
  };

  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (!over) return;
    const id = String(active.id);
    const from = findColumn(columnsRef.current, id);
    const to = findColumn(columnsRef.current, String(over.id));
    if (!from || !to || from === to) return;
    // Entering another column: place the card where the pointer is (above or below that card).
    let beforeId: string | undefined;
    if (!isStatus(over.id)) {
      const translated = active.rect.current.translated;
      const below = translated && translated.top > over.rect.top + over.rect.height / 2;
      const list = columnsRef.current[to];
      const overIndex = list.indexOf(String(over.id));
      beforeId = below ? list[overIndex + 1] : String(over.id);
    }
    const next = placeBefore(columnsRef.current, id, to, beforeId);
    columnsRef.current = next;
    setColumns(next);
  };

  const commitMove = async (id: string, before: Columns, after: Columns) => {
    const from = placementOf(before, id);
    const to = placementOf(after, id);
    if (!to || !from || samePlacement(from, to)) return;
    const task = tasks.get(id);
    setTasks((map) => {
      const current = map.get(id);
      if (!current) return map;
      return new Map(map).set(id, { ...current, status: to.status });
    });
    try {
      const saved = await tasksApi.move(id, to.status, to.beforeId);
      setTasks((map) => new Map(map).set(id, { ...(map.get(id) as Task), ...saved }));
    } catch (error) {
      // Put just this card back where it was; other moves made meanwhile stay.
      const rolledBack = placeBefore(columnsRef.current, id, from.status, from.beforeId);
      columnsRef.current = rolledBack;
      setColumns(rolledBack);
      if (task) setTasks((map) => new Map(map).set(id, task));
      toast.error(
        t('board.moveFailed', { title: task?.title ?? '', reason: describeError(error, t) }),
      );
    }
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const id = String(active.id);
    const before = snapshot.current ?? columnsRef.current;
    snapshot.current = undefined;
    setActiveId(undefined);
    let after = columnsRef.current;
    if (over) {
      const container = findColumn(after, id);
      const overContainer = findColumn(after, String(over.id));
      if (container && container === overContainer && !isStatus(over.id) && over.id !== id) {
        const list = after[container];
        const oldIndex = list.indexOf(id);
        const newIndex = list.indexOf(String(over.id));
        const beforeId = newIndex > oldIndex ? list[newIndex + 1] : String(over.id);
        after = placeBefore(after, id, container, beforeId);
      }
    } else {
      after = before;
    }
    columnsRef.current = after;
    setColumns(after);
    void commitMove(id, before, after);
  };

  const onDragCancel = () => {
    if (snapshot.current) {
      columnsRef.current = snapshot.current;
      setColumns(snapshot.current);
    }
    snapshot.current = undefined;
    setActiveId(undefined);
  };

  const addTask = async (status: Status, title: string) => {
    const created = await tasksApi.create(project.id, { title, status });
    let task = created;
    const first = columnsRef.current[status][0];
    // Quick-add puts the new card at the top of its column, where the user typed it.
    if (first) {
      try {
        task = { ...created, ...(await tasksApi.move(created.id, status, first)) };
      } catch {
        // It exists; it simply stays where the service put it.
      }
    }
    setTasks((map) => new Map(map).set(task.id, task));
    const next = placeBefore(columnsRef.current, task.id, status, first);
    columnsRef.current = next;
    setColumns(next);
    toast.success(t('board.added', { title: task.title }));
  };

  const total = columns.todo.length + columns.in_progress.length + columns.done.length;
  const activeTask = activeId ? tasks.get(activeId) : undefined;

  return (
    <div className="board-page">
      <div className="toolbar">
        <div className="search">
          <Icon name="search" />
          <label htmlFor="board-filter" className="visually-hidden">
            {t('board.filter')}
          </label>
          <input
            id="board-filter"
            ref={filterRef}
            type="search"
            placeholder={t('board.filterPlaceholder')}
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        <span className="muted toolbar-count" aria-live="polite">
          {needle
            ? t('board.showing', {
                count: visible.todo.length + visible.in_progress.length + visible.done.length,
                total,
              })
            : t('board.total', { count: total })}
        </span>
        {canEdit && (
          <button
            type="button"
            className="button button-primary toolbar-end"
            onClick={() => quickAddRef.current?.focus()}
          >
            <Icon name="plus" />
            {t('board.newTask')}
          </button>
        )}
      </div>
      <DndContext
        sensors={sensors}
        collisionDetection={collisionDetection}
        onDragStart={onDragStart}
        onDragOver={onDragOver}
        onDragEnd={onDragEnd}
        onDragCancel={onDragCancel}
        accessibility={{
          announcements,
          screenReaderInstructions: { draggable: t('board.dnd.instructions') },
        }}
      >
        <div className="board" ref={boardRef} data-testid="board">
          {STATUSES.map((status) => (
            <Column
              key={status}
              status={status}
              ids={visible[status]}
              count={columns[status].length}
              tasks={tasks}
              canEdit={canEdit}
              inputRef={status === 'todo' ? quickAddRef : undefined}
              onAdd={addTask}
            />
          ))}
        </div>
        <DragOverlay dropAnimation={null}>
          {activeTask ? (
            <CardBody
              task={activeTask}
              href=""
              assigneeName={activeTask.assignee?.name}
              t={t}
              lang={i18n.language}
              overlay
            />
          ) : null}
        </DragOverlay>
      </DndContext>
    </div>
  );
}

function Column({
  status,
  ids,
  count,
  tasks,
  canEdit,
  inputRef,
  onAdd,
}: {
  status: Status;
  ids: string[];
  count: number;
  tasks: Map<string, Task>;
  canEdit: boolean;
  inputRef?: React.RefObject<HTMLInputElement | null>;
  onAdd: (status: Status, title: string) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const { project, memberName } = useProject();
  const base = `/projects/${encodeURIComponent(project.id)}`;
  const { setNodeRef, isOver } = useDroppable({ id: status, disabled: !canEdit });
  const headingId = `column-${status}`;
  return (
    <section
      className={`column column-${status}${isOver ? ' column-over' : ''}`}
      aria-labelledby={headingId}
      data-status={status}
    >
      <header className="column-header">
        <h2 id={headingId}>
          <span className="column-dot" aria-hidden="true" />
          {t(`status.${status}`)}
        </h2>
        <span className="count">
          <span aria-hidden="true">{count}</span>
          <span className="visually-hidden">{t('board.countLabel', { count })}</span>
        </span>
      </header>
      {canEdit && <QuickAdd status={status} inputRef={inputRef} onAdd={onAdd} />}
      <SortableContext items={ids} strategy={verticalListSortingStrategy} disabled={!canEdit}>
        <ol ref={setNodeRef} className="card-list" aria-labelledby={headingId}>
          {ids.map((id) => {
            const task = tasks.get(id);
            return task ? (
              <SortableCard
                key={id}
                task={task}
                canEdit={canEdit}
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

function QuickAdd({
  status,
  inputRef,
  onAdd,
}: {
  status: Status;
  inputRef?: React.RefObject<HTMLInputElement | null>;
  onAdd: (status: Status, title: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `quick-add-${status}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = title.trim();
    if (!value) return;
    setBusy(true);
    try {
      await onAdd(status, value);
      setTitle('');
    } catch (error) {
      toast.error(t('board.addFailed', { reason: describeError(error, t) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="quick-add" onSubmit={(event) => void submit(event)}>
      <label htmlFor={id} className="visually-hidden">
        {t('board.quickAddLabel', { column: t(`status.${status}`) })}
      </label>
      <input
        id={id}
        ref={inputRef}
        placeholder={t('board.quickAddPlaceholder')}
        maxLength={200}
        value={title}
        disabled={busy}
        onChange={(event) => setTitle(event.target.value)}
      />
      <button
        type="submit"
        className="icon-button"
        aria-label={t('board.quickAddSubmit', { column: t(`status.${status}`) })}
        disabled={busy || !title.trim()}
      >
        <Icon name="plus" />
      </button>
    </form>
  );
}

interface CardProps {
  task: Task;
  href: string;
  assigneeName: string | undefined;
  t: TFunction;
  lang: string;
}

// Hundreds of cards: they take what they show as props (no per-card context subscriptions) and
// are memoised, so a drag re-renders only the cards whose position changes.
const SortableCard = memo(function SortableCard({
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

function CardBody({
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
            {formatDate(task.dueAt, lang)}
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
