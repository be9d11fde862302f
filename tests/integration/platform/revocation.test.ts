// Credentials are cached in each process (auth.service.ts); a revocation on one replica must
// stop the credential on every other within REVOCATION_MS, through the database's change feed.
// Two real service processes share one database: A revokes, B had the credential cached. The
// revocations: a deleted token, sign-out, an ended session, a password change (sessions and
// tokens), and an admin's disable, forced reset or demotion (issue 11, findings 4 and 5).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOCATION_MS } from '../../../src/features/auth/auth.service.js';
import { testDatabases } from '../../support/databases.js';
import { ApiClient } from '../../support/http.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';

const API = '/api/v1';
const PASSWORD = 'correct horse battery staple';
let counter = 0;

describe.each(testDatabases)('revocation across replicas on $name', (target) => {
  let a: Service | undefined;
  let b: Service | undefined;
  let drop: (() => Promise<void>) | undefined;
  /** The first account of the database, so its admin, signed in on A. */
  let admin: ApiClient | undefined;

  beforeAll(async () => {
    if (target.skipReason) return;
    const created = await target.create();
    drop = created.drop;
    const env = { DATABASE_URL: created.url, MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn' };
    a = await startService({ env });
    b = await startService({ env });
    admin = new ApiClient(a.url);
    await admin.register(`admin.${Date.now().toString(36)}@example.com`, PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await drop?.();
  });

  /** A user signed in on A, the same session cookie presented to B, a project and a token. */
  async function person() {
    const onA = new ApiClient(a!.url);
    await onA.register(`revoke${++counter}.${Date.now().toString(36)}@example.com`, PASSWORD);
    const onB = new ApiClient(b!.url);
    onB.cookie = onA.cookie;
    onB.csrfToken = onA.csrfToken;
    const project = await onA.ok('POST', `${API}/projects`, { name: 'Revocation' });
    const token = await onA.ok('POST', `${API}/tokens`, {
      name: 'script',
      currentPassword: PASSWORD,
    });
    return {
      onA,
      onB,
      projectId: project.body.id as string,
      token: token.body as { id: string; token: string },
    };
  }

  /** The project's task list on B with an API token. */
  const listOnB = (projectId: string, token: string) => () =>
    new ApiClient(b!.url).request('GET', `${API}/projects/${projectId}/tasks`, undefined, {
      authorization: `Bearer ${token}`,
    });

  /** A second sign-in of A's user, used (and so cached) on B; its `me` check. */
  async function secondSessionOnB(onA: ApiClient) {
    const me = await onA.ok('GET', `${API}/auth/me`);
    const other = new ApiClient(b!.url);
    expect((await other.login(me.body.user.email as string, PASSWORD)).status).toBe(200);
    const check = () => other.request('GET', `${API}/auth/me`);
    await warm(check);
    return check;
  }

  /** B answers with the credential (and so caches it) before the revocation. */
  async function warm(request: () => Promise<{ status: number }>) {
    for (let i = 0; i < 3; i++) expect((await request()).status).toBe(200);
  }

  it.skipIf(target.skipReason)('a deleted API token stops on the other replica', async () => {
    const { onA, projectId, token } = await person();
    const list = listOnB(projectId, token.token);
    await warm(list);
    await onA.ok('DELETE', `${API}/tokens/${token.id}`);
    await sleep(REVOCATION_MS);
    expect((await list()).status).toBe(401);
  });

  it.skipIf(target.skipReason)('signing out ends the session on the other replica', async () => {
    const { onA, onB } = await person();
    await warm(() => onB.request('GET', `${API}/auth/me`));
    await onA.ok('POST', `${API}/auth/logout`);
    await sleep(REVOCATION_MS);
    expect((await onB.request('GET', `${API}/auth/me`)).status).toBe(401);
  });

  it.skipIf(target.skipReason)(
    'a session ended from the list of sessions stops on the other replica',
    async () => {
      const { onA } = await person();
      const me = await secondSessionOnB(onA);
      const sessions = await onA.ok('GET', `${API}/auth/sessions`);
      const ended = (sessions.body.items as { id: string; current: boolean }[]).find(
        (s) => !s.current,
      );
      await onA.ok('DELETE', `${API}/auth/sessions/${ended!.id}`);
      await sleep(REVOCATION_MS);
      expect((await me()).status).toBe(401);
    },
  );

  it.skipIf(target.skipReason)(
    'a password change ends the other sessions on the other replica',
    async () => {
      const { onA } = await person();
      const me = await secondSessionOnB(onA);
      await onA.ok('POST', `${API}/auth/password`, {
        currentPassword: PASSWORD,
        newPassword: 'another horse battery staple',
      });
      await sleep(REVOCATION_MS);
      expect((await me()).status).toBe(401);
      // The session that changed it goes on.
      expect((await onA.request('GET', `${API}/auth/me`)).status).toBe(200);
    },
  );

  it.skipIf(target.skipReason)(
    "a password change revokes the account's API tokens on the other replica",
    async () => {
      const { onA, projectId, token } = await person();
      const list = listOnB(projectId, token.token);
      await warm(list);
      await onA.ok('POST', `${API}/auth/password`, {
        currentPassword: PASSWORD,
        newPassword: 'another horse battery staple',
      });
      await sleep(REVOCATION_MS);
      expect((await list()).status).toBe(401);
    },
  );

  /** An admin's change to a user on A; the user's session and token had been used on B. */
  async function adminActsOn(change: (userId: string) => Promise<unknown>) {
    const { onA, onB, projectId, token } = await person();
    const me = await onA.ok('GET', `${API}/auth/me`);
    const session = () => onB.request('GET', `${API}/auth/me`);
    const list = listOnB(projectId, token.token);
    await warm(session);
    await warm(list);
    await change(me.body.user.id as string);
    await sleep(REVOCATION_MS);
    return { session, list, email: me.body.user.email as string };
  }

  it.skipIf(target.skipReason)(
    "a disabled account's sessions and tokens stop on the other replica, and it cannot sign in there",
    async () => {
      const { session, list, email } = await adminActsOn((id) =>
        admin!.ok('PATCH', `${API}/admin/users/${id}`, { disabled: true }),
      );
      expect((await session()).status).toBe(401);
      expect((await list()).status).toBe(401);
      expect((await new ApiClient(b!.url).login(email, PASSWORD)).status).toBe(403);
    },
  );

  it.skipIf(target.skipReason)(
    'a forced password reset ends sessions and tokens on the other replica',
    async () => {
      const { session, list, email } = await adminActsOn((id) =>
        admin!.ok('POST', `${API}/admin/users/${id}/password-reset`),
      );
      expect((await session()).status).toBe(401);
      expect((await list()).status).toBe(401);
      expect((await new ApiClient(b!.url).login(email, PASSWORD)).status).toBe(401);
    },
  );

  it.skipIf(target.skipReason)('a demoted admin is no admin on the other replica', async () => {
    let userId = '';
    const { session } = await adminActsOn(async (id) => {
      userId = id;
      await admin!.ok('PATCH', `${API}/admin/users/${id}`, { role: 'admin' });
    });
    expect((await session()).body.user.role).toBe('admin');
    await admin!.ok('PATCH', `${API}/admin/users/${userId}`, { role: 'user' });
    await sleep(REVOCATION_MS);
    expect((await session()).body.user.role).toBe('user');
  });

  it.skipIf(target.skipReason)(
    'a member removed on one replica reads nothing more on the other (membership is not cached)',
    async () => {
      const owner = await person();
      const member = await person();
      const memberMe = await member.onA.ok('GET', `${API}/auth/me`);
      await owner.onA.ok('POST', `${API}/projects/${owner.projectId}/members`, {
        email: memberMe.body.user.email,
        role: 'viewer',
      });
      const list = listOnB(owner.projectId, member.token.token);
      await warm(list);
      await owner.onA.ok(
        'DELETE',
        `${API}/projects/${owner.projectId}/members/${memberMe.body.user.id as string}`,
      );
      expect((await list()).status).toBe(404);
    },
  );

  it.skipIf(target.skipReason)('a credential that was not revoked keeps working', async () => {
    const { projectId, token } = await person();
    const list = listOnB(projectId, token.token);
    await warm(list);
    await sleep(REVOCATION_MS);
    expect((await list()).status).toBe(200);
  });
});
