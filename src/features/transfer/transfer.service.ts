// Export and import of a whole project (issue 15). Who may: exporting takes any member (viewer and
// up) — the document holds nothing a viewer cannot already read through the API; importing takes
// any signed-in account and makes a NEW project that the caller owns, like POST /projects.
//
// People are matched by email, and only among the document's members that have an account here:
// an import cannot put a task, comment or history entry in the name of someone who is not part of
// the project (it would be a forgery). What such people did becomes the importer's (counted as
// `reattributed`); their assignments are dropped (listed in `unassignedTasks`).
import type { InsertObject } from 'kysely';
import type { Static } from 'typebox';
import { v7 } from 'uuid';
import type { AuthContext } from '../../access/caller.js';
import { requireRole } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import type { DatabaseHandle, Db } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import type { FieldIssue } from '../../platform/errors.js';
import { ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { parseTimestamp } from '../../platform/timestamps.js';
import { normalizeEmail, normalizeName } from '../../platform/text.js';
import type { ProjectsService } from '../projects/projects.service.js';
import { PRIORITIES, STATUSES } from '../tasks/tasks.domain.js';
import type { Status } from '../tasks/tasks.domain.js';
import {
  inPlacementTransaction,
  insertColumns,
  lastPosition,
  listColumns,
  POSITION_STEP,
} from '../columns/columns.repository.js';
import { DEFAULT_COLUMNS } from '../columns/columns.repository.js';
import { toIso } from '../../platform/schemas.js';
import { projectDocument, spooled, tasksCsv } from './transfer.export.js';
import type { TrelloBoard } from './trello.js';
import { trelloToDocument } from './trello.js';
import type { CsvImportBody, ImportResult, ProjectDocument } from './transfer.schemas.js';
import {
  checkMapping,
  CSV_FIELDS,
  nameKey,
  parseCsv,
  readRows,
  suggestMapping,
} from './csv-import.js';
import type { CsvContext, CsvIssue } from './csv-import.js';
import { FORMAT, FORMAT_VERSION } from './transfer.schemas.js';

type Document = Static<typeof ProjectDocument>;

/** Rows per INSERT: far below the bound-parameter limits of both databases. */
const BATCH = 200;
/** Tasks whose rows an import makes and writes together (with their labels, checklists, comments). */
const TASKS_PER_SLICE = 1000;
/** A history entry's details are a TEXT column (64 KiB on MySQL). */
const MAX_DETAILS_BYTES = 65_535;

const ms = (value: string) => parseTimestamp(value)!;

/** A file name for Content-Disposition: the project's name in plain ASCII. */
const fileName = (name: string, extension: string) =>
  `${
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'project'
  }.${extension}`;

export class TransferService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly projects: ProjectsService,
    private readonly now: () => number = Date.now,
  ) {}

  /** The export of a project the caller is a member of: a stream and how to name it. */
  async exportProject(auth: AuthContext, projectId: string, format: 'json' | 'csv') {
    const db = this.handle.db;
    await requireRole(db, auth.user.id, projectId, 'viewer');
    const project = await db
      .selectFrom('projects')
      .select('name')
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    const at = this.now();
    const stream = await spooled(this.handle, (snapshot) =>
      format === 'csv' ? tasksCsv(snapshot, projectId) : projectDocument(snapshot, projectId, at),
    );
    return {
      stream,
      fileName: fileName(project.name, format === 'csv' ? 'tasks.csv' : 'json'),
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    };
  }

  /** A Trello board export, as a new project (trello.ts says what is kept and what is not). */
  async importTrello(auth: AuthContext, board: Static<typeof TrelloBoard>) {
    const { document, skipped } = trelloToDocument(board, auth.user.email, this.now());
    // The board is the request's body: its arrays are let go before the (long) writing, so that
    // a large board and its document are not both held (issue 15's memory budget).
    board.cards = [];
    board.checklists = [];
    board.actions = [];
    return { ...(await this.importProject(auth, document, 'trello')), skipped };
  }

  /** What an import of the file would do (editor and up): the mapping, the problems, a sample. */
  async previewCsv(auth: AuthContext, projectId: string, input: CsvInput) {
    await requireRole(this.handle.db, auth.user.id, projectId, 'editor');
    const { table, mapping, context, tasks, issues } = await readCsv(
      this.handle.db,
      projectId,
      input,
    );
    const labelNames = new Map([...context.labels].map(([name, id]) => [id, name]));
    const columnNames = new Map([...context.columns.values()].map((c) => [c.id, c.name]));
    const emails = new Map([...context.members].map(([email, id]) => [id, email]));
    return {
      headers: table.headers,
      mapping,
      rows: table.rows.length,
      validRows: tasks.length,
      issues: issues.slice(0, MAX_ISSUES),
      sample: tasks.slice(0, 20).map((task) => ({
        row: task.row,
        title: task.title,
        status: task.status,
        column: task.columnId === null ? null : columnNames.get(task.columnId)!,
        priority: task.priority,
        dueAt: task.dueAt === null ? null : toIso(task.dueAt),
        labels: task.labelIds.map((id) => labelNames.get(id)!),
        assignee: task.assigneeId === null ? null : emails.get(task.assigneeId)!,
      })),
    };
  }

  /**
   * Adds the file's tasks at the end of their columns, in file order, in one transaction with one
   * activity entry; an invalid row stops everything unless `skipInvalid`.
   */
  async importCsv(auth: AuthContext, projectId: string, input: CsvInput) {
    await requireRole(this.handle.db, auth.user.id, projectId, 'editor');
    const { tasks, issues } = await readCsv(this.handle.db, projectId, input);
    const invalidRows = new Set(issues.map((i) => i.row)).size;
    if (invalidRows > 0 && !input.skipInvalid) {
      throw ValidationFailed(
        `${invalidRows} row${invalidRows === 1 ? ' is' : 's are'} not valid: nothing was imported`,
        issueFields(issues),
      );
    }
    const at = this.now();
    await inPlacementTransaction(this.handle.db, projectId, async (trx) => {
      const next = new Map<string, number>();
      for (const status of new Set(tasks.map((t) => t.status)))
        next.set(status, (await lastPosition(trx, projectId, status)) ?? 0);
      const rows: Database['tasks'][] = [];
      const labels: Database['task_labels'][] = [];
      for (const task of tasks) {
        const position = next.get(task.status)! + POSITION_STEP;
        next.set(task.status, position);
        const id = newId();
        rows.push({
          id,
          project_id: projectId,
          title: task.title,
          description: task.description,
          status: task.status,
          priority: PRIORITIES.indexOf(task.priority),
          position,
          due_at: task.dueAt,
          archived_at: null,
          column_id: task.columnId,
          assignee_id: task.assigneeId,
          created_by: auth.user.id,
          version: 1,
          created_at: at,
          updated_at: at,
        });
        for (const labelId of task.labelIds) labels.push({ task_id: id, label_id: labelId });
      }
      await insertAll(trx, 'tasks', rows);
      await insertAll(trx, 'task_labels', labels);
      await recordActivity(trx, {
        projectId,
        actorId: auth.user.id,
        action: 'tasks.imported',
        details: {
          format: 'csv',
          tasks: rows.length,
          skipped: invalidRows,
        },
        at,
      });
    });
    return {
      created: tasks.length,
      skipped: invalidRows,
      issues: issues.slice(0, MAX_ISSUES),
    };
  }

  async importProject(
    auth: AuthContext,
    doc: Document,
    source = FORMAT,
  ): Promise<Static<typeof ImportResult>> {
    checkReferences(doc);
    const now = this.now();
    const caller = auth.user;

    // Members with an account here, by normalized email; the importer always, as owner.
    const emails = [...new Set(doc.members.map((m) => normalizeEmail(m.email)))];
    const accounts = new Map<string, string>();
    for (let i = 0; i < emails.length; i += BATCH) {
      const rows = await this.handle.db
        .selectFrom('users')
        .select(['id', 'email'])
        .where('email', 'in', emails.slice(i, i + BATCH))
        .execute();
      for (const row of rows) accounts.set(row.email, row.id);
    }
    accounts.set(normalizeEmail(caller.email), caller.id);
    const droppedMembers = doc.members
      .map((m) => m.email)
      .filter((email) => !accounts.has(normalizeEmail(email)));
    let reattributed = 0;
    const person = (email: string) => {
      const id = accounts.get(normalizeEmail(email));
      if (id) return id;
      reattributed++;
      return caller.id;
    };
    const unassignedTasks: { title: string; assignee: string }[] = [];

    // Ids ordered like the source rows (UUIDv7 at the row's own creation time, then document
    // order): whatever lists by id lists imported rows in the order it did there.
    let seq = 0;
    const idAt = (at: number) =>
      v7({ msecs: Math.min(Math.max(at, 0), 2 ** 48 - 1), seq: seq++ & 0x7fffffff });

    const projectId = newId();
    const rows = {
      members: [] as Database['project_members'][],
      labels: [] as Database['labels'][],
    };
    // The rows of the tasks are made and written a slice of tasks at a time: a 50,000-card
    // board never has all its rows in memory at once (issue 15).
    const slice = () => ({
      tasks: [] as Database['tasks'][],
      taskLabels: [] as Database['task_labels'][],
      checklist: [] as Database['checklist_items'][],
      comments: [] as Database['comments'][],
      activity: [] as Database['activity'][],
    });
    type Slice = ReturnType<typeof slice>;
    const counts = { tasks: 0, checklistItems: 0, comments: 0, activity: 0 };
    const history = (into: Slice, entry: Document['activity'][number], taskId: string | null) =>
      into.activity.push({
        id: idAt(ms(entry.createdAt)),
        project_id: projectId,
        task_id: taskId,
        actor_id: person(entry.actor),
        action: entry.action,
        details: entry.details === null ? null : JSON.stringify(entry.details),
        created_at: ms(entry.createdAt),
      });
    const addTask = (into: Slice, task: Document['tasks'][number]) => {
      const id = idAt(ms(task.createdAt));
      let assigneeId: string | null = null;
      if (task.assignee !== null) {
        assigneeId = accounts.get(normalizeEmail(task.assignee)) ?? null;
        if (!assigneeId) unassignedTasks.push({ title: task.title, assignee: task.assignee });
      }
      into.tasks.push({
        id,
        project_id: projectId,
        title: task.title.trim(),
        description: task.description,
        status: task.status,
        priority: PRIORITIES.indexOf(task.priority),
        // 15 significant digits: what MariaDB gives back of a double, so an export of this
        // import says the same on either database.
        position: Number(task.position.toPrecision(15)),
        due_at: task.dueAt === null ? null : ms(task.dueAt),
        archived_at: task.archivedAt ? ms(task.archivedAt) : null,
        column_id: task.column === undefined ? null : columnRows[task.column]!.id,
        assignee_id: assigneeId,
        created_by: person(task.createdBy),
        version: task.version,
        created_at: ms(task.createdAt),
        updated_at: ms(task.updatedAt),
      });
      for (const name of task.labels)
        into.taskLabels.push({ task_id: id, label_id: labelIds.get(normalizeName(name))! });
      for (const item of task.checklist)
        into.checklist.push({
          id: idAt(ms(item.createdAt)),
          task_id: id,
          text: item.text.trim(),
          done: item.done ? 1 : 0,
          position: item.position,
          created_at: ms(item.createdAt),
          updated_at: ms(item.updatedAt),
        });
      for (const comment of task.comments)
        into.comments.push({
          id: idAt(ms(comment.createdAt)),
          task_id: id,
          author_id: person(comment.author),
          body: comment.body,
          created_at: ms(comment.createdAt),
          updated_at: ms(comment.updatedAt),
        });
      for (const entry of task.activity) history(into, entry, id);
    };
    const write = async (trx: Db, part: Slice) => {
      await insertAll(trx, 'tasks', part.tasks);
      await insertAll(trx, 'task_labels', part.taskLabels);
      await insertAll(trx, 'checklist_items', part.checklist);
      await insertAll(trx, 'comments', part.comments);
      await insertAll(trx, 'activity', part.activity);
      counts.tasks += part.tasks.length;
      counts.checklistItems += part.checklist.length;
      counts.comments += part.comments.length;
      counts.activity += part.activity.length;
    };

    const callerEntry = doc.members.find(
      (m) => normalizeEmail(m.email) === normalizeEmail(caller.email),
    );
    rows.members.push({
      project_id: projectId,
      user_id: caller.id,
      role: 'owner',
      created_at: callerEntry ? ms(callerEntry.addedAt) : now,
    });
    const memberIds = new Set([caller.id]);
    for (const member of doc.members) {
      const userId = accounts.get(normalizeEmail(member.email));
      if (!userId || memberIds.has(userId)) continue;
      memberIds.add(userId);
      rows.members.push({
        project_id: projectId,
        user_id: userId,
        role: member.role,
        created_at: ms(member.addedAt),
      });
    }
    // The document's columns (or the three of before), in its order; tasks name them by index.
    const columnRows = columnsOf(doc).map((column, i) => ({
      id: idAt(now),
      project_id: projectId,
      name: column.name.trim(),
      color: column.color?.toLowerCase() ?? null,
      category: column.category,
      position: i + 1,
      wip_limit: column.wipLimit,
      created_at: now,
      updated_at: now,
    }));
    const labelIds = new Map<string, string>();
    for (const label of doc.labels) {
      const id = idAt(ms(label.createdAt));
      labelIds.set(normalizeName(label.name), id);
      rows.labels.push({
        id,
        project_id: projectId,
        name: normalizeName(label.name),
        color: label.color.toLowerCase(),
        created_at: ms(label.createdAt),
      });
    }

    // One transaction: a failed import leaves nothing behind.
    await this.handle.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('projects')
        .values({
          id: projectId,
          name: doc.project.name.trim(),
          description: doc.project.description,
          created_by: person(doc.project.createdBy),
          created_at: ms(doc.project.createdAt),
          updated_at: ms(doc.project.updatedAt),
        })
        .execute();
      await insertAll(trx, 'project_members', rows.members);
      await insertColumns(trx, columnRows);
      await insertAll(trx, 'labels', rows.labels);
      for (let start = 0; start < doc.tasks.length; start += TASKS_PER_SLICE) {
        const part = slice();
        for (const task of doc.tasks.slice(start, start + TASKS_PER_SLICE)) addTask(part, task);
        await write(trx, part);
      }
      const projectHistory = slice();
      for (const entry of doc.activity) history(projectHistory, entry, null);
      await write(trx, projectHistory);
      await recordActivity(trx, {
        projectId,
        actorId: caller.id,
        action: 'project.imported',
        details: {
          format: source,
          formatVersion: source === FORMAT ? FORMAT_VERSION : null,
          tasks: counts.tasks,
          droppedMembers: droppedMembers.length,
        },
        at: now,
      });
    });

    return {
      project: await this.projects.get(auth, projectId),
      imported: {
        members: rows.members.length,
        labels: rows.labels.length,
        ...counts,
      },
      droppedMembers,
      unassignedTasks,
      reattributed,
    };
  }
}

type CsvInput = Static<typeof CsvImportBody>;
const notMapped = Object.fromEntries(CSV_FIELDS.map((f) => [f, null])) as Record<
  (typeof CSV_FIELDS)[number],
  string | null
>;
/** Problems listed in an answer: enough to fix a file, never a 10,000-row error. */
const MAX_ISSUES = 200;

async function csvContext(db: Db, projectId: string): Promise<CsvContext> {
  const labels = await db
    .selectFrom('labels')
    .select(['id', 'name'])
    .where('project_id', '=', projectId)
    .execute();
  const members = await db
    .selectFrom('project_members as pm')
    .innerJoin('users as u', 'u.id', 'pm.user_id')
    .select(['u.id', 'u.email'])
    .where('pm.project_id', '=', projectId)
    .execute();
  // The first of equal names, in board order.
  const columns = new Map<string, { id: string; name: string; category: Status }>();
  for (const c of (await listColumns(db, projectId)).reverse())
    columns.set(nameKey(c.name), { id: c.id, name: c.name, category: c.category });
  return {
    labels: new Map(labels.map((l) => [l.name, l.id])),
    members: new Map(members.map((m) => [normalizeEmail(m.email), m.id])),
    columns,
  };
}

/** Reads and checks a CSV file against the project, writing nothing. */
async function readCsv(db: Db, projectId: string, input: CsvInput) {
  const table = parseCsv(input.csv);
  // The mapping sent is the whole mapping (a field it leaves out is not imported).
  const mapping = input.mapping
    ? { ...notMapped, ...input.mapping }
    : suggestMapping(table.headers);
  const index = checkMapping(table.headers, mapping);
  const context = await csvContext(db, projectId);
  return { table, mapping, context, ...readRows(table, index, context) };
}

const issueFields = (issues: CsvIssue[]): FieldIssue[] =>
  issues
    .slice(0, MAX_ISSUES)
    .map((i) => ({ field: `rows.${i.row}.${i.field}`, message: i.message }));

async function insertAll<T extends keyof Database>(db: Db, table: T, values: Database[T][]) {
  for (let i = 0; i < values.length; i += BATCH) {
    const batch = values.slice(i, i + BATCH) as InsertObject<Database, T>[];
    await db.insertInto(table).values(batch).execute();
  }
}

/** The document's board columns, or the three a project without them had. */
const columnsOf = (doc: Document): NonNullable<Document['columns']> =>
  doc.columns ??
  DEFAULT_COLUMNS.map((c) => ({ name: c.name, category: c.category, color: null, wipLimit: null }));

/** What the schema cannot say: names unique, references resolvable, details storable. */
function checkReferences(doc: Document): void {
  const issues: FieldIssue[] = [];
  const columns = columnsOf(doc);
  for (const category of STATUSES) {
    if (!columns.some((c) => c.category === category))
      issues.push({ field: 'columns', message: `has no column for ${category} tasks` });
  }
  const labels = new Set<string>();
  doc.labels.forEach((label, i) => {
    const name = normalizeName(label.name);
    if (labels.has(name)) issues.push({ field: `labels.${i}.name`, message: 'is listed twice' });
    labels.add(name);
  });
  const emails = new Set<string>();
  doc.members.forEach((member, i) => {
    const email = normalizeEmail(member.email);
    if (emails.has(email)) issues.push({ field: `members.${i}.email`, message: 'is listed twice' });
    emails.add(email);
  });
  const details = (entries: Document['activity'], at: string) =>
    entries.forEach((entry, i) => {
      if (
        entry.details !== null &&
        Buffer.byteLength(JSON.stringify(entry.details)) > MAX_DETAILS_BYTES
      )
        issues.push({ field: `${at}.${i}.details`, message: 'is longer than 64 KiB' });
    });
  doc.tasks.forEach((task, i) => {
    const names = new Set<string>();
    task.labels.forEach((name, j) => {
      const normalized = normalizeName(name);
      if (!labels.has(normalized))
        issues.push({ field: `tasks.${i}.labels.${j}`, message: 'names no label of the document' });
      if (names.has(normalized))
        issues.push({ field: `tasks.${i}.labels.${j}`, message: 'is listed twice' });
      names.add(normalized);
    });
    details(task.activity, `tasks.${i}.activity`);
    if (task.column !== undefined && columns[task.column]?.category !== task.status)
      issues.push({
        field: `tasks.${i}.column`,
        message: `names no column of the document for ${task.status} tasks`,
      });
  });
  details(doc.activity, 'activity');
  if (issues.length > 0)
    throw ValidationFailed('The project document is not valid', issues.slice(0, 100));
}
