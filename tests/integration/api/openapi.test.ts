// The OpenAPI document: 3.1, structurally valid, and complete: every route the app serves under
// /api/v1 (read from Fastify's route tree, not a hand-kept list) with its parameters, request
// body and response schemas, errors included.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { Client } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, servedApiRoutes, useApp } from './helpers.js';

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  required?: string[];
  [key: string]: unknown;
}

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }>;
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The document's operations under /api/v1 as `METHOD /path`, in Fastify's `:param` syntax. */
function documented(doc: Document): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith(`${API}/`)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const route = path.replace(API, '').replace(/\{(\w+)\}/g, ':$1');
      operations.set(`${method.toUpperCase()} ${route}`, operation);
    }
  }
  return operations;
}

describe.each(testDatabases)('OpenAPI document on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  const fetchDoc = async () => {
    const reply = await new Client(app().app).request<Document>('GET', `${API}/openapi.json`);
    expect(reply.status).toBe(200);
    expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
    return reply.body;
  };

  const resolve = (doc: Document, schema: Schema): Schema => {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    const found = doc.components.schemas[name];
    expect(found, `unresolved ${schema.$ref}`).toBeDefined();
    return resolve(doc, found!);
  };

  it_('compiles every request validator and response serializer of the app', async () => {
    // They compile on first use (src/platform/compile-on-demand.ts); the server compiles the
    // rest once ready. Every one must compile: a broken schema would otherwise surface as a 500
    // on the first request of its route.
    const { compilers } = app().app;
    expect(compilers.pending).toBeGreaterThan(100);
    expect(await compilers.compileRest()).toBeGreaterThan(100);
    expect(compilers.pending).toBe(0);
  });

  it_('is OpenAPI 3.1 with a title, a version and both ways to authenticate', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'session']);
  });

  it_('passes an OpenAPI 3.1 structural lint without errors', async () => {
    const doc = await fetchDoc();
    const config = await createConfig({
      rules: { struct: 'error', 'no-unresolved-refs': 'error' },
    });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: '/openapi.json',
      config,
    });
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it_('documents exactly the routes the app serves under /api/v1', async () => {
    const doc = await fetchDoc();
    // The document does not describe itself.
    const served = servedApiRoutes(app().app).filter((route) => route !== 'GET /openapi.json');
    expect(served.length).toBeGreaterThanOrEqual(30);
    expect([...documented(doc).keys()].sort()).toEqual(served);
  });

  it_(
    'every operation has a summary, a tag, its path parameters, a success response and its error responses',
    async () => {
      const doc = await fetchDoc();
      for (const [route, operation] of documented(doc)) {
        expect(operation.summary, route).toBeTruthy();
        expect(operation.tags?.length, route).toBeGreaterThan(0);

        const pathParams = [...route.matchAll(/:(\w+)/g)].map((m) => m[1]);
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), route).toEqual([...pathParams].sort());
        for (const param of declared) expect(param.required, `${route} ${param.name}`).toBe(true);

        const statuses = Object.keys(operation.responses);
        // Single sign-on's routes succeed with a redirect (302, no body).
        const success = statuses.filter((s) => /^(2\d\d|302)$/.test(s));
        expect(success, route).toHaveLength(1);
        const ok = operation.responses[success[0]!]!;
        if (success[0] === '204' || success[0] === '302') {
          expect(ok.content?.['application/json'], route).toBeUndefined();
        } else if (ok.content?.['text/calendar']) {
          // A calendar feed is text for calendar apps (RFC 5545), not a JSON document.
          expect(resolve(doc, ok.content['text/calendar'].schema).type, route).toBe('string');
        } else if (ok.content?.['application/octet-stream']) {
          // A file download (an attachment): its bytes, whatever they are.
          expect(ok.content['application/octet-stream'].schema, route).toMatchObject({
            type: 'string',
            format: 'binary',
          });
        } else {
          // The live stream describes the data of its events.
          const schema = (ok.content?.['application/json'] ?? ok.content?.['text/event-stream'])
            ?.schema;
          expect(schema, `${route} ${success[0]} schema`).toBeDefined();
          const resolved = resolve(doc, schema!);
          expect(
            Object.keys(resolved.properties ?? {}).length,
            `${route} response properties`,
          ).toBeGreaterThan(0);
        }

        const errorStatuses = statuses.filter((s) => /^[45]\d\d$/.test(s));
        expect(errorStatuses.length, route).toBeGreaterThan(0);
        for (const status of errorStatuses) {
          const schema = operation.responses[status]!.content?.['application/json']?.schema;
          expect(schema, `${route} ${status}`).toBeDefined();
          expect(resolve(doc, schema!).properties?.error, `${route} ${status}`).toBeDefined();
        }
        const publicRoute = ['POST /auth/register', 'POST /auth/login'].includes(route);
        if (!publicRoute) expect(statuses, `${route} documents 401`).toContain('401');
      }
    },
  );

  it_(
    'every write with a body documents it: JSON, its fields, unknown fields refused',
    async () => {
      const doc = await fetchDoc();
      // Actions whose path says everything: signing out, forcing a password reset, a webhook's
      // test event and a redelivery, marking notifications read, watching a task.
      const bodiless = [
        'POST /auth/logout',
        'POST /admin/users/:userId/password-reset',
        'POST /webhooks/:webhookId/test',
        'POST /webhooks/:webhookId/deliveries/:deliveryId/redeliver',
        'POST /notifications/:notificationId/read',
        'POST /notifications/read-all',
        'PUT /tasks/:taskId/watch',
        'POST /tasks/:taskId/archive',
        'POST /tasks/:taskId/restore',
      ];
      const withBody = [...documented(doc).entries()].filter(
        ([route]) => /^(POST|PATCH|PUT) /.test(route) && !bodiless.includes(route),
      );
      expect(withBody.length).toBeGreaterThanOrEqual(13);
      // A file upload: the body is the file itself, of any type (no JSON, no multipart).
      const rawBody = ['POST /tasks/:taskId/attachments'];
      for (const route of rawBody) {
        const content = documented(doc).get(route)?.requestBody?.content ?? {};
        expect(Object.keys(content), route).toEqual(['application/octet-stream']);
      }
      for (const [route, operation] of withBody.filter(([route]) => !rawBody.includes(route))) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        expect(schema, `${route} request body`).toBeDefined();
        const resolved = resolve(doc, schema!);
        expect(resolved.type, route).toBe('object');
        expect(Object.keys(resolved.properties ?? {}).length, route).toBeGreaterThan(0);
        // A file another product wrote (a Trello board export) carries fields the import ignores.
        const foreign = ['POST /projects/import/trello'];
        expect(resolved.additionalProperties, route).toBe(foreign.includes(route));
      }
      for (const route of bodiless)
        expect(documented(doc).get(route)?.requestBody, route).toBeUndefined();
    },
  );

  it_(
    'describes the shapes clients rely on: Task, the task list query, the error body',
    async () => {
      const doc = await fetchDoc();
      const task = resolve(doc, { $ref: '#/components/schemas/Task' });
      expect(Object.keys(task.properties!).sort()).toEqual(
        [
          'archivedAt',
          'assignee',
          'assigneeId',
          'attachments',
          'checklist',
          'columnId',
          'cover',
          'createdAt',
          'createdBy',
          'description',
          'dueAt',
          'id',
          'labels',
          'position',
          'priority',
          'projectId',
          'status',
          'title',
          'updatedAt',
          'version',
          'watching',
        ].sort(),
      );
      const list = documented(doc).get('GET /projects/:projectId/tasks')!;
      const query = (list.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(query.sort()).toEqual(
        [
          'archived',
          'assigneeId',
          'columnId',
          'cursor',
          'dueAfter',
          'dueBefore',
          'label',
          'limit',
          'priority',
          'q',
          'sort',
          'status',
        ].sort(),
      );
      const create = documented(doc).get('POST /projects/:projectId/tasks')!;
      const body = resolve(doc, create.requestBody!.content['application/json']!.schema);
      expect(body.required).toEqual(['title']);
      expect(body.properties!.title).toMatchObject({ maxLength: 200 });
      expect(
        resolve(doc, body.properties!.description!).anyOf ?? body.properties!.description,
      ).toBeDefined();
      expect(JSON.stringify(body.properties!.description)).toContain('20000');
      const error = resolve(doc, { $ref: '#/components/schemas/ErrorResponse' });
      expect(Object.keys(resolve(doc, error.properties!.error!).properties!).sort()).toEqual([
        'code',
        'details',
        'message',
      ]);
      const patch = documented(doc).get('PATCH /tasks/:taskId')!;
      expect(Object.keys(patch.responses)).toContain('412');
      expect(
        (patch.parameters ?? []).some(
          (p) => p.in === 'header' && p.name.toLowerCase() === 'if-match',
        ),
      ).toBe(true);
    },
  );

  it_('serves the docs UI at /api/docs', async () => {
    const reply = await app().app.inject({ method: 'GET', url: '/api/docs/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/text\/html/);
  });
});
