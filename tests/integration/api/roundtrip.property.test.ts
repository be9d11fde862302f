// Anything the API accepts it can give back (issue 11): for every write route, bodies drawn from
// the route's own schema (as the OpenAPI document states it, edges weighted in: extreme dates,
// empty and maximal strings, astral characters) are written, read back through the API, compared
// with what was sent, and every answer is validated against its documented response schema.
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dateTimeFormat, parseTimestamp } from '../../../src/platform/timestamps.js';
import { Client, PASSWORD } from '../../support/app.js';
import type { Reply, TestApp } from '../../support/app.js';
import { arbitraryOf } from '../../support/arbitraries.js';
import type { JsonSchema, Overrides } from '../../support/arbitraries.js';
import { testDatabases } from '../../support/databases.js';
import { API, signUp, useApp } from './helpers.js';

type Body = Record<string, any>;

interface Operation {
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { content?: { 'application/json': { schema: unknown } } }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: unknown;
}

interface Spec {
  /** The concrete URL to write to. */
  url(): string;
  overrides?(): Overrides;
  runs?: number;
  /** Reads the write back and compares it with what was sent. */
  check(body: Body, reply: Reply<any>): Promise<void>;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const trimmed = (value: string) => value.trim();
// Names that identify something (labels) and emails are stored in one Unicode form (NFC;
// src/platform/text.ts, docs/security.md): what comes back is the input in that form.
const asName = (value: string) => value.trim().normalize('NFC');
const asEmail = (value: string) => value.trim().toLowerCase().normalize('NFC');
const strongPassword = fc
  .stringMatching(/^[a-z0-9]{4,12}$/)
  .map((suffix) => `${PASSWORD} ${suffix}`);

describe.each(testDatabases)('round trip on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  let t: TestApp;
  let doc: Doc;
  let owner: Client;
  let editor: Client;
  let others: Client[];
  let projectId: string;
  let taskId: string;
  let labelIds: string[];
  const validators = new Map<string, ValidateFunction>();

  /** The reply's body is valid for the response schema its route documents for its status. */
  function expectDocumented(reply: Reply, method: string, path: string) {
    const key = `${method} ${path} ${reply.status}`;
    let validate = validators.get(key);
    if (!validate) {
      const response = doc.paths[path]?.[method.toLowerCase()]?.responses[String(reply.status)];
      expect(response, `${key} is not documented`).toBeDefined();
      const schema = response!.content?.['application/json']?.schema ?? { type: 'null' };
      const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
      ajv.addFormat('date-time', dateTimeFormat);
      ajv.addSchema({ $id: 'openapi.json', components: doc.components });
      validate = ajv.compile(
        JSON.parse(
          JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'),
        ),
      );
      validators.set(key, validate);
    }
    const body = reply.body ?? null;
    expect(
      validate(body),
      `${key}: ${JSON.stringify(validate.errors)} ${JSON.stringify(body).slice(0, 300)}`,
    ).toBe(true);
  }

  async function read(client: Client, path: string, url: string) {
    const reply = await client.request('GET', url);
    expect(reply.status, `GET ${url}: ${JSON.stringify(reply.body).slice(0, 300)}`).toBe(200);
    expectDocumented(reply, 'GET', path);
    return reply.body;
  }

  const sameInstant = (sent: string | null | undefined, got: string | null) =>
    expect(got === null ? null : Date.parse(got)).toBe(sent == null ? null : parseTimestamp(sent));

  async function checkTask(body: Body, id: string) {
    const task = await read(owner, '/api/v1/tasks/{taskId}', `${API}/tasks/${id}`);
    if (body.title !== undefined) expect(task.title).toBe(trimmed(body.title));
    if (body.description !== undefined) expect(task.description).toBe(body.description);
    if (body.status !== undefined) expect(task.status).toBe(body.status);
    if (body.priority !== undefined) expect(task.priority).toBe(body.priority);
    if (body.dueAt !== undefined) sameInstant(body.dueAt, task.dueAt);
    if (body.assigneeId !== undefined) expect(task.assigneeId).toBe(body.assigneeId);
    if (body.labels !== undefined)
      expect(task.labels.map((l: { id: string }) => l.id).sort()).toEqual([...body.labels].sort());
    for (const sort of ['dueAt', '-dueAt', 'title', 'position']) {
      const page = await read(
        owner,
        '/api/v1/projects/{projectId}/tasks',
        `${API}/projects/${projectId}/tasks?sort=${sort}&limit=200`,
      );
      expect(page.items.some((item: { id: string }) => item.id === id)).toBe(true);
    }
  }

  const specs: Record<string, Spec> = {
    'POST /api/v1/projects': {
      url: () => `${API}/projects`,
      async check(body, reply) {
        const project = await read(
          owner,
          '/api/v1/projects/{projectId}',
          `${API}/projects/${reply.body.id}`,
        );
        expect(project.name).toBe(trimmed(body.name));
        expect(project.description).toBe(body.description ?? null);
        await read(owner, '/api/v1/projects', `${API}/projects?limit=200`);
      },
    },
    'PATCH /api/v1/projects/{projectId}': {
      url: () => `${API}/projects/${projectId}`,
      async check(body) {
        const project = await read(
          owner,
          '/api/v1/projects/{projectId}',
          `${API}/projects/${projectId}`,
        );
        if (body.name !== undefined) expect(project.name).toBe(trimmed(body.name));
        if (body.description !== undefined) expect(project.description).toBe(body.description);
      },
    },
    'POST /api/v1/projects/{projectId}/tasks': {
      url: () => `${API}/projects/${projectId}/tasks`,
      overrides: () => ({
        assigneeId: fc.constantFrom(null, owner.user!.id, editor.user!.id),
        labels: fc.subarray(labelIds),
      }),
      check: (body, reply) => checkTask(body, reply.body.id),
    },
    'PATCH /api/v1/tasks/{taskId}': {
      url: () => `${API}/tasks/${taskId}`,
      overrides: () => ({
        assigneeId: fc.constantFrom(null, owner.user!.id, editor.user!.id),
        labels: fc.subarray(labelIds),
      }),
      check: (body) => checkTask(body, taskId),
    },
    'POST /api/v1/tasks/{taskId}/move': {
      url: () => `${API}/tasks/${taskId}`.concat('/move'),
      overrides: () => ({ beforeId: fc.constant(null) }),
      async check(body) {
        const board = await read(
          owner,
          '/api/v1/projects/{projectId}/tasks',
          `${API}/projects/${projectId}/tasks?status=${body.status}&limit=200`,
        );
        // Moved to the end of its column.
        expect(board.items.at(-1).id).toBe(taskId);
      },
    },
    'POST /api/v1/projects/{projectId}/labels': {
      url: () => `${API}/projects/${projectId}/labels`,
      async check(body, reply) {
        const labels = await read(
          owner,
          '/api/v1/projects/{projectId}/labels',
          `${API}/projects/${projectId}/labels`,
        );
        const id = reply.body.id;
        const label = (labels.items ?? labels).find((l: { id: string }) => l.id === id);
        expect(label.name).toBe(asName(body.name));
        expect(label.color).toBe((body.color ?? '#6b7280').toLowerCase());
      },
    },
    'POST /api/v1/tasks/{taskId}/comments': {
      url: () => `${API}/tasks/${taskId}/comments`,
      async check(body, reply) {
        const comments = await read(
          owner,
          '/api/v1/tasks/{taskId}/comments',
          `${API}/tasks/${taskId}/comments?limit=200`,
        );
        const comment = comments.items.find((c: { id: string }) => c.id === reply.body.id);
        expect(comment.body).toBe(body.body);
      },
    },
    'POST /api/v1/projects/{projectId}/members': {
      url: () => `${API}/projects/${projectId}/members`,
      overrides: () => ({ email: fc.constantFrom(...others.map((o) => o.user!.email)) }),
      async check(body) {
        const members = await read(
          owner,
          '/api/v1/projects/{projectId}/members',
          `${API}/projects/${projectId}/members`,
        );
        const user = others.find((o) => o.user!.email === body.email)!;
        const member = members.items.find((m: { userId: string }) => m.userId === user.user!.id);
        expect(member.role).toBe(body.role);
      },
    },
    'PATCH /api/v1/projects/{projectId}/members/{userId}': {
      url: () => `${API}/projects/${projectId}/members/${editor.user!.id}`,
      async check(body) {
        const members = await read(
          owner,
          '/api/v1/projects/{projectId}/members',
          `${API}/projects/${projectId}/members`,
        );
        const member = members.items.find((m: { userId: string }) => m.userId === editor.user!.id);
        expect(member.role).toBe(body.role);
      },
    },
    'POST /api/v1/tokens': {
      url: () => `${API}/tokens`,
      async check(body, reply) {
        const tokens = await read(owner, '/api/v1/tokens', `${API}/tokens`);
        const token = tokens.items.find((k: { id: string }) => k.id === reply.body.id);
        expect(token.name).toBe(trimmed(body.name));
      },
    },
    'POST /api/v1/auth/register': {
      url: () => `${API}/auth/register`,
      overrides: () => ({ password: strongPassword }),
      runs: 5,
      async check(body, reply) {
        const client = new Client(t.app);
        client.cookie =
          reply.raw.cookies[0] && `${reply.raw.cookies[0].name}=${reply.raw.cookies[0].value}`;
        const me = await read(client, '/api/v1/auth/me', `${API}/auth/me`);
        expect(me.user.name).toBe(trimmed(body.name));
        expect(me.user.email).toBe(asEmail(body.email));
      },
    },
    'POST /api/v1/auth/login': {
      url: () => `${API}/auth/login`,
      overrides: () => ({
        email: fc
          .constantFrom(...others.map((o) => o.user!.email))
          .chain((email) =>
            fc.boolean().map((upper) => (upper ? ` ${email.toUpperCase()} ` : email)),
          ),
        password: fc.constant(PASSWORD),
      }),
      runs: 5,
      async check(body, reply) {
        expect(reply.body.user.email).toBe(asEmail(body.email));
      },
    },
    'POST /api/v1/auth/password': {
      url: () => `${API}/auth/password`,
      overrides: () => ({
        currentPassword: fc.constant('(set per run)'),
        newPassword: strongPassword,
      }),
      runs: 3,
      async check() {
        // Checked in `send`: the new password signs in.
      },
    },
  };

  let passwordUser: { client: Client; password: string };

  beforeAll(async () => {
    if (target.skipReason) return;
    t = app();
    doc = (await t.app.inject({ method: 'GET', url: `${API}/openapi.json` })).json<Doc>();
    owner = await signUp(t, 'Owner');
    editor = await signUp(t, 'Editor');
    others = [await signUp(t, 'Other 1'), await signUp(t, 'Other 2')];
    passwordUser = { client: await signUp(t, 'Changer'), password: PASSWORD };
    projectId = (await owner.request('POST', `${API}/projects`, { name: 'Round trip' })).body.id;
    await owner.request('POST', `${API}/projects/${projectId}/members`, {
      email: editor.user!.email,
      role: 'editor',
    });
    labelIds = [];
    for (const name of ['one', 'two', 'three'])
      labelIds.push(
        (await owner.request('POST', `${API}/projects/${projectId}/labels`, { name })).body.id,
      );
    taskId = (
      await owner.request('POST', `${API}/projects/${projectId}/tasks`, { title: 'Moved about' })
    ).body.id;
  });

  it_('every write route has a round-trip property here', () => {
    const writes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.requestBody)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(writes.sort()).toEqual(Object.keys(specs).sort());
  });

  it_.each(Object.keys(specs))(
    '%s: what it accepts it gives back',
    async (name) => {
      const spec = specs[name]!;
      const [method, path] = name.split(' ') as ['POST' | 'PATCH', string];
      const schema =
        doc.paths[path]![method.toLowerCase()]!.requestBody!.content['application/json'].schema;
      const arbitrary = arbitraryOf(schema, spec.overrides?.() ?? {}) as fc.Arbitrary<Body>;
      await fc.assert(
        fc.asyncProperty(arbitrary, async (body) => {
          let client = owner;
          if (name === 'POST /api/v1/auth/register') client = new Client(t.app);
          if (name === 'POST /api/v1/auth/login') client = new Client(t.app);
          if (name === 'POST /api/v1/auth/password') {
            client = passwordUser.client;
            body.currentPassword = passwordUser.password;
          }
          const reply = await client.request(method, spec.url(), body);
          // A label or membership that already exists is a documented conflict, not a failure.
          if (reply.status === 409 && /labels|members/.test(path)) return;
          expect(
            reply.status,
            `${name} ${JSON.stringify(body).slice(0, 500)}: ${JSON.stringify(reply.body)}`,
          ).toBeLessThan(300);
          expectDocumented(reply, method, path);
          if (name === 'POST /api/v1/auth/password') {
            passwordUser.password = body.newPassword;
            const again = await new Client(t.app).request('POST', `${API}/auth/login`, {
              email: passwordUser.client.user!.email,
              password: body.newPassword,
            });
            expect(again.status).toBe(200);
          }
          await spec.check(body, reply);
        }),
        { numRuns: spec.runs ?? Number(process.env.ROUNDTRIP_RUNS ?? 25) },
      );
    },
    300_000,
  );
});
