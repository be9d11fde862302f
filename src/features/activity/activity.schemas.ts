import { Type } from 'typebox';
import { PageQuery } from '../../platform/pagination.js';
import { Id, Timestamp } from '../../platform/schemas.js';

export const ActivityEntry = Type.Object({
  id: Id,
  projectId: Id,
  taskId: Type.Union([Id, Type.Null()]),
  actor: Type.Object({ id: Id, name: Type.String() }),
  action: Type.String({ description: 'e.g. task.created, task.moved, comment.added' }),
  details: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
});

export const ActivityPage = Type.Object({
  items: Type.Array(ActivityEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ActivityListQuery = Type.Object(PageQuery, { additionalProperties: false });
