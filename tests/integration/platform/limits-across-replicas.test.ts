// The sign-in limits hold for the whole service, not per process (issue 11, findings 3 and 6):
// two real service processes share one database, and attempts spread over both count together.
// The test stands in for the ingress controller: the services trust one proxy hop (TRUST_PROXY=1,
// as the chart sets behind its Ingress) and the test writes each request's client address last
// in X-Forwarded-For, so that every case has clients of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/database.js';
import type { DatabaseHandle } from '../../../src/db/database.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { LoginLimits } from '../../../src/features/auth/login-limits.js';
import { sha256 } from '../../../src/platform/ids.js';
import { testDatabases } from '../../support/databases.js';
import { useReplicas } from '../../support/replicas.js';
import type { Service } from '../../support/service.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
const PER_ADDRESS = 20;
const PER_ACCOUNT = 10;
let counter = 0;
const uniqueEmail = (prefix: string) =>
  `${prefix}${++counter}.${Date.now().toString(36)}@example.com`;

interface Answer {
  status: number;
  body: { error?: { code: string; message: string }; user?: { id: string } };
  retryAfter: number | undefined;
  setCookie: string | null;
  /** Epoch ms before the request was sent and after its answer arrived. */
  sentAt: number;
  answeredAt: number;
}

async function post(service: Service, route: string, body: unknown, client: string) {
  const sentAt = Date.now();
  const response = await fetch(`${service.url}${API}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify(body),
  });
  const answer: Answer = {
    status: response.status,
    body: (await response.json()) as Answer['body'],
    retryAfter: response.headers.has('retry-after')
      ? Number(response.headers.get('retry-after'))
      : undefined,
    setCookie: response.headers.get('set-cookie'),
    sentAt,
    answeredAt: Date.now(),
  };
  return answer;
}

const statuses = (answers: Answer[]) =>
  answers.reduce<Record<number, number>>((count, a) => {
    count[a.status] = (count[a.status] ?? 0) + 1;
    return count;
  }, {});

describe.each(testDatabases)('sign-in limits across replicas on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  const replicas = useReplicas(target, {
    env: () => ({
      TRUST_PROXY: '1',
      LOGIN_RATE_LIMIT_PER_MINUTE: String(PER_ADDRESS),
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
    }),
  });
  let a: Service;
  let b: Service;
  let database: DatabaseHandle | undefined;

  beforeAll(() => {
    if (target.skipReason) return;
    [a, b] = replicas.services as [Service, Service];
    database = openDatabase(replicas.database!);
  });

  afterAll(async () => database?.close());

  const replica = (i: number) => (i % 2 === 0 ? a : b);

  async function account(prefix: string, email = uniqueEmail(prefix)) {
    const registered = await post(
      a,
      '/auth/register',
      { email, name: prefix, password: PASSWORD },
      '192.0.2.1',
    );
    expect(registered.status).toBe(201);
    return { email, id: registered.body.user!.id };
  }

  /** The end of a bucket's window as the database holds it. */
  async function resetAt(bucket: string): Promise<number> {
    const row = await database!.db
      .selectFrom('login_limits')
      .select('reset_at')
      .where('bucket', '=', bucket)
      .executeTakeFirstOrThrow();
    return Number(row.reset_at);
  }

  /** Retry-After is the time left in the window, as seen between sending and answering. */
  function expectTimeLeft(answer: Answer, windowEnd: number) {
    expect(answer.retryAfter).toBeGreaterThanOrEqual(
      Math.ceil((windowEnd - answer.answeredAt) / 1000),
    );
    expect(answer.retryAfter).toBeLessThanOrEqual(Math.ceil((windowEnd - answer.sentAt) / 1000));
  }

  it_(
    '10 failures spread over both replicas lock the account; the 429 says the time left',
    async () => {
      const victim = await account('victim');
      const failures = await Promise.all(
        Array.from({ length: PER_ACCOUNT }, (_, i) =>
          post(
            replica(i),
            '/auth/login',
            { email: victim.email, password: 'wrong password 1' },
            `198.51.100.${i + 1}`,
          ),
        ),
      );
      expect(statuses(failures)).toEqual({ 401: PER_ACCOUNT });

      const windowEnd = await resetAt(`account:${victim.id}`);
      for (const [i, service] of [a, b].entries()) {
        // The right password, from an address never seen before: the account is locked.
        const locked = await post(
          service,
          '/auth/login',
          { email: victim.email, password: PASSWORD },
          `198.51.100.${50 + i}`,
        );
        expect(locked.status).toBe(429);
        expect(locked.body).toEqual({
          error: {
            code: 'RATE_LIMITED',
            message: expect.stringMatching(/try again in 1[45] minutes$/),
          },
        });
        expect(locked.setCookie).toBeNull();
        // Not the minute the 429 used to claim: the rest of the 15-minute window.
        expect(locked.retryAfter).toBeGreaterThan(60);
        expectTimeLeft(locked, windowEnd);
      }
    },
  );

  it_(
    'checks no more passwords than the limit when attempts arrive at once on both replicas',
    async () => {
      const victim = await account('rush');
      const attempts = await Promise.all(
        Array.from({ length: 3 * PER_ACCOUNT }, (_, i) =>
          post(
            replica(i),
            '/auth/login',
            { email: victim.email, password: 'wrong password 1' },
            `198.51.101.${i + 1}`,
          ),
        ),
      );
      // Each attempt is counted before its password is checked, in one atomic statement.
      expect(statuses(attempts)).toEqual({ 401: PER_ACCOUNT, 429: 2 * PER_ACCOUNT });
      const { hits } = await database!.db
        .selectFrom('login_limits')
        .select('hits')
        .where('bucket', '=', `account:${victim.id}`)
        .executeTakeFirstOrThrow();
      expect(Number(hits)).toBe(3 * PER_ACCOUNT);
    },
  );

  it_(
    'counts every spelling that reaches the account against it, and no other spelling signs in',
    async () => {
      // Finding 3: the account is found through any case or spacing of its email, and counted once.
      const local = `admin${++counter}.${Date.now().toString(36)}`;
      const victim = await account('admin', `${local}@example.com`);
      const spellings = [
        `${local.toUpperCase()}@EXAMPLE.COM`,
        `  ${local}@example.com `,
        `${local}@Example.com`,
      ];
      for (let i = 0; i < PER_ACCOUNT; i++) {
        const failure = await post(
          replica(i),
          '/auth/login',
          { email: spellings[i % spellings.length], password: 'wrong password 1' },
          `198.51.102.${i + 1}`,
        );
        expect(failure.status).toBe(401);
      }
      const locked = await post(
        b,
        '/auth/login',
        { email: victim.email, password: PASSWORD },
        '198.51.102.90',
      );
      expect(locked.status).toBe(429);
      // The repro: an accented spelling, in either Unicode form, is another (unknown) account.
      // Refused with the right password, never signed in as the locked admin.
      for (const [i, form] of (['NFC', 'NFD'] as const).entries()) {
        const lookalike = await post(
          replica(i),
          '/auth/login',
          { email: `ä${local.slice(1)}@example.com`.normalize(form), password: PASSWORD },
          `198.51.102.${91 + i}`,
        );
        expect(lookalike.status).toBe(401);
        expect(lookalike.setCookie).toBeNull();
      }
    },
  );

  it_(
    'limits sign-ins per client address over both replicas, an IPv6 client by its /64',
    async () => {
      const from = '203.0.113.9';
      const attempts: Answer[] = [];
      for (let i = 0; i < PER_ADDRESS; i++) {
        attempts.push(
          await post(
            replica(i),
            '/auth/login',
            { email: uniqueEmail('nobody'), password: 'wrong password 1' },
            from,
          ),
        );
      }
      expect(statuses(attempts)).toEqual({ 401: PER_ADDRESS });
      const windowEnd = await resetAt(`sign-in:${from}`);
      for (const service of [a, b]) {
        const limited = await post(
          service,
          '/auth/login',
          { email: uniqueEmail('nobody'), password: 'wrong password 1' },
          from,
        );
        expect(limited.status).toBe(429);
        expect(limited.body).toEqual({
          error: { code: 'RATE_LIMITED', message: expect.any(String) },
        });
        expect(limited.retryAfter).toBeLessThanOrEqual(60);
        expectTimeLeft(limited, windowEnd);
      }
      // Another address is not affected, and sign-up keeps its own budget.
      const other = await post(
        b,
        '/auth/login',
        { email: uniqueEmail('nobody'), password: 'wrong password 1' },
        '203.0.113.10',
      );
      expect(other.status).toBe(401);
      const signUp = await post(
        a,
        '/auth/register',
        { email: uniqueEmail('late'), name: 'Late', password: PASSWORD },
        from,
      );
      expect(signUp.status).toBe(201);

      // Rotating through one IPv6 /64 (what a single subscriber is given) gains nothing.
      const v6 = await Promise.all(
        Array.from({ length: PER_ADDRESS + 5 }, (_, i) =>
          post(
            replica(i),
            '/auth/login',
            { email: uniqueEmail('nobody'), password: 'wrong password 1' },
            `2001:db8:7:7::${(i + 1).toString(16)}`,
          ),
        ),
      );
      expect(statuses(v6)).toEqual({ 401: PER_ADDRESS, 429: 5 });
    },
  );
});

describe.each(testDatabases)('sign-in counters on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);

  it_(
    'are pruned once their window has ended, and emails without an account share bounded buckets',
    async () => {
      const created = await target.create();
      const database = openDatabase(created.config);
      try {
        await migrateToLatest(database.db);
        let now = Date.UTC(2026, 11, 2, 12);
        const config = loadConfig({
          DATABASE_URL: created.url,
          LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
        });
        const limits = new LoginLimits(database.db, config, () => now);
        const buckets = async () =>
          (
            await database.db
              .selectFrom('login_limits')
              .select('bucket')
              .orderBy('bucket')
              .execute()
          ).map((r) => r.bucket);

        const emails = Array.from({ length: 200 }, (_, i) => `nobody${i}@example.com`);
        for (const email of emails) await limits.attempt(undefined, email);
        // One bucket per four hex digits of the email's hash: 65,536 rows at most, however many.
        const expected = new Set(emails.map((email) => `unknown:${sha256(email).slice(0, 4)}`));
        expect(await buckets()).toEqual([...expected].sort());
        // The same unknown email always lands in the same bucket, and locks like an account.
        for (let i = 0; i < 3; i++) await limits.attempt(undefined, 'ghost@example.com');
        expect(await limits.attempt(undefined, 'ghost@example.com')).toEqual({
          allowed: false,
          retryAfterSeconds: 900,
        });

        now += 15 * 60_000 - 1;
        expect((await limits.attempt('some-user', 'someone@example.com')).allowed).toBe(true);
        // A minute after the last prune the next count prunes again: the unknown emails' windows
        // have ended, the accounts' have not.
        now += 60_000;
        expect((await limits.attempt('other-user', 'other@example.com')).allowed).toBe(true);
        expect(await buckets()).toEqual(['account:other-user', 'account:some-user']);
      } finally {
        await database.close();
        await created.drop();
      }
    },
  );
});
