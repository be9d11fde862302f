import { describe, expect, it } from 'vitest';
import { parseDueWord, parseQuickAdd } from './quickAdd';

// Wednesday 2 December 2026, local time.
const today = new Date(2026, 11, 2);
const context = {
  labels: [
    { id: 'l-bug', name: 'bug' },
    { id: 'l-review', name: 'Needs review' },
  ],
  members: [
    { userId: 'u-olivia', name: 'Olivia Pérez', email: 'olivia@example.com' },
    { userId: 'u-oscar', name: 'Oscar Wilde', email: 'ow@example.com' },
    { userId: 'u-ana1', name: 'Ana López', email: 'ana.lopez@example.com' },
    { userId: 'u-ana2', name: 'Ana Ruiz', email: 'ana.ruiz@example.com' },
  ],
  today,
};

describe('quick-add parsing', () => {
  it('reads labels, assignee, priority and due date, and keeps the rest as the title', () => {
    expect(parseQuickAdd('Fix login #bug @olivia !high due friday', context)).toEqual({
      title: 'Fix login',
      labels: ['l-bug'],
      assigneeId: 'u-olivia',
      priority: 'high',
      due: '2026-12-04',
      chips: [
        { kind: 'label', id: 'l-bug', name: 'bug' },
        { kind: 'assignee', id: 'u-olivia', name: 'Olivia Pérez' },
        { kind: 'priority', priority: 'high' },
        { kind: 'due', date: '2026-12-04' },
      ],
    });
  });

  it('reads the Spanish words, accents or not', () => {
    const parsed = parseQuickAdd('Revisar #needs-review !urgente para miércoles @OW', context);
    expect(parsed).toMatchObject({
      title: 'Revisar',
      labels: ['l-review'],
      priority: 'urgent',
      due: '2026-12-09',
      assigneeId: 'u-oscar',
    });
    expect(parseQuickAdd('x vence manana', context).due).toBe('2026-12-03');
    expect(parseQuickAdd('x para hoy !Baja', context)).toMatchObject({
      due: '2026-12-02',
      priority: 'low',
    });
  });

  it('leaves in the title what it does not know: unknown or ambiguous names, bad dates', () => {
    const parsed = parseQuickAdd('Call #unknown @ana @nobody !soon due someday email@x.y', context);
    expect(parsed.title).toBe('Call #unknown @ana @nobody !soon due someday email@x.y');
    expect(parsed.chips).toEqual([]);
    expect(parseQuickAdd('due 2026-02-30', context)).toMatchObject({ title: 'due 2026-02-30' });
    expect(parseQuickAdd('Ship it due', context).title).toBe('Ship it due');
  });

  it('takes the first assignee, priority and date; later ones stay text', () => {
    const parsed = parseQuickAdd(
      'a @olivia @oscar !low !high due today due tomorrow #bug #bug',
      context,
    );
    expect(parsed).toMatchObject({
      assigneeId: 'u-olivia',
      priority: 'low',
      due: '2026-12-02',
      labels: ['l-bug'],
      title: 'a @oscar !high due tomorrow #bug',
    });
  });

  it('counts weekdays from tomorrow: "due wednesday" on a Wednesday is next week', () => {
    expect(parseDueWord('wednesday', today)).toBe('2026-12-09');
    expect(parseDueWord('thursday', today)).toBe('2026-12-03');
    expect(parseDueWord('tuesday', today)).toBe('2026-12-08');
    // Across a year end.
    expect(parseDueWord('friday', new Date(2026, 11, 31))).toBe('2027-01-01');
    expect(parseDueWord('2027-01-15', today)).toBe('2027-01-15');
  });
});
