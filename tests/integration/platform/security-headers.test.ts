// The security headers of every answer (API, error, docs), set once per request from values
// computed at start-up (src/platform/security-headers.ts): the exact set and values helmet 8 sets
// with the app's Content-Security-Policy, Strict-Transport-Security only with COOKIE_SECURE, and
// no X-Powered-By.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';

const sqlite = testDatabases.find((d) => d.name === 'sqlite')!;

const CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';" +
  "font-src 'self';object-src 'none';base-uri 'self';frame-ancestors 'none';form-action 'self'";

const EXPECTED = {
  'content-security-policy': CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers', () => {
  let plain: TestApp;
  let secure: TestApp;

  beforeAll(async () => {
    plain = await createTestApp(sqlite);
    secure = await createTestApp(sqlite, { COOKIE_SECURE: 'true' });
  });
  afterAll(async () => {
    await plain?.close();
    await secure?.close();
  });

  it('are on answers, errors and the docs, with the values helmet sets', async () => {
    for (const url of ['/api/v1/openapi.json', '/api/v1/auth/me', '/api/v1/nowhere', '/healthz']) {
      const reply = await plain.app.inject({ method: 'GET', url });
      expect(reply.headers, url).toMatchObject(EXPECTED);
      expect(reply.headers['x-powered-by'], url).toBeUndefined();
      expect(reply.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('add Strict-Transport-Security only behind TLS (COOKIE_SECURE)', async () => {
    const reply = await secure.app.inject({ method: 'GET', url: '/healthz' });
    expect(reply.headers).toMatchObject(EXPECTED);
    expect(reply.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
