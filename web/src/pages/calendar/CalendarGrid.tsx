// The days shown, as a table: a column per weekday (headers from Intl, in the week's order for the
// language), a row per week; each day cell is named by its full date, lists the tasks due that
// day and takes a dropped task. A month shows a few tasks per day and "+N more" for the rest.
import { useDroppable } from '@dnd-kit/core';
import type { TFunction } from 'i18next';
import { memo } from 'react';
import type { Task } from '../../api/types';
import { CalendarTask } from './CalendarTask';
import { dayLabel, parseDay, weekdayNames, type WeekStart } from './dates';
import { dropId } from './keyboard';

/** In a month, the tasks a day shows before "+N more". */
export const MONTH_LIMIT = 3;

export interface GridProps {
  weeks: string[][];
  scale: 'month' | 'week';
  weekStart: WeekStart;
  /** Days outside the month (the grid's first and last weeks); none in a week. */
  outside: (day: string) => boolean;
  today: string;
  tasksByDay: Map<string, Task[]>;
  canMove: (task: Task) => boolean;
  detail: ((task: Task) => string | undefined) | undefined;
  expanded: ReadonlySet<string>;
  onExpand: (day: string, open: boolean) => void;
  titleId: string;
  busy: boolean;
  t: TFunction;
  lang: string;
}

export function CalendarGrid(props: GridProps) {
  const { weeks, scale, weekStart, titleId, busy, lang } = props;
  const short = weekdayNames(lang, weekStart, 'short');
  const long = weekdayNames(lang, weekStart, 'long');
  return (
    <table
      className={`calendar calendar-${scale}`}
      aria-labelledby={titleId}
      aria-busy={busy || undefined}
    >
      <thead>
        <tr>
          {long.map((name, i) => (
            <th key={name} scope="col">
              <span aria-hidden="true">{short[i]}</span>
              <span className="visually-hidden">{name}</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]}>
            {week.map((day, i) => (
              <DayCell
                key={day}
                day={day}
                weekday={short[i] ?? ''}
                tasks={props.tasksByDay.get(day)}
                outside={props.outside(day)}
                isToday={day === props.today}
                expanded={props.expanded.has(day)}
                limit={scale === 'month' ? MONTH_LIMIT : Infinity}
                canMove={props.canMove}
                detail={props.detail}
                onExpand={props.onExpand}
                scale={scale}
                t={props.t}
                lang={lang}
              />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface DayProps {
  day: string;
  weekday: string;
  tasks: Task[] | undefined;
  outside: boolean;
  isToday: boolean;
  expanded: boolean;
  limit: number;
  canMove: (task: Task) => boolean;
  detail: ((task: Task) => string | undefined) | undefined;
  onExpand: (day: string, open: boolean) => void;
  scale: 'month' | 'week';
  t: TFunction;
  lang: string;
}

const DayCell = memo(function DayCell({
  day,
  weekday,
  tasks = [],
  outside,
  isToday,
  expanded,
  limit,
  canMove,
  detail,
  onExpand,
  scale,
  t,
  lang,
}: DayProps) {
  const { setNodeRef, isOver } = useDroppable({ id: dropId(day) });
  const label = dayLabel(day, lang);
  // "+N more" stands for at least two tasks: one more would fit where the button goes.
  const collapsible = tasks.length > limit + 1;
  const cut = collapsible && !expanded ? limit : tasks.length;
  const hidden = tasks.length - cut;
  const classes = [
    'calendar-day',
    outside && 'calendar-outside',
    isToday && 'calendar-today',
    isOver && 'calendar-over',
    tasks.length === 0 && 'calendar-empty',
  ];
  return (
    <td
      ref={setNodeRef}
      className={classes.filter(Boolean).join(' ')}
      aria-label={label}
      aria-current={isToday ? 'date' : undefined}
    >
      <div className="calendar-day-head" aria-hidden="true">
        <span className="calendar-day-weekday">{weekday}</span>
        <span className="calendar-day-number">{parseDay(day)!.getDate()}</span>
        {isToday && <span className="calendar-day-today">{t('calendar.today')}</span>}
      </div>
      {tasks.length > 0 && (
        <ul className="calendar-tasks">
          {tasks.slice(0, cut).map((task) => (
            <CalendarTask
              key={task.id}
              task={task}
              canMove={canMove(task)}
              detail={scale === 'week' ? detail?.(task) : undefined}
              t={t}
              lang={lang}
            />
          ))}
        </ul>
      )}
      {collapsible && (
        <button
          type="button"
          className="calendar-more"
          aria-expanded={expanded}
          onClick={() => onExpand(day, !expanded)}
        >
          {expanded ? (
            t('calendar.fewer')
          ) : (
            <>
              {t('calendar.more', { count: hidden })}
              <span className="visually-hidden"> {t('calendar.moreOn', { date: label })}</span>
            </>
          )}
        </button>
      )}
    </td>
  );
});
