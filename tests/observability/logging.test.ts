// JSON log lines: one per request with the fields Loki queries on, request ids honoured and echoed,
// and secrets never written, on a bare Fastify with the service's logger options. The same on the
// real service process: logging-service.test.ts.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  loggerOptions,
  registerRequestLogging,
  requestIdOptions,
} from '../../src/platform/logging.js';

type Line = Record<string, unknown>;

function capture() {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(text) as Line);
      callback();
    },
  });
  return { lines, stream };
}

function bareApp(stream: Writable) {
  const options = loggerOptions('info') as object;
  const app = Fastify({ logger: { ...options, stream }, ...requestIdOptions });
  registerRequestLogging(app);
  app.get('/api/v1/tasks/:taskId', async (request) => {
    request.log.info('inside the handler');
    return { ok: true };
  });
  app.post('/echo', async (request) => {
    request.log.info(
      {
        // Not under `req`/`res`: Fastify's serializers would keep only method and URL there.
        headers: request.headers,
        body: request.body,
        response: { headers: { 'set-cookie': 'tm_session=abc123secret; HttpOnly' } },
      },
      'something logged with everything in it',
    );
    return {};
  });
  return app;
}

describe('logger options on a bare Fastify instance', () => {
  it('writes one JSON line per request with route, status, duration and the request id', async () => {
    const { lines, stream } = capture();
    const app = bareApp(stream);
    const reply = await app.inject({
      url: '/api/v1/tasks/0193a1b2-c3d4?x=1',
      headers: { 'x-request-id': 'req-42.a_b' },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['x-request-id']).toBe('req-42.a_b');
    const mine = lines.filter((l) => l.request_id === 'req-42.a_b');
    const completed = mine.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/v1/tasks/:taskId',
      path: '/api/v1/tasks/0193a1b2-c3d4',
      status: 200,
    });
    expect(completed[0]!.duration_ms).toBeTypeOf('number');
    expect(Date.parse(completed[0]!.time as string)).not.toBeNaN();
    // Fastify's own "incoming request"/"request completed" pair is replaced by that single line.
    expect(mine.map((l) => l.msg)).toEqual(['inside the handler', 'request completed']);
    await app.close();
  });

  it('replaces a malformed or oversized X-Request-Id by a fresh UUID', async () => {
    const { lines, stream } = capture();
    const app = bareApp(stream);
    for (const bad of ['has spaces and "quotes"', 'x'.repeat(200)]) {
      const reply = await app.inject({ url: '/api/v1/tasks/1', headers: { 'x-request-id': bad } });
      expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const plain = await app.inject({ url: '/api/v1/tasks/1' });
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      lines.filter((l) => l.msg === 'request completed').map((l) => l.request_id),
    ).toHaveLength(3);
    await app.close();
  });

  it('labels an unmatched request "unmatched", not with its URL', async () => {
    const { lines, stream } = capture();
    const app = bareApp(stream);
    await app.inject('/wp-admin/setup.php');
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({
      route: 'unmatched',
      status: 404,
    });
    await app.close();
  });

  it('redacts passwords, tokens, cookies, Authorization, X-CSRF-Token and Set-Cookie', async () => {
    const { lines, stream } = capture();
    const app = bareApp(stream);
    const secrets = [
      'hunter2-password',
      'bearer-tm_secret',
      'tm_session=cookie-secret',
      'csrf-secret',
      'abc123secret',
      'token-secret',
      'new-pass-secret',
    ];
    await app.inject({
      method: 'POST',
      url: '/echo',
      headers: {
        authorization: 'Bearer bearer-tm_secret',
        cookie: 'tm_session=cookie-secret',
        'x-csrf-token': 'csrf-secret',
      },
      payload: {
        email: 'a@example.com',
        password: 'hunter2-password',
        nested: { token: 'token-secret', newPassword: 'new-pass-secret' },
      },
    });
    const text = JSON.stringify(lines);
    for (const secret of secrets) expect(text).not.toContain(secret);
    const line = lines.find((l) => l.msg === 'something logged with everything in it') as {
      headers: Record<string, string>;
      body: Record<string, unknown>;
      response: { headers: Record<string, string> };
    };
    expect(line.headers.authorization).toBe(REDACTED);
    expect(line.headers.cookie).toBe(REDACTED);
    expect(line.headers['x-csrf-token']).toBe(REDACTED);
    expect(line.headers['content-type']).toBe('application/json');
    expect(line.response.headers['set-cookie']).toBe(REDACTED);
    expect(line.body).toEqual({
      email: 'a@example.com',
      password: REDACTED,
      nested: { token: REDACTED, newPassword: REDACTED },
    });
    await app.close();
  });
});
