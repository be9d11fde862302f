// The task vocabulary the API, the service and the SQL share: priorities (stored as their index,
// so that sorting by priority uses an index) and the sort orders of the task list.

export const STATUSES = ['todo', 'in_progress', 'done'] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SORTS = [
  'position',
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'dueAt',
  '-dueAt',
  'priority',
  '-priority',
  'title',
  '-title',
  'archivedAt',
  '-archivedAt',
] as const;
export type TaskSort = (typeof SORTS)[number];
