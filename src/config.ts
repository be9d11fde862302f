// Every setting of the service, read once from the environment (and `*_FILE` mounted secrets),
// validated, typed and frozen. Nothing else in the service reads process.env, except the tracing
// preload (platform/tracing/sdk.ts): it runs before this module and leaves OTEL_* to the SDK.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
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
  /** Worker processes behind the one port (WEB_CONCURRENCY; 1 = no cluster). */
  webConcurrency: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Whose X-Forwarded-For names the client (the address the per-IP limits count): nobody's
   * (false), the nearest `n` proxies' (a hop count), or proxies at these addresses/CIDRs.
   */
  trustProxy: false | number | string[];
  registration: 'open' | 'closed';
  cookieSecure: boolean;
  metricsPort: number;
  shutdownGraceSeconds: number;
  dbConnectTimeoutSeconds: number;
  migrateOnStart: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  loginRateLimitPerMinute: number;
  /** Imports (JSON, Trello, CSV) per user per hour, and as many CSV previews, over all replicas. */
  importRateLimitPerHour: number;
  loginMaxFailuresPerAccount: number;
  /** Where the built web UI lives; without an index.html there the service serves the API only. */
  webRoot: string;
  /** Source commit of this build (GIT_COMMIT, set by the image build), for the build info metric. */
  commit: string;
  webhooks: WebhookConfig;
  /** AUTH_MODE: `oidc` turns password sign-in and sign-up off (single sign-on only). */
  authMode: 'password' | 'oidc';
  /** Single sign-on through an OpenID Connect provider, when OIDC_ISSUER is set. */
  oidc: OidcConfig | undefined;
  /** Notification emails (docs/notifications.md); undefined without SMTP_URL. */
  smtp: SmtpConfig | undefined;
  /** Due reminders (docs/notifications.md). */
  reminders: ReminderConfig;
  /** PUBLIC_URL: where users open the web UI (links in emails and calendar feeds). */
  publicUrl: string | undefined;
  /**
   * LIVE_HEARTBEAT_SECONDS: an idle event stream gets a comment line this often, so that proxies
   * and load balancers with an idle timeout keep it open (below the shortest one on the way).
   */
  liveHeartbeatMs: number;
  /** SEARCH_TIMEOUT_MS: MySQL/MariaDB stop a search that takes longer (docs/search.md). */
  searchTimeoutMs: number;
  /** ATTACHMENT_MAX_BYTES: the largest file a task may hold (docs/configuration.md). */
  attachmentMaxBytes: number;
  /**
   * ATTACHMENTS_STORAGE: where new files go, the database (undefined, the default) or a bucket
   * prefix of the S3_* store (`s3://bucket/prefix/`); files already stored stay where they are.
   */
  attachmentsBucket: { bucket: string; prefix: string } | undefined;
  /** An S3-compatible object store (S3_*), when S3_ENDPOINT is set: backups to s3:// URLs. */
  s3: S3Config | undefined;
}

/** An S3-compatible object store, addressed path-style (docs/backup.md, "To an S3 bucket"). */
export interface S3Config {
  /** S3_ENDPOINT: https://s3.eu-west-1.amazonaws.com, https://minio.example.com, … */
  endpoint: string;
  /** S3_REGION: the region requests are signed for (us-east-1 for most S3-compatible stores). */
  region: string;
  /** S3_ACCESS_KEY_ID (or S3_ACCESS_KEY_ID_FILE). */
  accessKeyId: string;
  /** From S3_SECRET_ACCESS_KEY_FILE only. */
  secretAccessKey: string;
}

export interface ReminderConfig {
  /** REMINDER_LEAD_HOURS: "due soon" is told this long before the due date. */
  leadMs: number;
  /** REMINDER_POLL_MS: how often each replica looks for reminders to send. */
  pollIntervalMs: number;
}

/** Single sign-on settings (docs/integrations.md, "Single sign-on"). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** From OIDC_CLIENT_SECRET_FILE; none for a public client (PKCE only). */
  clientSecret: string | undefined;
  scopes: string;
  /** The callback URL registered at the provider (…/api/v1/auth/oidc/callback). */
  redirectUrl: string;
  /** Members of this group (the `groups` claim) are admins; the others are not. */
  adminGroup: string | undefined;
}

export interface SmtpConfig {
  /** SMTP_URL: smtp://user:pass@host:587 or smtps://…:465 (nodemailer's URL form). */
  url: string;
  /** SMTP_FROM: the From address, e.g. "TaskManager <tasks@example.com>". */
  from: string;
  /** PUBLIC_URL: where users open the web UI, for the link to the task. */
  publicUrl: string;
  pollIntervalMs: number;
}

/** Where webhooks may send, and how deliveries are retried (docs/integrations.md). */
export interface WebhookConfig {
  /** Public addresses allowed (WEBHOOK_ALLOW_PUBLIC, default true); false: the allow-list only. */
  allowPublic: boolean;
  /** WEBHOOK_ALLOWED_HOSTS: host names (exact) and IP addresses/CIDRs, allowed even if internal. */
  allowedHosts: string[];
  allowedNetworks: string[];
  timeoutMs: number;
  /** First retry after this; each further one waits twice as long. */
  retryBaseMs: number;
  /** No retry is scheduled later than this after the event. */
  retryWindowMs: number;
  /** Consecutive failed attempts after which the webhook is disabled. */
  maxConsecutiveFailures: number;
  pollIntervalMs: number;
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

/** WEB_CONCURRENCY: a number of workers, or `auto` for the cores this process may use. */
function workerCount(env: Env): number {
  const raw = readVar(env, 'WEB_CONCURRENCY');
  if (raw?.trim().toLowerCase() === 'auto') return os.availableParallelism();
  return integer(env, 'WEB_CONCURRENCY', 1, 1, 256);
}

const MAX_PROXY_HOPS = 10;

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: a hop count (how many proxies stand in front, each appending to X-Forwarded-For)
 * or a comma-separated list of proxy addresses/CIDRs. `true`, trusting every hop, is refused:
 * the left-most entry is whatever the client sent, and the per-IP limits would count that.
 */
export function parseTrustProxy(raw: string | undefined): false | number | string[] {
  const value = raw?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') {
    throw new ConfigError(
      'TRUST_PROXY: true would let every client choose its address (X-Forwarded-For); give the number of proxies in front of the service (e.g. 1) or their addresses/CIDRs',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_PROXY_HOPS) {
      throw new ConfigError(`TRUST_PROXY: at most ${MAX_PROXY_HOPS} proxy hops, got ${hops}`);
    }
    return hops === 0 ? false : hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isAddressOrCidr(entry));
  if (bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY: expected a hop count or a comma-separated list of IP addresses/CIDRs, got "${bad}"`,
    );
  }
  return entries;
}

/** WEBHOOK_ALLOWED_HOSTS: comma-separated host names, IP addresses and CIDRs. */
export function parseWebhookAllowList(raw: string | undefined) {
  const hosts: string[] = [];
  const networks: string[] = [];
  for (const entry of (raw ?? '').split(',').map((e) => e.trim().toLowerCase())) {
    if (entry === '') continue;
    if (isAddressOrCidr(entry)) networks.push(entry);
    else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry))
      hosts.push(entry);
    else
      throw new ConfigError(
        `WEBHOOK_ALLOWED_HOSTS: expected host names, IP addresses or CIDRs, got "${entry}"`,
      );
  }
  return { hosts, networks };
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

function httpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}: not a valid URL, got "${raw}"`);
  }
  // Plain HTTP only to this machine (a provider in development or tests): tokens travel here.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError(`${name}: expected an https:// URL (http:// only for localhost)`);
  }
  return url;
}

/** S3_*: an S3-compatible object store, none unless S3_ENDPOINT is set. */
export function parseS3(env: Env): S3Config | undefined {
  if (env.S3_SECRET_ACCESS_KEY !== undefined && env.S3_SECRET_ACCESS_KEY !== '') {
    // A secret in the environment leaks into process listings and crash dumps.
    throw new ConfigError(
      'S3_SECRET_ACCESS_KEY: give the secret access key as a file, S3_SECRET_ACCESS_KEY_FILE (a mounted Secret)',
    );
  }
  const endpoint = readVar(env, 'S3_ENDPOINT')?.trim();
  if (endpoint === undefined || endpoint === '') return undefined;
  const url = httpUrl('S3_ENDPOINT', endpoint);
  if (url.pathname !== '/' || url.search !== '' || url.username !== '')
    throw new ConfigError(
      `S3_ENDPOINT: expected the store's address only (https://host[:port]), got "${endpoint}"; the bucket goes in the s3:// URL`,
    );
  const region = readVar(env, 'S3_REGION')?.trim() ?? 'us-east-1';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(region))
    throw new ConfigError(`S3_REGION: expected a region name such as eu-west-1, got "${region}"`);
  const accessKeyId = readVar(env, 'S3_ACCESS_KEY_ID')?.trim();
  if (!accessKeyId)
    throw new ConfigError('S3_ACCESS_KEY_ID: required with S3_ENDPOINT (or S3_ACCESS_KEY_ID_FILE)');
  if (!env.S3_SECRET_ACCESS_KEY_FILE)
    throw new ConfigError(
      'S3_SECRET_ACCESS_KEY_FILE: required with S3_ENDPOINT (a mounted Secret)',
    );
  const secretAccessKey = readVar(env, 'S3_SECRET_ACCESS_KEY')?.trim();
  if (!secretAccessKey)
    throw new ConfigError(`S3_SECRET_ACCESS_KEY_FILE: ${env.S3_SECRET_ACCESS_KEY_FILE} is empty`);
  return { endpoint: url.origin, region, accessKeyId, secretAccessKey };
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** ATTACHMENTS_STORAGE: `database` (the default) or `s3://bucket/prefix/` of the S3_* store. */
export function parseAttachmentsStorage(
  env: Env,
  s3: S3Config | undefined,
): Config['attachmentsBucket'] {
  const value = readVar(env, 'ATTACHMENTS_STORAGE')?.trim() || 'database';
  if (value === 'database') return undefined;
  const match = /^s3:\/\/([^/]+)\/((?:[^/]+\/)*)$/.exec(value);
  if (!match || !BUCKET_NAME.test(match[1]!) || Buffer.byteLength(match[2]!) > 900)
    throw new ConfigError(
      `ATTACHMENTS_STORAGE: expected "database" or s3://bucket/ or s3://bucket/prefix/ (ending in /), got "${value}"`,
    );
  if (!s3)
    throw new ConfigError(
      'ATTACHMENTS_STORAGE: an s3:// bucket needs the store configured (S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY_FILE)',
    );
  return { bucket: match[1]!, prefix: match[2]! };
}

/** OIDC_*: single sign-on, off unless OIDC_ISSUER is set. */
export function parseOidc(env: Env): OidcConfig | undefined {
  if (env.OIDC_CLIENT_SECRET !== undefined && env.OIDC_CLIENT_SECRET !== '') {
    // A secret in the environment leaks into process listings and crash dumps.
    throw new ConfigError(
      'OIDC_CLIENT_SECRET: give the client secret as a file, OIDC_CLIENT_SECRET_FILE (a mounted Secret)',
    );
  }
  const issuer = readVar(env, 'OIDC_ISSUER');
  if (issuer === undefined) return undefined;
  httpUrl('OIDC_ISSUER', issuer);
  const clientId = readVar(env, 'OIDC_CLIENT_ID');
  if (clientId === undefined) throw new ConfigError('OIDC_CLIENT_ID: required with OIDC_ISSUER');
  const redirectUrl = readVar(env, 'OIDC_REDIRECT_URL');
  if (redirectUrl === undefined) {
    throw new ConfigError(
      'OIDC_REDIRECT_URL: required with OIDC_ISSUER, e.g. https://tasks.example.com/api/v1/auth/oidc/callback',
    );
  }
  const scopes = (readVar(env, 'OIDC_SCOPES') ?? 'openid email profile').trim().split(/\s+/);
  if (!scopes.includes('openid')) throw new ConfigError('OIDC_SCOPES: must include openid');
  return {
    issuer,
    clientId,
    clientSecret: readVar(env, 'OIDC_CLIENT_SECRET'),
    scopes: scopes.join(' '),
    redirectUrl: httpUrl('OIDC_REDIRECT_URL', redirectUrl).href,
    adminGroup: readVar(env, 'OIDC_ADMIN_GROUP'),
  };
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
  // The replica's password defaults to the primary's: the MySQL Router serves both ports.
  const readPassword = readVar(env, 'DATABASE_READ_PASSWORD') ?? password;
  const readDatabase = readUrl
    ? parseDatabaseUrl('DATABASE_READ_URL', readUrl, readPassword, cwd)
    : undefined;
  if (readDatabase && (readDatabase.dialect !== 'mysql' || database.dialect !== 'mysql')) {
    // Reads from a replica follow MySQL/MariaDB replication positions (db/read-routing.ts).
    throw new ConfigError('DATABASE_READ_URL: needs a MySQL/MariaDB DATABASE_URL and replica');
  }

  const host = readVar(env, 'HOST') ?? '127.0.0.1';
  const trustProxy = parseTrustProxy(readVar(env, 'TRUST_PROXY'));
  const allowList = parseWebhookAllowList(readVar(env, 'WEBHOOK_ALLOWED_HOSTS'));
  const oidc = parseOidc(env);
  const s3 = parseS3(env);
  const authMode = oneOf(env, 'AUTH_MODE', ['password', 'oidc'] as const, 'password');
  if (authMode === 'oidc' && !oidc) {
    throw new ConfigError('AUTH_MODE: oidc needs single sign-on configured (OIDC_ISSUER, …)');
  }

  const config: Config = {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host,
    database,
    readDatabase,
    webConcurrency: workerCount(env),
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
    importRateLimitPerHour: integer(env, 'IMPORT_RATE_LIMIT_PER_HOUR', 30, 1, 100000),
    loginMaxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 100000),
    webRoot: path.resolve(readVar(env, 'WEB_ROOT') ?? path.join(cwd, 'dist', 'web')),
    commit: readVar(env, 'GIT_COMMIT')?.trim() || 'unknown',
    webhooks: Object.freeze({
      allowPublic: boolean(env, 'WEBHOOK_ALLOW_PUBLIC', true),
      allowedHosts: allowList.hosts,
      allowedNetworks: allowList.networks,
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60) * 1000,
      retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 30_000, 10, 3_600_000),
      retryWindowMs: integer(env, 'WEBHOOK_RETRY_WINDOW_HOURS', 24, 1, 168) * 3_600_000,
      maxConsecutiveFailures: integer(env, 'WEBHOOK_MAX_CONSECUTIVE_FAILURES', 15, 1, 1000),
      pollIntervalMs: integer(env, 'WEBHOOK_POLL_MS', 1000, 50, 60_000),
    }),
    authMode,
    oidc: oidc && Object.freeze(oidc),
    smtp: smtpConfig(env),
    publicUrl: publicUrlOf(env),
    reminders: Object.freeze({
      leadMs: integer(env, 'REMINDER_LEAD_HOURS', 24, 1, 168) * 3_600_000,
      pollIntervalMs: integer(env, 'REMINDER_POLL_MS', 60_000, 50, 3_600_000),
    }),
    liveHeartbeatMs: integer(env, 'LIVE_HEARTBEAT_SECONDS', 15, 1, 300) * 1000,
    // 32 MiB at most: a file is one statement (MySQL/MariaDB's max_allowed_packet must exceed it).
    attachmentMaxBytes: integer(env, 'ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024, 1, 32 * 1024 * 1024),
    searchTimeoutMs: integer(env, 'SEARCH_TIMEOUT_MS', 3000, 1, 60_000),
    attachmentsBucket: parseAttachmentsStorage(env, s3),
    s3: s3 && Object.freeze(s3),
  };
  return Object.freeze(config);
}

/** PUBLIC_URL without a trailing slash; an address that is not http(s) is refused. */
function publicUrlOf(env: Env): string | undefined {
  const publicUrl = readVar(env, 'PUBLIC_URL')?.trim().replace(/\/+$/, '');
  if (!publicUrl) return undefined;
  if (!/^https?:\/\/[^/]/.test(publicUrl))
    throw new ConfigError('PUBLIC_URL: expected an http(s) address (https://tasks.example.com)');
  return publicUrl;
}

function smtpConfig(env: Env): SmtpConfig | undefined {
  const url = readVar(env, 'SMTP_URL')?.trim();
  if (!url) return undefined;
  if (!/^smtps?:\/\/[^/]/.test(url))
    throw new ConfigError('SMTP_URL: expected smtp://host:port or smtps://host:port');
  const from = readVar(env, 'SMTP_FROM')?.trim();
  if (!from) throw new ConfigError('SMTP_FROM: required with SMTP_URL (the From address)');
  const publicUrl = publicUrlOf(env);
  if (!publicUrl)
    throw new ConfigError('PUBLIC_URL: required with SMTP_URL (https://tasks.example.com)');
  return Object.freeze({
    url,
    from,
    publicUrl,
    pollIntervalMs: integer(env, 'SMTP_POLL_MS', 2000, 50, 60_000),
  });
}
