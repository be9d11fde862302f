// Builds the real app on a fresh database for an integration suite, and a small client that
// keeps cookies and the CSRF token the way a browser-side client would.
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import type { DatabaseHandle, DatabaseOptions } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { TestDatabase } from './databases.js';

export interface TestApp {
  app: App;
  database: DatabaseHandle;
  url: string;
  close(): Promise<void>;
}

export async function createTestApp(
  target: TestDatabase,
  env: Record<string, string> = {},
  /** E.g. a `log` that sees every query (round-trip counts). */
  databaseOptions: DatabaseOptions = {},
): Promise<TestApp> {
  const created = await target.create();
  const config = loadConfig({
    DATABASE_URL: created.url,
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
    // The round-trip properties import hundreds of files (import-limits.test.ts sets its own).
    IMPORT_RATE_LIMIT_PER_HOUR: '100000',
    WEB_ROOT: '/nonexistent',
    ...env,
  });
  const database = openDatabase(config.database, databaseOptions);
  await migrateToLatest(database.db);
  const app = await buildApp({ config, database });
  app.lifecycle.databaseReady = true;
  app.changes.start();
  await app.ready();
  return {
    app,
    database,
    url: created.url,
    close: async () => {
      await app.close();
      await database.close();
      await created.drop();
    },
  };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') =>
  `${prefix}${++counter}.${Date.now().toString(36)}@example.com`;
export const PASSWORD = 'correct horse battery staple';

/** A signed-in (or anonymous) caller: keeps the session cookie, sends the CSRF token. */
export class Client {
  cookie: string | undefined;
  csrfToken: string | undefined;
  bearer: string | undefined;
  user: { id: string; email: string; name: string } | undefined;

  constructor(private readonly app: App) {}

  async request<T = any>(
    method: Method,
    url: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.csrfToken && options.csrf !== false && method !== 'GET')
      headers['x-csrf-token'] = this.csrfToken;
    const response = await this.app.inject({
      method,
      url,
      headers,
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? { payload: body, headers: { ...headers, 'content-type': 'application/json' } }
          : { payload: body as object }),
    });
    const setCookie = response.cookies.find(
      (c) => c.name === 'tm_session' || c.name === '__Host-tm_session',
    );
    if (setCookie)
      this.cookie = setCookie.value ? `${setCookie.name}=${setCookie.value}` : undefined;
    let parsed: unknown = undefined;
    if (response.body && String(response.headers['content-type'] ?? '').includes('json'))
      parsed = response.json();
    return {
      status: response.statusCode,
      body: parsed as T,
      headers: response.headers,
      raw: response,
    };
  }

  async register(name = 'Test User', email = uniqueEmail()): Promise<this> {
    const reply = await this.request('POST', '/api/v1/auth/register', {
      email,
      name,
      password: PASSWORD,
    });
    if (reply.status !== 201)
      throw new Error(`register failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.csrfToken = reply.body.csrfToken;
    this.user = reply.body.user;
    return this;
  }
}
