import { Type } from 'typebox';
import { PageQuery } from '../../platform/pagination.js';
import { Id, Nullable, Timestamp } from '../../platform/schemas.js';

export const ActivityEntry = Type.Object({
  id: Id,
  projectId: Id,
  taskId: Nullable(Id),
  actor: Type.Object({ id: Id, name: Type.String() }),
  action: Type.String({ description: 'e.g. task.created, task.moved, comment.added' }),
  details: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
});

export const ActivityPage = Type.Object({
  items: Type.Array(ActivityEntry),
  nextCursor: Nullable(Type.String()),
});

export const ActivityListQuery = Type.Object(PageQuery, { additionalProperties: false });
