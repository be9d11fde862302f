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

function dateFormat(lang: string, kind: 'date' | 'dateTime'): Intl.DateTimeFormat {
  const key = `${kind}:${lang}`;
  let format = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(
      lang,
      kind === 'date'
        ? { day: 'numeric', month: 'short', year: 'numeric' }
        : { dateStyle: 'medium', timeStyle: 'short' },
    );
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

/** `YYYY-MM-DD` (a date input's value) for an ISO instant, in the local time zone. */
export function toDateInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A due date is the end of that local day. */
export function fromDateInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
  return date.toISOString();
}

/** "Due before D" means before the start of local day D. */
export function startOfDateInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).toISOString();
}

export function isOverdue(task: Pick<Task, 'dueAt' | 'status'>, now = Date.now()): boolean {
  if (!task.dueAt || task.status === 'done') return false;
  return new Date(task.dueAt).getTime() < now;
}
