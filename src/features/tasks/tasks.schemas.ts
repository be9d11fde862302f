import { Type } from 'typebox';
import { PageQuery } from '../../platform/pagination.js';
import { DateTimeInput, Id, Timestamp } from '../../platform/schemas.js';
import { SORTS } from './tasks.domain.js';

export const Status = Type.Union([
  Type.Literal('todo'),
  Type.Literal('in_progress'),
  Type.Literal('done'),
]);
// Spelled out (not mapped from PRIORITIES) so that Static<> keeps the literal type; toTask's
// return type then fails the type-check if the two lists drift.
export const Priority = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('urgent'),
]);

export const Task = Type.Object(
  {
    id: Id,
    projectId: Id,
    title: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    status: Status,
    priority: Priority,
    position: Type.Number({ description: 'Order within the status column (ascending)' }),
    dueAt: Type.Union([Timestamp, Type.Null()]),
    assigneeId: Type.Union([Id, Type.Null()]),
    assignee: Type.Union([Type.Object({ id: Id, name: Type.String() }), Type.Null()]),
    labels: Type.Array(Type.Ref('Label')),
    version: Type.Integer({ description: 'Also sent as the ETag; send it back in If-Match' }),
    createdBy: Id,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Task' },
);

const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Description = Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()]);
const DueAt = Type.Union([DateTimeInput('When the task is due'), Type.Null()]);
const LabelIds = Type.Array(Id, {
  maxItems: 50,
  uniqueItems: true,
  description: 'Label ids of the project',
});

export const CreateTaskBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    status: Type.Optional(Status),
    priority: Type.Optional(Priority),
    dueAt: Type.Optional(DueAt),
    assigneeId: Type.Optional(Type.Union([Id, Type.Null()])),
    labels: Type.Optional(LabelIds),
  },
  { additionalProperties: false },
);

export const UpdateTaskBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    status: Type.Optional(Status),
    priority: Type.Optional(Priority),
    dueAt: Type.Optional(DueAt),
    assigneeId: Type.Optional(Type.Union([Id, Type.Null()])),
    labels: Type.Optional(LabelIds),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MoveTaskBody = Type.Object(
  {
    status: Status,
    beforeId: Type.Optional(
      Type.Union([Id, Type.Null()], { description: 'Place before this task; omit for the end' }),
    ),
  },
  { additionalProperties: false },
);

export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    assigneeId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 36, description: 'A user id, or "none"' }),
    ),
    label: Type.Optional(Id),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    dueBefore: Type.Optional(DateTimeInput('Tasks due strictly before this date-time')),
    sort: Type.Optional(
      Type.Union(
        SORTS.map((s) => Type.Literal(s)),
        { default: 'position' },
      ),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const TaskPage = Type.Object({
  items: Type.Array(Type.Ref('Task')),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
