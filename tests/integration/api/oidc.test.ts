// Single sign-on against a real OpenID Connect provider (oidc-provider, started here on its own
// port): the test plays the browser, through the provider's sign-in page and back to the
// callback, on SQLite and MariaDB.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, uniqueEmail } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { startTestProvider } from '../../support/oidc-provider.js';
import type { TestProvider } from '../../support/oidc-provider.js';
import { API, expectError, login, rowCounts } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:9/api/v1/auth/oidc/callback';

function oidcEnv(provider: Pick<TestProvider, 'issuer' | 'clientId' | 'clientSecret'>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oidc-secret-'));
  const secretFile = path.join(dir, 'client-secret');
  writeFileSync(secretFile, `${provider.clientSecret}\n`);
  return {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET_FILE: secretFile,
    OIDC_REDIRECT_URL: REDIRECT,
  };
}

/** A browser's cookie jar for one origin (the provider's). */
class Jar {
  private cookies = new Map<string, string>();
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
}

/** Follows the provider's redirects (and signs in as `account` on its page) back to our callback. */
async function throughProvider(authorizeUrl: string, account: string): Promise<URL> {
  const jar = new Jar();
  let url = authorizeUrl;
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(REDIRECT)) return new URL(url);
    const response = await fetch(url, {
      redirect: 'manual',
      method: form ? 'POST' : 'GET',
      headers: { cookie: jar.header() },
      body: form,
    });
    jar.take(response);
    form = undefined;
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await response.text();
    expect(response.status, html).toBe(200);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    expect(action, html).toBeDefined();
    url = new URL(action!, url).href;
    form = new URLSearchParams({ login: account });
  }
  throw new Error('too many redirects at the provider');
}

const cookieOf = (headers: Record<string, unknown>, name: string) => {
  const raw = headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : [raw];
  const line = lines.find((l) => typeof l === 'string' && l.startsWith(`${name}=`)) as string;
  return line?.split(';')[0]?.slice(name.length + 1) || undefined;
};

interface Started {
  authorizeUrl: string;
  ssoCookie: string;
}

async function start(t: TestApp, next = '/projects', invite?: string): Promise<Started> {
  const reply = await t.app.inject({
    method: 'GET',
    url: `${API}/auth/oidc/start?next=${encodeURIComponent(next)}${
      invite ? `&invite=${encodeURIComponent(invite)}` : ''
    }`,
  });
  expect(reply.statusCode, reply.body).toBe(302);
  const ssoCookie = cookieOf(reply.headers, 'tm_sso');
  expect(ssoCookie).toBeDefined();
  return { authorizeUrl: String(reply.headers.location), ssoCookie: ssoCookie! };
}

async function callback(t: TestApp, url: URL, ssoCookie: string | undefined) {
  const reply = await t.app.inject({
    method: 'GET',
    url: `${url.pathname}${url.search}`,
    headers: ssoCookie ? { cookie: `tm_sso=${ssoCookie}` } : {},
  });
  expect(reply.statusCode, reply.body).toBe(302);
  return {
    location: String(reply.headers.location),
    session: cookieOf(reply.headers, 'tm_session'),
  };
}

/** The whole sign-in; the client holds the session it ends with. */
async function signIn(t: TestApp, account: string, invite?: string) {
  const started = await start(t, '/projects', invite);
  const back = await throughProvider(started.authorizeUrl, account);
  const done = await callback(t, back, started.ssoCookie);
  const client = new Client(t.app);
  if (done.session) {
    client.cookie = `tm_session=${done.session}`;
    // As the web UI does after a sign-in: the session's CSRF token for its writes.
    client.csrfToken = (await client.request('GET', `${API}/auth/me`)).body.csrfToken;
  }
  return { ...done, client };
}

async function me(client: Client) {
  const reply = await client.request('GET', `${API}/auth/me`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.user as { id: string; email: string; name: string; role: string };
}

describe.each(testDatabases)('single sign-on on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  let provider: TestProvider;
  let t: TestApp;

  beforeAll(async () => {
    provider = await startTestProvider([REDIRECT]);
    if (!target.skipReason) t = await createTestApp(target, oidcEnv(provider));
  });
  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  it_('tells the UI that single sign-on is on, next to passwords', async () => {
    const reply = await new Client(t.app).request('GET', `${API}/auth/methods`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ password: true, sso: true });
  });

  it_(
    'creates the account at the first sign-in; the session works; the next one reuses it',
    async () => {
      const email = uniqueEmail('sso');
      provider.accounts.set('first-user', { email, email_verified: true, name: 'Ada SSO' });
      const first = await signIn(t, 'first-user');
      expect(first.location).toBe('/projects');
      const user = await me(first.client);
      expect(user).toMatchObject({ email, name: 'Ada SSO' });
      // The session is a normal one: an unsafe request with its CSRF token works.
      const csrf = (await first.client.request('GET', `${API}/auth/me`)).body.csrfToken;
      first.client.csrfToken = csrf;
      const project = await first.client.request('POST', `${API}/projects`, { name: 'From SSO' });
      expect(project.status).toBe(201);

      const second = await signIn(t, 'first-user');
      expect((await me(second.client)).id).toBe(user.id);
      const links = await t.database.db
        .selectFrom('oidc_identities')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      expect(links).toHaveLength(1);
      expect(links[0]).toMatchObject({ issuer: provider.issuer, subject: 'first-user' });
      // No password signs in to an account made by single sign-on.
      expect((await login(new Client(t.app), email, '!sso')).status).toBe(401);
    },
  );

  it_(
    'links an existing password account when the provider says the email is verified',
    async () => {
      const owner = await new Client(t.app).register('Has Password');
      provider.accounts.set('verified-owner', {
        email: owner.user!.email.toUpperCase(),
        email_verified: true,
      });
      const done = await signIn(t, 'verified-owner');
      expect((await me(done.client)).id).toBe(owner.user!.id);
      expect((await login(new Client(t.app), owner.user!.email)).status).toBe(200);
    },
  );

  it_('does not link an existing account when the email is not verified', async () => {
    const owner = await new Client(t.app).register('Unverified Victim');
    for (const [subject, verified] of [
      ['unverified-1', false],
      ['unverified-2', undefined],
    ] as const) {
      provider.accounts.set(subject, { email: owner.user!.email, email_verified: verified });
      const done = await signIn(t, subject);
      expect(done.location).toBe('/signin?error=sso_email_unverified');
      expect(done.session).toBeUndefined();
    }
    const links = await t.database.db
      .selectFrom('oidc_identities')
      .selectAll()
      .where('user_id', '=', owner.user!.id)
      .execute();
    expect(links).toEqual([]);
  });

  it_('refuses a callback with a wrong state, without the cookie, or replayed', async () => {
    provider.accounts.set('state-user', { email: uniqueEmail('state'), email_verified: true });
    const started = await start(t);
    const back = await throughProvider(started.authorizeUrl, 'state-user');

    const wrong = new URL(back);
    wrong.searchParams.set('state', 'not-the-state');
    expect((await callback(t, wrong, started.ssoCookie)).location).toBe('/signin?error=sso_state');
    // The failed attempt used the sign-in up: the right state no longer works either.
    expect((await callback(t, back, started.ssoCookie)).location).toBe('/signin?error=sso_state');

    // Another browser (no cookie) cannot complete someone's sign-in.
    const other = await start(t);
    const otherBack = await throughProvider(other.authorizeUrl, 'state-user');
    const noCookie = await callback(t, otherBack, undefined);
    expect(noCookie).toEqual({ location: '/signin?error=sso_state', session: undefined });
  });

  it_('refuses a replayed code: the same callback, and the code under a new sign-in', async () => {
    provider.accounts.set('replay-user', { email: uniqueEmail('replay'), email_verified: true });
    const started = await start(t);
    const back = await throughProvider(started.authorizeUrl, 'replay-user');
    const done = await callback(t, back, started.ssoCookie);
    expect(done.location).toBe('/projects');
    expect(done.session).toBeDefined();

    expect((await callback(t, back, started.ssoCookie)).location).toBe('/signin?error=sso_state');
    // The used code with a fresh sign-in's state and cookie: the provider refuses it.
    const fresh = await start(t);
    const state = new URL(fresh.authorizeUrl).searchParams.get('state')!;
    const replay = new URL(back);
    replay.searchParams.set('state', state);
    const refused = await callback(t, replay, fresh.ssoCookie);
    expect(refused).toEqual({ location: '/signin?error=sso_failed', session: undefined });
  });

  it_('keeps a disabled account out', async () => {
    provider.accounts.set('to-disable', { email: uniqueEmail('off'), email_verified: true });
    const first = await signIn(t, 'to-disable');
    const user = await me(first.client);
    await t.database.db
      .updateTable('users')
      .set({ disabled_at: Date.now() })
      .where('id', '=', user.id)
      .execute();
    const again = await signIn(t, 'to-disable');
    expect(again).toMatchObject({ location: '/signin?error=sso_disabled', session: undefined });
  });

  it_('ends on the sign-in page when the provider goes down mid-sign-in', async () => {
    const local = await startTestProvider([REDIRECT]);
    const app = await createTestApp(target, oidcEnv(local));
    try {
      local.accounts.set('down-user', { email: uniqueEmail('down'), email_verified: true });
      const started = await start(app);
      const back = await throughProvider(started.authorizeUrl, 'down-user');
      await local.stop();
      expect(await callback(app, back, started.ssoCookie)).toEqual({
        location: '/signin?error=sso_unavailable',
        session: undefined,
      });
    } finally {
      await app.close();
    }
  });

  it_('ends on the sign-in page when the provider cannot be reached at all', async () => {
    const gone = await startTestProvider([REDIRECT]);
    await gone.stop();
    const app = await createTestApp(target, oidcEnv(gone));
    try {
      const reply = await app.app.inject({ method: 'GET', url: `${API}/auth/oidc/start` });
      expect(reply.statusCode).toBe(302);
      expect(reply.headers.location).toBe('/signin?error=sso_unavailable');
    } finally {
      await app.close();
    }
  });
});

describe.each(testDatabases)('AUTH_MODE=oidc with OIDC_ADMIN_GROUP on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  let provider: TestProvider;
  let t: TestApp;

  beforeAll(async () => {
    provider = await startTestProvider([REDIRECT]);
    if (!target.skipReason) {
      t = await createTestApp(target, {
        ...oidcEnv(provider),
        AUTH_MODE: 'oidc',
        OIDC_ADMIN_GROUP: 'tm-admins',
        OIDC_SCOPES: 'openid email profile groups',
      });
    }
  });
  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  it_('refuses password sign-up and sign-in (403) and tells the UI', async () => {
    const client = new Client(t.app);
    expect((await client.request('GET', `${API}/auth/methods`)).body).toEqual({
      password: false,
      sso: true,
    });
    const before = await rowCounts(t);
    const email = uniqueEmail('pw');
    expect(
      expectError(
        await client.request('POST', `${API}/auth/register`, {
          email,
          name: 'Password Person',
          password: 'correct horse battery staple',
        }),
        'FORBIDDEN',
      ).message,
    ).toMatch(/single sign-on/);
    expectError(await login(client, email), 'FORBIDDEN');
    expect(await rowCounts(t)).toEqual(before);
  });

  it_(
    'makes members of the admin group admins, as of each sign-in, keeping one admin',
    async () => {
      provider.accounts.set('alice', {
        email: uniqueEmail('alice'),
        email_verified: true,
        groups: ['tm-admins'],
      });
      provider.accounts.set('bob', {
        email: uniqueEmail('bob'),
        email_verified: true,
        groups: ['staff'],
      });
      const alice = await me((await signIn(t, 'alice')).client);
      expect(alice.role).toBe('admin');
      expect((await me((await signIn(t, 'bob')).client)).role).toBe('user');

      // Alice leaves the group, but is the only admin: the instance keeps her one.
      provider.accounts.set('alice', { ...provider.accounts.get('alice'), groups: [] });
      expect((await me((await signIn(t, 'alice')).client)).role).toBe('admin');

      provider.accounts.set('bob', { ...provider.accounts.get('bob'), groups: ['tm-admins'] });
      expect((await me((await signIn(t, 'bob')).client)).role).toBe('admin');
      const aliceAgain = await signIn(t, 'alice');
      expect((await me(aliceAgain.client)).role).toBe('user');
      // The demotion holds for the admin routes at once.
      expectError(await aliceAgain.client.request('GET', `${API}/admin/users`), 'FORBIDDEN');
    },
  );
});

describe.each(testDatabases)('invites with single sign-on only on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  let provider: TestProvider;
  let t: TestApp;

  beforeAll(async () => {
    provider = await startTestProvider([REDIRECT]);
    if (!target.skipReason) {
      t = await createTestApp(target, {
        ...oidcEnv(provider),
        AUTH_MODE: 'oidc',
        REGISTRATION: 'closed',
      });
    }
  });
  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  it_(
    'accepts an invite through the provider, once, into its project; no password is ever set',
    async () => {
      for (const id of ['boss', 'newbie', 'late', 'stranger'])
        provider.accounts.set(id, { email: uniqueEmail(id), email_verified: true });
      // The first account administers the instance, registration closed or not.
      const boss = (await signIn(t, 'boss')).client;
      expect((await me(boss)).role).toBe('admin');
      const project = await boss.request('POST', `${API}/projects`, { name: 'Invited into' });
      const invite = await boss.request('POST', `${API}/admin/invites`, {
        project: { id: project.body.id, role: 'editor' },
      });
      expect(invite.status, JSON.stringify(invite.body)).toBe(201);
      const token = invite.body.token as string;

      // Passwords are off: not through the invite, nor by a reset link, nor by a change.
      const before = await rowCounts(t);
      const anonymous = new Client(t.app);
      expectError(
        await anonymous.request('POST', `${API}/invites/accept`, {
          token,
          email: uniqueEmail('pw'),
          name: 'Password Person',
          password: 'correct horse battery staple',
        }),
        'FORBIDDEN',
      );
      expect(await rowCounts(t)).toEqual(before);

      // Without an invite, closed registration keeps a stranger out.
      expect((await signIn(t, 'stranger')).location).toBe('/signin?error=sso_closed');

      const newbie = await signIn(t, 'newbie', token);
      expect(newbie.location).toBe('/projects');
      const user = await me(newbie.client);
      const members = await boss.request('GET', `${API}/projects/${project.body.id}/members`);
      expect(members.body.items).toContainEqual(
        expect.objectContaining({ userId: user.id, role: 'editor' }),
      );
      const invites = await boss.request('GET', `${API}/admin/invites`);
      expect(invites.body.items[0]).toMatchObject({ id: invite.body.id, usedBy: { id: user.id } });

      // Used: the next person with the same link is told so, and no account is made.
      const counted = await rowCounts(t);
      expect((await signIn(t, 'late', token)).location).toBe('/signin?error=sso_invite');
      expect(await rowCounts(t)).toEqual(counted);

      expectError(
        await boss.request('POST', `${API}/admin/users/${user.id}/password-reset`),
        'FORBIDDEN',
      );
      expectError(
        await anonymous.request('POST', `${API}/password-reset`, {
          token: 'reset_x',
          newPassword: 'another horse battery staple',
        }),
        'FORBIDDEN',
      );
      expectError(
        await newbie.client.request('POST', `${API}/auth/password`, {
          currentPassword: 'x',
          newPassword: 'another horse battery staple',
        }),
        'FORBIDDEN',
      );
    },
  );
});

describe.each(testDatabases)('without single sign-on on $name', (target) => {
  const it_ = it.skipIf(target.skipReason);
  let t: TestApp;
  beforeAll(async () => {
    if (!target.skipReason) t = await createTestApp(target);
  });
  afterAll(async () => t?.close());

  it_('answers 404 on its routes and says so to the UI', async () => {
    const client = new Client(t.app);
    expect((await client.request('GET', `${API}/auth/methods`)).body).toEqual({
      password: true,
      sso: false,
    });
    expectError(await client.request('GET', `${API}/auth/oidc/start`), 'NOT_FOUND');
    expectError(
      await client.request('GET', `${API}/auth/oidc/callback?code=x&state=y`),
      'NOT_FOUND',
    );
  });
});
