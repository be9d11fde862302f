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
import { csvField } from '../../../src/features/transfer/transfer.export.js';
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
const daysBetween = (from: string, to: string | null) =>
  to === null ? null : (Date.parse(to) - Date.parse(from)) / 86_400_000;
const strongPassword = fc
  .stringMatching(/^[a-z0-9]{4,12}$/)
  .map((suffix) => `${PASSWORD} ${suffix}`);

/** Label names of the imported documents (tasks name them with a space first: trimmed). */
/** Rows of a CSV file of tasks, written with the export's own quoting (csvField). */
const csvRow = fc.record({
  title: fc.string({ minLength: 1, maxLength: 60 }).filter((t) => t.trim() !== ''),
  description: fc.string({ maxLength: 80 }),
});
const csvText = (rows: { title: string; description: string }[]) =>
  ['title,description', ...rows.map((r) => `${csvField(r.title)},${csvField(r.description)}`)].join(
    '\r\n',
  );
/** The rows behind each file made here, by its text (the check compares what came back). */
const written = new Map<string, { title: string; description: string }[]>();
/** A saved view's filters: any of the board's and the list's, any text, in any order. */
const viewQuery = fc
  .array(
    fc.tuple(
      fc.constantFrom('q', 'assignee', 'label', 'priority', 'due', 'status', 'sort'),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 7 },
  )
  .map((pairs) => new URLSearchParams(new Map(pairs)).toString());
/** What the service answers for it: trimmed, empty ones left out, in the fixed order. */
const normalViewQuery = (query: string) => {
  const params = new URLSearchParams(query);
  const out = new URLSearchParams();
  for (const key of ['q', 'assignee', 'label', 'priority', 'due', 'status', 'sort']) {
    const value = params.get(key)?.trim();
    if (value) out.set(key, value);
  }
  return out.toString();
};
/** A view name that no earlier run took (names are unique per user and project). */
const viewName = fc
  .tuple(fc.string({ maxLength: 20 }), fc.uuid())
  .map(([text, id]) => `${text} ${id}`);

const csvFile = fc.array(csvRow, { minLength: 1, maxLength: 5 }).map((rows) => {
  const text = csvText(rows);
  written.set(text, rows);
  return text;
});
const csvRows = (csv: string) => written.get(csv)!;

const IMPORT_LABELS = ['one', 'Über', '😀 x'];
/** Board columns of imported documents: every status, one of them twice. */
const IMPORT_COLUMNS = [
  { name: ' Ideas ', category: 'todo', color: null, wipLimit: null },
  { name: 'Doing', category: 'in_progress', color: '#A1B2C3', wipLimit: 3 },
  { name: 'Review 😀', category: 'in_progress', color: null, wipLimit: 999 },
  { name: 'Done', category: 'done', color: null, wipLimit: null },
];

/** Runs of the label merge: each merges away a label made for it. */
const MERGE_RUNS = 5;

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
  let viewId: string;
  /** A project of its own for "archive a column" (the others' tasks stay on their boards). */
  let archiveProjectId: string;
  let labelIds: string[];
  /** The round-trip project's three starting columns, the archive project's, and their status. */
  let columnIds: string[];
  let archiveColumnIds: string[];
  const categoryOf = new Map<string, string>();
  /** A column of the round-trip project that the PATCH runs change. */
  let patchedColumnId: string;
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
    if (body.columnId !== undefined) expect(task.columnId).toBe(body.columnId);
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
        columnId: fc.constantFrom(...columnIds),
        // A task of the column it goes to: tasks-board.test.ts covers placing before one.
        beforeId: fc.constant(null),
      }),
      check: (body, reply) => checkTask(body, reply.body.id),
    },
    'PATCH /api/v1/tasks/{taskId}': {
      url: () => `${API}/tasks/${taskId}`,
      overrides: () => ({
        assigneeId: fc.constantFrom(null, owner.user!.id, editor.user!.id),
        labels: fc.subarray(labelIds),
        columnId: fc.constantFrom(...columnIds),
      }),
      check: (body) => checkTask(body, taskId),
    },
    'POST /api/v1/tasks/{taskId}/move': {
      url: () => `${API}/tasks/${taskId}`.concat('/move'),
      overrides: () => ({
        beforeId: fc.constant(null),
        columnId: fc.constantFrom(...columnIds),
      }),
      async check(body) {
        const where =
          body.columnId === undefined ? `status=${body.status}` : `columnId=${body.columnId}`;
        const board = await read(
          owner,
          '/api/v1/projects/{projectId}/tasks',
          `${API}/projects/${projectId}/tasks?${where}&limit=200`,
        );
        // Moved to the end of its column.
        expect(board.items.at(-1).id).toBe(taskId);
      },
    },
    'POST /api/v1/projects/{projectId}/tasks/archive': {
      url: () => `${API}/projects/${archiveProjectId}/tasks/archive`,
      overrides: () => ({ columnId: fc.constantFrom(...archiveColumnIds) }),
      async check(sent, reply) {
        // One column per status in this project: a column is its status.
        const body = { status: sent.status ?? categoryOf.get(sent.columnId) };
        // A task in each column before the next run; this run's column is empty now and its
        // tasks are in the archive.
        const column = await read(
          owner,
          '/api/v1/projects/{projectId}/tasks',
          `${API}/projects/${archiveProjectId}/tasks?status=${body.status}`,
        );
        expect(column.items).toEqual([]);
        const archived = await read(
          owner,
          '/api/v1/projects/{projectId}/tasks',
          `${API}/projects/${archiveProjectId}/tasks?archived=true&status=${body.status}&limit=200`,
        );
        expect(archived.items.length).toBeGreaterThanOrEqual(reply.body.archived);
        for (const status of ['todo', 'in_progress', 'done'])
          await owner.request('POST', `${API}/projects/${archiveProjectId}/tasks`, {
            title: 'Next',
            status,
          });
      },
    },
    'POST /api/v1/projects/{projectId}/columns': {
      url: () => `${API}/projects/${projectId}/columns`,
      overrides: () => ({ beforeId: fc.constantFrom(null, ...columnIds) }),
      async check(body, reply) {
        const list = await read(
          owner,
          '/api/v1/projects/{projectId}/columns',
          `${API}/projects/${projectId}/columns`,
        );
        const index = list.items.findIndex((c: Body) => c.id === reply.body.id);
        const got = list.items[index];
        expect(got).toEqual(reply.body);
        expect(got.name).toBe(trimmed(body.name));
        expect(got.category).toBe(body.category);
        expect(got.color).toBe(body.color == null ? null : body.color.toLowerCase());
        expect(got.wipLimit).toBe(body.wipLimit ?? null);
        if (body.beforeId == null) expect(index).toBe(list.items.length - 1);
        else expect(list.items[index + 1].id).toBe(body.beforeId);
        // Deleted again (it holds no task): the next runs stay under a board's 20 columns.
        expect((await owner.request('DELETE', `${API}/columns/${got.id}`)).status).toBe(204);
      },
    },
    'PATCH /api/v1/columns/{columnId}': {
      url: () => `${API}/columns/${patchedColumnId}`,
      overrides: () => ({ beforeId: fc.constantFrom(null, ...columnIds) }),
      async check(body, reply) {
        const list = await read(
          owner,
          '/api/v1/projects/{projectId}/columns',
          `${API}/projects/${projectId}/columns`,
        );
        const index = list.items.findIndex((c: Body) => c.id === patchedColumnId);
        const got = list.items[index];
        expect(got).toEqual(reply.body);
        if (body.name !== undefined) expect(got.name).toBe(trimmed(body.name));
        if (body.color !== undefined)
          expect(got.color).toBe(body.color === null ? null : body.color.toLowerCase());
        if (body.wipLimit !== undefined) expect(got.wipLimit).toBe(body.wipLimit);
        if (body.beforeId === null) expect(index).toBe(list.items.length - 1);
        else if (body.beforeId !== undefined) expect(list.items[index + 1].id).toBe(body.beforeId);
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
    'PATCH /api/v1/labels/{labelId}': {
      url: () => `${API}/labels/${labelIds[0]}`,
      async check(body, reply) {
        const labels = await read(
          owner,
          '/api/v1/projects/{projectId}/labels',
          `${API}/projects/${projectId}/labels`,
        );
        const label = labels.items.find((l: { id: string }) => l.id === labelIds[0]);
        expect(label).toEqual(reply.body);
        if (body.name !== undefined) expect(label.name).toBe(asName(body.name));
        if (body.color !== undefined) expect(label.color).toBe(body.color.toLowerCase());
      },
    },
    'POST /api/v1/labels/{labelId}/merge': {
      // Each run merges a label of its own (made in beforeAll) into the second label.
      url: () => `${API}/labels/${mergedLabelIds[mergeRun++]}/merge`,
      overrides: () => ({ into: fc.constant(labelIds[1]) }),
      runs: MERGE_RUNS,
      async check(body, reply) {
        const merged = mergedLabelIds[mergeRun - 1];
        const labels = await read(
          owner,
          '/api/v1/projects/{projectId}/labels',
          `${API}/projects/${projectId}/labels`,
        );
        expect(reply.body.id).toBe(body.into);
        expect(labels.items.some((l: { id: string }) => l.id === merged)).toBe(false);
        const task = await read(owner, '/api/v1/tasks/{taskId}', `${API}/tasks/${mergeTaskId}`);
        expect(task.labels.map((l: { id: string }) => l.id)).toContain(body.into);
      },
    },
    'POST /api/v1/projects/{projectId}/webhooks': {
      url: () => `${API}/projects/${projectId}/webhooks`,
      // Any public receiver: the suite's worker is not started, so nothing is sent.
      overrides: () => ({ url: webhookUrl }),
      runs: 15,
      async check(body, reply) {
        const hook = await readWebhook(reply.body.id);
        expect({ ...hook, secret: reply.body.secret }).toEqual(reply.body);
        expect(hook).toMatchObject({ url: body.url, events: body.events });
        expect(hook.enabled).toBe(body.enabled ?? true);
        expect(reply.body.secret).toBe(body.secret ?? reply.body.secret);
        // A project has at most 20: make room for the next run.
        await owner.request('DELETE', `${API}/webhooks/${reply.body.id}`);
      },
    },
    'PATCH /api/v1/webhooks/{webhookId}': {
      url: () => `${API}/webhooks/${webhookId}`,
      overrides: () => ({ url: webhookUrl }),
      async check(body, reply) {
        const hook = await readWebhook(webhookId);
        expect(hook).toEqual(reply.body);
        if (body.url !== undefined) expect(hook.url).toBe(body.url);
        if (body.events !== undefined) expect(hook.events).toEqual(body.events);
        if (body.enabled !== undefined) expect(hook.enabled).toBe(body.enabled);
        expect(JSON.stringify(hook)).not.toContain('secret');
      },
    },
    'POST /api/v1/projects/import': {
      // Any document the schema allows, with people and label names drawn from ones that exist.
      url: () => `${API}/projects/import`,
      overrides: () => {
        const person = fc.constantFrom(owner.user!.email, editor.user!.email, 'gone@example.org');
        const at = arbitraryOf({ type: 'string', format: 'date-time' });
        return {
          members: fc.uniqueArray(
            fc.record({
              email: fc.constantFrom(
                editor.user!.email,
                others[0]!.user!.email,
                'gone@example.org',
              ),
              name: fc.constant('Someone'),
              role: fc.constantFrom('owner', 'editor', 'viewer'),
              addedAt: at,
            }),
            { selector: (m) => m.email, maxLength: 3 },
          ),
          labels: fc.tuple(
            ...IMPORT_LABELS.map((name) =>
              fc.record({
                name: fc.constant(name),
                color: fc.constantFrom('#A1B2C3', '#00ff00'),
                createdAt: at,
              }),
            ),
          ),
          'tasks[].labels': fc.subarray(IMPORT_LABELS.map((name) => ` ${name}`)),
          'project.createdBy': person,
          'tasks[].createdBy': person,
          'tasks[].assignee': fc.option(person),
          'tasks[].comments[].author': person,
          'tasks[].activity[].actor': person,
          'activity[].actor': person,
          'tasks[].activity[].details': fc.constantFrom(
            null,
            {},
            { title: 'é 😀', n: [1, { x: null }] },
          ),
          // Tasks without a column go to their status' first (transfer.test.ts names columns).
          columns: fc.constantFrom(undefined, IMPORT_COLUMNS),
          'tasks[].column': fc.constant(undefined),
        };
      },
      runs: 10,
      async check(body, reply) {
        const exported = async (id: string) => {
          const res = await owner.request('GET', `${API}/projects/${id}/export`);
          expect(res.status).toBe(200);
          expectDocumented(res, 'GET', '/api/v1/projects/{projectId}/export');
          return res.body as Body;
        };
        const first = await exported(reply.body.project.id);
        const iso = (value: string) => new Date(parseTimestamp(value)!).toISOString();
        const byTime = (items: Body[]) =>
          [...items].sort((a, b) => parseTimestamp(a.createdAt)! - parseTimestamp(b.createdAt)!);
        const tasks = byTime(body.tasks as Body[]);
        expect(first.project.name).toBe(trimmed(body.project.name));
        expect(first.project.description).toBe(body.project.description);
        expect(first.labels.map((l: Body) => l.color).sort()).toEqual(
          body.labels.map((l: Body) => l.color.toLowerCase()).sort(),
        );
        expect(first.columns).toEqual(
          (
            body.columns ?? [
              { name: 'To do', category: 'todo', color: null, wipLimit: null },
              { name: 'In progress', category: 'in_progress', color: null, wipLimit: null },
              { name: 'Done', category: 'done', color: null, wipLimit: null },
            ]
          ).map((c: Body) => ({
            ...c,
            name: trimmed(c.name),
            color: c.color?.toLowerCase() ?? null,
          })),
        );
        expect(first.tasks).toHaveLength(tasks.length);
        tasks.forEach((task, i) => {
          const got = first.tasks[i];
          expect(got.title).toBe(trimmed(task.title));
          expect(got.description).toBe(task.description);
          expect([got.status, got.priority, got.position, got.version]).toEqual([
            task.status,
            task.priority,
            // Kept to 15 significant digits on both databases (MariaDB's text of a double).
            Number(task.position.toPrecision(15)),
            task.version,
          ]);
          sameInstant(task.dueAt, got.dueAt);
          expect(got.createdAt).toBe(iso(task.createdAt));
          expect(got.labels).toEqual(task.labels.map(asName).sort());
          expect(got.comments.map((c: Body) => c.body)).toEqual(
            byTime(task.comments as Body[]).map((c) => c.body),
          );
          expect(got.checklist.map((c: Body) => [c.text, c.done]).sort()).toEqual(
            task.checklist.map((c: Body) => [trimmed(c.text), c.done]).sort(),
          );
          expect(got.activity.map((a: Body) => a.details)).toEqual(
            byTime(task.activity as Body[]).map((a) => a.details),
          );
        });
        // Whatever was imported exports, imports and exports again unchanged.
        const again = await owner.request('POST', `${API}/projects/import`, first);
        expect(again.status, JSON.stringify(again.body)).toBe(201);
        const second = await exported(again.body.project.id);
        // The second import's own entry, in time order among the rest (history may be dated
        // in the future): the one entry the second export has in addition.
        const own = second.activity.findLastIndex(
          (a: Body) => a.action === 'project.imported' && a.details?.tasks === first.tasks.length,
        );
        expect(own).toBeGreaterThanOrEqual(0);
        second.activity.splice(own, 1);
        expect({ ...second, exportedAt: null }).toEqual({ ...first, exportedAt: null });
        for (const id of [reply.body.project.id, again.body.project.id])
          await owner.request('DELETE', `${API}/projects/${id}`);
      },
    },
    'POST /api/v1/projects/import/trello': {
      // Any board the schema allows; its cards on one open and one archived list.
      url: () => `${API}/projects/import/trello`,
      overrides: () => ({
        lists: fc.constant([
          { id: 'open', name: 'Doing', pos: 1 },
          { id: 'archived', name: 'Old', closed: true },
        ]),
        'cards[].idList': fc.constantFrom('open', 'archived', 'missing'),
      }),
      runs: 10,
      async check(body, reply) {
        const kept = body.cards.filter((c: Body) => c.idList === 'open');
        expect(reply.body.skipped).toEqual({
          archivedCards: 0,
          cardsOfArchivedLists: body.cards.filter((c: Body) => c.idList === 'archived').length,
          cardsWithoutList: body.cards.filter((c: Body) => c.idList === 'missing').length,
        });
        const res = await owner.request('GET', `${API}/projects/${reply.body.project.id}/export`);
        expect(res.status).toBe(200);
        expect(res.body.tasks).toHaveLength(kept.length);
        // Closed cards come in archived.
        expect(res.body.tasks.filter((task: Body) => task.archivedAt !== null)).toHaveLength(
          kept.filter((c: Body) => c.closed).length,
        );
        expect(res.body.labels).toHaveLength(body.labels.length);
        for (const task of res.body.tasks) expect(task.status).toBe('in_progress');
        await owner.request('DELETE', `${API}/projects/${reply.body.project.id}`);
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
    'PUT /api/v1/notifications/settings': {
      url: () => `${API}/notifications/settings`,
      async check(body, reply) {
        const settings = await read(
          owner,
          '/api/v1/notifications/settings',
          `${API}/notifications/settings`,
        );
        expect(settings).toEqual(reply.body);
        // What was left out keeps its value (not checked here).
        expect(settings).toMatchObject(body);
      },
    },
    'POST /api/v1/tasks/{taskId}/checklist': {
      url: () => `${API}/tasks/${checklistTaskId}/checklist`,
      async check(body, reply) {
        const item = await checklistItem(reply.body.id);
        expect(item.text).toBe(trimmed(body.text));
        expect(item.done).toBe(body.done ?? false);
      },
    },
    'POST /api/v1/projects/{projectId}/views': {
      url: () => `${API}/projects/${projectId}/views`,
      overrides: () => ({ name: viewName, query: viewQuery }),
      async check(body, reply) {
        const views = await read(
          owner,
          '/api/v1/projects/{projectId}/views',
          `${API}/projects/${projectId}/views`,
        );
        const view = views.items.find((v: { id: string }) => v.id === reply.body.id);
        expect(view).toEqual(reply.body);
        expect(view.name).toBe(body.name.trim());
        expect(view.view).toBe(body.view);
        expect(view.query).toBe(normalViewQuery(body.query));
      },
    },
    'PUT /api/v1/tasks/{taskId}/cover': {
      url: () => `${API}/tasks/${coverTaskId}/cover`,
      overrides: () => ({ attachmentId: fc.constantFrom(null, coverAttachmentId) }),
      async check(body) {
        const task = await read(owner, '/api/v1/tasks/{taskId}', `${API}/tasks/${coverTaskId}`);
        expect(task.cover?.attachmentId ?? null).toBe(body.attachmentId);
        const files = await read(
          owner,
          '/api/v1/tasks/{taskId}/attachments',
          `${API}/tasks/${coverTaskId}/attachments`,
        );
        expect(files.items[0].cover).toBe(body.attachmentId !== null);
      },
    },
    'PATCH /api/v1/views/{viewId}': {
      url: () => `${API}/views/${viewId}`,
      overrides: () => ({ name: viewName, query: viewQuery }),
      async check(body, reply) {
        const views = await read(
          owner,
          '/api/v1/projects/{projectId}/views',
          `${API}/projects/${projectId}/views`,
        );
        expect(views.items.find((v: { id: string }) => v.id === viewId)).toEqual(reply.body);
        if (body.name !== undefined) expect(reply.body.name).toBe(body.name.trim());
        if (body.view !== undefined) expect(reply.body.view).toBe(body.view);
        if (body.query !== undefined) expect(reply.body.query).toBe(normalViewQuery(body.query));
      },
    },
    'PATCH /api/v1/checklist-items/{itemId}': {
      url: () => `${API}/checklist-items/${checklistItemId}`,
      overrides: () => ({ beforeId: fc.constant(null) }),
      async check(body) {
        const item = await checklistItem(checklistItemId);
        if (body.text !== undefined) expect(item.text).toBe(trimmed(body.text));
        if (body.done !== undefined) expect(item.done).toBe(body.done);
        // Moved to the end of its checklist.
        if (body.beforeId === null) expect(item.last).toBe(true);
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
      overrides: () => ({ currentPassword: fc.constant(PASSWORD) }),
      async check(body, reply) {
        const tokens = await read(owner, '/api/v1/tokens', `${API}/tokens`);
        const token = tokens.items.find((k: { id: string }) => k.id === reply.body.id);
        expect(token.name).toBe(trimmed(body.name));
        expect(daysBetween(token.createdAt, token.expiresAt)).toBe(body.expiresInDays ?? null);
      },
    },
    'POST /api/v1/calendar-feeds': {
      url: () => `${API}/calendar-feeds`,
      overrides: () => ({ projectId: fc.constantFrom(projectId, null) }),
      async check(body, reply) {
        const feeds = await read(owner, '/api/v1/calendar-feeds', `${API}/calendar-feeds`);
        const feed = feeds.items.find((f: { id: string }) => f.id === reply.body.id);
        const { path: secret, ...stored } = reply.body;
        expect(feed).toEqual(stored);
        expect(secret).toMatch(/^\/api\/v1\/ical\//);
        expect(feed.project?.id ?? null).toBe(body.projectId ?? null);
        // A user has at most 50: make room for the next run.
        await owner.request('DELETE', `${API}/calendar-feeds/${reply.body.id}`);
      },
    },
    'POST /api/v1/projects/{projectId}/import/csv/preview': {
      url: () => `${API}/projects/${projectId}/import/csv/preview`,
      overrides: () => ({
        csv: csvFile,
        mapping: fc.constant(undefined),
        skipInvalid: fc.constant(undefined),
      }),
      runs: 15,
      async check(body, reply) {
        const rows = csvRows(body.csv);
        expect(reply.body).toMatchObject({ rows: rows.length, validRows: rows.length, issues: [] });
        expect(reply.body.sample.map((s: { title: string }) => s.title)).toEqual(
          rows.slice(0, 20).map((r) => r.title.trim()),
        );
      },
    },
    'POST /api/v1/projects/{projectId}/import/csv': {
      url: () => `${API}/projects/${projectId}/import/csv`,
      overrides: () => ({ csv: csvFile, mapping: fc.constant(undefined) }),
      runs: 15,
      async check(body, reply) {
        const rows = csvRows(body.csv);
        expect(reply.body).toEqual({ created: rows.length, skipped: 0, issues: [] });
        const tasks = await read(
          owner,
          '/api/v1/projects/{projectId}/tasks',
          `${API}/projects/${projectId}/tasks?sort=-createdAt&limit=200`,
        );
        const stored = tasks.items.map((t: { title: string; description: string | null }) =>
          JSON.stringify([t.title, t.description]),
        );
        for (const row of rows)
          expect(stored).toContain(
            JSON.stringify([
              row.title.trim(),
              row.description.trim() === '' ? null : row.description,
            ]),
          );
      },
    },
    'PATCH /api/v1/me/preferences': {
      url: () => `${API}/me/preferences`,
      async check(body, reply) {
        const preferences = await read(owner, '/api/v1/me/preferences', `${API}/me/preferences`);
        expect(preferences).toEqual(reply.body);
        if (body.language !== undefined) expect(preferences.language).toBe(body.language);
        if (body.theme !== undefined) expect(preferences.theme).toBe(body.theme);
      },
    },
    'PATCH /api/v1/admin/users/{userId}': {
      url: () => `${API}/admin/users/${subject.user!.id}`,
      async check(body, reply) {
        const users = await read(owner, '/api/v1/admin/users', `${API}/admin/users?limit=200`);
        const user = users.items.find((u: { id: string }) => u.id === subject.user!.id);
        expect(user).toEqual(reply.body);
        if (body.role !== undefined) expect(user.role).toBe(body.role);
        if (body.disabled !== undefined) expect(user.disabledAt !== null).toBe(body.disabled);
      },
    },
    'POST /api/v1/admin/invites': {
      url: () => `${API}/admin/invites`,
      overrides: () => ({ 'project.id': fc.constant(projectId) }),
      async check(body, reply) {
        const invites = await read(
          owner,
          '/api/v1/admin/invites',
          `${API}/admin/invites?limit=200`,
        );
        const invite = invites.items.find((i: { id: string }) => i.id === reply.body.id);
        expect({ ...invite, token: reply.body.token, path: reply.body.path }).toEqual(reply.body);
        expect(invite.note).toBe(body.note === undefined ? null : trimmed(body.note));
        expect(invite.project?.role ?? null).toBe(
          body.project ? (body.project.role ?? 'editor') : null,
        );
        expect(daysBetween(invite.createdAt, invite.expiresAt)).toBe(body.expiresInDays ?? 7);
      },
    },
    'POST /api/v1/invites/accept': {
      url: () => `${API}/invites/accept`,
      overrides: () => ({ password: strongPassword }),
      runs: 5,
      async check(body, reply) {
        const me = await read(signedInBy(reply), '/api/v1/auth/me', `${API}/auth/me`);
        expect(me.user.name).toBe(trimmed(body.name));
        expect(me.user.email).toBe(asEmail(body.email));
      },
    },
    'POST /api/v1/password-reset': {
      url: () => `${API}/password-reset`,
      overrides: () => ({ newPassword: strongPassword }),
      runs: 3,
      async check(body, reply) {
        const me = await read(signedInBy(reply), '/api/v1/auth/me', `${API}/auth/me`);
        expect(me.user.id).toBe(resetting.user!.id);
        const again = await new Client(t.app).request('POST', `${API}/auth/login`, {
          email: resetting.user!.email,
          password: body.newPassword,
        });
        expect(again.status).toBe(200);
      },
    },
    'POST /api/v1/auth/register': {
      url: () => `${API}/auth/register`,
      overrides: () => ({ password: strongPassword }),
      runs: 5,
      async check(body, reply) {
        const me = await read(signedInBy(reply), '/api/v1/auth/me', `${API}/auth/me`);
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

  /** Labels each merge run merges away, all on one task. */
  let mergedLabelIds: string[];
  let mergeRun = 0;
  let mergeTaskId: string;
  /** A task whose checklist the checklist routes write, and the item the PATCH runs change. */
  let checklistTaskId: string;
  let checklistItemId: string;
  let coverTaskId: string;
  let coverAttachmentId: string;
  async function checklistItem(id: string) {
    const list = await read(
      owner,
      '/api/v1/tasks/{taskId}/checklist',
      `${API}/tasks/${checklistTaskId}/checklist`,
    );
    const index = list.items.findIndex((i: { id: string }) => i.id === id);
    return { ...list.items[index], last: index === list.items.length - 1 };
  }
  const webhookUrl = fc.constantFrom(
    'https://hooks.example.com/taskmanager',
    'http://ci.example.org:8080/hook?project=1',
  );
  let webhookId: string;
  async function readWebhook(id: string) {
    const list = await read(
      owner,
      '/api/v1/projects/{projectId}/webhooks',
      `${API}/projects/${projectId}/webhooks`,
    );
    return list.items.find((h: { id: string }) => h.id === id);
  }

  let passwordUser: { client: Client; password: string };
  /** The account the admin routes act on, and the one whose password is reset. */
  let subject: Client;
  let resetting: Client;

  /** A client holding the session cookie a reply set. */
  function signedInBy(reply: Reply<any>) {
    const client = new Client(t.app);
    const cookie = reply.raw.cookies[0];
    client.cookie = cookie && `${cookie.name}=${cookie.value}`;
    return client;
  }

  beforeAll(async () => {
    if (target.skipReason) return;
    t = app();
    doc = (await t.app.inject({ method: 'GET', url: `${API}/openapi.json` })).json<Doc>();
    owner = await signUp(t, 'Owner');
    editor = await signUp(t, 'Editor');
    others = [await signUp(t, 'Other 1'), await signUp(t, 'Other 2')];
    passwordUser = { client: await signUp(t, 'Changer'), password: PASSWORD };
    subject = await signUp(t, 'Subject');
    resetting = await signUp(t, 'Resetting');
    projectId = (await owner.request('POST', `${API}/projects`, { name: 'Round trip' })).body.id;
    archiveProjectId = (await owner.request('POST', `${API}/projects`, { name: 'Archive' })).body
      .id;
    const columnsOf = async (id: string) => {
      const items = (await owner.request('GET', `${API}/projects/${id}/columns`)).body.items as {
        id: string;
        category: string;
      }[];
      for (const c of items) categoryOf.set(c.id, c.category);
      return items.map((c) => c.id);
    };
    columnIds = await columnsOf(projectId);
    archiveColumnIds = await columnsOf(archiveProjectId);
    patchedColumnId = (
      await owner.request('POST', `${API}/projects/${projectId}/columns`, {
        name: 'Patched',
        category: 'in_progress',
      })
    ).body.id;
    viewId = (
      await owner.request('POST', `${API}/projects/${projectId}/views`, {
        name: 'Patched',
        view: 'board',
        query: '',
      })
    ).body.id;
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
    mergedLabelIds = [];
    for (let i = 0; i < MERGE_RUNS; i++)
      mergedLabelIds.push(
        (await owner.request('POST', `${API}/projects/${projectId}/labels`, { name: `merge ${i}` }))
          .body.id,
      );
    mergeTaskId = (
      await owner.request('POST', `${API}/projects/${projectId}/tasks`, {
        title: 'Merged labels',
        labels: mergedLabelIds,
      })
    ).body.id;
    checklistTaskId = (
      await owner.request('POST', `${API}/projects/${projectId}/tasks`, { title: 'Checklist' })
    ).body.id;
    checklistItemId = (
      await owner.request('POST', `${API}/tasks/${checklistTaskId}/checklist`, { text: 'First' })
    ).body.id;
    coverTaskId = (
      await owner.request('POST', `${API}/projects/${projectId}/tasks`, { title: 'Cover' })
    ).body.id;
    coverAttachmentId = (
      await owner.request(
        'POST',
        `${API}/tasks/${coverTaskId}/attachments?name=pixel.png`,
        Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
          'base64',
        ),
      )
    ).body.id;
    webhookId = (
      await owner.request('POST', `${API}/projects/${projectId}/webhooks`, {
        url: 'https://hooks.example.com/patched',
        events: ['task.created'],
      })
    ).body.id;
  });

  it_('every write route has a round-trip property here', () => {
    const writes = (json: boolean) =>
      Object.entries(doc.paths).flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => operation.requestBody)
          .filter(([, operation]) => json === 'application/json' in operation.requestBody!.content)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
    expect(writes(true).sort()).toEqual(Object.keys(specs).sort());
    // The one body that is not JSON: a file, given back byte for byte (attachments.test.ts).
    expect(writes(false)).toEqual(['POST /api/v1/tasks/{taskId}/attachments']);
  });

  it_.each(Object.keys(specs))(
    '%s: what it accepts it gives back',
    async (name) => {
      const spec = specs[name]!;
      const [method, path] = name.split(' ') as ['POST' | 'PUT' | 'PATCH', string];
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
          // Each link is made for the run by the admin (the owner signed up first).
          if (name === 'POST /api/v1/invites/accept') {
            client = new Client(t.app);
            body.token = (await owner.request('POST', `${API}/admin/invites`, {})).body.token;
          }
          if (name === 'POST /api/v1/password-reset') {
            client = new Client(t.app);
            body.token = (
              await owner.request('POST', `${API}/admin/users/${resetting.user!.id}/password-reset`)
            ).body.token;
          }
          // A status sent with a column must be the column's: the status follows the column.
          if (body.columnId !== undefined && body.status !== undefined)
            body.status = categoryOf.get(body.columnId);
          if (name === 'POST /api/v1/tasks/{taskId}/move' && body.columnId === undefined)
            body.status ??= 'todo';
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
