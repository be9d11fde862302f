// The calendar's date math, on the browser's local calendar: a day is a `YYYY-MM-DD` key (as a
// date input's value), a month `YYYY-MM`. Pure functions, no React (dates.test.ts).
import { toDateInput } from '../../lib/format';

/** 0 Sunday … 6 Saturday: the weekday a week starts on. */
export type WeekStart = 0 | 1;

/** Weeks start on Monday in Spanish (and most of Europe), on Sunday in (US) English. */
export function weekStartOf(lang: string): WeekStart {
  return lang.toLowerCase().startsWith('en') ? 0 : 1;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The key of a local date. */
export const dayKey = (date: Date): string =>
  `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** The local date (midnight) of a key; undefined for anything else, or a day no month has. */
export function parseDay(key: string | null | undefined): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key ?? '');
  if (!match) return undefined;
  const [year, month, day] = [1, 2, 3].map((i) => Number(match[i])) as [number, number, number];
  const date = new Date(year, month - 1, day);
  return date.getMonth() === month - 1 && date.getDate() === day ? date : undefined;
}

export interface Month {
  year: number;
  /** 0 January … 11 December, as Date counts them. */
  month: number;
}

export const monthKey = ({ year, month }: Month): string => `${year}-${pad(month + 1)}`;

/** `2026-12` → December 2026; undefined for anything else. */
export function parseMonth(key: string | null | undefined): Month | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(key ?? '');
  if (!match) return undefined;
  const month = Number(match[2]) - 1;
  return month >= 0 && month <= 11 ? { year: Number(match[1]), month } : undefined;
}

export const monthOf = (date: Date): Month => ({
  year: date.getFullYear(),
  month: date.getMonth(),
});

export function addMonths({ year, month }: Month, count: number): Month {
  const date = new Date(year, month + count, 1);
  return monthOf(date);
}

/** The key `count` days after (before, if negative) a day's key. */
export function addDays(key: string, count: number): string {
  const date = parseDay(key);
  if (!date) throw new Error(`not a day: ${key}`);
  // Dates, not 24-hour steps: a day with a daylight-saving change is 23 or 25 hours long.
  return dayKey(new Date(date.getFullYear(), date.getMonth(), date.getDate() + count));
}

/** The first day of the week holding `key`. */
export function startOfWeek(key: string, weekStart: WeekStart): string {
  const date = parseDay(key);
  if (!date) throw new Error(`not a day: ${key}`);
  return addDays(key, -((date.getDay() - weekStart + 7) % 7));
}

/** The seven days of the week holding `key`, from its first. */
export function weekDays(key: string, weekStart: WeekStart): string[] {
  const first = startOfWeek(key, weekStart);
  return Array.from({ length: 7 }, (_, i) => addDays(first, i));
}

/**
 * The month as the grid shows it: whole weeks (4 to 6), from the week holding the 1st to the week
 * holding the last day, so the first and last rows carry days of the months around it.
 */
export function monthWeeks(month: Month, weekStart: WeekStart): string[][] {
  const first = dayKey(new Date(month.year, month.month, 1));
  const last = dayKey(new Date(month.year, month.month + 1, 0));
  const weeks: string[][] = [];
  for (let day = startOfWeek(first, weekStart); day <= last; day = addDays(day, 7)) {
    weeks.push(weekDays(day, weekStart));
  }
  return weeks;
}

/** Whether a day's key lies in the month. */
export const inMonth = (key: string, month: Month): boolean =>
  key.startsWith(`${monthKey(month)}-`);

/**
 * The instants of the API's filter for the days shown: due at or after the start of the first
 * day (`dueAfter`) and strictly before the start of the day after the last (`dueBefore`).
 */
export function dueRange(days: readonly string[]): { dueAfter: string; dueBefore: string } {
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) throw new Error('no days');
  return {
    dueAfter: parseDay(first)!.toISOString(),
    dueBefore: parseDay(addDays(last, 1))!.toISOString(),
  };
}

/** The local day a due instant falls on. */
export const dueDay = (iso: string): string => toDateInput(iso);

/**
 * The due instant moved to another local day at the same local time of day: a date alone
 * (23:59:59, see lib/format.ts) stays a date alone, a time stays that time.
 */
export function moveDue(iso: string, toDay: string): string {
  const from = new Date(iso);
  const day = parseDay(toDay);
  if (Number.isNaN(from.getTime()) || !day) throw new Error(`cannot move ${iso} to ${toDay}`);
  return new Date(
    day.getFullYear(),
    day.getMonth(),
    day.getDate(),
    from.getHours(),
    from.getMinutes(),
    from.getSeconds(),
    from.getMilliseconds(),
  ).toISOString();
}

/** The day `count` keyboard steps from `key` among `days` (the days shown), or undefined. */
export function stepDay(days: readonly string[], key: string, count: number): string | undefined {
  const index = days.indexOf(key);
  if (index < 0) return undefined;
  return days[index + count];
}

// Names from Intl in the app's language. Formatters are cached: a grid formats dozens of days.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}:${JSON.stringify(options)}`;
  let value = formats.get(key);
  if (!value) {
    value = new Intl.DateTimeFormat(lang, options);
    formats.set(key, value);
  }
  return value;
}

/** The first letter upper-cased ("diciembre de 2026" → "Diciembre de 2026") for a title. */
const capitalize = (text: string, lang: string) =>
  text.charAt(0).toLocaleUpperCase(lang) + text.slice(1);

/** The seven weekday names from the week's first, "Mon" … (short) or "Monday" … (long). */
export function weekdayNames(
  lang: string,
  weekStart: WeekStart,
  width: 'short' | 'long',
): string[] {
  const names = format(lang, { weekday: width });
  // 2 January 2022 was a Sunday.
  return Array.from({ length: 7 }, (_, i) =>
    capitalize(names.format(new Date(2022, 0, 2 + weekStart + i)), lang),
  );
}

/** "December 2026", "Diciembre de 2026". */
export function monthTitle(month: Month, lang: string): string {
  const text = format(lang, { month: 'long', year: 'numeric' }).format(
    new Date(month.year, month.month, 1),
  );
  return capitalize(text, lang);
}

/** "Dec 6 – 12, 2026", "7–13 dic 2026": the first and last day of a week. */
export function rangeTitle(first: string, last: string, lang: string): string {
  const formatter = format(lang, { day: 'numeric', month: 'short', year: 'numeric' });
  return formatter.formatRange(parseDay(first)!, parseDay(last)!);
}

/** "Monday, December 7, 2026", "lunes, 7 de diciembre de 2026". */
export function dayLabel(key: string, lang: string): string {
  return format(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    parseDay(key),
  );
}

/** "5:00 PM", "17:00": a due time as a day cell shows it. */
export function timeOfDay(iso: string, lang: string): string {
  return format(lang, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}
