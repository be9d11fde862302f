// API fuzzing in CI (issue 11): schemathesis generates requests from the OpenAPI document and
// runs every check against the real service process, on SQLite and on MariaDB, authenticated with
// an API token. Any failure (a server error, a response outside its schema, an undocumented
// status, a schema-valid request refused without a listed reason, …) fails this test. The known
// false positives live in tests/fuzz/schemathesis.toml, each with its reason.
//
// Budget: FUZZ_EXAMPLES cases per operation and phase; the totals (well over 5,000 cases for the
// two databases) are printed and written to test-results/fuzz-<database>.txt.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/app.js';
import { testDatabases } from '../support/databases.js';
import { repoRoot } from '../support/process.js';
import { startService } from '../support/service.js';
import type { Service } from '../support/service.js';
import { requireTool } from '../support/tools.js';

const schemathesis = requireTool(
  'schemathesis',
  'python3 -m pip install -r scripts/ci/requirements.txt',
);
const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 60);
/** FUZZ_SEED repeats a run: the seed a failing run printed (its first line says it). */
const SEED = process.env.FUZZ_SEED;
const CONFIG = path.join(repoRoot, 'tests', 'fuzz', 'schemathesis.toml');
const RESULTS = path.join(repoRoot, 'test-results');

/** Signs a person up (the cookie is Secure: read it from the header). */
async function signUp(url: string, email: string) {
  const registered = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Fuzzer', password: PASSWORD }),
  });
  expect(registered.status).toBe(201);
  const { csrfToken, user } = (await registered.json()) as {
    csrfToken: string;
    user: { id: string };
  };
  return {
    csrfToken,
    userId: user.id,
    cookie: registered.headers.get('set-cookie')!.split(';')[0]!,
  };
}

/** Signs a person up and makes an API token. */
async function tokenFor(url: string, email: string): Promise<string> {
  const api = `${url}/api/v1`;
  const { csrfToken, cookie } = await signUp(url, email);
  const created = await fetch(`${api}/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'fuzzing', currentPassword: PASSWORD }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { token: string }).token;
}

/**
 * The one webhook receiver the run may reach: the service is started with only loopback in
 * WEBHOOK_ALLOWED_HOSTS and public addresses denied (WEBHOOK_ALLOW_PUBLIC=false), so the
 * webhooks the fuzzer makes with generated URLs are refused (400) without even a DNS query, and
 * the seeded one delivers here.
 */
async function startReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fuzz`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A project with a label, a task, a comment and a webhook, so that the stateful phase has real
 * ids.
 */
async function seed(url: string, token: string, webhookUrl: string): Promise<void> {
  const call = async (method: string, route: string, body: unknown) => {
    const reply = await fetch(`${url}/api/v1${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    expect(reply.status, route).toBe(201);
    return (await reply.json()) as { id: string };
  };
  const project = await call('POST', '/projects', { name: 'Fuzzing' });
  const label = await call('POST', `/projects/${project.id}/labels`, { name: 'fuzz' });
  const task = await call('POST', `/projects/${project.id}/tasks`, {
    title: 'Seed',
    labels: [label.id],
  });
  await call('POST', `/tasks/${task.id}/comments`, { body: 'seed' });
  await call('POST', `/projects/${project.id}/webhooks`, {
    url: webhookUrl,
    events: ['task.created', 'task.updated'],
  });
}

function runSchemathesis(url: string, env: Record<string, string>) {
  const args = [
    '--config-file',
    CONFIG,
    '--no-color',
    'run',
    `${url}/api/v1/openapi.json`,
    '--url',
    url,
    '--max-examples',
    String(EXAMPLES),
    ...(SEED ? ['--seed', SEED] : []),
  ];
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(schemathesis.path!, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * What failed, on one line: CI logs show only a failure's first line, and a rare find must be
 * repeatable from it. The seed, then each failing operation with its checks and the status.
 */
function failureDigest(output: string): string {
  const seed = /^Seed: (\d+)/m.exec(output)?.[1] ?? 'not printed';
  const start = output.search(/^=+ FAILURES =+$/m);
  const end = output.search(/^=+ (ERRORS|WARNINGS|SUMMARY) =+$/m);
  const found: string[] = [];
  if (start >= 0) {
    for (const raw of output.slice(start, end > start ? end : undefined).split('\n')) {
      const line = raw.trim();
      const operation = /^_{3,} (.+?) _{3,}$/.exec(line)?.[1];
      const check = /^- (.+)$/.exec(line)?.[1];
      const status = /^\[(\d{3})\]/.exec(line)?.[1];
      if (operation) found.push(`${operation}:`);
      else if (check && found.length) found[found.length - 1] += ` ${check};`;
      else if (status && found.length) found[found.length - 1] += ` [${status}]`;
    }
  }
  return `schemathesis seed ${seed} (FUZZ_SEED=${seed} repeats it); ${
    found.length
      ? `failed: ${found.join(' | ')}`
      : 'no failure section; see test-results/fuzz-*.txt'
  }`;
}

let running: Service | undefined;
afterAll(async () => {
  await running?.stop();
});

describe.skipIf(schemathesis.skipReason).each(testDatabases)('schemathesis on $name', (target) => {
  it.skipIf(target.skipReason)(
    'finds no failure in any check',
    async () => {
      const database = await target.create();
      const receiver = await startReceiver();
      try {
        // The normal settings, as an operator would set them for a load test: sign-in limits
        // high enough for the run, Secure cookies (so the fuzzer's HTTP client keeps none and
        // every request is authenticated by its token alone).
        running = await startService({
          env: {
            DATABASE_URL: database.url,
            MIGRATE_ON_START: 'true',
            LOG_LEVEL: 'warn',
            COOKIE_SECURE: 'true',
            LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
            LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
            // Nothing but the run's own receiver on loopback (see startReceiver).
            WEBHOOK_ALLOW_PUBLIC: 'false',
            WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
          },
        });
        const url = running.url;
        const token = await tokenFor(url, `fuzz-${target.name}@example.com`);
        const second = await tokenFor(url, `fuzz-second-${target.name}@example.com`);
        const { userId: targetUser } = await signUp(url, `fuzz-target-${target.name}@example.com`);
        await seed(url, token, receiver.url);

        const { code, output } = await runSchemathesis(url, {
          TASKMANAGER_FUZZ_TOKEN: token,
          TASKMANAGER_FUZZ_SECOND_TOKEN: second,
          TASKMANAGER_FUZZ_TARGET_USER: targetUser,
        });
        mkdirSync(RESULTS, { recursive: true });
        writeFileSync(path.join(RESULTS, `fuzz-${target.name}.txt`), output);
        const summary = output.slice(output.lastIndexOf('SUMMARY'));
        console.log(`schemathesis on ${target.name}:\n${summary}`);
        expect(output).not.toMatch(/Traceback|Schema Error|Network Error/);
        expect(code, `${failureDigest(output)}\n${summary}`).toBe(0);
        const generated = Number(/(\d+) generated/.exec(summary)?.[1] ?? 0);
        // Half of the 5,000 cases the two databases reach together at the least.
        expect(generated).toBeGreaterThanOrEqual(2_500);
        expect(running.output()).not.toMatch(/"level":(50|60)/);
      } finally {
        await running?.stop();
        await receiver.close();
        await database.drop();
      }
    },
    900_000,
  );
});
