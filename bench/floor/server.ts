// The floor: the list-tasks scenario answered by node:http and the database driver alone, with
// the service's SQL (floor/queries.ts) and the service's JSON, and no framework, validation,
// authentication or authorization. What the service reaches of the floor's throughput, on the
// same database in the same run, is its overhead figure.
//
// FLOOR_QUERIES=four adds what a list request cost the service before issue 12: the API token
// with its user (401 without one) and the caller's membership (404 for a stranger), four queries.
//
// Env: PORT, HOST (127.0.0.1), DATABASE_URL (sqlite:<file> or mysql://user:pass@host:port/db),
// FLOOR_QUERIES (two | four, default two).
// Serves GET /api/v1/projects/:projectId/tasks[?limit=N&cursor=C] and GET /readyz.
import { createHash } from 'node:crypto';
import http from 'node:http';
import Sqlite from 'better-sqlite3';
import { createPool } from 'mysql2';
import { floorSql } from './queries.js';
import type { FloorDialect } from './queries.js';

type Row = Record<string, unknown>;
type Query = (sql: string, params: unknown[]) => Promise<Row[]>;

const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
const iso = (ms: unknown) => new Date(Number(ms)).toISOString();

function openDatabase(url: string): { dialect: FloorDialect; query: Query } {
  if (url.startsWith('sqlite:')) {
    const db = new Sqlite(url.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const statements = new Map<string, Sqlite.Statement>();
    return {
      dialect: 'sqlite',
      query: (sql, params) => {
        let statement = statements.get(sql);
        if (!statement) {
          statement = db.prepare(sql);
          statements.set(sql, statement);
        }
        return Promise.resolve(statement.all(...params) as Row[]);
      },
    };
  }
  const parsed = new URL(url);
  // The service's pool options (src/db/database.ts), so that both talk to MySQL alike.
  const pool = createPool({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.slice(1),
    connectionLimit: 10,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
  });
  return {
    dialect: 'mysql',
    query: (sql, params) =>
      new Promise((resolve, reject) =>
        pool.query(sql, params, (error, rows) =>
          error ? reject(error) : resolve(rows as unknown as Row[]),
        ),
      ),
  };
}

const { dialect, query } = openDatabase(process.env.DATABASE_URL ?? '');
const sql = floorSql(dialect);
const fourQueries = process.env.FLOOR_QUERIES === 'four';

/** The four-query floor's caller check: 401 or 404 as a status, else undefined. */
async function refused(request: http.IncomingMessage, projectId: string) {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return 401;
  const hash = createHash('sha256').update(token).digest('hex');
  const [found] = await query(sql.token, [hash]);
  if (!found) return 401;
  const [member] = await query(sql.membership, [projectId, found.user_id_]);
  return member ? undefined : 404;
}

async function listTasks(projectId: string, limit: number, cursor: string | null) {
  let rows: Row[];
  if (cursor) {
    const after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      k: number;
      id: string;
    };
    rows = await query(sql.pageAfter, [projectId, after.k, after.k, after.id, limit + 1]);
  } else {
    rows = await query(sql.firstPage, [projectId, limit + 1]);
  }
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const labelsOf = new Map<string, Row[]>();
  if (items.length > 0) {
    const ids = items.map((row) => row.id);
    for (const label of await query(sql.labels(ids.length), ids)) {
      const list = labelsOf.get(label.task_id as string) ?? [];
      list.push(label);
      labelsOf.set(label.task_id as string, list);
    }
  }
  const last = items[items.length - 1];
  return {
    items: items.map((row) => ({
      id: row.id,
      projectId: row.project_id,
      title: row.title,
      description: row.description,
      status: row.status,
      columnId: row.column_ref,
      priority: PRIORITIES[row.priority as number] ?? 'medium',
      position: Number(row.position),
      dueAt: row.due_at === null ? null : iso(row.due_at),
      assigneeId: row.assignee_id,
      assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
      labels: (labelsOf.get(row.id as string) ?? []).map((label) => ({
        id: label.id,
        projectId: label.project_id,
        name: label.name,
        color: label.color,
        createdAt: iso(label.created_at),
      })),
      checklist: { done: Number(row.checklist_done), total: Number(row.checklist_total) },
      attachments: Number(row.attachment_count),
      cover: row.cover_attachment_id
        ? {
            attachmentId: row.cover_attachment_id,
            url: `/api/v1/attachments/${row.cover_attachment_id as string}?inline=1`,
          }
        : null,
      version: row.version,
      archivedAt: row.archived_at === null ? null : iso(row.archived_at),
      createdBy: row.created_by,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    })),
    nextCursor:
      more && last
        ? Buffer.from(JSON.stringify({ k: last.position, id: last.id })).toString('base64url')
        : null,
  };
}

const route = /^\/api\/v1\/projects\/([^/]+)\/tasks$/;

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://floor');
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };
  if (url.pathname === '/readyz') return send(200, { status: 'ready' });
  const match = route.exec(url.pathname);
  if (request.method !== 'GET' || !match) return send(404, { error: 'not found' });
  const projectId = match[1]!;
  (fourQueries ? refused(request, projectId) : Promise.resolve(undefined))
    .then(async (status) => {
      if (status) return send(status, { error: status });
      const limit = Number(url.searchParams.get('limit') ?? 50);
      send(200, await listTasks(projectId, limit, url.searchParams.get('cursor')));
    })
    .catch((error: unknown) => send(500, { error: String(error) }));
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
