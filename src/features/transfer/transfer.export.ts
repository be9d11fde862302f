// Writing a project out: the JSON document (transfer.schemas.ts) and the task CSV. Both are read
// inside one read snapshot (the backup's, src/backup/backup.ts), in keyset pages, and spooled to
// a temporary file that is then sent: memory stays flat at any project size, the export is
// consistent while others keep writing, and a slow download never holds a database connection
// (SQLite has only one) — the snapshot lasts as long as the database read, not the transfer.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { inSnapshot } from '../../backup/backup.js';
import type { DatabaseHandle, Db } from '../../db/database.js';
import { NotFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { toIso, toIsoOrNull } from '../../platform/schemas.js';
import { version } from '../../version.js';
import { listColumns } from '../columns/columns.repository.js';
import { PRIORITIES, STATUSES } from '../tasks/tasks.domain.js';
import { FORMAT, FORMAT_VERSION } from './transfer.schemas.js';

/** Tasks read per page (with their labels, checklists, comments and history). */
const PAGE = 500;

const iso = (ms: number | string) => toIso(Number(ms));
const isoOrNull = (ms: number | string | null) => toIsoOrNull(ms === null ? null : Number(ms));

/** Rows of `query` in (created_at, id) order, a page at a time, after the last row of the page before. */
async function* keysetPages<R extends { created_at: number | string; id: string }>(
  page: (after: { created_at: number; id: string } | undefined) => Promise<R[]>,
): AsyncGenerator<R[]> {
  let after: { created_at: number; id: string } | undefined;
  for (;;) {
    const rows = await page(after);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { created_at: Number(last.created_at), id: last.id };
  }
}

/** `(created_at, id) > (after)`: row-value comparison, an index range on both databases. */
const afterKey = (table: string, after: { created_at: number; id: string } | undefined) =>
  after
    ? sql<boolean>`(${sql.ref(`${table}.created_at`)}, ${sql.ref(`${table}.id`)}) > (${after.created_at}, ${after.id})`
    : sql<boolean>`1 = 1`;

const activityOf = (row: {
  actor: string;
  action: string;
  details: string | null;
  created_at: number | string;
}) => ({
  actor: row.actor,
  action: row.action,
  details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  createdAt: iso(row.created_at),
});

export interface ExportedTask {
  id: string;
  title: string;
  description: string | null;
  status: string;
  /** The task's own column; null: the first of its status. */
  columnId: string | null;
  priority: string;
  position: number;
  dueAt: string | null;
  archivedAt: string | null;
  assignee: string | null;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  labels: string[];
  checklist: {
    text: string;
    done: boolean;
    position: number;
    createdAt: string;
    updatedAt: string;
  }[];
  comments: { author: string; body: string; createdAt: string; updatedAt: string }[];
  activity: ReturnType<typeof activityOf>[];
}

/** The project's tasks, oldest first, a page at a time with everything inside each. */
async function* taskPages(
  db: Db,
  projectId: string,
  withHistory: boolean,
): AsyncGenerator<ExportedTask[]> {
  const pages = keysetPages((after) =>
    db
      .selectFrom('tasks')
      .innerJoin('users as creator', 'creator.id', 'tasks.created_by')
      .leftJoin('users as assignee', 'assignee.id', 'tasks.assignee_id')
      .selectAll('tasks')
      .select(['creator.email as creator_email', 'assignee.email as assignee_email'])
      .where('tasks.project_id', '=', projectId)
      .where(afterKey('tasks', after))
      .orderBy('tasks.created_at')
      .orderBy('tasks.id')
      .limit(PAGE)
      .execute(),
  );
  for await (const rows of pages) {
    const ids = rows.map((row) => row.id);
    const tasks = new Map<string, ExportedTask>();
    for (const row of rows) {
      tasks.set(row.id, {
        id: row.id,
        title: row.title,
        description: row.description,
        status: row.status,
        columnId: row.column_id,
        priority: PRIORITIES[Number(row.priority)] ?? 'medium',
        position: Number(row.position),
        dueAt: isoOrNull(row.due_at),
        archivedAt: isoOrNull(row.archived_at),
        assignee: row.assignee_email,
        createdBy: row.creator_email,
        version: Number(row.version),
        createdAt: iso(row.created_at),
        updatedAt: iso(row.updated_at),
        labels: [],
        checklist: [],
        comments: [],
        activity: [],
      });
    }
    const labels = await db
      .selectFrom('task_labels')
      .innerJoin('labels', 'labels.id', 'task_labels.label_id')
      .select(['task_labels.task_id', 'labels.name'])
      .where('task_labels.task_id', 'in', ids)
      .orderBy('labels.name')
      .execute();
    for (const row of labels) tasks.get(row.task_id)!.labels.push(row.name);
    const items = await db
      .selectFrom('checklist_items')
      .selectAll()
      .where('task_id', 'in', ids)
      .orderBy('position')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of items)
      tasks.get(row.task_id)!.checklist.push({
        text: row.text,
        done: Number(row.done) === 1,
        position: Number(row.position),
        createdAt: iso(row.created_at),
        updatedAt: iso(row.updated_at),
      });
    if (withHistory) {
      const comments = await db
        .selectFrom('comments')
        .innerJoin('users', 'users.id', 'comments.author_id')
        .select([
          'comments.task_id',
          'users.email as author',
          'comments.body',
          'comments.created_at',
          'comments.updated_at',
        ])
        .where('comments.task_id', 'in', ids)
        .orderBy('comments.created_at')
        .orderBy('comments.id')
        .execute();
      for (const row of comments)
        tasks.get(row.task_id)!.comments.push({
          author: row.author,
          body: row.body,
          createdAt: iso(row.created_at),
          updatedAt: iso(row.updated_at),
        });
      const activity = await db
        .selectFrom('activity')
        .innerJoin('users', 'users.id', 'activity.actor_id')
        .select([
          'activity.task_id',
          'users.email as actor',
          'activity.action',
          'activity.details',
          'activity.created_at',
        ])
        .where('activity.project_id', '=', projectId)
        .where('activity.task_id', 'in', ids)
        .orderBy('activity.created_at')
        .orderBy('activity.id')
        .execute();
      for (const row of activity) tasks.get(row.task_id!)!.activity.push(activityOf(row));
    }
    yield [...tasks.values()];
  }
}

/** Yields `items` as the elements of a JSON array, one per line. */
async function* jsonArray(items: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  let first = true;
  for await (const page of items) {
    let chunk = '';
    for (const item of page) {
      chunk += (first ? '\n' : ',\n') + JSON.stringify(item);
      first = false;
    }
    yield chunk;
  }
  yield first ? ']' : '\n]';
}

async function* once<T>(value: T[]): AsyncGenerator<T[]> {
  yield value;
}

async function* mapPages<T, U>(pages: AsyncIterable<T[]>, f: (item: T) => U) {
  for await (const page of pages) yield page.map(f);
}

/** The project document, as text chunks. NotFound when the project is gone. */
export async function* projectDocument(
  db: Db,
  projectId: string,
  exportedAt: number,
): AsyncGenerator<string> {
  const project = await db
    .selectFrom('projects')
    .innerJoin('users', 'users.id', 'projects.created_by')
    .selectAll('projects')
    .select('users.email')
    .where('projects.id', '=', projectId)
    .executeTakeFirst();
  if (!project) throw NotFound('Project');
  const members = await db
    .selectFrom('project_members')
    .innerJoin('users', 'users.id', 'project_members.user_id')
    .select(['users.email', 'users.name', 'project_members.role', 'project_members.created_at'])
    .where('project_members.project_id', '=', projectId)
    .orderBy('project_members.created_at')
    .orderBy('users.email')
    .execute();
  const labels = await db
    .selectFrom('labels')
    .select(['name', 'color', 'created_at'])
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('name')
    .execute();
  const columns = await listColumns(db, projectId);
  // A task names its column by its index in the document; one naming none, its status' first.
  const indexOf = new Map(columns.map((c, i) => [c.id, i]));
  for (const category of STATUSES) {
    const first = columns.findIndex((c) => c.category === category);
    if (first >= 0) indexOf.set(category, first);
  }
  const head = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    exportedAt: iso(exportedAt),
    appVersion: version,
    project: {
      name: project.name,
      description: project.description,
      createdBy: project.email,
      createdAt: iso(project.created_at),
      updatedAt: iso(project.updated_at),
    },
  };
  yield JSON.stringify(head).slice(0, -1);
  yield ',\n"members":[';
  yield* jsonArray(
    once(
      members.map((m) => ({
        email: m.email,
        name: m.name,
        role: m.role,
        addedAt: iso(m.created_at),
      })),
    ),
  );
  yield ',\n"labels":[';
  yield* jsonArray(
    once(labels.map((l) => ({ name: l.name, color: l.color, createdAt: iso(l.created_at) }))),
  );
  yield ',\n"columns":[';
  yield* jsonArray(
    once(
      columns.map((c) => ({
        name: c.name,
        category: c.category,
        color: c.color,
        wipLimit: c.wip_limit === null ? null : Number(c.wip_limit),
      })),
    ),
  );
  yield ',\n"tasks":[';
  yield* jsonArray(
    mapPages(taskPages(db, projectId, true), ({ id: _id, columnId, ...task }) => ({
      ...task,
      column: indexOf.get(columnId ?? task.status),
    })),
  );
  yield ',\n"activity":[';
  // History whose task is gone (deleted tasks keep their entries): kept at project level.
  const loose = keysetPages((after) =>
    db
      .selectFrom('activity')
      .innerJoin('users', 'users.id', 'activity.actor_id')
      .select([
        'activity.id',
        'users.email as actor',
        'activity.action',
        'activity.details',
        'activity.created_at',
      ])
      .where('activity.project_id', '=', projectId)
      .where((eb) =>
        eb.or([
          eb('activity.task_id', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('tasks')
                .select('tasks.id')
                .whereRef('tasks.id', '=', 'activity.task_id')
                .where('tasks.project_id', '=', projectId),
            ),
          ),
        ]),
      )
      .where(afterKey('activity', after))
      .orderBy('activity.created_at')
      .orderBy('activity.id')
      .limit(PAGE)
      .execute(),
  );
  yield* jsonArray(mapPages(loose, activityOf));
  yield '}\n';
}

// CSV (RFC 4180): CRLF line ends, every field quoted when it holds a quote, comma or line break.
const CSV_HEADER = [
  'id',
  'title',
  'status',
  'priority',
  'due_at',
  'assignee',
  'labels',
  'checklist_done',
  'checklist_total',
  'created_by',
  'created_at',
  'updated_at',
  'description',
  // Appended (issue 14): empty for an active task.
  'archived_at',
];

/**
 * One CSV field. Text a spreadsheet would read as a formula (starting with = + - @, or a tab or
 * carriage return that some strip first) gets a leading apostrophe: opening an export must never
 * run what someone typed into a task (CSV injection, OWASP).
 */
export function csvField(value: string | number | null, text = true): string {
  let s = value === null ? '' : String(value);
  // Text already starting with apostrophes before such a character gets one more, so that the
  // CSV import (csv-import.ts), which takes exactly one off, reads back what was written.
  if (text && /^'*[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The project's tasks as CSV text chunks, UTF-8 with a byte-order mark (spreadsheets read it). */
export async function* tasksCsv(db: Db, projectId: string): AsyncGenerator<string> {
  const project = await db
    .selectFrom('projects')
    .select('id')
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (!project) throw NotFound('Project');
  yield '\uFEFF' + CSV_HEADER.join(',') + '\r\n';
  for await (const page of taskPages(db, projectId, false)) {
    let chunk = '';
    for (const task of page) {
      chunk +=
        [
          csvField(task.id),
          csvField(task.title),
          csvField(task.status),
          csvField(task.priority),
          csvField(task.dueAt, false),
          csvField(task.assignee),
          csvField(task.labels.join('; ')),
          csvField(task.checklist.filter((item) => item.done).length, false),
          csvField(task.checklist.length, false),
          csvField(task.createdBy),
          csvField(task.createdAt, false),
          csvField(task.updatedAt, false),
          csvField(task.description),
          csvField(task.archivedAt, false),
        ].join(',') + '\r\n';
    }
    yield chunk;
  }
}

/**
 * Writes `chunks`, read inside one snapshot, to a private temporary file and returns it as a
 * stream that removes the file once it is closed (sent, or the client went away).
 */
export async function spooled(
  handle: DatabaseHandle,
  chunks: (db: Db) => AsyncGenerator<string>,
): Promise<Readable> {
  const file = path.join(tmpdir(), `taskmanager-export-${newId()}`);
  try {
    await inSnapshot(handle, (db) =>
      pipeline(ReadableStream.from(chunks(db)), createWriteStream(file, { mode: 0o600 })),
    );
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  const stream = createReadStream(file);
  stream.on('close', () => void rm(file, { force: true }));
  return stream;
}
