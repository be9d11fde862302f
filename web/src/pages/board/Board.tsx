// A loaded board: the tasks by column, the filters (the list's, in the URL), drag and drop with its screen-reader
// announcements, optimistic moves with rollback, and quick-add.
import {
  closestCenter,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  pointerWithin,
  rectIntersection,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tasks as tasksApi } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import type { Status, Task } from '../../api/types';
import { STATUSES } from '../../api/types';
import { Icon } from '../../components/Icon';
import { TaskFilters } from '../../components/TaskFilters';
import {
  findColumn,
  isStatus,
  placeBefore,
  placementOf,
  samePlacement,
  toColumns,
  type Columns,
} from '../../lib/board';
import { loadBoardTasks } from '../../lib/boardData';
import { describeError } from '../../lib/errors';
import { fromDateInput } from '../../lib/format';
import { flashTasks, isTaskEvent, useLiveEvents } from '../../lib/live';
import { useProject } from '../../lib/project';
import type { QuickAdd as QuickAddInput } from '../../lib/quickAdd';
import { updateSearchParams, useSearchParams } from '../../lib/router';
import { useScreenAction } from '../../lib/screenActions';
import { useShortcut } from '../../lib/shortcuts';
import { isFiltered, readFilter, taskMatcher } from '../../lib/taskFilter';
import { useToast } from '../../lib/toast';
import { CardBody } from './CardBody';
import { Column } from './Column';
import { useKeyboardMoves } from './keyboard';

export function Board({ initial }: { initial: Task[] }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, canEdit } = useProject();
  const [tasks, setTasks] = useState<Map<string, Task>>(
    () => new Map(initial.map((task) => [task.id, task])),
  );
  const [columns, setColumns] = useState<Columns>(() => toColumns(initial));
  const [activeId, setActiveId] = useState<string | undefined>(undefined);
  const [params, setParams] = useSearchParams();
  const filter = readFilter(params);
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
  useScreenAction('newTask', () => quickAddRef.current?.focus(), canEdit);

  // `n` on the list view comes here with ?new=1: open the quick-add of "To do".
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('new') !== '1') return;
    updateSearchParams({ new: undefined });
    quickAddRef.current?.focus();
  }, []);

  // Live changes by others: the board is read again and the changed cards flash. Not while a
  // card is being dragged (the drop would land on a board that moved under it): after it.
  const liveChanged = useRef<Set<string> | undefined>(undefined);
  const [flashed, setFlashed] = useState<Set<string>>(new Set());
  // After the commit: a card that changed column is a new element.
  useEffect(() => flashTasks(boardRef.current, flashed), [flashed]);
  const refreshLive = useCallback(() => {
    const changed = liveChanged.current;
    if (!changed || snapshot.current) return;
    liveChanged.current = undefined;
    loadBoardTasks(project.id).then(
      (list) => {
        if (snapshot.current) {
          liveChanged.current = new Set([...(liveChanged.current ?? []), ...changed]);
          return;
        }
        setTasks(new Map(list.map((task) => [task.id, task])));
        const next = toColumns(list);
        columnsRef.current = next;
        setColumns(next);
        setFlashed(changed);
      },
      () => undefined,
    );
  }, [project.id]);
  // After an action of this user that moved many tasks at once (a column archived).
  const reloadBoard = useCallback(() => {
    liveChanged.current ??= new Set();
    refreshLive();
  }, [refreshLive]);
  useLiveEvents((event) => {
    if (!isTaskEvent(event) && event.type !== 'reset') return;
    liveChanged.current ??= new Set();
    if ('taskId' in event && event.taskId) liveChanged.current.add(event.taskId);
    refreshLive();
  });
  useEffect(() => {
    if (!activeId) refreshLive();
  }, [activeId, refreshLive]);

  const filtered = isFiltered(filter);
  const filterKey = JSON.stringify(filter);
  const visible = useMemo(() => {
    if (!filtered) return columns;
    const matches = taskMatcher(filter);
    const keep = (id: string) => {
      const task = tasks.get(id);
      return task !== undefined && matches(task);
    };
    return {
      todo: columns.todo.filter(keep),
      in_progress: columns.in_progress.filter(keep),
      done: columns.done.filter(keep),
    };
    // filterKey stands for `filter`, a new object on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [columns, tasks, filterKey]);

  const keyboard = useKeyboardMoves(columnsRef);
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboard.coordinateGetter }),
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
  // From the keyboard, the place the last arrow key chose (keyboard.ts).
  const detectCollisions = useCallback<CollisionDetection>(
    (args) => keyboard.collisions() ?? collisionDetection(args),
    [keyboard, collisionDetection],
  );

  const titleOf = useCallback(
    (id: UniqueIdentifier) => tasks.get(String(id))?.title ?? '',
    [tasks],
  );
  // Where the card would land if dropped now. onDragOver has already moved it into the column it
  // is over; over another card of that column it takes that card's place (onDragEnd), over itself
  // or the column it stays where it is.
  const describeSpot = useCallback(
    (overId: UniqueIdentifier, activeTaskId: UniqueIdentifier) => {
      const cols = columnsRef.current;
      const status = findColumn(cols, String(activeTaskId));
      if (!status) return undefined;
      const list = cols[status];
      const overIndex = isStatus(overId) ? -1 : list.indexOf(String(overId));
      const index = overIndex >= 0 ? overIndex : list.indexOf(String(activeTaskId));
      return { column: t(`status.${status}`), position: index + 1, total: list.length };
    },
    [t],
  );
  // The first "over" of a drag is the card's own place, which the pick-up already announced.
  const pickedUp = useRef(false);

  const announcements = useMemo<Announcements>(
    () => ({
      onDragStart: ({ active }) =>
        t('board.dnd.picked', { title: titleOf(active.id), ...describeSpot(active.id, active.id) }),
      onDragOver: ({ active, over }) => {
        const first = pickedUp.current;
        pickedUp.current = false;
        if (first && over?.id === active.id) return undefined;
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

  const onDragStart = (event: DragStartEvent) => {
    snapshot.current = columnsRef.current;
    pickedUp.current = true;
    keyboard.begin(event);
    setActiveId(String(event.active.id));
  };

  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (!over) return;
    const id = String(active.id);
    const from = findColumn(columnsRef.current, id);
    const to = findColumn(columnsRef.current, String(over.id));
    if (!from || !to || from === to) return;
    // Entering another column: place the card where the pointer is (above or below that card);
    // from the keyboard, at the row it was on.
    let beforeId = isStatus(over.id) ? keyboard.beforeIdIn(over.id) : undefined;
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
    keyboard.end();
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
    keyboard.end();
    if (snapshot.current) {
      columnsRef.current = snapshot.current;
      setColumns(snapshot.current);
    }
    snapshot.current = undefined;
    setActiveId(undefined);
  };

  const addTask = async (status: Status, input: QuickAddInput) => {
    const first = columnsRef.current[status][0];
    const body = {
      title: input.title,
      status,
      ...(input.labels.length > 0 && { labels: input.labels }),
      ...(input.assigneeId && { assigneeId: input.assigneeId }),
      ...(input.priority && { priority: input.priority }),
      ...(input.due && { dueAt: fromDateInput(input.due) }),
    };
    // Quick-add puts the new card at the top of its column, where the user typed it: one write.
    // If that card has just left the column (someone else moved it), the end of it will do.
    const task = await tasksApi
      .create(project.id, { ...body, ...(first && { beforeId: first }) })
      .catch((error: unknown) => {
        if (first && error instanceof ApiError && error.code === 'VALIDATION_FAILED')
          return tasksApi.create(project.id, body);
        throw error;
      });
    setTasks((map) => new Map(map).set(task.id, task));
    const next = placeBefore(columnsRef.current, task.id, status, first);
    columnsRef.current = next;
    setColumns(next);
    toast.success(t('board.added', { title: task.title }));
  };

  // A card's title renamed in place: shown at once, saved with If-Match (the version the board
  // has); if refused, the old title is back with the reason, and a conflict re-reads the board.
  const tasksRef = useRef(tasks);
  useEffect(() => {
    tasksRef.current = tasks;
  }, [tasks]);
  const renameTask = useCallback(
    (id: string, title: string) => {
      const before = tasksRef.current.get(id);
      if (!before) return;
      setTasks((map) => new Map(map).set(id, { ...before, title }));
      tasksApi.update(id, { title }, `"${before.version}"`).then(
        (saved) => setTasks((map) => new Map(map).set(id, { ...before, ...saved.task })),
        (error: unknown) => {
          setTasks((map) => new Map(map).set(id, before));
          toast.error(
            t('board.renameFailed', { title: before.title, reason: describeError(error, t) }),
          );
          if (error instanceof ApiError && error.code === 'PRECONDITION_FAILED') reloadBoard();
        },
      );
    },
    [t, toast, reloadBoard],
  );

  const total = columns.todo.length + columns.in_progress.length + columns.done.length;
  const activeTask = activeId ? tasks.get(activeId) : undefined;

  return (
    <div className="board-page">
      <TaskFilters
        idPrefix="board-filter"
        searchId="board-filter"
        searchRef={filterRef}
        filter={filter}
        onChange={setParams}
        savedViews="board"
      />
      <div className="toolbar">
        <span className="muted toolbar-count" aria-live="polite">
          {filtered
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
        collisionDetection={detectCollisions}
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
              count={visible[status].length}
              tasks={tasks}
              canEdit={canEdit}
              inputRef={status === 'todo' ? quickAddRef : undefined}
              onAdd={addTask}
              onRename={renameTask}
              archive={
                status === 'done'
                  ? { count: columns.done.length, onArchived: reloadBoard }
                  : undefined
              }
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
