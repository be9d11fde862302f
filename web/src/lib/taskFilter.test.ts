import { describe, expect, it } from 'vitest';
import { filterQuery, isFiltered, readFilter, taskMatcher, viewQuery } from './taskFilter';

const task = (over: Partial<Parameters<ReturnType<typeof taskMatcher>>[0]> = {}) => ({
  title: 'Book the venue',
  description: 'Call the **Grand Hall** first',
  assigneeId: 'u1',
  labels: [{ id: 'l1', projectId: 'p', name: 'bug', color: '#f00', createdAt: '' }],
  dueAt: new Date(2026, 11, 3, 23, 59, 59).toISOString(),
  priority: 'high' as const,
  ...over,
});

describe('the board and list filter', () => {
  it('reads the URL and keeps only its own keys when switching views', () => {
    const params = new URLSearchParams('q=hall&label=l1&status=done&new=1&priority=high');
    expect(readFilter(params)).toEqual({
      q: 'hall',
      assignee: '',
      label: 'l1',
      priority: 'high',
      due: '',
    });
    expect(isFiltered(readFilter(params))).toBe(true);
    expect(isFiltered(readFilter(new URLSearchParams('status=done')))).toBe(false);
    expect(filterQuery('?q=hall&label=l1&status=done&new=1')).toBe('?q=hall&label=l1');
    expect(filterQuery('?priority=urgent&sort=title')).toBe('?priority=urgent');
    expect(filterQuery('?status=done')).toBe('');
  });

  it('writes the saved view part of the URL as the service normalizes it', () => {
    // The service's order (features/views): filters, then status and sort; empty and other keys out.
    expect(viewQuery('?sort=-dueAt&new=1&status=done&label=l1&q=%20hall%20&assignee=')).toBe(
      'q=hall&label=l1&status=done&sort=-dueAt',
    );
    expect(viewQuery('')).toBe('');
  });

  it('matches text in the title or description, assignee, label, priority and due before a day', () => {
    const none = { q: '', assignee: '', label: '', priority: '', due: '' };
    expect(taskMatcher(none)(task())).toBe(true);
    expect(taskMatcher({ ...none, q: 'VENUE' })(task())).toBe(true);
    expect(taskMatcher({ ...none, q: 'grand hall' })(task())).toBe(true);
    expect(taskMatcher({ ...none, q: 'poster' })(task())).toBe(false);
    expect(taskMatcher({ ...none, q: 'hall' })(task({ description: null }))).toBe(false);
    expect(taskMatcher({ ...none, assignee: 'u1' })(task())).toBe(true);
    expect(taskMatcher({ ...none, assignee: 'u2' })(task())).toBe(false);
    expect(taskMatcher({ ...none, label: 'l1' })(task())).toBe(true);
    expect(taskMatcher({ ...none, label: 'l2' })(task())).toBe(false);
    expect(taskMatcher({ ...none, priority: 'high' })(task())).toBe(true);
    expect(taskMatcher({ ...none, priority: 'low' })(task())).toBe(false);
    // Due on the 3rd: before the 4th, not before the 3rd; no date never matches a due filter.
    expect(taskMatcher({ ...none, due: '2026-12-04' })(task())).toBe(true);
    expect(taskMatcher({ ...none, due: '2026-12-03' })(task())).toBe(false);
    expect(taskMatcher({ ...none, due: '2026-12-04' })(task({ dueAt: null }))).toBe(false);
  });
});
