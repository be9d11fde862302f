// A loaded board: the project's columns with their tasks, the filters (the list's, in the URL),
// drag and drop with its screen-reader announcements, optimistic moves with rollback, quick-add,
// WIP-limit warnings, and the column menus of editors (ColumnActions.tsx).
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
  type DragMoveEvent,
  type DragOverEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { tasks as tasksApi } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import type { Column as ColumnData, Task } from '../../api/types';
import { Icon } from '../../components/Icon';
import { TaskFilters } from '../../components/TaskFilters';
import {
  cardCount,
  columnName,
  droppedColumn,
  dropTargetOf,
  filterColumns,
  findColumn,
  isColumnDrop,
  overLimit,
  placeBefore,
  placementOf,
  samePlacement,
  sameDropTarget,
  toColumns,
  type Columns,
  type DropTarget,
} from '../../lib/board';
import { loadBoard, type BoardData } from '../../lib/boardData';
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
import { AddColumn, ColumnActions } from './ColumnActions';
import { useKeyboardMoves } from './keyboard';

export function Board({ initial }: { initial: BoardData }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, canEdit } = useProject();
  const [tasks, setTasks] = useState<Map<string, Task>>(
    () => new Map(initial.tasks.map((task) => [task.id, task])),
  );
  // The columns themselves (name, category, WIP limit, colour), in board order; `columns` holds
  // their cards.
  const [layout, setLayout] = useState<ColumnData[]>(initial.columns);
  const [columns, setColumns] = useState<Columns>(() => toColumns(initial.columns, initial.tasks));
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
  const layoutRef = useRef(layout);
  useEffect(() => {
    layoutRef.current = layout;
  }, [layout]);
  const statusName = useCallback((status: ColumnData['category']) => t(`status.${status}`), [t]);
  const nameOf = useCallback((column: ColumnData) => columnName(column, statusName), [statusName]);
  /** The name of the column with this id, as its heading shows it. */
  const nameOfId = useCallback(
    (columnId: string) => {
      const column = layoutRef.current.find((c) => c.id === columnId);
      return column ? nameOf(column) : '';
    },
    [nameOf],
  );

  // The benchmark (bench/web) reads this mark: the first paint of a loaded board.
  useEffect(() => {
    performance.mark('tm:board-rendered');
    boardRef.current?.setAttribute('data-ready', 'true');
  }, []);

  useShortcut('/', () => filterRef.current?.focus());
  useShortcut('n', () => quickAddRef.current?.focus(), canEdit);
  useScreenAction('newTask', () => quickAddRef.current?.focus(), canEdit);

  // `n` on the list view comes here with ?new=1: open the quick-add of the first "to do" column.
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
    loadBoard(project.id).then(
      (board) => {
        if (snapshot.current) {
          liveChanged.current = new Set([...(liveChanged.current ?? []), ...changed]);
          return;
        }
        setTasks(new Map(board.tasks.map((task) => [task.id, task])));
        const next = toColumns(board.columns, board.tasks);
        columnsRef.current = next;
        setColumns(next);
        layoutRef.current = board.columns;
        setLayout(board.columns);
        setFlashed(changed);
      },
      () => undefined,
    );
  }, [project.id]);
  // After an action of this user that moved many tasks at once (a column archived), or changed
  // the columns.
  const reloadBoard = useCallback(() => {
    liveChanged.current ??= new Set();
    refreshLive();
  }, [refreshLive]);
  useLiveEvents((event) => {
    // A column added, changed or deleted: the columns and their tasks are read again.
    if (!isTaskEvent(event) && event.type !== 'reset' && !event.type.startsWith('column.')) return;
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
    return filterColumns(columns, keep);
    // filterKey stands for `filter`, a new object on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [columns, tasks, filterKey]);

  const visibleRef = useRef(visible);
  useEffect(() => {
    visibleRef.current = visible;
  }, [visible]);

  // A card held by the pointer (mouse, touch) over another column stays in its own until it is
  // dropped; a line shows where it would go (`dropTarget`). Moving it into the other column while
  // dragging re-rendered and re-measured both columns' cards: one frame of ~0.5 s on a 2,000-task
  // board (bench/README.md). The keyboard moves it at each arrow key: one step, no frames to keep.
  const [dropTarget, setDropTarget] = useState<DropTarget | undefined>(undefined);
  const dropRef = useRef<DropTarget | undefined>(undefined);
  const byKeyboard = useRef(false);
  const aim = (target: DropTarget | undefined) => {
    if (sameDropTarget(dropRef.current, target)) return;
    dropRef.current = target;
    setDropTarget(target);
  };
  /** Where a pointer drag over `over` would land in another column (its own: undefined). */
  const pointerTarget = ({ active, over }: DragMoveEvent) => {
    if (!over) return undefined;
    const translated = active.rect.current.translated;
    // The held card's middle past the middle of the card under it: after that card.
    const below =
      !!translated && translated.top + translated.height / 2 > over.rect.top + over.rect.height / 2;
    return dropTargetOf(visibleRef.current, String(active.id), String(over.id), below);
  };

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
    const card = hits.find((hit) => !isColumnDrop(hit.id));
    if (card) return [card];
    const column = hits.find((hit) => isColumnDrop(hit.id));
    const columnId = column && droppedColumn(column.id);
    if (column && columnId !== undefined) {
      const ids = new Set<UniqueIdentifier>(columnsRef.current.cards[columnId]);
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
  // Where the card would land if dropped now. Held by the pointer over another column: the place
  // its line shows (onDragOver has just set it). From the keyboard, onDragOver has already moved
  // it into the column it is over. In its column, over another card it takes that card's place
  // (onDragEnd); over itself or the column it stays where it is.
  const describeSpot = useCallback(
    (overId: UniqueIdentifier, activeTaskId: UniqueIdentifier) => {
      const cols = columnsRef.current;
      const target = dropRef.current;
      if (target) {
        const list = cols.cards[target.columnId] ?? [];
        const index = target.beforeId ? list.indexOf(target.beforeId) : -1;
        return {
          column: nameOfId(target.columnId),
          position: (index >= 0 ? index : list.length) + 1,
          total: list.length + 1,
        };
      }
      const columnId = findColumn(cols, String(activeTaskId));
      if (!columnId) return undefined;
      const list = cols.cards[columnId] ?? [];
      const overIndex = isColumnDrop(overId) ? -1 : list.indexOf(String(overId));
      const index = overIndex >= 0 ? overIndex : list.indexOf(String(activeTaskId));
      return { column: nameOfId(columnId), position: index + 1, total: list.length };
    },
    [nameOfId],
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
          column: nameOfId(place.columnId),
          position: place.index + 1,
        });
      },
      onDragCancel: ({ active }) => t('board.dnd.cancelled', { title: titleOf(active.id) }),
    }),
    [t, titleOf, describeSpot, nameOfId],
  );

  const onDragStart = (event: DragStartEvent) => {
    snapshot.current = columnsRef.current;
    pickedUp.current = true;
    byKeyboard.current = event.activatorEvent instanceof KeyboardEvent;
    aim(undefined);
    keyboard.begin(event);
    setActiveId(String(event.active.id));
  };

  // The pointer: the line follows it (onDragMove too: from one half of a card to the other).
  const onDragMove = (event: DragMoveEvent) => {
    if (!byKeyboard.current) aim(pointerTarget(event));
  };

  const onDragOver = (event: DragOverEvent) => {
    if (!byKeyboard.current) {
      aim(pointerTarget(event));
      return;
    }
    const { active, over } = event;
    if (!over) return;
    const id = String(active.id);
    const from = findColumn(columnsRef.current, id);
    const to = findColumn(columnsRef.current, String(over.id));
    if (!from || !to || from === to) return;
    // Entering another column from the keyboard: at the row the card was on.
    const overColumn = droppedColumn(over.id);
    const beforeId = overColumn !== undefined ? keyboard.beforeIdIn(overColumn) : undefined;
    const next = placeBefore(columnsRef.current, id, to, beforeId);
    columnsRef.current = next;
    setColumns(next);
  };

  const warnOverLimit = (columnId: string) => {
    const column = layoutRef.current.find((c) => c.id === columnId);
    const count = columnsRef.current.cards[columnId]?.length ?? 0;
    if (column && overLimit(count, column.wipLimit))
      toast.warning(
        t('columns.overLimitToast', { column: nameOf(column), count, limit: column.wipLimit }),
      );
  };

  const commitMove = async (id: string, before: Columns, after: Columns) => {
    const from = placementOf(before, id);
    const to = placementOf(after, id);
    if (!to || !from || samePlacement(from, to)) return;
    const task = tasks.get(id);
    const target = layoutRef.current.find((column) => column.id === to.columnId);
    setTasks((map) => {
      const current = map.get(id);
      if (!current || !target) return map;
      return new Map(map).set(id, { ...current, columnId: target.id, status: target.category });
    });
    try {
      const saved = await tasksApi.move(id, to.columnId, to.beforeId);
      setTasks((map) => new Map(map).set(id, { ...(map.get(id) as Task), ...saved }));
      // Allowed, but said: the column now holds more than its limit.
      if (from.columnId !== to.columnId) warnOverLimit(to.columnId);
    } catch (error) {
      // Put just this card back where it was; other moves made meanwhile stay.
      const rolledBack = placeBefore(columnsRef.current, id, from.columnId, from.beforeId);
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
    const target = dropRef.current;
    snapshot.current = undefined;
    keyboard.end();
    aim(undefined);
    setActiveId(undefined);
    let after = columnsRef.current;
    if (over && target) {
      // Let go over another column: the card goes where its line was.
      after = placeBefore(after, id, target.columnId, target.beforeId);
    } else if (over) {
      const container = findColumn(after, id);
      const overContainer = findColumn(after, String(over.id));
      if (container && container === overContainer && !isColumnDrop(over.id) && over.id !== id) {
        const list = after.cards[container] ?? [];
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
    aim(undefined);
    if (snapshot.current) {
      columnsRef.current = snapshot.current;
      setColumns(snapshot.current);
    }
    snapshot.current = undefined;
    setActiveId(undefined);
  };

  const addTask = async (columnId: string, input: QuickAddInput) => {
    const first = columnsRef.current.cards[columnId]?.[0];
    const body = {
      title: input.title,
      columnId,
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
    const next = placeBefore(columnsRef.current, task.id, columnId, first);
    columnsRef.current = next;
    setColumns(next);
    toast.success(t('board.added', { title: task.title }));
    warnOverLimit(columnId);
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

  const total = cardCount(columns);
  const activeTask = activeId ? tasks.get(activeId) : undefined;
  // Quick-add's shortcut goes to the first column of the "to do" category.
  const quickAddColumn = (layout.find((column) => column.category === 'todo') ?? layout[0])?.id;

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
            ? t('board.showing', { count: cardCount(visible), total })
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
        onDragMove={onDragMove}
        onDragOver={onDragOver}
        onDragEnd={onDragEnd}
        onDragCancel={onDragCancel}
        accessibility={{
          announcements,
          screenReaderInstructions: { draggable: t('board.dnd.instructions') },
        }}
      >
        <div
          className="board"
          ref={boardRef}
          data-testid="board"
          style={{ '--board-columns': layout.length } as CSSProperties}
        >
          {layout.map((column) => {
            const name = nameOf(column);
            const count = columns.cards[column.id]?.length ?? 0;
            return (
              <Column
                key={column.id}
                column={column}
                name={name}
                ids={visible.cards[column.id] ?? []}
                total={count}
                drop={dropTarget?.columnId === column.id ? dropTarget : undefined}
                tasks={tasks}
                canEdit={canEdit}
                inputRef={column.id === quickAddColumn ? quickAddRef : undefined}
                onAdd={addTask}
                onRename={renameTask}
                archive={column.category === 'done' ? { onArchived: reloadBoard } : undefined}
                actions={
                  canEdit ? (
                    <ColumnActions
                      column={column}
                      name={name}
                      layout={layout}
                      nameOf={nameOf}
                      total={count}
                      onChanged={reloadBoard}
                    />
                  ) : undefined
                }
              />
            );
          })}
          {canEdit && <AddColumn onAdded={reloadBoard} />}
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
