// Quick-add's little language: `Fix login #bug @olivia !high due friday` is the task "Fix login"
// with the label "bug", assigned to Olivia, high priority, due next Friday (docs/ui.md). What is
// not recognized (an unknown label or person, a date it cannot read) stays in the title, so
// nothing typed is ever lost; the chips under the field show what was understood.
import type { Priority } from '../api/types';

export interface QuickAddPeople {
  userId: string;
  name: string;
  email: string;
}

export interface QuickAddContext {
  labels: readonly { id: string; name: string }[];
  members: readonly QuickAddPeople[];
  /** Today, local time: "due friday" counts from it. */
  today: Date;
}

export type QuickAddChip =
  | { kind: 'label'; id: string; name: string }
  | { kind: 'assignee'; id: string; name: string }
  | { kind: 'priority'; priority: Priority }
  | { kind: 'due'; date: string };

export interface QuickAdd {
  title: string;
  labels: string[];
  assigneeId?: string;
  priority?: Priority;
  /** The due date as `YYYY-MM-DD` (local); the caller turns it into the end of that day. */
  due?: string;
  chips: QuickAddChip[];
}

const PRIORITY_WORDS: Record<string, Priority> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  urgent: 'urgent',
  baja: 'low',
  media: 'medium',
  alta: 'high',
  urgente: 'urgent',
};

/** Words that introduce a date, in English and Spanish. */
const DUE_WORDS = new Set(['due', 'para', 'vence']);

/** Weekday numbers as Date.getDay() counts them, Sunday 0. */
const WEEKDAYS: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  domingo: 0,
  lunes: 1,
  martes: 2,
  miercoles: 3,
  jueves: 4,
  viernes: 5,
  sabado: 6,
};

/** Lower case without accents: "Miércoles" and "miercoles" are one word. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const pad = (n: number) => String(n).padStart(2, '0');
const dateInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** `today`, `tomorrow`, a weekday (the next one, never today) or `YYYY-MM-DD`; else undefined. */
export function parseDueWord(word: string, today: Date): string | undefined {
  const w = fold(word);
  const day = (offset: number) =>
    dateInput(new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset));
  if (w === 'today' || w === 'hoy') return day(0);
  if (w === 'tomorrow' || w === 'manana') return day(1);
  const weekday = WEEKDAYS[w];
  if (weekday !== undefined) return day(((weekday - today.getDay() + 6) % 7) + 1);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(w);
  if (iso) {
    const d = new Date(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
    // 2026-02-30 rolls over to March in Date: not a date.
    return dateInput(d) === w ? w : undefined;
  }
  return undefined;
}

/** A label by its name, spaces written as hyphens or not: `#needs-review`, `#bug`. */
function findLabel(word: string, labels: QuickAddContext['labels']) {
  const w = fold(word);
  return labels.find((l) => fold(l.name) === w || fold(l.name).replace(/\s+/g, '-') === w);
}

/** A member by first name, whole name without spaces or email's local part, when only one fits. */
function findMember(word: string, members: QuickAddContext['members']) {
  const w = fold(word);
  const fits = members.filter((m) => {
    const name = fold(m.name);
    return (
      name.split(/\s+/)[0] === w ||
      name.replace(/\s+/g, '') === w ||
      fold(m.email.split('@')[0] ?? '') === w
    );
  });
  return fits.length === 1 ? fits[0] : undefined;
}

export function parseQuickAdd(text: string, context: QuickAddContext): QuickAdd {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  const result: QuickAdd = { title: '', labels: [], chips: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const rest = word.slice(1);
    if (word.startsWith('#') && rest) {
      const label = findLabel(rest, context.labels);
      if (label && !result.labels.includes(label.id)) {
        result.labels.push(label.id);
        result.chips.push({ kind: 'label', id: label.id, name: label.name });
        continue;
      }
    } else if (word.startsWith('@') && rest && result.assigneeId === undefined) {
      const member = findMember(rest, context.members);
      if (member) {
        result.assigneeId = member.userId;
        result.chips.push({ kind: 'assignee', id: member.userId, name: member.name });
        continue;
      }
    } else if (word.startsWith('!') && result.priority === undefined) {
      const priority = PRIORITY_WORDS[fold(rest)];
      if (priority) {
        result.priority = priority;
        result.chips.push({ kind: 'priority', priority });
        continue;
      }
    } else if (DUE_WORDS.has(fold(word)) && result.due === undefined && i + 1 < words.length) {
      const due = parseDueWord(words[i + 1]!, context.today);
      if (due) {
        result.due = due;
        result.chips.push({ kind: 'due', date: due });
        i += 1;
        continue;
      }
    }
    kept.push(word);
  }
  result.title = kept.join(' ');
  return result;
}
