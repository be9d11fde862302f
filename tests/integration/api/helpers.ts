// Shared pieces of the API suites: one app per file and database, fresh people and projects per
// test, the error-shape check every refusal goes through, and row counts for "nothing written".
import { afterAll, beforeAll, expect } from 'vitest';
import { Client, PASSWORD, createTestApp } from '../../support/app.js';
import type { Reply, TestApp } from '../../support/app.js';
import type { TestDatabase } from '../../support/databases.js';

export const API = '/api/v1';

/** Builds one app for the enclosing describe block (skipped databases build nothing). */
export function useApp(target: TestDatabase, env: Record<string, string> = {}): () => TestApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    if (!target.skipReason) t = await createTestApp(target, env);
  });
  afterAll(async () => t?.close());
  return () => {
    if (!t) throw new Error('the test app was not built');
    return t;
  };
}

export const signUp = (t: TestApp, name = 'Someone') => new Client(t.app).register(name);

export const login = async (client: Client, email: string, password = PASSWORD) =>
  client.request('POST', `${API}/auth/login`, { email, password });

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The reply is the contract's error: status, `{error:{code,message,details?}}`, no internals. */
export function expectError(
  reply: Reply,
  code: ErrorCode,
): { code: string; message: string; details?: unknown } {
  const context = `${reply.raw.statusCode} ${reply.raw.body.slice(0, 300)}`;
  expect(reply.status, context).toBe(ERROR_STATUS[code]);
  expect(String(reply.headers['content-type']), context).toMatch(/^application\/json/);
  const body = reply.body as { error: { code: string; message: string; details?: unknown } };
  expect(Object.keys(body), context).toEqual(['error']);
  expect(body.error.code, context).toBe(code);
  expect(typeof body.error.message, context).toBe('string');
  expect(body.error.message.length, context).toBeGreaterThan(0);
  for (const key of Object.keys(body.error))
    expect(['code', 'message', 'details'], context).toContain(key);
  // No stack traces, file paths or driver messages in any error.
  expect(reply.raw.body, context).not.toMatch(
    /\bat .+\(.*:\d+:\d+\)|node_modules|\/src\/|\.ts:\d+|"stack"/,
  );
  return body.error;
}

/** A project with an owner, an editor, a viewer and a stranger (signed up, not a member). */
export async function team(t: TestApp) {
  const owner = await signUp(t, 'Owner');
  const editor = await signUp(t, 'Editor');
  const viewer = await signUp(t, 'Viewer');
  const stranger = await signUp(t, 'Stranger');
  const project = await owner.request('POST', `${API}/projects`, { name: 'Team project' });
  expect(project.status).toBe(201);
  const projectId = project.body.id as string;
  for (const [member, role] of [
    [editor, 'editor'],
    [viewer, 'viewer'],
  ] as const) {
    const added = await owner.request('POST', `${API}/projects/${projectId}/members`, {
      email: member.user!.email,
      role,
    });
    expect(added.status).toBe(201);
  }
  return { owner, editor, viewer, stranger, projectId };
}

export async function createTask(
  client: Client,
  projectId: string,
  body: Record<string, unknown> = {},
) {
  const reply = await client.request('POST', `${API}/projects/${projectId}/tasks`, {
    title: 'A task',
    ...body,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as {
    id: string;
    version: number;
    status: string;
    position: number;
    title: string;
  };
}

const TABLES = [
  'users',
  'sessions',
  'api_tokens',
  'projects',
  'project_members',
  'project_columns',
  'tasks',
  'labels',
  'task_labels',
  'comments',
  'checklist_items',
  'activity',
  'invites',
  'attachments',
  'task_covers',
] as const;

/** Row count of every table: equal before and after a refused request means nothing was written. */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await t.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export const ids = (items: { id: string }[]) => items.map((item) => item.id);

/**
 * Every `METHOD /path` the app serves under /api/v1 (path without the prefix, HEAD left out),
 * read from Fastify's own route tree rather than from a list kept by hand.
 */
export function servedApiRoutes(app: TestApp['app']): string[] {
  const served = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    const path = stack.join('');
    if (!path.startsWith(`${API}/`)) continue;
    for (const method of (match[3] ?? '').split(', ')) {
      if (method && method !== 'HEAD') served.add(`${method} ${path.slice(API.length)}`);
    }
  }
  return [...served].sort();
}

// The task suites (tasks*.test.ts): a task as the API returns it and list helpers.
export interface Task {
  id: string;
  title: string;
  description: string | null;
  status: string;
  priority: string;
  position: number;
  dueAt: string | null;
  assigneeId: string | null;
  labels: { id: string; name: string }[];
  version: number;
  createdAt: string;
}

export const PRIORITY_RANK: Record<string, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

/** Every page of a list, following nextCursor to the end. */
export async function allPages(client: Client, url: string) {
  const pages: Task[][] = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const reply: Reply<{ items: Task[]; nextCursor: string | null }> = await client.request(
      'GET',
      cursor ? `${url}${separator}cursor=${encodeURIComponent(cursor)}` : url,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    pages.push(reply.body.items);
    cursor = reply.body.nextCursor;
    if (pages.length > 100) throw new Error('pagination does not end');
  } while (cursor !== null);
  return pages;
}

export async function column(client: Client, projectId: string, status: string) {
  const reply = await client.request(
    'GET',
    `${API}/projects/${projectId}/tasks?status=${status}&limit=200`,
  );
  return (reply.body.items as Task[]).map((task) => task.title);
}
