import { describe, expect, it } from 'vitest';
import { fromDateInput, fromDueInput, hasDueTime, toDueInput } from '../../lib/format';
import {
  addDays,
  addMonths,
  dayLabel,
  dueDay,
  dueRange,
  inMonth,
  monthTitle,
  monthWeeks,
  moveDue,
  parseDay,
  parseMonth,
  rangeTitle,
  startOfWeek,
  stepDay,
  weekDays,
  weekStartOf,
  weekdayNames,
} from './dates';

/** One space for ICU's narrow and thin spaces ("Dec 6 – 12"). */
const spaces = (text: string) => text.replace(/\s+/g, ' ');

describe('the calendar grid', () => {
  it('starts weeks on Sunday in English and on Monday in Spanish', () => {
    expect(weekStartOf('en')).toBe(0);
    expect(weekStartOf('en-US')).toBe(0);
    expect(weekStartOf('es')).toBe(1);
    expect(weekdayNames('en', 0, 'short')).toEqual([
      'Sun',
      'Mon',
      'Tue',
      'Wed',
      'Thu',
      'Fri',
      'Sat',
    ]);
    expect(weekdayNames('es', 1, 'long')).toEqual([
      'Lunes',
      'Martes',
      'Miércoles',
      'Jueves',
      'Viernes',
      'Sábado',
      'Domingo',
    ]);
  });

  it('shows a month as whole weeks, with the days of the months around it', () => {
    // December 2026: Tuesday 1st to Thursday 31st.
    const december = { year: 2026, month: 11 };
    const sunday = monthWeeks(december, 0);
    expect(sunday).toHaveLength(5);
    expect(sunday[0]).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
    ]);
    expect(sunday.at(-1)!.at(-1)).toBe('2027-01-02');
    const monday = monthWeeks(december, 1);
    expect(monday[0]![0]).toBe('2026-11-30');
    expect(monday.at(-1)).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
    expect(monday.flat().filter((day) => inMonth(day, december))).toHaveLength(31);
    // February 2026 starts on a Sunday and has 28 days: four rows from Sunday, six from Monday.
    expect(monthWeeks({ year: 2026, month: 1 }, 0)).toHaveLength(4);
    expect(monthWeeks({ year: 2026, month: 1 }, 1)).toHaveLength(5);
    expect(monthWeeks({ year: 2026, month: 2 }, 1)).toHaveLength(6);
    // A leap year's February.
    expect(monthWeeks({ year: 2028, month: 1 }, 1).flat()).toContain('2028-02-29');
  });

  it('finds the week of a day from its first day', () => {
    expect(startOfWeek('2026-12-09', 0)).toBe('2026-12-06');
    expect(startOfWeek('2026-12-09', 1)).toBe('2026-12-07');
    expect(startOfWeek('2026-12-06', 1)).toBe('2026-11-30');
    expect(startOfWeek('2026-12-06', 0)).toBe('2026-12-06');
    expect(weekDays('2027-01-01', 1)).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
  });

  it('counts days and months on the calendar, across daylight-saving changes and years', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
    expect(addDays('2026-11-01', 7)).toBe('2026-11-08');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addMonths({ year: 2026, month: 11 }, 1)).toEqual({ year: 2027, month: 0 });
    expect(addMonths({ year: 2026, month: 0 }, -1)).toEqual({ year: 2025, month: 11 });
  });

  it('reads months and days from the address, and nothing else', () => {
    expect(parseMonth('2026-12')).toEqual({ year: 2026, month: 11 });
    expect(parseMonth('2026-13')).toBeUndefined();
    expect(parseMonth('2026-00')).toBeUndefined();
    expect(parseMonth('december')).toBeUndefined();
    expect(parseMonth(null)).toBeUndefined();
    expect(parseDay('2026-02-29')).toBeUndefined();
    expect(parseDay('2026-12-07')?.getDate()).toBe(7);
    expect(parseDay('7/12/2026')).toBeUndefined();
  });

  it('asks the API for the days shown: from the start of the first to the start of the day after the last', () => {
    const days = weekDays('2026-12-09', 1);
    expect(dueRange(days)).toEqual({
      dueAfter: new Date(2026, 11, 7).toISOString(),
      dueBefore: new Date(2026, 11, 14).toISOString(),
    });
  });

  it('steps through the days shown from the keyboard: a day sideways, a week up and down', () => {
    const days = monthWeeks({ year: 2026, month: 11 }, 1).flat();
    expect(stepDay(days, '2026-12-09', 1)).toBe('2026-12-10');
    expect(stepDay(days, '2026-12-09', -7)).toBe('2026-12-02');
    expect(stepDay(days, '2026-12-01', -7)).toBeUndefined();
    expect(stepDay(days, '2027-01-03', 1)).toBeUndefined();
    expect(stepDay(days, '2030-01-01', 1)).toBeUndefined();
  });
});

describe('moving a due date to another day', () => {
  it('keeps a date alone a date alone (23:59:59 local)', () => {
    const moved = moveDue(fromDateInput('2026-12-04')!, '2026-12-10');
    expect(moved).toBe(fromDateInput('2026-12-10'));
    expect(hasDueTime(moved)).toBe(false);
    expect(dueDay(moved)).toBe('2026-12-10');
  });

  it('keeps the time of a due time, across months and years', () => {
    const atFive = fromDueInput('2026-12-04T17:00')!;
    expect(toDueInput(moveDue(atFive, '2026-12-01'))).toBe('2026-12-01T17:00');
    expect(toDueInput(moveDue(atFive, '2027-01-02'))).toBe('2027-01-02T17:00');
    const early = fromDueInput('2026-12-04T00:15')!;
    expect(toDueInput(moveDue(early, '2026-11-30'))).toBe('2026-11-30T00:15');
    expect(() => moveDue(atFive, 'tomorrow')).toThrow();
  });
});

describe('names in the app language', () => {
  it('titles months and weeks and spells out days', () => {
    expect(monthTitle({ year: 2026, month: 11 }, 'en')).toBe('December 2026');
    expect(monthTitle({ year: 2026, month: 11 }, 'es')).toBe('Diciembre de 2026');
    expect(spaces(rangeTitle('2026-12-06', '2026-12-12', 'en'))).toBe('Dec 6 – 12, 2026');
    expect(spaces(rangeTitle('2026-11-29', '2026-12-05', 'en'))).toBe('Nov 29 – Dec 5, 2026');
    expect(dayLabel('2026-12-07', 'en')).toBe('Monday, December 7, 2026');
    expect(dayLabel('2026-12-07', 'es')).toBe('lunes, 7 de diciembre de 2026');
  });
});
