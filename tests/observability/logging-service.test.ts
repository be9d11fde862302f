// Secrets never reach the log of the real service process, through a real sign-up, login, API
// token and authenticated requests; probes stay quiet (the logger options: logging.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/process.js';
import { ApiClient } from '../support/http.js';
import { startService } from '../support/service.js';
import type { Service } from '../support/service.js';

type Line = Record<string, unknown>;

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
    const token = await api.request('POST', '/api/v1/tokens', {
      name: 'ci',
      currentPassword: password,
    });
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
