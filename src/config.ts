// Every setting of the service, read once from the environment (and `*_FILE` mounted secrets),
// validated, typed and frozen. Nothing else in the service reads process.env, except the tracing
// preload (platform/tracing/sdk.ts): it runs before this module and leaves OTEL_* to the SDK.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type DatabaseDialect = 'sqlite' | 'mysql';

export interface DatabaseConfig {
  dialect: DatabaseDialect;
  /** SQLite: absolute file path, or ':memory:'. */
  file?: string;
  /** MySQL connection details (password never logged). */
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
}

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** Optional read endpoint (e.g. the MySQL router's read-only port). */
  readDatabase: DatabaseConfig | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean | string;
  registration: 'open' | 'closed';
  cookieSecure: boolean;
  metricsPort: number;
  shutdownGraceSeconds: number;
  dbConnectTimeoutSeconds: number;
  migrateOnStart: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  loginRateLimitPerMinute: number;
  loginMaxFailuresPerAccount: number;
  /** Where the built web UI lives; without an index.html there the service serves the API only. */
  webRoot: string;
  /** Source commit of this build (GIT_COMMIT, set by the image build), for the build info metric. */
  commit: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads NAME, or the contents of the file named by NAME_FILE (a mounted secret). */
function readVar(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file !== undefined && file !== '') {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(`${name}_FILE: cannot read ${file} (${reason})`);
    }
  }
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name}: expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name}: must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(`${name}: expected true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** Parses `sqlite:<path>` or `mysql://user[:password]@host[:port]/database`. */
export function parseDatabaseUrl(
  name: string,
  url: string,
  passwordFromFile: string | undefined,
  cwd: string,
): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file)
      throw new ConfigError(`${name}: sqlite URL needs a file path, e.g. sqlite:./data/app.db`);
    return { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${name}: not a valid URL`);
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname) throw new ConfigError(`${name}: missing host`);
    if (!parsed.username)
      throw new ConfigError(`${name}: missing user (mysql://user@host:3306/db)`);
    if (!database)
      throw new ConfigError(`${name}: missing database name (mysql://user@host:3306/db)`);
    const port = parsed.port ? Number(parsed.port) : 3306;
    return {
      dialect: 'mysql',
      host: parsed.hostname,
      port,
      user: decodeURIComponent(parsed.username),
      password:
        passwordFromFile ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined),
      database,
    };
  }
  throw new ConfigError(`${name}: expected sqlite:<file> or mysql://user@host:3306/db`);
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Readonly<Config> {
  const password = readVar(env, 'DATABASE_PASSWORD');
  const database = parseDatabaseUrl(
    'DATABASE_URL',
    readVar(env, 'DATABASE_URL') ?? 'sqlite:./data/taskmanager.db',
    password,
    cwd,
  );
  const readUrl = readVar(env, 'DATABASE_READ_URL');
  const readDatabase = readUrl
    ? parseDatabaseUrl('DATABASE_READ_URL', readUrl, password, cwd)
    : undefined;
  if (readDatabase && readDatabase.dialect !== database.dialect) {
    throw new ConfigError('DATABASE_READ_URL: must use the same database kind as DATABASE_URL');
  }

  const host = readVar(env, 'HOST') ?? '127.0.0.1';
  const trustProxyRaw = readVar(env, 'TRUST_PROXY');
  let trustProxy: boolean | string = false;
  if (trustProxyRaw !== undefined) {
    const lowered = trustProxyRaw.toLowerCase();
    // true/false, or a list of trusted addresses/CIDRs as Fastify accepts it.
    trustProxy = lowered === 'true' ? true : lowered === 'false' ? false : trustProxyRaw;
  }

  const config: Config = {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host,
    database,
    readDatabase,
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    trustProxy,
    registration: oneOf(env, 'REGISTRATION', ['open', 'closed'] as const, 'open'),
    cookieSecure: boolean(env, 'COOKIE_SECURE', false),
    metricsPort: integer(env, 'METRICS_PORT', 9464, 0, 65535),
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 10, 1, 3600),
    dbConnectTimeoutSeconds: integer(env, 'DB_CONNECT_TIMEOUT_SECONDS', 120, 0, 86400),
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', database.dialect === 'sqlite'),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 60 * 24 * 7, 1, 60 * 24 * 365),
    sessionAbsoluteHours: integer(env, 'SESSION_ABSOLUTE_HOURS', 24 * 30, 1, 24 * 365),
    loginRateLimitPerMinute: integer(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 20, 1, 100000),
    loginMaxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 100000),
    webRoot: path.resolve(readVar(env, 'WEB_ROOT') ?? path.join(cwd, 'dist', 'web')),
    commit: readVar(env, 'GIT_COMMIT')?.trim() || 'unknown',
  };
  return Object.freeze(config);
}
