// The project document (export and import, issue 15): one JSON value holding a project with
// everything in it. People are named by email (ids mean nothing on another instance), labels by
// name, and what belongs to a task sits inside the task, so the document needs no ids at all and
// two exports of equal projects are equal byte for byte (docs/integrations.md).
import { Type } from 'typebox';
import { DateTimeInput, Nullable, StringEnum } from '../../platform/schemas.js';
import { MAX_CHECKLIST_ITEMS } from '../checklists/checklists.schemas.js';
import { MAX_COLUMNS } from '../columns/columns.schemas.js';
import { Priority, Status } from '../tasks/tasks.schemas.js';
import { CSV_FIELDS } from './csv-import.js';

export const FORMAT = 'taskmanager-project';
/** Bumped when a field changes meaning; fields added later (e.g. columns) are optional instead. */
export const FORMAT_VERSION = 1;

/** The CSV imports' body (the file is one JSON string, held whole). */
export const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;
/** The JSON imports' body (a project document or a Trello board), read as it arrives. */
export const IMPORT_JSON_LIMIT = 256 * 1024 * 1024;

const Email = Type.String({ minLength: 3, maxLength: 254, description: "An account's email" });
const At = DateTimeInput();
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

const Activity = Type.Object(
  {
    actor: Email,
    action: Type.String({ minLength: 1, maxLength: 50 }),
    details: Nullable(Type.Record(Type.String(), Type.Unknown())),
    createdAt: At,
  },
  { additionalProperties: false },
);

const ChecklistItem = Type.Object(
  {
    text: Text(500),
    done: Type.Boolean(),
    position: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
    createdAt: At,
    updatedAt: At,
  },
  { additionalProperties: false },
);

const Comment = Type.Object(
  {
    author: Email,
    body: Text(10_000),
    createdAt: At,
    updatedAt: At,
  },
  { additionalProperties: false },
);

const Task = Type.Object(
  {
    title: Text(200),
    description: Nullable(Type.String({ maxLength: 20_000 })),
    status: Status,
    priority: Priority,
    position: Type.Number({
      description:
        'Order within the status column (ascending); kept to 15 significant digits, as MariaDB stores a double',
    }),
    dueAt: Nullable(At),
    archivedAt: Type.Optional(
      Nullable(At, { description: 'When the task was archived; absent or null: active' }),
    ),
    assignee: Nullable(Email),
    createdBy: Email,
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    createdAt: At,
    updatedAt: At,
    labels: Type.Array(Text(50), {
      maxItems: 50,
      uniqueItems: true,
      description: 'Names of labels listed in the document',
    }),
    checklist: Type.Array(ChecklistItem, { maxItems: MAX_CHECKLIST_ITEMS }),
    comments: Type.Array(Comment, { maxItems: 10_000 }),
    activity: Type.Array(Activity, { description: 'This task’s history, oldest first' }),
    column: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_COLUMNS - 1,
        description:
          "The task's column: an index into the document's columns, of the task's status; absent: the first column of its status",
      }),
    ),
  },
  { additionalProperties: false },
);

export const ProjectDocument = Type.Object(
  {
    format: Type.Literal(FORMAT),
    formatVersion: Type.Literal(FORMAT_VERSION, {
      description: 'Refused when it is not a version this release reads',
    }),
    exportedAt: Type.Optional(At),
    appVersion: Type.Optional(Type.String({ maxLength: 100 })),
    project: Type.Object(
      {
        name: Text(100),
        description: Nullable(Type.String({ maxLength: 20_000 })),
        createdBy: Email,
        createdAt: At,
        updatedAt: At,
      },
      { additionalProperties: false },
    ),
    members: Type.Array(
      Type.Object(
        {
          email: Email,
          name: Type.String({ maxLength: 100 }),
          role: StringEnum(['owner', 'editor', 'viewer']),
          addedAt: At,
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
    labels: Type.Array(
      Type.Object(
        {
          name: Text(50),
          color: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }),
          createdAt: At,
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
    columns: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Text(60),
            category: Status,
            color: Nullable(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
            wipLimit: Nullable(Type.Integer({ minimum: 1, maximum: 999 })),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 3,
          maxItems: MAX_COLUMNS,
          description:
            'The board columns in board order, each status at least once; absent: To do, In progress, Done',
        },
      ),
    ),
    tasks: Type.Array(Task),
    activity: Type.Array(Activity, {
      description: 'History not tied to a task still in the project, oldest first',
    }),
  },
  {
    $id: 'ProjectDocument',
    additionalProperties: false,
    description: `A whole project (format "${FORMAT}", version ${FORMAT_VERSION})`,
  },
);

export const ExportQuery = Type.Object(
  {
    format: Type.Optional(
      StringEnum(['json', 'csv'], {
        default: 'json',
        description: 'json: the whole project (ProjectDocument); csv: its tasks, one per row',
      }),
    ),
  },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });

const ImportAnswer = {
  project: Type.Ref('Project'),
  imported: Type.Object({
    members: Count,
    labels: Count,
    tasks: Count,
    checklistItems: Count,
    comments: Count,
    activity: Count,
  }),
  droppedMembers: Type.Array(Type.String(), {
    description: 'Member emails with no account here: not added',
  }),
  unassignedTasks: Type.Array(Type.Object({ title: Type.String(), assignee: Type.String() }), {
    description: 'Tasks whose assignee is not a member here: left unassigned',
  }),
  reattributed: Type.Integer({
    minimum: 0,
    description:
      'Tasks, comments and history entries by people who are not members here: now the importer’s',
  }),
};

export const ImportResult = Type.Object(ImportAnswer);

export const TrelloImportResult = Type.Object({
  ...ImportAnswer,
  skipped: Type.Object(
    { archivedCards: Count, cardsOfArchivedLists: Count, cardsWithoutList: Count },
    {
      description:
        'Not imported: the cards of archived lists and cards naming no list of the board (archivedCards is always 0: archived cards are imported as archived tasks)',
    },
  ),
});

/** The header text of the file's column read for a field; null: not imported. */
const Column = Nullable(Type.String({ maxLength: 500 }));
const CsvMapping = Type.Object(
  {
    title: Type.Optional(Column),
    description: Type.Optional(Column),
    status: Type.Optional(Column),
    priority: Type.Optional(Column),
    dueAt: Type.Optional(Column),
    labels: Type.Optional(Column),
    assignee: Type.Optional(Column),
  },
  {
    additionalProperties: false,
    description: "Which column of the file holds each field (its header's text)",
  },
);

export const CsvImportBody = Type.Object(
  {
    csv: Type.String({
      minLength: 1,
      maxLength: IMPORT_BODY_LIMIT,
      description:
        'The file: RFC 4180, UTF-8, a header row first; at most 10,000 rows. Our own task export (GET /projects/{projectId}/export?format=csv) is read as it is',
    }),
    mapping: Type.Optional(CsvMapping),
    skipInvalid: Type.Optional(
      Type.Boolean({
        description:
          'Import the valid rows and leave out the others; without it, one invalid row means nothing is written (400 listing every row)',
      }),
    ),
  },
  { additionalProperties: false },
);

const RowIssue = Type.Object({
  row: Type.Integer({ minimum: 2, description: 'The row in the file: the header is row 1' }),
  field: StringEnum(CSV_FIELDS),
  message: Type.String(),
});

export const CsvPreview = Type.Object({
  headers: Type.Array(Type.String()),
  mapping: Type.Object(
    {
      title: Column,
      description: Column,
      status: Column,
      priority: Column,
      dueAt: Column,
      labels: Column,
      assignee: Column,
    },
    { description: 'The mapping used: the one sent, or the one suggested from the headers' },
  ),
  rows: Type.Integer({ minimum: 0 }),
  validRows: Type.Integer({ minimum: 0 }),
  issues: Type.Array(RowIssue, { description: 'The first 200 problems, in row order' }),
  sample: Type.Array(
    Type.Object({
      row: Type.Integer(),
      title: Type.String(),
      status: Status,
      column: Nullable(
        Type.String({
          description:
            "The project's column the status cell names (the task goes into it); null: the first column of the status",
        }),
      ),
      priority: Priority,
      dueAt: Nullable(Type.String({ format: 'date-time' })),
      labels: Type.Array(Type.String()),
      assignee: Nullable(Type.String()),
    }),
    { description: 'The first 20 valid rows as they would be imported' },
  ),
});

export const CsvImportResult = Type.Object({
  created: Type.Integer({ minimum: 0 }),
  skipped: Type.Integer({ minimum: 0, description: 'Invalid rows left out (skipInvalid)' }),
  issues: Type.Array(RowIssue, { description: 'Why rows were left out (the first 200)' }),
});
