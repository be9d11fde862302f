import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
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

  it.each([
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
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
