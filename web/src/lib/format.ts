// Display helpers: dates in the user's language, initials and stable avatar colours.
import type { Task } from '../api/types';

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** One of eight avatar tones (see .avatar-0 … .avatar-7 in styles/badges.css), stable for an id. */
export function avatarTone(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % 8;
}

// Building an Intl formatter costs far more than using one: a board formats hundreds of dates.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

const SHORT_DATE = { day: 'numeric', month: 'short', year: 'numeric' } as const;
const LONG_DATE = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } as const;
const TIME = { hour: 'numeric', minute: '2-digit' } as const;
const DATE_FORMATS: Record<string, Intl.DateTimeFormatOptions> = {
  date: SHORT_DATE,
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  /** A due date with its time: the short date and the hour, as on a card. */
  dueTime: { ...SHORT_DATE, ...TIME },
  /** Spelled out under the task page's due inputs: "viernes, 4 de diciembre de 2026". */
  longDate: LONG_DATE,
  longDateTime: { ...LONG_DATE, ...TIME },
};

function dateFormat(lang: string, kind: keyof typeof DATE_FORMATS): Intl.DateTimeFormat {
  const key = `${kind}:${lang}`;
  let format = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(lang, DATE_FORMATS[kind]);
    formatters.set(key, format);
  }
  return format;
}

function relativeFormat(lang: string): Intl.RelativeTimeFormat {
  const key = `relative:${lang}`;
  let format = formatters.get(key) as Intl.RelativeTimeFormat | undefined;
  if (!format) {
    format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    formatters.set(key, format);
  }
  return format;
}

export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(lang, 'date').format(date);
}

export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(lang, 'dateTime').format(date);
}

export function relativeTime(iso: string, lang: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = relativeFormat(lang);
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(seconds / 86400), 'day');
  return formatDate(iso, lang);
}

/*
 * Due dates with or without a time (issue 14). The API keeps one instant, `dueAt`. A due date
 * without a time is the end of that day, 23:59:59 (local time when set here — fromDateInput, also
 * used by quick-add — or UTC from a CSV import, csv-import.ts), as it always was: no data changes.
 * A due date with a time is that minute, seconds 0 (a time input has no seconds, see
 * fromDueInput). So the seconds tell them apart: :59 is a date alone, shown without a time and
 * overdue once its day is over; anything else is a time, shown, and overdue once it has passed
 * (isOverdue compares instants, so one rule serves both). Seconds rather than "23:59 local"
 * because they read the same in every time zone (offsets are whole minutes): a date-only task
 * stays date-only for someone in another zone. An API client's 17:00:59 reads as a date alone.
 */

/** Whether a due instant carries a time of day (see above); false for none. */
export function hasDueTime(iso: string | null | undefined): boolean {
  if (!iso) return false;
  const date = new Date(iso);
  return !Number.isNaN(date.getTime()) && date.getUTCSeconds() !== 59;
}

/** A due date as lists and cards show it: "Dec 4, 2026", or "Dec 4, 2026, 5:00 PM" with a time. */
export function formatDue(iso: string | null | undefined, lang: string): string {
  if (!hasDueTime(iso)) return formatDate(iso, lang);
  return dateFormat(lang, 'dueTime').format(new Date(iso!));
}

/** Spelled out: "viernes, 4 de diciembre de 2026", with ", 17:00" when it has a time. */
export function formatDueLong(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(lang, hasDueTime(iso) ? 'longDateTime' : 'longDate').format(date);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` (a date input's value) for an ISO instant, in the local time zone. */
export function toDateInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A due date alone is the end of that local day (23:59:59, see above). */
export function fromDateInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
  return date.toISOString();
}

/**
 * The task form's due value for an instant, local time: `YYYY-MM-DD` for a date alone,
 * `YYYY-MM-DDTHH:MM` (a datetime-local input's format) with a time; '' for none.
 */
export function toDueInput(iso: string | null | undefined): string {
  const date = toDateInput(iso);
  if (!date || !hasDueTime(iso)) return date;
  const at = new Date(iso!);
  return `${date}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/**
 * The instant of a toDueInput value: a time is that local minute, seconds 0 (seconds typed are
 * dropped: :59 would read as a date alone); null if none.
 */
export function fromDueInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value);
  if (!match) return fromDateInput(value);
  const [year, month, day, hours, minutes] = [1, 2, 3, 4, 5].map((i) => Number(match[i]));
  if (hours! > 23 || minutes! > 59) return null;
  return new Date(year!, month! - 1, day, hours, minutes, 0, 0).toISOString();
}

/** The date and the time (or '') of a toDueInput value, for the two inputs. */
export function splitDueInput(value: string): { date: string; time: string } {
  const [date = '', time = ''] = value.split('T');
  return { date, time };
}

/** A toDueInput value from the two inputs: no date, no due date (a time alone means nothing). */
export function joinDueInput(date: string, time: string): string {
  if (!date) return '';
  return time ? `${date}T${time}` : date;
}

/** "Due before D" means before the start of local day D. */
export function startOfDateInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).toISOString();
}

/** Past its due instant and not done: the end of the day for a date alone, else its time. */
export function isOverdue(task: Pick<Task, 'dueAt' | 'status'>, now = Date.now()): boolean {
  if (!task.dueAt || task.status === 'done') return false;
  return new Date(task.dueAt).getTime() < now;
}
