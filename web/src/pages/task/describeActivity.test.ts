import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../api/types';
import { describeActivity } from './describeActivity';

// The keys and values a sentence was made of: what the translation files turn into words.
const t = ((key: string, values?: Record<string, unknown>) =>
  values ? `${key} ${JSON.stringify(values)}` : key) as unknown as TFunction;
const entry = (action: string, details: Record<string, unknown>) =>
  ({
    id: 'a',
    projectId: 'p',
    taskId: 'x',
    actor: { id: 'u', name: 'Ada' },
    action,
    details,
    createdAt: '',
  }) as Activity;
const columns: Record<string, string> = { c1: 'In progress', c2: 'Review' };
const columnName = (id: string) => columns[id];

describe('a task history entry as a sentence', () => {
  it('names the columns of a move between two columns of one status', () => {
    const moved = entry('task.moved', {
      from: 'in_progress',
      to: 'in_progress',
      fromColumn: 'c1',
      toColumn: 'c2',
    });
    expect(describeActivity(moved, t, columnName)).toBe(
      'activity.actions.task_moved {"from":"In progress","to":"Review"}',
    );
    // Without the board's columns (or one since deleted): the statuses, as before columns.
    expect(describeActivity(moved, t)).toBe(
      'activity.actions.task_reordered {"to":"status.in_progress"}',
    );
    expect(
      describeActivity(
        { ...moved, details: { ...moved.details, toColumn: 'gone' } },
        t,
        columnName,
      ),
    ).toBe('activity.actions.task_reordered {"to":"status.in_progress"}');
  });

  it('tells a change of column on the task page as a move, and with other fields as a change', () => {
    const columnOnly = entry('task.updated', {
      fields: ['columnId'],
      fromColumn: 'c1',
      toColumn: 'c2',
    });
    expect(describeActivity(columnOnly, t, columnName)).toBe(
      'activity.actions.task_moved {"from":"In progress","to":"Review"}',
    );
    const withStatus = entry('task.updated', {
      fields: ['columnId', 'status', 'title'],
      fromColumn: 'c1',
      toColumn: 'c2',
    });
    // "status" once, though both the column and the status were sent.
    expect(describeActivity(withStatus, t, columnName)).toBe(
      'activity.actions.task_updated_fields {"fields":"task.status, task.title"}',
    );
  });
});
