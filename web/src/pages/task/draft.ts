// The editable copy of a task: what the form holds, what changed against the saved version, and
// the PATCH that sends just those changes.
import type { Priority, Task, TaskInput } from '../../api/types';
import { fromDueInput, toDueInput } from '../../lib/format';

export interface Draft {
  title: string;
  description: string;
  /** The board column (its category is the task's status). */
  columnId: string;
  priority: Priority;
  /** `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM` with a time (toDueInput); '' for none. */
  due: string;
  assigneeId: string;
  labelIds: string[];
}

export type DraftField = keyof Draft;
const FIELDS: DraftField[] = [
  'title',
  'description',
  'columnId',
  'priority',
  'due',
  'assigneeId',
  'labelIds',
];

/** A save refused with 412: the version saved meanwhile and the fields the user had changed. */
export interface Conflict {
  theirs: Task;
  fields: DraftField[];
}

export function draftOf(task: Task): Draft {
  return {
    title: task.title,
    description: task.description ?? '',
    columnId: task.columnId,
    priority: task.priority,
    due: toDueInput(task.dueAt),
    assigneeId: task.assigneeId ?? '',
    labelIds: task.labels.map((l) => l.id).sort(),
  };
}

function sameValue(a: Draft[DraftField], b: Draft[DraftField]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
  }
  return a === b;
}

export function changedFields(draft: Draft, base: Draft): DraftField[] {
  return FIELDS.filter((field) => !sameValue(draft[field], base[field]));
}

export function toPatch(draft: Draft, fields: DraftField[]): Partial<TaskInput> {
  const patch: Partial<TaskInput> = {};
  for (const field of fields) {
    switch (field) {
      case 'title':
        patch.title = draft.title.trim();
        break;
      case 'description':
        patch.description = draft.description;
        break;
      case 'columnId':
        patch.columnId = draft.columnId;
        break;
      case 'priority':
        patch.priority = draft.priority;
        break;
      case 'due':
        patch.dueAt = draft.due ? fromDueInput(draft.due) : null;
        break;
      case 'assigneeId':
        patch.assigneeId = draft.assigneeId || null;
        break;
      case 'labelIds':
        patch.labels = draft.labelIds;
        break;
    }
  }
  return patch;
}
