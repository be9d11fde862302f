// The calendar of due tasks (issue 14), for a project and for My work: a month (whole weeks) or a
// week, previous / next / today, the shown month or week in the URL (`?month=2026-12`,
// `?week=2026-12-07`). The tasks due in the days shown are read with `dueAfter` / `dueBefore`,
// every page of them. Dragging a task to another day (mouse, touch, or the keyboard on its
// handle) moves its due date there at the same time of day: shown at once, PATCHed with If-Match,
// put back with a message if the service refuses.
import {
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
  type DragStartEvent,
} from '@dnd-kit/core';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tasks as tasksApi } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import type { Page, Task } from '../../api/types';
import { ErrorState } from '../../components/States';
import { describeError } from '../../lib/errors';
import { useSearchParams } from '../../lib/router';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';
import { CalendarGrid } from './CalendarGrid';
import { CalendarTaskOverlay } from './CalendarTask';
import {
  addDays,
  addMonths,
  dayKey,
  dayLabel,
  dueDay,
  dueRange,
  inMonth,
  monthKey,
  monthOf,
  monthTitle,
  monthWeeks,
  moveDue,
  parseDay,
  parseMonth,
  rangeTitle,
  weekDays,
  weekStartOf,
} from './dates';
import { dayOfDrop, useDayKeyboard } from './keyboard';

export interface DueRange {
  dueAfter: string;
  dueBefore: string;
}

export interface CalendarSource {
  /** One page of the tasks due in the range. */
  page: (range: DueRange, cursor: string | undefined) => Promise<Page<Task>>;
  /** Whether the user may change the task's due date (not a viewer of its project). */
  canMove: (task: Task) => boolean;
  /** A second line per task in the week view (My work: the project). */
  detail?: (task: Task) => string | undefined;
}

const NONE: ReadonlySet<string> = new Set();

const byDue = (a: Task, b: Task) =>
  Date.parse(a.dueAt!) - Date.parse(b.dueAt!) || a.title.localeCompare(b.title);

export default function CalendarView({
  source,
  subscribe,
}: {
  source: CalendarSource;
  /** Calls back when the tasks may have changed (a project's live events); returns the unsubscribe. */
  subscribe?: (onChange: () => void) => () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const toast = useToast();
  const titleId = useId();
  const [params, setParams] = useSearchParams();

  // What is shown: the week of ?week=<a day of it>, else the month of ?month=, else this month.
  const weekStart = weekStartOf(lang);
  const today = dayKey(new Date());
  const weekParam = params.get('week');
  const weekOf = parseDay(weekParam) ? weekParam! : undefined;
  const scale = weekOf ? 'week' : 'month';
  const month = parseMonth(params.get('month')) ?? monthOf(new Date());
  const shownMonth = monthKey(month);
  const weeks = weekOf ? [weekDays(weekOf, weekStart)] : monthWeeks(month, weekStart);
  const days = weeks.flat();
  const daysRef = useRef(days);
  useEffect(() => {
    daysRef.current = days;
  });
  const range = dueRange(days);
  const rangeKey = `${range.dueAfter}/${range.dueBefore}`;

  const sourceRef = useRef(source);
  useEffect(() => {
    sourceRef.current = source;
  });
  const list = useAsync(async () => {
    const items: Task[] = [];
    let cursor: string | undefined;
    do {
      const page = await sourceRef.current.page(range, cursor);
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }, [rangeKey]);
  const { setData, reload } = list;

  // Changes by others: read again, but not under a task being dragged (after the drop).
  const dragging = useRef(false);
  const stale = useRef(false);
  useEffect(
    () =>
      subscribe?.(() => {
        if (dragging.current) stale.current = true;
        else reload();
      }),
    [subscribe, reload],
  );

  const tasks = list.data;
  const byId = useMemo(() => new Map((tasks ?? []).map((task) => [task.id, task])), [tasks]);
  const byIdRef = useRef(byId);
  useEffect(() => {
    byIdRef.current = byId;
  }, [byId]);
  const tasksByDay = useMemo(() => {
    const by = new Map<string, Task[]>();
    for (const task of tasks ?? []) {
      if (!task.dueAt) continue;
      const day = dueDay(task.dueAt);
      const list = by.get(day);
      if (list) list.push(task);
      else by.set(day, [task]);
    }
    for (const list of by.values()) list.sort(byDue);
    return by;
  }, [tasks]);

  // Days opened past "+N more", for the days shown.
  const [expanded, setExpanded] = useState<{ key: string; days: ReadonlySet<string> }>({
    key: '',
    days: NONE,
  });
  const onExpand = useCallback(
    (day: string, open: boolean) =>
      setExpanded((current) => {
        const next = new Set(current.key === rangeKey ? current.days : NONE);
        if (open) next.add(day);
        else next.delete(day);
        return { key: rangeKey, days: next };
      }),
    [rangeKey],
  );

  const go = (changes: Record<string, string | undefined>) =>
    setParams(changes, { replace: false });
  const step = (count: number) =>
    weekOf
      ? go({ week: addDays(days[0]!, 7 * count), month: undefined })
      : go({ month: monthKey(addMonths(month, count)), week: undefined });
  const goToday = () => go({ week: weekOf ? today : undefined, month: undefined });
  const showWeek = () =>
    go({ week: inMonth(today, month) ? today : `${shownMonth}-01`, month: undefined });
  // The month most of the week is in.
  const showMonth = () =>
    go({ month: monthKey(monthOf(parseDay(days[3] ?? days[0]!)!)), week: undefined });

  const title = weekOf ? rangeTitle(days[0]!, days.at(-1)!, lang) : monthTitle(month, lang);
  const outside = useCallback(
    (day: string) => !weekOf && !inMonth(day, parseMonth(shownMonth)!),
    [weekOf, shownMonth],
  );

  // Callers keep these stable (useMemo): the day cells re-render when they change.
  const { canMove, detail } = source;

  const move = async (task: Task, day: string) => {
    if (!task.dueAt) return;
    const dueAt = moveDue(task.dueAt, day);
    const put = (next: Task, when: (current: Task) => boolean) =>
      setData((items) =>
        (items ?? []).map((item) => (item.id === next.id && when(item) ? next : item)),
      );
    put({ ...task, dueAt }, () => true);
    try {
      const { task: saved } = await tasksApi.update(task.id, { dueAt }, `"${task.version}"`);
      put(saved, (current) => current.version <= saved.version);
    } catch (error) {
      // Back where it was, unless something newer has replaced it meanwhile.
      put(task, (current) => current.version === task.version && current.dueAt === dueAt);
      if (error instanceof ApiError && error.status === 412) {
        toast.error(t('calendar.conflict', { title: task.title }));
        reload();
      } else {
        toast.error(
          t('calendar.moveFailed', {
            title: task.title,
            date: dayLabel(dueDay(task.dueAt), lang),
            reason: describeError(error, t),
          }),
        );
      }
    }
  };

  const keyboard = useDayKeyboard(daysRef);
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboard.coordinateGetter }),
  );
  // From the keyboard, the day the last key chose; otherwise the day under the pointer.
  const collisionDetection = useCallback<CollisionDetection>(
    (args) => {
      const keyboardHit = keyboard.collisions();
      if (keyboardHit) return keyboardHit;
      const hits = pointerWithin(args);
      return hits.length > 0 ? hits : rectIntersection(args);
    },
    [keyboard],
  );

  const [activeId, setActiveId] = useState<string | undefined>(undefined);
  // The first "over" of a keyboard drag is the task's own day, which the pick-up announced.
  const pickedUp = useRef(false);
  const announcements = useMemo<Announcements>(() => {
    const taskOf = (id: string | number) => byIdRef.current.get(String(id));
    const titleOf = (id: string | number) => taskOf(id)?.title ?? '';
    const dayOf = (id: string | number) => {
      const due = taskOf(id)?.dueAt;
      return due ? dueDay(due) : undefined;
    };
    return {
      onDragStart: ({ active }) => {
        const day = dayOf(active.id);
        return t('calendar.dnd.picked', {
          title: titleOf(active.id),
          date: day ? dayLabel(day, lang) : '',
        });
      },
      onDragOver: ({ active, over }) => {
        const first = pickedUp.current;
        pickedUp.current = false;
        const day = dayOfDrop(over?.id);
        if (first && day === dayOf(active.id)) return undefined;
        return day
          ? t('calendar.dnd.over', { title: titleOf(active.id), date: dayLabel(day, lang) })
          : t('calendar.dnd.notOver', { title: titleOf(active.id) });
      },
      onDragEnd: ({ active, over }) => {
        const day = dayOfDrop(over?.id);
        if (!day) return t('calendar.dnd.cancelled', { title: titleOf(active.id) });
        // Read before the (optimistic) move is rendered: the day it was on.
        const key = day === dayOf(active.id) ? 'calendar.dnd.stayed' : 'calendar.dnd.dropped';
        return t(key, { title: titleOf(active.id), date: dayLabel(day, lang) });
      },
      onDragCancel: ({ active }) => t('calendar.dnd.cancelled', { title: titleOf(active.id) }),
    };
  }, [t, lang]);

  const finishDrag = () => {
    dragging.current = false;
    keyboard.end();
    setActiveId(undefined);
    if (stale.current) {
      stale.current = false;
      reload();
    }
  };
  const onDragStart = (event: DragStartEvent) => {
    dragging.current = true;
    pickedUp.current = true;
    const due = byId.get(String(event.active.id))?.dueAt;
    keyboard.begin(event, due ? dueDay(due) : undefined);
    setActiveId(String(event.active.id));
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const task = byId.get(String(active.id));
    const day = dayOfDrop(over?.id);
    finishDrag();
    if (task?.dueAt && day && dueDay(task.dueAt) !== day) void move(task, day);
  };

  const activeTask = activeId ? byId.get(activeId) : undefined;
  const count = tasks?.length ?? 0;
  return (
    <div className="calendar-view">
      <div className="calendar-toolbar">
        <div className="calendar-nav">
          <button type="button" className="button" onClick={goToday}>
            {t('calendar.today')}
          </button>
          <button
            type="button"
            className="button calendar-step"
            aria-label={t(weekOf ? 'calendar.previousWeek' : 'calendar.previousMonth')}
            onClick={() => step(-1)}
          >
            <span aria-hidden="true">‹</span>
          </button>
          <button
            type="button"
            className="button calendar-step"
            aria-label={t(weekOf ? 'calendar.nextWeek' : 'calendar.nextMonth')}
            onClick={() => step(1)}
          >
            <span aria-hidden="true">›</span>
          </button>
        </div>
        <h2 id={titleId} className="calendar-title" aria-live="polite">
          {title}
        </h2>
        <div className="segmented calendar-scale" role="group" aria-label={t('calendar.scale')}>
          <button
            type="button"
            className="segmented-button"
            aria-pressed={scale === 'month'}
            onClick={showMonth}
          >
            {t('calendar.month')}
          </button>
          <button
            type="button"
            className="segmented-button"
            aria-pressed={scale === 'week'}
            onClick={showWeek}
          >
            {t('calendar.week')}
          </button>
        </div>
      </div>
      <p className="muted calendar-status" role="status">
        {list.loading ? t('common.loading') : t('calendar.count', { count })}
      </p>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={reload} />}
      <DndContext
        sensors={sensors}
        collisionDetection={collisionDetection}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={finishDrag}
        accessibility={{
          announcements,
          screenReaderInstructions: { draggable: t('calendar.dnd.instructions') },
        }}
      >
        <CalendarGrid
          weeks={weeks}
          scale={scale}
          weekStart={weekStart}
          outside={outside}
          today={today}
          tasksByDay={tasksByDay}
          canMove={canMove}
          detail={detail}
          expanded={expanded.key === rangeKey ? expanded.days : NONE}
          onExpand={onExpand}
          titleId={titleId}
          busy={list.loading}
          t={t}
          lang={lang}
        />
        <DragOverlay dropAnimation={null}>
          {activeTask ? (
            <CalendarTaskOverlay
              task={activeTask}
              detail={scale === 'week' ? detail?.(activeTask) : undefined}
              t={t}
              lang={lang}
            />
          ) : null}
        </DragOverlay>
      </DndContext>
    </div>
  );
}
