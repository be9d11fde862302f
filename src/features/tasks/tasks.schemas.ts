import { Type } from 'typebox';
import { PageQuery } from '../../platform/pagination.js';
import { DateTimeInput, Id, Nullable, StringEnum, Timestamp } from '../../platform/schemas.js';
import { PRIORITIES, SORTS, STATUSES } from './tasks.domain.js';

export const Status = StringEnum(STATUSES);
export const Priority = StringEnum(PRIORITIES);

/** The task's checklist progress (items in features/checklists, counted by the task queries). */
const ChecklistProgress = Type.Object(
  { done: Type.Integer({ minimum: 0 }), total: Type.Integer({ minimum: 0 }) },
  { description: 'Checked items and all items of the task checklist' },
);

export const Task = Type.Object(
  {
    id: Id,
    projectId: Id,
    title: Type.String(),
    description: Nullable(Type.String()),
    status: Status,
    columnId: Id,
    priority: Priority,
    position: Type.Number({
      description:
        "Order among the tasks of its status (ascending); a column's tasks are in this order",
    }),
    dueAt: Nullable(Timestamp),
    assigneeId: Nullable(Id),
    assignee: Nullable(Type.Object({ id: Id, name: Type.String() })),
    labels: Type.Array(Type.Ref('Label')),
    checklist: ChecklistProgress,
    attachments: Type.Integer({ minimum: 0, description: 'How many files are attached' }),
    cover: Nullable(
      Type.Object(
        { attachmentId: Id, url: Type.String() },
        { description: 'The cover image (an image attachment): url shows it inline' },
      ),
    ),
    version: Type.Integer({ description: 'Also sent as the ETag; send it back in If-Match' }),
    archivedAt: Nullable(Timestamp, {
      description:
        'When the task was archived: off the board, the list and My work until restored; null while active',
    }),
    createdBy: Id,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    watching: Type.Optional(
      Type.Boolean({ description: 'Whether the caller watches the task (GET /tasks/{taskId})' }),
    ),
  },
  { $id: 'Task' },
);

const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Description = Nullable(Type.String({ maxLength: 20_000 }));
const DueAt = Nullable(DateTimeInput('When the task is due'));
const ColumnId = Id;
const columnIdDoc = {
  description:
    "A column of the project (GET /projects/{projectId}/columns): the task's status becomes the column's category. Without it, a status puts the task in the first column of that status",
};
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
    columnId: Type.Optional(Type.String({ ...ColumnId, ...columnIdDoc })),
    priority: Type.Optional(Priority),
    dueAt: Type.Optional(DueAt),
    assigneeId: Type.Optional(Nullable(Id)),
    labels: Type.Optional(LabelIds),
    beforeId: Type.Optional(
      Nullable(Id, {
        description:
          'Place the new task before this task of its column (one write: quick-add at the top); omit for the end',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateTaskBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    status: Type.Optional(Status),
    columnId: Type.Optional(
      Type.String({
        ...ColumnId,
        ...columnIdDoc,
        description: `${columnIdDoc.description}; to the end of it`,
      }),
    ),
    priority: Type.Optional(Priority),
    dueAt: Type.Optional(DueAt),
    assigneeId: Type.Optional(Nullable(Id)),
    labels: Type.Optional(LabelIds),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MoveTaskBody = Type.Object(
  {
    status: Type.Optional(Status),
    columnId: Type.Optional(Type.String({ ...ColumnId, ...columnIdDoc })),
    beforeId: Type.Optional(
      Nullable(Id, {
        description: 'Place before this task of the target column; omit for the end',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The target column: columnId, or a status (its first column), or both if they agree',
  },
);

export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    columnId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 36,
        description: "One column's tasks (of this project)",
      }),
    ),
    assigneeId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 36, description: 'A user id, or "none"' }),
    ),
    label: Type.Optional(Id),
    priority: Type.Optional(Priority),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    dueBefore: Type.Optional(DateTimeInput('Tasks due strictly before this date-time')),
    dueAfter: Type.Optional(DateTimeInput('Tasks due at or after this date-time')),
    archived: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'true: the archive (archived tasks only, e.g. sort=-archivedAt); false: the active tasks',
      }),
    ),
    sort: Type.Optional(StringEnum(SORTS, { default: 'position' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const MyTaskQuery = Type.Object(
  {
    status: Type.Optional(Status),
    label: Type.Optional(Id),
    priority: Type.Optional(Priority),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Text in the title or description, as in the task list',
      }),
    ),
    dueBefore: Type.Optional(DateTimeInput('Tasks due strictly before this date-time')),
    dueAfter: Type.Optional(DateTimeInput('Tasks due at or after this date-time')),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const TaskPage = Type.Object({
  items: Type.Array(Type.Ref('Task')),
  nextCursor: Nullable(Type.String()),
});

export const ArchiveColumnBody = Type.Object(
  {
    status: Type.Optional(Status),
    columnId: Type.Optional(Type.String({ ...ColumnId, description: 'A column of the project' })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      "The column whose active tasks are archived: columnId, or a status (all that status' tasks)",
  },
);

export const ArchiveColumnResult = Type.Object({
  archived: Type.Integer({ minimum: 0, description: 'How many tasks were archived' }),
});
