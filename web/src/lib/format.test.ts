import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDue,
  formatDueLong,
  fromDateInput,
  fromDueInput,
  hasDueTime,
  isOverdue,
  joinDueInput,
  splitDueInput,
  toDueInput,
} from './format';

// Local time, as the task page's inputs read it: Friday 4 December 2026.
const dateOnly = new Date(2026, 11, 4, 23, 59, 59).toISOString();
const atFive = new Date(2026, 11, 4, 17, 0).toISOString();
/** One space for ICU's narrow and no-break spaces ("5:00 PM"). */
const spaces = (text: string) => text.replace(/\s+/g, ' ');

describe('due dates with or without a time', () => {
  it('keeps a date alone at the end of the local day, as before', () => {
    expect(fromDateInput('2026-12-04')).toBe(dateOnly);
    expect(fromDueInput('2026-12-04')).toBe(dateOnly);
    expect(hasDueTime(dateOnly)).toBe(false);
    expect(toDueInput(dateOnly)).toBe('2026-12-04');
  });

  it('keeps a time as that local minute, seconds 0', () => {
    expect(fromDueInput('2026-12-04T17:00')).toBe(atFive);
    expect(hasDueTime(atFive)).toBe(true);
    expect(toDueInput(atFive)).toBe('2026-12-04T17:00');
    // Seconds are dropped: :59 would read as a date alone.
    expect(fromDueInput('2026-12-04T17:00:59')).toBe(atFive);
    // 23:59 is a time too, a minute before the end of the day.
    const lastMinute = fromDueInput('2026-12-04T23:59');
    expect(hasDueTime(lastMinute)).toBe(true);
    expect(toDueInput(lastMinute)).toBe('2026-12-04T23:59');
    expect(toDueInput(fromDueInput('2026-12-04T00:00'))).toBe('2026-12-04T00:00');
  });

  it('reads the end of a day in another time zone (a CSV import’s UTC one) as a date alone', () => {
    expect(hasDueTime('2026-12-04T23:59:59Z')).toBe(false);
    expect(hasDueTime('2030-05-06T21:59:59.000Z')).toBe(false);
    expect(hasDueTime('2026-12-04T16:00:00.000Z')).toBe(true);
    expect(hasDueTime(null)).toBe(false);
    expect(hasDueTime('not a date')).toBe(false);
  });

  it('refuses what is not a due value', () => {
    expect(fromDueInput('')).toBeNull();
    expect(fromDueInput('2026-12-04T25:00')).toBeNull();
    expect(fromDueInput('friday')).toBeNull();
    expect(toDueInput(null)).toBe('');
  });

  it('splits the value for the two inputs and joins it back; a time needs a date', () => {
    expect(splitDueInput('2026-12-04T17:00')).toEqual({ date: '2026-12-04', time: '17:00' });
    expect(splitDueInput('2026-12-04')).toEqual({ date: '2026-12-04', time: '' });
    expect(splitDueInput('')).toEqual({ date: '', time: '' });
    expect(joinDueInput('2026-12-04', '17:00')).toBe('2026-12-04T17:00');
    expect(joinDueInput('2026-12-04', '')).toBe('2026-12-04');
    expect(joinDueInput('', '17:00')).toBe('');
  });

  it('shows the time only when there is one, in the app’s language', () => {
    expect(formatDue(dateOnly, 'en')).toBe(formatDate(dateOnly, 'en'));
    expect(formatDue(dateOnly, 'en')).toBe('Dec 4, 2026');
    expect(spaces(formatDue(atFive, 'en'))).toBe('Dec 4, 2026, 5:00 PM');
    expect(spaces(formatDue(atFive, 'es'))).toBe('4 dic 2026, 17:00');
    expect(formatDue(null, 'en')).toBe('');
  });

  it('spells the date out for the task page', () => {
    expect(formatDueLong(dateOnly, 'en')).toBe('Friday, December 4, 2026');
    expect(formatDueLong(dateOnly, 'es')).toBe('viernes, 4 de diciembre de 2026');
    expect(spaces(formatDueLong(atFive, 'en'))).toMatch(
      /^Friday, December 4, 2026,? (at )?5:00 PM$/,
    );
    expect(spaces(formatDueLong(atFive, 'es'))).toBe('viernes, 4 de diciembre de 2026, 17:00');
    expect(formatDueLong('', 'es')).toBe('');
  });

  it('is overdue once the moment has passed: the end of the day for a date alone', () => {
    const open = { status: 'todo' as const };
    const justAfterFive = new Date(2026, 11, 4, 17, 0, 1).getTime();
    expect(isOverdue({ ...open, dueAt: atFive }, justAfterFive)).toBe(true);
    expect(isOverdue({ ...open, dueAt: atFive }, new Date(2026, 11, 4, 16, 59).getTime())).toBe(
      false,
    );
    expect(isOverdue({ ...open, dueAt: dateOnly }, justAfterFive)).toBe(false);
    expect(isOverdue({ ...open, dueAt: dateOnly }, new Date(2026, 11, 5).getTime())).toBe(true);
    expect(isOverdue({ status: 'done', dueAt: atFive }, justAfterFive)).toBe(false);
  });
});
