// JSON log lines: one per request with the fields Loki queries on, request ids honoured and echoed,
// and secrets never written, first on a bare Fastify with the service's logger options, then on the
// real service process through a real sign-up, login, API token and authenticated requests.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDACTED,
  loggerOptions,
  registerRequestLogging,
  requestIdOptions,
} from '../../src/platform/logging.js';
import { eventually } from '../support/process.js';
import { ApiClient, startService } from './support/service.js';
import type { Service } from './support/service.js';

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

describe('the running service', () => {
  let service: Service;
  const password = 'correct horse battery staple 42';
  const secrets: string[] = [password];

  beforeAll(async () => {
    service = await startService({ env: { LOG_LEVEL: 'debug' } });
  }, 90_000);
  afterAll(async () => service?.stop());

  const logLines = () =>
    service
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);

  it('never writes a secret through sign-up, login, tokens and authenticated calls', async () => {
    const email = `logs.${Date.now()}@example.com`;
    const api = new ApiClient(service.url);
    const refused = await new ApiClient(service.url).request('POST', '/api/v1/auth/register', {
      email: `short.${Date.now()}@example.com`,
      name: 'Short',
      password: 'tooShortZq9',
    });
    expect(refused.status).toBe(400);
    secrets.push('tooShortZq9');
    await api.register(email, password);
    const login = await api.login(email, password);
    expect(login.status).toBe(200);
    secrets.push(api.cookie!.split('=')[1]!, api.csrfToken!);
    expect((await new ApiClient(service.url).login(email, `${password} wrong`)).status).toBe(401);
    secrets.push(`${password} wrong`);
    const token = await api.request('POST', '/api/v1/tokens', { name: 'ci' });
    expect(token.status).toBe(201);
    const bearer = JSON.stringify(token.body).match(/tm_[A-Za-z0-9_-]{16,}/)?.[0];
    expect(bearer).toBeDefined();
    secrets.push(bearer!);
    const viaToken = await new ApiClient(service.url).request(
      'GET',
      '/api/v1/projects',
      undefined,
      {
        authorization: `Bearer ${bearer}`,
        'x-request-id': 'token-call-1',
      },
    );
    expect(viaToken.status).toBe(200);
    const viaCookie = await api.request(
      'POST',
      '/api/v1/projects',
      { name: 'Logged' },
      { 'x-request-id': 'cookie-call-1' },
    );
    expect(viaCookie.status).toBe(201);

    const output = service.stdout() + service.stderr();
    for (const secret of secrets) expect(output, `a secret reached the log`).not.toContain(secret);

    // The process writes asynchronously to its pipe: wait for the last request's line.
    await eventually(async () => {
      if (!logLines().some((l) => l.request_id === 'cookie-call-1')) throw new Error('not yet');
    });
    const lines = logLines();
    const userId = (login.body as { user: { id: string } }).user.id;
    for (const id of ['token-call-1', 'cookie-call-1']) {
      const completed = lines.filter((l) => l.request_id === id && l.msg === 'request completed');
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ user_id: userId, level: 'info' });
    }
    expect(lines.find((l) => l.request_id === 'cookie-call-1')).toMatchObject({
      method: 'POST',
      route: '/api/v1/projects',
      status: 201,
    });
  });

  it('keeps the probes quiet while they succeed', async () => {
    for (let i = 0; i < 3; i++)
      await fetch(`${service.url}/livez`, { headers: { 'x-request-id': `probe-${i}` } });
    await fetch(`${service.url}/readyz`);
    // A logged request after them: once its line is out, the probes' would be too.
    await fetch(`${service.url}/api/v1/auth/me`, { headers: { 'x-request-id': 'after-probes' } });
    await eventually(async () => {
      if (!logLines().some((l) => l.request_id === 'after-probes')) throw new Error('not yet');
    });
    expect(logLines().filter((l) => String(l.request_id).startsWith('probe-'))).toEqual([]);
  });
});
