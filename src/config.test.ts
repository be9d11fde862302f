import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('reads an S3-compatible store from S3_*, the secret access key only from a file', () => {
    expect(loadConfig({}).s3).toBeUndefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'config-s3-'));
    writeFileSync(path.join(dir, 'secret'), 'wJalrXUtnFEMI/K7MDENG\n');
    writeFileSync(path.join(dir, 'id'), 'AKIAEXAMPLE\n');
    writeFileSync(path.join(dir, 'empty'), '');
    const base = {
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com/',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY_FILE: path.join(dir, 'secret'),
    };
    expect(loadConfig(base).s3).toEqual({
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      region: 'us-east-1',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
    });
    expect(
      loadConfig({
        ...base,
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_REGION: 'eu-west-1',
        S3_ACCESS_KEY_ID: '',
        S3_ACCESS_KEY_ID_FILE: path.join(dir, 'id'),
      }).s3,
    ).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      accessKeyId: 'AKIAEXAMPLE',
    });
    const refused: [Record<string, string>, RegExp][] = [
      [
        { S3_SECRET_ACCESS_KEY: 'in-env' },
        /S3_SECRET_ACCESS_KEY: give the secret access key as a file/,
      ],
      [{ S3_ENDPOINT: 'http://minio.example.com' }, /S3_ENDPOINT: expected an https:\/\/ URL/],
      [
        { S3_ENDPOINT: 'https://minio.example.com/backups' },
        /S3_ENDPOINT: expected the store's address only/,
      ],
      [{ S3_REGION: 'EU West' }, /S3_REGION: expected a region name/],
      [{ S3_ACCESS_KEY_ID: '' }, /S3_ACCESS_KEY_ID: required with S3_ENDPOINT/],
      [{ S3_SECRET_ACCESS_KEY_FILE: '' }, /S3_SECRET_ACCESS_KEY_FILE: required with S3_ENDPOINT/],
      [
        { S3_SECRET_ACCESS_KEY_FILE: path.join(dir, 'empty') },
        /S3_SECRET_ACCESS_KEY_FILE: .* is empty/,
      ],
      [
        { S3_SECRET_ACCESS_KEY_FILE: path.join(dir, 'missing') },
        /S3_SECRET_ACCESS_KEY_FILE: cannot read/,
      ],
    ];
    for (const [env, message] of refused)
      expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('keeps attachments in the database unless ATTACHMENTS_STORAGE names a bucket prefix', () => {
    expect(loadConfig({}).attachmentsBucket).toBeUndefined();
    expect(loadConfig({ ATTACHMENTS_STORAGE: 'database' }).attachmentsBucket).toBeUndefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'config-files-'));
    writeFileSync(path.join(dir, 'secret'), 'wJalrXUtnFEMI/K7MDENG\n');
    const store = {
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY_FILE: path.join(dir, 'secret'),
    };
    expect(
      loadConfig({ ...store, ATTACHMENTS_STORAGE: 's3://team-files/prod/attachments/' })
        .attachmentsBucket,
    ).toEqual({ bucket: 'team-files', prefix: 'prod/attachments/' });
    expect(
      loadConfig({ ...store, ATTACHMENTS_STORAGE: 's3://team-files/' }).attachmentsBucket,
    ).toEqual({ bucket: 'team-files', prefix: '' });
    for (const value of [
      's3://team-files/prefix',
      's3://team-files',
      's3://Team_Files/',
      's3://team-files//x/',
      'files',
    ])
      expect(() => loadConfig({ ...store, ATTACHMENTS_STORAGE: value })).toThrow(
        /ATTACHMENTS_STORAGE: expected "database" or s3:\/\/bucket\//,
      );
    expect(() => loadConfig({ ATTACHMENTS_STORAGE: 's3://team-files/' })).toThrow(
      /ATTACHMENTS_STORAGE: an s3:\/\/ bucket needs the store configured \(S3_ENDPOINT/,
    );
  });

  it('turns single sign-on on with OIDC_ISSUER; the client secret only from a file', () => {
    expect(loadConfig({})).toMatchObject({ authMode: 'password', oidc: undefined });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'config-oidc-'));
    writeFileSync(path.join(dir, 'secret'), 's3cret\n');
    const base = {
      OIDC_ISSUER: 'https://login.example.com/realms/staff',
      OIDC_CLIENT_ID: 'taskmanager',
      OIDC_REDIRECT_URL: 'https://tasks.example.com/api/v1/auth/oidc/callback',
    };
    const config = loadConfig({
      ...base,
      OIDC_CLIENT_SECRET_FILE: path.join(dir, 'secret'),
      AUTH_MODE: 'oidc',
      OIDC_ADMIN_GROUP: 'tm-admins',
    });
    expect(config.authMode).toBe('oidc');
    expect(config.oidc).toEqual({
      issuer: base.OIDC_ISSUER,
      clientId: 'taskmanager',
      clientSecret: 's3cret',
      scopes: 'openid email profile',
      redirectUrl: base.OIDC_REDIRECT_URL,
      adminGroup: 'tm-admins',
    });
    expect(() => loadConfig({ ...base, OIDC_CLIENT_SECRET: 'in-env' })).toThrow(
      /OIDC_CLIENT_SECRET: give the client secret as a file/,
    );
    expect(() => loadConfig({ ...base, OIDC_ISSUER: 'http://login.example.com' })).toThrow(
      /OIDC_ISSUER: expected an https:\/\/ URL/,
    );
    expect(loadConfig({ ...base, OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer).toBe(
      'http://127.0.0.1:4000',
    );
    expect(() => loadConfig({ ...base, OIDC_REDIRECT_URL: '' })).toThrow(/OIDC_REDIRECT_URL/);
    expect(() => loadConfig({ ...base, OIDC_SCOPES: 'email profile' })).toThrow(/openid/);
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(/AUTH_MODE: oidc needs/);
  });

  it('lets webhooks reach public addresses only, unless WEBHOOK_ALLOWED_HOSTS names others', () => {
    expect(loadConfig({}).webhooks).toMatchObject({
      allowPublic: true,
      allowedHosts: [],
      allowedNetworks: [],
      timeoutMs: 10_000,
      retryWindowMs: 86_400_000,
    });
    const config = loadConfig({
      WEBHOOK_ALLOW_PUBLIC: 'false',
      WEBHOOK_ALLOWED_HOSTS: 'Chat.Internal, 10.0.0.0/8 ,127.0.0.1,fd00::/8',
    });
    expect(config.webhooks).toMatchObject({
      allowPublic: false,
      allowedHosts: ['chat.internal'],
      allowedNetworks: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8'],
    });
    expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: 'http://chat.internal' })).toThrow(
      /^WEBHOOK_ALLOWED_HOSTS: expected host names, IP addresses or CIDRs, got "http:\/\/chat.internal"$/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/33' })).toThrow(
      /WEBHOOK_ALLOWED_HOSTS/,
    );
  });

  it('defaults to an embedded SQLite file on 127.0.0.1:8080', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      database: { dialect: 'sqlite', file: '/srv/app/data/taskmanager.db' },
      registration: 'open',
      cookieSecure: false,
      migrateOnStart: true,
      shutdownGraceSeconds: 10,
      metricsPort: 9464,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads MySQL from the URL and the password from DATABASE_PASSWORD_FILE', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'password');
    writeFileSync(file, 's3cret:with@chars\n');
    const config = loadConfig({
      DATABASE_URL: 'mysql://app:ignored@db.internal:3307/tasks',
      DATABASE_PASSWORD_FILE: file,
    });
    expect(config.database).toEqual({
      dialect: 'mysql',
      host: 'db.internal',
      port: 3307,
      user: 'app',
      password: 's3cret:with@chars',
      database: 'tasks',
    });
    // In Kubernetes the hook Job migrates; the app does not unless told to.
    expect(config.migrateOnStart).toBe(false);
  });

  it('runs one process unless WEB_CONCURRENCY asks for more; auto is the cores available', () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '3' }).webConcurrency).toBe(3);
    expect(loadConfig({ WEB_CONCURRENCY: 'auto' }).webConcurrency).toBe(os.availableParallelism());
  });

  it('reads the replica from DATABASE_READ_URL with its own password file, else the primary one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const primary = path.join(dir, 'primary');
    const replica = path.join(dir, 'replica');
    writeFileSync(primary, 'primary-secret\n');
    writeFileSync(replica, 'replica-secret\n');
    const env = {
      DATABASE_URL: 'mysql://app@db:3306/tasks',
      DATABASE_PASSWORD_FILE: primary,
      DATABASE_READ_URL: 'mysql://reader@db-ro:6447/tasks',
    };
    expect(loadConfig(env).readDatabase).toEqual({
      dialect: 'mysql',
      host: 'db-ro',
      port: 6447,
      user: 'reader',
      password: 'primary-secret',
      database: 'tasks',
    });
    const own = loadConfig({ ...env, DATABASE_READ_PASSWORD_FILE: replica }).readDatabase;
    expect(own?.password).toBe('replica-secret');
    expect(loadConfig(env).database.password).toBe('primary-secret');
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.0.0.0/8, 192.0.2.7,fd00::/8 ,::1', ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1']],
  ])('reads TRUST_PROXY=%s as %o', (raw, expected) => {
    expect(loadConfig(raw === undefined ? {} : { TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each([
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY: true would let every client choose its address'],
    [{ TRUST_PROXY: 'TRUE' }, 'TRUST_PROXY: true would let every client choose its address'],
    [{ TRUST_PROXY: '11' }, 'TRUST_PROXY: at most 10 proxy hops, got 11'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'got "10.0.0.0/33"'],
    [{ TRUST_PROXY: '10.0.0.1,loopback' }, 'got "loopback"'],
    [{ TRUST_PROXY: '10.0.0.0/8/8' }, 'got "10.0.0.0/8/8"'],
    [{ TRUST_PROXY: '-1' }, 'got "-1"'],
    [{ PORT: 'eighty' }, 'PORT: expected a whole number, got "eighty"'],
    [{ PORT: '70000' }, 'PORT: must be between 0 and 65535, got 70000'],
    [{ REGISTRATION: 'maybe' }, 'REGISTRATION: expected one of open, closed, got "maybe"'],
    [{ COOKIE_SECURE: 'yes please' }, 'COOKIE_SECURE: expected true or false, got "yes please"'],
    [
      { DATABASE_URL: 'postgres://x@y/z' },
      'DATABASE_URL: expected sqlite:<file> or mysql://user@host:3306/db',
    ],
    [
      { DATABASE_URL: 'mysql://host-only/db' },
      'DATABASE_URL: missing user (mysql://user@host:3306/db)',
    ],
    [
      { DATABASE_URL: 'mysql://u@h:3306/' },
      'DATABASE_URL: missing database name (mysql://user@host:3306/db)',
    ],
    [
      { DATABASE_PASSWORD_FILE: '/nonexistent/secret' },
      'DATABASE_PASSWORD_FILE: cannot read /nonexistent/secret (ENOENT)',
    ],
    [{ WEB_CONCURRENCY: 'many' }, 'WEB_CONCURRENCY: expected a whole number, got "many"'],
    [{ WEB_CONCURRENCY: '0' }, 'WEB_CONCURRENCY: must be between 1 and 256, got 0'],
    [
      { DATABASE_READ_URL: 'sqlite:./replica.db' },
      'DATABASE_READ_URL: needs a MySQL/MariaDB DATABASE_URL and replica',
    ],
    [
      { DATABASE_URL: 'mysql://u@h/db', DATABASE_READ_PASSWORD_FILE: '/nonexistent/r' },
      'DATABASE_READ_PASSWORD_FILE: cannot read /nonexistent/r (ENOENT)',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
