// Issue 11, finding 2: behind the chart's Ingress, a client that rotates X-Forwarded-For must not
// escape the per-address sign-in limit. The service runs with TRUST_PROXY and the sign-in limit as
// the chart renders them for production, two replicas behind a proxy that forwards the client's
// header with the address it saw appended (as an ingress controller forwarding the full chain).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { ForwardingProxy } from '../../support/forwarding-proxy.js';
import { ApiClient } from '../../support/http.js';
import { useReplicas } from '../../support/replicas.js';
import { requireTool } from '../../support/tools.js';
import { mustRender, named } from '../../deploy/chart-helpers.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');

/** The app's environment as the chart renders it for production (its ConfigMap). */
function productionEnv(): Record<string, string> {
  const rendered = mustRender(helm.path!, 'prod');
  return named(rendered.objects, 'ConfigMap', 'cloudedu-taskmanager').data as Record<
    string,
    string
  >;
}

describe.each(testDatabases)('a rotating X-Forwarded-For behind the Ingress on $name', (target) => {
  const skip = target.skipReason ?? helm.skipReason;
  let chart: Record<string, string> = {};
  const replicas = useReplicas(target, {
    skip,
    env: () => {
      chart = productionEnv();
      return {
        TRUST_PROXY: chart.TRUST_PROXY!,
        // Unset in the chart, so the service's default; empty here undoes the test harness's own.
        LOGIN_RATE_LIMIT_PER_MINUTE: chart.LOGIN_RATE_LIMIT_PER_MINUTE ?? '',
      };
    },
  });
  let proxy: ForwardingProxy | undefined;
  let ingress = '';

  beforeAll(async () => {
    if (skip) return;
    proxy = new ForwardingProxy(replicas.services.map((s) => s.url));
    ingress = await proxy.start();
  });

  afterAll(async () => proxy?.stop());

  it.skipIf(skip)('does not let 50 sign-ins escape the per-address limit', async () => {
    expect(chart.TRUST_PROXY).toBe('1');
    expect(chart.LOGIN_RATE_LIMIT_PER_MINUTE).toBeUndefined();
    const perAddress = 20; // LOGIN_RATE_LIMIT_PER_MINUTE's default (docs/configuration.md)

    // The address the service records is the one the proxy saw, not the one the client wrote.
    const person = new ApiClient(ingress);
    const registered = await person.request(
      'POST',
      `${API}/auth/register`,
      {
        email: `proxied.${Date.now().toString(36)}@example.com`,
        name: 'Proxied',
        password: PASSWORD,
      },
      { 'x-forwarded-for': '203.0.113.66' },
    );
    expect(registered.status).toBe(201);
    const sessions = await person.ok('GET', `${API}/auth/sessions`);
    expect(sessions.body.items.map((s: { ip: string }) => s.ip)).toEqual(['127.0.0.1']);

    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        new ApiClient(ingress).request(
          'POST',
          `${API}/auth/login`,
          { email: `nobody${i}@example.com`, password: 'wrong password 1' },
          { 'x-forwarded-for': `198.51.${100 + (i % 3)}.${i + 1}` },
        ),
      ),
    );
    const counts = replies.reduce<Record<number, number>>((count, r) => {
      count[r.status] = (count[r.status] ?? 0) + 1;
      return count;
    }, {});
    expect(counts).toEqual({ 401: perAddress, 429: 50 - perAddress });
    for (const reply of replies.filter((r) => r.status === 429)) {
      expect(reply.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(reply.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
  });
});
