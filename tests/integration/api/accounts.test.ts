// Account management (issue 11, finding 5) with REGISTRATION=closed, as staging and production
// run: admins invite people with single-use links (optionally into a project with a role), list,
// disable and enable accounts, promote and demote admins, and force a password reset through a
// single-use link. A disabled account loses its sessions and tokens at once and cannot sign in.
import { describe, expect, it } from 'vitest';
import { Client, PASSWORD, uniqueEmail } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, login, rowCounts, useApp } from './helpers.js';

const DAY_MS = 86_400_000;

describe.each(testDatabases)('account management on $name', (target) => {
  const app = useApp(target, { REGISTRATION: 'closed' });
  const it_ = it.skipIf(target.skipReason);

  /** The instance's first account: an admin, the only sign-up a closed instance allows. */
  let firstAdmin: Promise<Client> | undefined;
  const admin = (t: TestApp) =>
    (firstAdmin ??= new Client(t.app).register('First admin').then((client) => {
      expect((client.user as unknown as { role: string }).role).toBe('admin');
      return client;
    }));

  async function invite(t: TestApp, body: Record<string, unknown> = {}) {
    const reply = await (await admin(t)).request('POST', `${API}/admin/invites`, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body as {
      id: string;
      token: string;
      path: string;
      status: string;
      project: unknown;
    };
  }

  async function accept(t: TestApp, token: string, email = uniqueEmail('invited')) {
    const client = new Client(t.app);
    const reply = await client.request('POST', `${API}/invites/accept`, {
      token,
      email,
      name: 'Invited Person',
      password: PASSWORD,
    });
    if (reply.status === 201) {
      client.csrfToken = reply.body.csrfToken;
      client.user = reply.body.user;
    }
    return { client, reply };
  }

  /** A signed-in account made through an invite (the only way in while closed). */
  async function person(t: TestApp) {
    const { client, reply } = await accept(t, (await invite(t)).token);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return client;
  }

  async function tokenOf(t: TestApp, client: Client) {
    const reply = await client.request('POST', `${API}/tokens`, {
      name: 'script',
      currentPassword: PASSWORD,
    });
    expect(reply.status).toBe(201);
    const script = new Client(t.app);
    script.bearer = reply.body.token;
    return script;
  }

  async function adminView(t: TestApp, userId: string) {
    const reply = await (await admin(t)).request('GET', `${API}/admin/users?limit=200`);
    expect(reply.status).toBe(200);
    return (reply.body.items as { id: string }[]).find((u) => u.id === userId) as
      Record<string, unknown> | undefined;
  }

  describe('invites', () => {
    it_('closed registration: an invite link creates the account and signs in, once', async () => {
      const t = app();
      await admin(t);
      expectError(
        await new Client(t.app).request('POST', `${API}/auth/register`, {
          email: uniqueEmail('blocked'),
          name: 'Blocked',
          password: PASSWORD,
        }),
        'FORBIDDEN',
      );
      const created = await invite(t, { note: 'für Zoë 🦊', expiresInDays: 30 });
      expect(created).toMatchObject({
        note: 'für Zoë 🦊',
        status: 'pending',
        project: null,
        usedAt: null,
        usedBy: null,
        path: `/invite#${created.token}`,
      });
      expect(created.token).toMatch(/^tmi_[\w-]{40,}$/);
      const { expiresAt, createdAt } = created as unknown as Record<string, string>;
      expect(Date.parse(expiresAt!) - Date.parse(createdAt!)).toBe(30 * DAY_MS);
      const row = await t.database.db
        .selectFrom('invites')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(created.token);

      const email = uniqueEmail('Invited');
      const { client, reply } = await accept(t, created.token, email);
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        user: expect.objectContaining({ email: email.toLowerCase(), role: 'user' }),
        csrfToken: expect.any(String),
        projectId: null,
      });
      expect((await client.request('GET', `${API}/auth/me`)).body.user.email).toBe(
        email.toLowerCase(),
      );
      expect((await login(new Client(t.app), email)).status).toBe(200);

      const listed = await (await admin(t)).request('GET', `${API}/admin/invites`);
      expect(listed.body.items.find((i: { id: string }) => i.id === created.id)).toMatchObject({
        status: 'used',
        usedBy: { id: reply.body.user.id, email: email.toLowerCase(), name: 'Invited Person' },
        usedAt: expect.any(String),
      });
      expect(JSON.stringify(listed.body)).not.toContain(created.token);

      // Single use.
      const before = await rowCounts(t);
      const again = await accept(t, created.token);
      expect(expectError(again.reply, 'NOT_FOUND').message).toMatch(/not valid/);
      expect(await rowCounts(t)).toEqual(before);
    });

    it_('an invite into a project joins it with its role (editor by default)', async () => {
      const t = app();
      const boss = await admin(t);
      const project = await boss.request('POST', `${API}/projects`, { name: 'Invited into' });
      const asViewer = await invite(t, { project: { id: project.body.id, role: 'viewer' } });
      expect(asViewer.project).toEqual({
        id: project.body.id,
        name: 'Invited into',
        role: 'viewer',
      });
      const viewer = await accept(t, asViewer.token);
      expect(viewer.reply.body.projectId).toBe(project.body.id);
      expect(
        (await viewer.client.request('GET', `${API}/projects/${project.body.id}`)).body.role,
      ).toBe('viewer');
      expectError(
        await viewer.client.request('POST', `${API}/projects/${project.body.id}/tasks`, {
          title: 'Viewers cannot',
        }),
        'FORBIDDEN',
      );

      const editor = await accept(t, (await invite(t, { project: { id: project.body.id } })).token);
      expect(
        (await editor.client.request('GET', `${API}/projects/${project.body.id}`)).body.role,
      ).toBe('editor');
      const members = await boss.request('GET', `${API}/projects/${project.body.id}/members`);
      expect(members.body.items.map((m: { role: string }) => m.role).sort()).toEqual([
        'editor',
        'owner',
        'viewer',
      ]);
      const activity = await boss.request('GET', `${API}/projects/${project.body.id}/activity`);
      expect(
        activity.body.items.filter((a: { action: string }) => a.action === 'member.added'),
      ).toHaveLength(2);

      // An invite into a project that does not exist is refused and writes nothing.
      const before = await rowCounts(t);
      expectError(
        await boss.request('POST', `${API}/admin/invites`, {
          project: { id: '01900000-0000-7000-8000-000000000000' },
        }),
        'NOT_FOUND',
      );
      expect(await rowCounts(t)).toEqual(before);
      // Deleting the project takes its pending invites with it.
      const pending = await invite(t, { project: { id: project.body.id } });
      expect((await boss.request('DELETE', `${API}/projects/${project.body.id}`)).status).toBe(204);
      expectError((await accept(t, pending.token)).reply, 'NOT_FOUND');
    });

    it_(
      'an expired or revoked invite is refused; a refused acceptance leaves the invite usable',
      async () => {
        const t = app();
        const boss = await admin(t);
        const expired = await invite(t, { expiresInDays: 1 });
        await t.database.db
          .updateTable('invites')
          .set({ expires_at: Date.now() - 1 })
          .where('id', '=', expired.id)
          .execute();
        expectError((await accept(t, expired.token)).reply, 'NOT_FOUND');
        const listed = await boss.request('GET', `${API}/admin/invites`);
        expect(listed.body.items.find((i: { id: string }) => i.id === expired.id).status).toBe(
          'expired',
        );

        const revoked = await invite(t);
        expect((await boss.request('DELETE', `${API}/admin/invites/${revoked.id}`)).status).toBe(
          204,
        );
        expectError(
          await boss.request('DELETE', `${API}/admin/invites/${revoked.id}`),
          'NOT_FOUND',
        );
        expectError((await accept(t, revoked.token)).reply, 'NOT_FOUND');

        const pending = await invite(t);
        const before = await rowCounts(t);
        // An email already taken (in another spelling), a weak password, bad input.
        const taken = await accept(t, pending.token, boss.user!.email.toUpperCase());
        expectError(taken.reply, 'CONFLICT');
        for (const body of [
          { token: pending.token, email: uniqueEmail(), name: 'Weak', password: 'password1234' },
          { token: pending.token, email: 'not an email', name: 'Bad', password: PASSWORD },
          { token: pending.token, email: uniqueEmail(), name: 'Extra', password: PASSWORD, x: 1 },
          { email: uniqueEmail(), name: 'No token', password: PASSWORD },
        ]) {
          expectError(
            await new Client(t.app).request('POST', `${API}/invites/accept`, body),
            'VALIDATION_FAILED',
          );
        }
        expect(await rowCounts(t)).toEqual(before);
        expect((await accept(t, pending.token)).reply.status).toBe(201);
      },
    );

    it_('people opening one invite at the same time: exactly one account', async () => {
      const t = app();
      const shared = await invite(t);
      const before = await rowCounts(t);
      const replies = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          accept(t, shared.token, uniqueEmail(`racer${i}`)).then((r) => r.reply),
        ),
      );
      expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
      for (const reply of replies.filter((r) => r.status !== 201)) expectError(reply, 'NOT_FOUND');
      expect((await rowCounts(t)).users).toBe(before.users! + 1);
    });
  });

  describe('accounts', () => {
    it_('only admins manage accounts: 403 for users, 401 for nobody', async () => {
      const t = app();
      const user = await person(t);
      const other = await person(t);
      const before = await rowCounts(t);
      const requests: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown?][] = [
        ['GET', `${API}/admin/users`],
        ['PATCH', `${API}/admin/users/${other.user!.id}`, { role: 'admin' }],
        ['PATCH', `${API}/admin/users/${user.user!.id}`, { role: 'admin' }],
        ['POST', `${API}/admin/users/${other.user!.id}/password-reset`],
        ['GET', `${API}/admin/invites`],
        ['POST', `${API}/admin/invites`, {}],
        ['DELETE', `${API}/admin/invites/${(await invite(t)).id}`],
      ];
      for (const [method, url, body] of requests) {
        expectError(await user.request(method, url, body), 'FORBIDDEN');
        expectError(await new Client(t.app).request(method, url, body), 'UNAUTHENTICATED');
      }
      expect((await rowCounts(t)).users).toBe(before.users);
      expect((await user.request('GET', `${API}/auth/me`)).body.user.role).toBe('user');
    });

    it_('lists every account by email, with its state, page by page', async () => {
      const t = app();
      await person(t);
      await person(t);
      const boss = await admin(t);
      const seen: { email: string; role: string }[] = [];
      let cursor: string | null = null;
      do {
        const reply: { status: number; body: any } = await boss.request(
          'GET',
          `${API}/admin/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(reply.status).toBe(200);
        expect(reply.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...reply.body.items);
        cursor = reply.body.nextCursor;
      } while (cursor);
      const emails = seen.map((u) => u.email);
      expect(emails).toEqual([...emails].sort());
      expect(new Set(emails).size).toBe(emails.length);
      expect(seen.length).toBe((await rowCounts(t)).users);
      expect(seen.find((u) => u.email === boss.user!.email)).toEqual({
        id: boss.user!.id,
        email: boss.user!.email,
        name: 'First admin',
        role: 'admin',
        createdAt: expect.any(String),
        disabledAt: null,
        passwordResetExpiresAt: null,
      });
      expectError(
        await boss.request('GET', `${API}/admin/users?cursor=nonsense`),
        'VALIDATION_FAILED',
      );
    });

    it_(
      'disabling ends every session and token at once and refuses sign-in; enabling lets the password in',
      async () => {
        const t = app();
        const boss = await admin(t);
        const user = await person(t);
        const script = await tokenOf(t, user);
        const phone = new Client(t.app);
        expect((await login(phone, user.user!.email)).status).toBe(200);
        for (const client of [user, script, phone])
          expect((await client.request('GET', `${API}/auth/me`)).status).toBe(200);

        const disabled = await boss.request('PATCH', `${API}/admin/users/${user.user!.id}`, {
          disabled: true,
        });
        expect(disabled.status).toBe(200);
        expect(disabled.body).toMatchObject({ id: user.user!.id, disabledAt: expect.any(String) });
        for (const client of [user, script, phone])
          expectError(await client.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
        const rows = async (table: 'sessions' | 'api_tokens') =>
          (
            await t.database.db
              .selectFrom(table)
              .select('id')
              .where('user_id', '=', user.user!.id)
              .execute()
          ).length;
        expect(await rows('sessions')).toBe(0);
        expect(await rows('api_tokens')).toBe(0);
        const refused = expectError(await login(new Client(t.app), user.user!.email), 'FORBIDDEN');
        expect(refused.message).toMatch(/disabled/);
        expectError(
          await login(new Client(t.app), user.user!.email, 'not the password at all'),
          'UNAUTHENTICATED',
        );
        expect(await rows('sessions')).toBe(0);
        // Disabling twice keeps the first time.
        const again = await boss.request('PATCH', `${API}/admin/users/${user.user!.id}`, {
          disabled: true,
        });
        expect(again.body.disabledAt).toBe(disabled.body.disabledAt);

        const enabled = await boss.request('PATCH', `${API}/admin/users/${user.user!.id}`, {
          disabled: false,
        });
        expect(enabled.body.disabledAt).toBeNull();
        expect((await login(new Client(t.app), user.user!.email)).status).toBe(200);
        // What ended stays ended.
        expectError(await script.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
        expectError(await user.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
      },
    );

    it_('promotes and demotes; never oneself, so the instance keeps an active admin', async () => {
      const t = app();
      const boss = await admin(t);
      const second = await person(t);
      const before = await rowCounts(t);
      for (const body of [{ role: 'user' }, { disabled: true }, { role: 'admin' }]) {
        const refused = expectError(
          await boss.request('PATCH', `${API}/admin/users/${boss.user!.id}`, body),
          'CONFLICT',
        );
        expect(refused.message).toMatch(/own/);
      }
      expectError(
        await boss.request('POST', `${API}/admin/users/${boss.user!.id}/password-reset`),
        'CONFLICT',
      );
      for (const body of [{}, { role: 'owner' }, { disabled: 'yes' }, { role: 'admin', x: 1 }]) {
        expectError(
          await boss.request('PATCH', `${API}/admin/users/${second.user!.id}`, body),
          'VALIDATION_FAILED',
        );
      }
      expectError(
        await boss.request('PATCH', `${API}/admin/users/01900000-0000-7000-8000-000000000000`, {
          role: 'admin',
        }),
        'NOT_FOUND',
      );
      expect(await rowCounts(t)).toEqual(before);

      const promoted = await boss.request('PATCH', `${API}/admin/users/${second.user!.id}`, {
        role: 'admin',
      });
      expect(promoted.body.role).toBe('admin');
      expect((await second.request('GET', `${API}/auth/me`)).body.user.role).toBe('admin');
      expect((await second.request('GET', `${API}/admin/users`)).status).toBe(200);
      const demoted = await second.request('PATCH', `${API}/admin/users/${second.user!.id}`, {
        role: 'user',
      });
      expectError(demoted, 'CONFLICT');
      expect(
        (await boss.request('PATCH', `${API}/admin/users/${second.user!.id}`, { role: 'user' }))
          .body.role,
      ).toBe('user');
      expect((await second.request('GET', `${API}/auth/me`)).body.user.role).toBe('user');
      expectError(await second.request('GET', `${API}/admin/users`), 'FORBIDDEN');
    });

    it_.each([
      ['demote', { role: 'user' }],
      ['disable', { disabled: true }],
    ] as [string, { role?: string; disabled?: boolean }][])(
      'two admins who %s each other at the same time leave exactly one active admin',
      async (_what, body) => {
        const t = app();
        const boss = await admin(t);
        const a = await person(t);
        const b = await person(t);
        for (const client of [a, b]) {
          const reply = await boss.request('PATCH', `${API}/admin/users/${client.user!.id}`, {
            role: 'admin',
          });
          expect(reply.status).toBe(200);
        }
        const replies = await Promise.all([
          a.request('PATCH', `${API}/admin/users/${b.user!.id}`, body),
          b.request('PATCH', `${API}/admin/users/${a.user!.id}`, body),
        ]);
        // The other is refused: no longer an admin (403), or, disabled, no longer signed in.
        const statuses = replies.map((r) => r.status).sort();
        expect(statuses[0]).toBe(200);
        expect(body.disabled ? [401, 403] : [403]).toContain(statuses[1]);
        const active = await t.database.db
          .selectFrom('users')
          .select('id')
          .where('id', 'in', [a.user!.id, b.user!.id])
          .where('role', '=', 'admin')
          .where('disabled_at', 'is', null)
          .execute();
        expect(active).toHaveLength(1);
      },
    );
  });

  describe('forced password reset', () => {
    it_(
      'the password stops working, sessions and tokens end, and the link sets a new one once',
      async () => {
        const t = app();
        const boss = await admin(t);
        const user = await person(t);
        const script = await tokenOf(t, user);
        const email = user.user!.email;

        const reset = await boss.request(
          'POST',
          `${API}/admin/users/${user.user!.id}/password-reset`,
        );
        expect(reset.status).toBe(201);
        expect(reset.body).toEqual({
          token: expect.stringMatching(/^tmr_[\w-]{40,}$/),
          path: `/reset-password#${reset.body.token}`,
          expiresAt: expect.any(String),
        });
        const hours = (Date.parse(reset.body.expiresAt) - Date.now()) / 3_600_000;
        expect(Math.round(hours)).toBe(24);
        expectError(await user.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
        expectError(await script.request('GET', `${API}/auth/me`), 'UNAUTHENTICATED');
        expectError(await login(new Client(t.app), email), 'UNAUTHENTICATED');
        expect((await adminView(t, user.user!.id))!.passwordResetExpiresAt).toBe(
          reset.body.expiresAt,
        );
        const row = await t.database.db
          .selectFrom('users')
          .selectAll()
          .where('id', '=', user.user!.id)
          .executeTakeFirstOrThrow();
        expect(JSON.stringify(row)).not.toContain(reset.body.token);

        const use = (token: string, newPassword: string) =>
          new Client(t.app).request('POST', `${API}/password-reset`, { token, newPassword });
        expectError(await use(reset.body.token, 'password1234'), 'VALIDATION_FAILED');
        expectError(await use('tmr_made-up', 'a fresh new passphrase 77'), 'NOT_FOUND');
        const newPassword = 'a fresh new passphrase 77';
        const reader = new Client(t.app);
        const done = await reader.request('POST', `${API}/password-reset`, {
          token: reset.body.token,
          newPassword,
        });
        expect(done.status).toBe(200);
        expect(done.body.user.email).toBe(email);
        reader.csrfToken = done.body.csrfToken;
        expect((await reader.request('GET', `${API}/auth/me`)).status).toBe(200);
        expect((await login(new Client(t.app), email, newPassword)).status).toBe(200);
        expectError(await login(new Client(t.app), email), 'UNAUTHENTICATED');
        expect((await adminView(t, user.user!.id))!.passwordResetExpiresAt).toBeNull();
        // Single use.
        expectError(await use(reset.body.token, 'another fresh passphrase 78'), 'NOT_FOUND');
      },
    );

    it_(
      'forcing again replaces the link; an expired link or a disabled account is refused',
      async () => {
        const t = app();
        const boss = await admin(t);
        const user = await person(t);
        const force = () =>
          boss.request('POST', `${API}/admin/users/${user.user!.id}/password-reset`);
        const first = (await force()).body.token as string;
        const second = (await force()).body.token as string;
        const use = (token: string) =>
          new Client(t.app).request('POST', `${API}/password-reset`, {
            token,
            newPassword: 'a fresh new passphrase 79',
          });
        expectError(await use(first), 'NOT_FOUND');
        await t.database.db
          .updateTable('users')
          .set({ password_reset_expires_at: Date.now() - 1 })
          .where('id', '=', user.user!.id)
          .execute();
        expectError(await use(second), 'NOT_FOUND');

        const third = (await force()).body.token as string;
        await boss.request('PATCH', `${API}/admin/users/${user.user!.id}`, { disabled: true });
        expectError(await use(third), 'NOT_FOUND');
        expectError(await force(), 'CONFLICT');
        expectError(
          await boss.request(
            'POST',
            `${API}/admin/users/01900000-0000-7000-8000-000000000000/password-reset`,
          ),
          'NOT_FOUND',
        );
      },
    );
  });
});
