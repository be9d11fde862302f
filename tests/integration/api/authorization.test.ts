// The authorization matrix: every route × {anonymous, stranger, viewer, editor, owner}.
// Viewers read; editors and owners write tasks, labels and comments; owners manage the project
// and its members. Strangers get 404 for the project and everything in it (no existence leak);
// members without the right get 403; anonymous callers get 401. The owner also administers the
// instance (promoted by its first account), so in the admin routes only the owner's column is an
// admin's.
import { describe, expect, it } from 'vitest';
import { Client, PASSWORD, uniqueEmail } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, servedApiRoutes, signUp, team, useApp } from './helpers.js';
import type { ErrorCode } from './helpers.js';

const ROLES = ['anonymous', 'stranger', 'viewer', 'editor', 'owner'] as const;
type Role = (typeof ROLES)[number];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Fixture {
  t: TestApp;
  clients: Record<Role, Client>;
  projectId: string;
  taskId: string;
  labelId: string;
  /** A member (viewer) other than the five callers, for member management routes. */
  target: Client;
  /** The instance's first account, an admin: makes the invites and accounts acted upon. */
  root: Client;
}

interface RouteCase {
  route: string;
  /** The request changes what other cases rely on (sessions, who is who, members): own fixture. */
  fresh?: true;
  /** Expected status per caller, in the order anonymous, stranger, viewer, editor, owner. */
  expect: [number, number, number, number, number];
  /** Builds the request for one caller; may create what the request acts on. */
  request(f: Fixture, role: Role): Promise<[Method, string, unknown?]> | [Method, string, unknown?];
}

const code: Record<number, ErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
};

const DENY_READ = [401, 404, 200, 200, 200] as const;

async function freshTask(f: Fixture) {
  return (await createTask(f.clients.owner, f.projectId, { title: 'Disposable' })).id;
}

/** The smallest PNG (one pixel), for attachments that may be a cover. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A new image attachment of the fixture's task, uploaded by its owner. */
async function attachmentOf(f: Fixture): Promise<string> {
  const reply = await f.clients.owner.request(
    'POST',
    `${API}/tasks/${f.taskId}/attachments?name=pixel.png`,
    PNG,
  );
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

/** A new empty column of the fixture's project, added by its owner. */
async function columnOf(f: Fixture): Promise<string> {
  const reply = await f.clients.owner.request('POST', `${API}/projects/${f.projectId}/columns`, {
    name: 'Owned column',
    category: 'todo',
  });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

/** A new checklist item of the fixture's task, added by its owner. */
async function itemOf(f: Fixture): Promise<string> {
  const reply = await f.clients.owner.request('POST', `${API}/tasks/${f.taskId}/checklist`, {
    text: 'Owned item',
  });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

async function commentBy(f: Fixture, author: Client) {
  const reply = await author.request('POST', `${API}/tasks/${f.taskId}/comments`, {
    body: 'A comment',
  });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

/** For the signed-in callers, a second session of theirs (for DELETE /auth/sessions/:id). */
async function secondSession(f: Fixture, role: Role) {
  const who = role === 'anonymous' ? f.clients.owner : f.clients[role];
  const other = new Client(f.t.app);
  const login = await other.request('POST', `${API}/auth/login`, {
    email: who.user!.email,
    password: PASSWORD,
  });
  expect(login.status).toBe(200);
  const list = await who.request('GET', `${API}/auth/sessions`);
  return (list.body.items as { id: string; current: boolean }[]).find((s) => !s.current)!.id;
}

async function tokenOf(f: Fixture, role: Role) {
  const who = role === 'anonymous' ? f.clients.owner : f.clients[role];
  const reply = await who.request('POST', `${API}/tokens`, {
    name: 'matrix',
    currentPassword: PASSWORD,
  });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

/** A new iCalendar feed of the caller's own (My work): its id, or the path of its secret URL. */
async function feedOf(f: Fixture, role: Role, what: 'id' | 'path' = 'id') {
  const who = role === 'anonymous' ? f.clients.owner : f.clients[role];
  const reply = await who.request('POST', `${API}/calendar-feeds`, {});
  expect(reply.status).toBe(201);
  return reply.body[what] as string;
}

/** A new saved view of the project, the owner's. */
async function viewOf(f: Fixture) {
  const reply = await f.clients.owner.request('POST', `${API}/projects/${f.projectId}/views`, {
    name: `View ${Math.random()}`,
    view: 'board',
    query: 'priority=high',
  });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

const signedIn = (status: number) => [401, status, status, status, status] as RouteCase['expect'];
const adminOnly = (status: number) => [401, 403, 403, 403, status] as RouteCase['expect'];

/** An invite made by the instance's first admin: its id and the secret of its link. */
async function inviteBy(f: Fixture) {
  const reply = await f.root.request('POST', `${API}/admin/invites`, {});
  expect(reply.status).toBe(201);
  return reply.body as { id: string; token: string };
}

/** Routes an injected request cannot finish, with where their authorization is tested. */
const COVERED_ELSEWHERE: Record<string, string> = {
  'GET /projects/:projectId/events':
    'an event stream stays open: tests/integration/platform/live-across-replicas.test.ts checks 401, 404 and a member over HTTP',
  'GET /me/events':
    'an event stream stays open: tests/integration/platform/live-across-replicas.test.ts checks 401 and that each user hears only their own inbox',
};

const OWNER_ONLY = (status: number) => [401, 404, 403, 403, status] as RouteCase['expect'];
const WEBHOOK = { url: 'https://hooks.example.com/matrix', events: ['task.created'] };

const webhooks = new WeakMap<Fixture, Promise<string>>();
/** A webhook of the project made by its owner; one per fixture (a project has at most 20). */
function webhookOf(f: Fixture): Promise<string> {
  let id = webhooks.get(f);
  if (!id) webhooks.set(f, (id = newWebhook(f)));
  return id;
}

async function newWebhook(f: Fixture) {
  const reply = await f.clients.owner.request(
    'POST',
    `${API}/projects/${f.projectId}/webhooks`,
    WEBHOOK,
  );
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

/** An account no case relies on, for admin actions on accounts. */
const bystander = async (f: Fixture) => (await signUp(f.t, 'Bystander')).user!.id;

const cases: RouteCase[] = [
  // Account routes: anyone signed in, nobody anonymous.
  { route: 'GET /auth/me', expect: signedIn(200), request: () => ['GET', `${API}/auth/me`] },
  {
    route: 'GET /auth/sessions',
    expect: signedIn(200),
    request: () => ['GET', `${API}/auth/sessions`],
  },
  {
    route: 'DELETE /auth/sessions/:id',
    expect: signedIn(204),
    request: async (f, role) => ['DELETE', `${API}/auth/sessions/${await secondSession(f, role)}`],
  },
  {
    route: 'POST /auth/password',
    fresh: true,
    expect: signedIn(204),
    request: () => [
      'POST',
      `${API}/auth/password`,
      { currentPassword: PASSWORD, newPassword: 'matrix passphrase 2031' },
    ],
  },
  {
    route: 'POST /auth/logout',
    fresh: true,
    expect: signedIn(204),
    request: () => ['POST', `${API}/auth/logout`],
  },
  {
    route: 'GET /me/preferences',
    expect: signedIn(200),
    request: () => ['GET', `${API}/me/preferences`],
  },
  {
    route: 'PATCH /me/preferences',
    expect: signedIn(200),
    request: () => ['PATCH', `${API}/me/preferences`, { theme: 'dark' }],
  },
  { route: 'GET /tokens', expect: signedIn(200), request: () => ['GET', `${API}/tokens`] },
  {
    route: 'POST /tokens',
    expect: signedIn(201),
    request: () => ['POST', `${API}/tokens`, { name: 'matrix', currentPassword: PASSWORD }],
  },
  {
    route: 'DELETE /tokens/:id',
    expect: signedIn(204),
    request: async (f, role) => ['DELETE', `${API}/tokens/${await tokenOf(f, role)}`],
  },
  {
    route: 'GET /calendar-feeds',
    expect: signedIn(200),
    request: () => ['GET', `${API}/calendar-feeds`],
  },
  {
    route: 'POST /calendar-feeds',
    expect: [401, 404, 201, 201, 201],
    request: (f) => ['POST', `${API}/calendar-feeds`, { projectId: f.projectId }],
  },
  // Saved views: any member keeps their own; another's answers 404, as an unknown one.
  {
    route: 'GET /projects/:projectId/views',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}/views`],
  },
  {
    route: 'POST /projects/:projectId/views',
    expect: [401, 404, 201, 201, 201],
    request: (f) => [
      'POST',
      `${API}/projects/${f.projectId}/views`,
      { name: `Mine ${Math.random()}`, view: 'list', query: 'status=done' },
    ],
  },
  {
    route: 'PATCH /views/:viewId',
    expect: [401, 404, 404, 404, 200],
    request: async (f) => ['PATCH', `${API}/views/${await viewOf(f)}`, { query: 'q=renamed' }],
  },
  {
    route: 'DELETE /views/:viewId',
    expect: [401, 404, 404, 404, 204],
    request: async (f) => ['DELETE', `${API}/views/${await viewOf(f)}`],
  },
  {
    route: 'DELETE /calendar-feeds/:id',
    expect: signedIn(204),
    request: async (f, role) => ['DELETE', `${API}/calendar-feeds/${await feedOf(f, role)}`],
  },
  // The feed's secret is its only credential: anyone holding the URL reads it.
  {
    route: 'GET /ical/:token',
    expect: [200, 200, 200, 200, 200],
    request: async (f) => ['GET', await feedOf(f, 'viewer', 'path')],
  },
  // Public routes.
  {
    route: 'POST /auth/register',
    fresh: true,
    expect: [201, 201, 201, 201, 201],
    request: () => [
      'POST',
      `${API}/auth/register`,
      { email: uniqueEmail('matrix'), name: 'New', password: PASSWORD },
    ],
  },
  {
    route: 'POST /auth/login',
    fresh: true,
    expect: [200, 200, 200, 200, 200],
    request: (f, role) => [
      'POST',
      `${API}/auth/login`,
      {
        email: (role === 'anonymous' ? f.clients.owner : f.clients[role]).user!.email,
        password: PASSWORD,
      },
    ],
  },
  {
    // Accepting signs in as the new account, ending the caller's own session: fresh callers.
    route: 'POST /invites/accept',
    fresh: true,
    expect: [201, 201, 201, 201, 201],
    request: async (f) => [
      'POST',
      `${API}/invites/accept`,
      {
        token: (await inviteBy(f)).token,
        email: uniqueEmail('invited'),
        name: 'Invited',
        password: PASSWORD,
      },
    ],
  },
  {
    route: 'POST /password-reset',
    fresh: true,
    expect: [200, 200, 200, 200, 200],
    request: async (f) => {
      const reset = await f.root.request(
        'POST',
        `${API}/admin/users/${await bystander(f)}/password-reset`,
      );
      return [
        'POST',
        `${API}/password-reset`,
        { token: reset.body.token, newPassword: 'matrix reset passphrase 2031' },
      ];
    },
  },
  {
    route: 'GET /openapi.json',
    expect: [200, 200, 200, 200, 200],
    request: () => ['GET', `${API}/openapi.json`],
  },
  {
    route: 'GET /auth/methods',
    expect: [200, 200, 200, 200, 200],
    request: () => ['GET', `${API}/auth/methods`],
  },
  {
    route: 'GET /auth/session',
    expect: [200, 200, 200, 200, 200],
    request: () => ['GET', `${API}/auth/session`],
  },
  // Single sign-on is not configured here: 404 for everyone (oidc.test.ts signs in with it).
  {
    route: 'GET /auth/oidc/start',
    expect: [404, 404, 404, 404, 404],
    request: () => ['GET', `${API}/auth/oidc/start`],
  },
  {
    route: 'GET /auth/oidc/callback',
    expect: [404, 404, 404, 404, 404],
    request: () => ['GET', `${API}/auth/oidc/callback?code=c&state=s`],
  },
  // Administration of the instance.
  {
    route: 'GET /admin/users',
    expect: adminOnly(200),
    request: () => ['GET', `${API}/admin/users`],
  },
  {
    route: 'PATCH /admin/users/:userId',
    expect: adminOnly(200),
    request: async (f) => ['PATCH', `${API}/admin/users/${await bystander(f)}`, { role: 'admin' }],
  },
  {
    route: 'POST /admin/users/:userId/password-reset',
    expect: adminOnly(201),
    request: async (f) => ['POST', `${API}/admin/users/${await bystander(f)}/password-reset`],
  },
  {
    route: 'GET /admin/invites',
    expect: adminOnly(200),
    request: () => ['GET', `${API}/admin/invites`],
  },
  {
    route: 'POST /admin/invites',
    expect: adminOnly(201),
    request: () => ['POST', `${API}/admin/invites`, { note: 'matrix' }],
  },
  {
    route: 'DELETE /admin/invites/:inviteId',
    expect: adminOnly(204),
    request: async (f) => ['DELETE', `${API}/admin/invites/${(await inviteBy(f)).id}`],
  },
  // Projects.
  { route: 'GET /projects', expect: signedIn(200), request: () => ['GET', `${API}/projects`] },
  {
    route: 'POST /projects',
    expect: signedIn(201),
    request: () => ['POST', `${API}/projects`, { name: 'Mine' }],
  },
  {
    route: 'GET /projects/:projectId',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}`],
  },
  {
    route: 'PATCH /projects/:projectId',
    expect: [401, 404, 403, 403, 200],
    request: (f) => ['PATCH', `${API}/projects/${f.projectId}`, { name: 'Renamed' }],
  },
  {
    route: 'DELETE /projects/:projectId',
    fresh: true,
    expect: [401, 404, 403, 403, 204],
    request: (f) => ['DELETE', `${API}/projects/${f.projectId}`],
  },
  // Members.
  {
    route: 'GET /projects/:projectId/members',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}/members`],
  },
  {
    route: 'POST /projects/:projectId/members',
    expect: [401, 404, 403, 403, 201],
    request: async (f) => {
      const newcomer = await signUp(f.t, 'Newcomer');
      return [
        'POST',
        `${API}/projects/${f.projectId}/members`,
        { email: newcomer.user!.email, role: 'viewer' },
      ];
    },
  },
  {
    route: 'PATCH /projects/:projectId/members/:userId',
    fresh: true,
    expect: [401, 404, 403, 403, 200],
    request: (f) => [
      'PATCH',
      `${API}/projects/${f.projectId}/members/${f.target.user!.id}`,
      { role: 'editor' },
    ],
  },
  {
    route: 'DELETE /projects/:projectId/members/:userId',
    fresh: true,
    expect: [401, 404, 403, 403, 204],
    request: (f) => ['DELETE', `${API}/projects/${f.projectId}/members/${f.target.user!.id}`],
  },
  // Tasks.
  {
    route: 'GET /projects/:projectId/tasks',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}/tasks`],
  },
  {
    route: 'POST /projects/:projectId/tasks',
    expect: [401, 404, 403, 201, 201],
    request: (f) => ['POST', `${API}/projects/${f.projectId}/tasks`, { title: 'New' }],
  },
  {
    route: 'GET /tasks/:taskId',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/tasks/${f.taskId}`],
  },
  {
    route: 'PATCH /tasks/:taskId',
    expect: [401, 404, 403, 200, 200],
    request: (f) => ['PATCH', `${API}/tasks/${f.taskId}`, { priority: 'high' }],
  },
  {
    route: 'POST /tasks/:taskId/move',
    expect: [401, 404, 403, 200, 200],
    request: (f) => ['POST', `${API}/tasks/${f.taskId}/move`, { status: 'in_progress' }],
  },
  {
    route: 'POST /tasks/:taskId/archive',
    expect: [401, 404, 403, 200, 200],
    request: async (f) => ['POST', `${API}/tasks/${await freshTask(f)}/archive`],
  },
  {
    route: 'POST /tasks/:taskId/restore',
    expect: [401, 404, 403, 200, 200],
    request: (f) => ['POST', `${API}/tasks/${f.taskId}/restore`],
  },
  {
    route: 'POST /projects/:projectId/tasks/archive',
    expect: [401, 404, 403, 200, 200],
    request: (f) => ['POST', `${API}/projects/${f.projectId}/tasks/archive`, { status: 'done' }],
  },
  {
    route: 'DELETE /tasks/:taskId',
    expect: [401, 404, 403, 204, 204],
    request: async (f) => ['DELETE', `${API}/tasks/${await freshTask(f)}`],
  },
  // Labels.
  {
    route: 'GET /projects/:projectId/labels',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}/labels`],
  },
  {
    route: 'POST /projects/:projectId/labels',
    expect: [401, 404, 403, 201, 201],
    request: (f, role) => ['POST', `${API}/projects/${f.projectId}/labels`, { name: `by ${role}` }],
  },
  {
    route: 'DELETE /labels/:labelId',
    expect: [401, 404, 403, 204, 204],
    request: async (f, role) => {
      const label = await f.clients.owner.request('POST', `${API}/projects/${f.projectId}/labels`, {
        name: `gone ${role}`,
      });
      return ['DELETE', `${API}/labels/${label.body.id}`];
    },
  },
  {
    route: 'PATCH /labels/:labelId',
    expect: [401, 404, 403, 200, 200],
    request: (f) => ['PATCH', `${API}/labels/${f.labelId}`, { color: '#123456' }],
  },
  {
    route: 'POST /labels/:labelId/merge',
    expect: [401, 404, 403, 200, 200],
    request: async (f, role) => {
      const label = await f.clients.owner.request('POST', `${API}/projects/${f.projectId}/labels`, {
        name: `merged ${role}`,
      });
      return ['POST', `${API}/labels/${label.body.id}/merge`, { into: f.labelId }];
    },
  },
  // Checklists.
  {
    route: 'GET /tasks/:taskId/checklist',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/tasks/${f.taskId}/checklist`],
  },
  {
    route: 'POST /tasks/:taskId/checklist',
    expect: [401, 404, 403, 201, 201],
    request: (f) => ['POST', `${API}/tasks/${f.taskId}/checklist`, { text: 'Item' }],
  },
  {
    route: 'PATCH /checklist-items/:itemId',
    expect: [401, 404, 403, 200, 200],
    request: async (f) => ['PATCH', `${API}/checklist-items/${await itemOf(f)}`, { done: true }],
  },
  {
    route: 'DELETE /checklist-items/:itemId',
    expect: [401, 404, 403, 204, 204],
    request: async (f) => ['DELETE', `${API}/checklist-items/${await itemOf(f)}`],
  },
  // Board columns.
  {
    route: 'GET /projects/:projectId/columns',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}/columns`],
  },
  {
    route: 'POST /projects/:projectId/columns',
    expect: [401, 404, 403, 201, 201],
    request: (f) => [
      'POST',
      `${API}/projects/${f.projectId}/columns`,
      { name: 'Review', category: 'in_progress' },
    ],
  },
  {
    route: 'PATCH /columns/:columnId',
    expect: [401, 404, 403, 200, 200],
    request: async (f) => ['PATCH', `${API}/columns/${await columnOf(f)}`, { wipLimit: 3 }],
  },
  {
    route: 'DELETE /columns/:columnId',
    expect: [401, 404, 403, 204, 204],
    request: async (f) => ['DELETE', `${API}/columns/${await columnOf(f)}`],
  },
  // Attachments: the upload's body is the file itself.
  {
    route: 'GET /tasks/:taskId/attachments',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/tasks/${f.taskId}/attachments`],
  },
  {
    route: 'POST /tasks/:taskId/attachments',
    expect: [401, 404, 403, 201, 201],
    request: (f) => ['POST', `${API}/tasks/${f.taskId}/attachments?name=a.txt`, Buffer.from('a')],
  },
  {
    route: 'GET /attachments/:attachmentId',
    expect: [...DENY_READ],
    request: async (f) => ['GET', `${API}/attachments/${await attachmentOf(f)}`],
  },
  {
    route: 'DELETE /attachments/:attachmentId',
    expect: [401, 404, 403, 204, 204],
    request: async (f) => ['DELETE', `${API}/attachments/${await attachmentOf(f)}`],
  },
  {
    route: 'PUT /tasks/:taskId/cover',
    expect: [401, 404, 403, 200, 200],
    request: async (f) => [
      'PUT',
      `${API}/tasks/${f.taskId}/cover`,
      { attachmentId: await attachmentOf(f) },
    ],
  },
  // Comments.
  {
    route: 'GET /tasks/:taskId/comments',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/tasks/${f.taskId}/comments`],
  },
  {
    route: 'POST /tasks/:taskId/comments',
    expect: [401, 404, 403, 201, 201],
    request: (f) => ['POST', `${API}/tasks/${f.taskId}/comments`, { body: 'Hello' }],
  },
  {
    // Written by the editor: the author and any owner may delete it.
    route: "DELETE /comments/:commentId (the editor's)",
    expect: [401, 404, 403, 204, 204],
    request: async (f) => ['DELETE', `${API}/comments/${await commentBy(f, f.clients.editor)}`],
  },
  {
    // Written by the owner: an editor who is not the author may not delete it.
    route: "DELETE /comments/:commentId (the owner's)",
    expect: [401, 404, 403, 403, 204],
    request: async (f) => ['DELETE', `${API}/comments/${await commentBy(f, f.clients.owner)}`],
  },
  // Activity.
  {
    route: 'GET /projects/:projectId/activity',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}/activity`],
  },
  {
    route: 'GET /projects/:projectId/export',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/projects/${f.projectId}/export?format=csv`],
  },
  {
    route: 'POST /projects/:projectId/import/csv/preview',
    expect: [401, 404, 403, 200, 200],
    request: (f) => [
      'POST',
      `${API}/projects/${f.projectId}/import/csv/preview`,
      { csv: 'title\r\nFrom a file' },
    ],
  },
  {
    route: 'POST /projects/:projectId/import/csv',
    expect: [401, 404, 403, 201, 201],
    request: (f) => [
      'POST',
      `${API}/projects/${f.projectId}/import/csv`,
      { csv: 'title\r\nFrom a file' },
    ],
  },
  {
    // A new project of the caller's own: anyone signed in.
    route: 'POST /projects/import',
    expect: signedIn(201),
    request: (f) => [
      'POST',
      `${API}/projects/import`,
      {
        format: 'taskmanager-project',
        formatVersion: 1,
        project: {
          name: 'Imported',
          description: null,
          createdBy: f.clients.owner.user!.email,
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
        },
        members: [],
        labels: [],
        tasks: [],
        activity: [],
      },
    ],
  },
  {
    route: 'POST /projects/import/trello',
    expect: signedIn(201),
    request: () => [
      'POST',
      `${API}/projects/import/trello`,
      { id: 'board', name: 'From Trello', labels: [], lists: [], cards: [] },
    ],
  },
  {
    route: 'GET /tasks/:taskId/activity',
    expect: [...DENY_READ],
    request: (f) => ['GET', `${API}/tasks/${f.taskId}/activity`],
  },
  // Webhooks: owners only (the worker does not run here; nothing is sent).
  {
    route: 'GET /projects/:projectId/webhooks',
    expect: OWNER_ONLY(200),
    request: (f) => ['GET', `${API}/projects/${f.projectId}/webhooks`],
  },
  {
    route: 'POST /projects/:projectId/webhooks',
    expect: OWNER_ONLY(201),
    request: (f) => ['POST', `${API}/projects/${f.projectId}/webhooks`, WEBHOOK],
  },
  {
    route: 'PATCH /webhooks/:webhookId',
    expect: OWNER_ONLY(200),
    request: async (f) => ['PATCH', `${API}/webhooks/${await webhookOf(f)}`, { enabled: false }],
  },
  {
    route: 'DELETE /webhooks/:webhookId',
    expect: OWNER_ONLY(204),
    request: async (f) => ['DELETE', `${API}/webhooks/${await newWebhook(f)}`],
  },
  {
    route: 'GET /webhooks/:webhookId/deliveries',
    expect: OWNER_ONLY(200),
    request: async (f) => ['GET', `${API}/webhooks/${await webhookOf(f)}/deliveries`],
  },
  {
    route: 'POST /webhooks/:webhookId/test',
    expect: OWNER_ONLY(202),
    request: async (f) => ['POST', `${API}/webhooks/${await webhookOf(f)}/test`],
  },
  {
    route: 'POST /webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    expect: OWNER_ONLY(202),
    request: async (f) => {
      const id = await webhookOf(f);
      const test = await f.clients.owner.request('POST', `${API}/webhooks/${id}/test`);
      return ['POST', `${API}/webhooks/${id}/deliveries/${test.body.id}/redeliver`];
    },
  },
  // The inbox: everyone signed in has their own; a notification is its recipient's alone.
  { route: 'GET /me/tasks', expect: signedIn(200), request: () => ['GET', `${API}/me/tasks`] },
  // Search: everyone signed in, over their own projects (search.test.ts checks whose tasks).
  { route: 'GET /search', expect: signedIn(200), request: () => ['GET', `${API}/search?q=task`] },
  {
    route: 'GET /notifications',
    expect: signedIn(200),
    request: () => ['GET', `${API}/notifications`],
  },
  {
    route: 'GET /notifications/unread-count',
    expect: signedIn(200),
    request: () => ['GET', `${API}/notifications/unread-count`],
  },
  {
    route: 'POST /notifications/:notificationId/read (the editor’s)',
    expect: [401, 404, 404, 204, 404],
    request: async (f) => {
      await createTask(f.clients.owner, f.projectId, { assigneeId: f.clients.editor.user!.id });
      const inbox = await f.clients.editor.request('GET', `${API}/notifications?limit=1`);
      return ['POST', `${API}/notifications/${inbox.body.items[0].id}/read`];
    },
  },
  {
    route: 'POST /notifications/read-all',
    expect: signedIn(204),
    request: () => ['POST', `${API}/notifications/read-all`],
  },
  {
    route: 'GET /notifications/settings',
    expect: signedIn(200),
    request: () => ['GET', `${API}/notifications/settings`],
  },
  {
    route: 'PUT /notifications/settings',
    expect: signedIn(200),
    request: () => [
      'PUT',
      `${API}/notifications/settings`,
      { inApp: { assigned: true, mentioned: true, taskChanged: false, commented: true } },
    ],
  },
  {
    route: 'PUT /tasks/:taskId/watch',
    expect: [...DENY_READ],
    request: (f) => ['PUT', `${API}/tasks/${f.taskId}/watch`],
  },
  {
    route: 'DELETE /tasks/:taskId/watch',
    expect: [401, 404, 204, 204, 204],
    request: (f) => ['DELETE', `${API}/tasks/${f.taskId}/watch`],
  },
];

describe.each(testDatabases)('authorization matrix on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  const app = useApp(target);

  let instanceAdmin: Promise<Client> | undefined;

  async function fixture(app: TestApp): Promise<Fixture> {
    // The app's first account, so its admin, before anyone else signs up.
    const root = await (instanceAdmin ??= signUp(app, 'Instance admin'));
    const { owner, editor, viewer, stranger, projectId } = await team(app);
    const promoted = await root.request('PATCH', `${API}/admin/users/${owner.user!.id}`, {
      role: 'admin',
    });
    expect(promoted.status).toBe(200);
    const target = await signUp(app, 'Target');
    const added = await owner.request('POST', `${API}/projects/${projectId}/members`, {
      email: target.user!.email,
      role: 'viewer',
    });
    expect(added.status).toBe(201);
    const taskId = (await createTask(owner, projectId, { title: 'Shared task' })).id;
    const label = await owner.request('POST', `${API}/projects/${projectId}/labels`, {
      name: 'shared',
    });
    expect(label.status).toBe(201);
    return {
      t: app,
      clients: { anonymous: new Client(app.app), stranger, viewer, editor, owner },
      projectId,
      taskId,
      labelId: label.body.id,
      target,
      root,
    };
  }

  let shared: Promise<Fixture> | undefined;
  const sharedFixture = () => (shared ??= fixture(app()));

  it_.each(cases.map((c) => [c.route, c] as const))('%s', async (_route, routeCase) => {
    const f = routeCase.fresh ? await fixture(app()) : await sharedFixture();
    const seen: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const [i, role] of ROLES.entries()) {
      const [method, url, body] = await routeCase.request(f, role);
      const reply = await f.clients[role].request(method, url, body);
      seen[role] = reply.status;
      expected[role] = routeCase.expect[i]!;
      if (reply.status >= 400 && code[reply.status]) expectError(reply, code[reply.status]!);
    }
    expect(seen).toEqual(expected);
  });

  it_('covers every route the app serves under /api/v1', () => {
    const apiRoutes = servedApiRoutes(app().app);
    const covered = new Set(
      cases.map((c) => c.route.replace(/ \(.*\)$/, '').replace(/:\w+/g, ':param')),
    );
    for (const route of Object.keys(COVERED_ELSEWHERE))
      covered.add(route.replace(/:\w+/g, ':param'));
    const missing = apiRoutes.filter((r) => !covered.has(r.replace(/:\w+/g, ':param')));
    expect(missing).toEqual([]);
    expect(apiRoutes.length).toBeGreaterThanOrEqual(30);
  });

  it_(
    'a stranger learns nothing: a real task, label or comment answers like a made-up id',
    async () => {
      const f = await fixture(app());
      const commentId = await commentBy(f, f.clients.owner);
      const madeUp = '01900000-0000-7000-8000-000000000000';
      const pairs: [Method, string, string, unknown?][] = [
        ['GET', `${API}/projects/${f.projectId}`, `${API}/projects/${madeUp}`],
        ['GET', `${API}/projects/${f.projectId}/tasks`, `${API}/projects/${madeUp}/tasks`],
        ['GET', `${API}/tasks/${f.taskId}`, `${API}/tasks/${madeUp}`],
        ['PATCH', `${API}/tasks/${f.taskId}`, `${API}/tasks/${madeUp}`, { title: 'x' }],
        ['DELETE', `${API}/labels/${f.labelId}`, `${API}/labels/${madeUp}`],
        ['DELETE', `${API}/comments/${commentId}`, `${API}/comments/${madeUp}`],
        ['GET', `${API}/tasks/${f.taskId}/comments`, `${API}/tasks/${madeUp}/comments`],
        ['GET', `${API}/tasks/${f.taskId}/checklist`, `${API}/tasks/${madeUp}/checklist`],
        ['GET', `${API}/tasks/${f.taskId}/attachments`, `${API}/tasks/${madeUp}/attachments`],
        ['PATCH', `${API}/labels/${f.labelId}`, `${API}/labels/${madeUp}`, { color: '#000000' }],
      ];
      for (const [method, real, fake, body] of pairs) {
        const a = await f.clients.stranger.request(method, real, body);
        const b = await f.clients.stranger.request(method, fake, body);
        expectError(a, 'NOT_FOUND');
        expect(a.body, real).toEqual(b.body);
      }
    },
  );
});
