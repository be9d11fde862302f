// Several processes of the real service on one fresh database, the way replicas share it in a
// cluster: for suites that prove something holds across replicas (limits, positions, the proxy).
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import type { TestDatabase } from './databases.js';
import { startService } from './service.js';
import type { Service } from './service.js';

export interface Replicas {
  /** The running services, once the enclosing block's beforeAll has run. */
  services: Service[];
  /** Where their database is, for a suite that reads it directly. */
  database: DatabaseConfig | undefined;
}

/**
 * Starts `count` services on one fresh database of `target` in the enclosing describe block's
 * beforeAll (nothing when `skip` or the database's own skip reason says so) and stops them and
 * drops the database in its afterAll. `env` is read in beforeAll, after what runs at collection.
 */
export function useReplicas(
  target: TestDatabase,
  options: { count?: number; env?: () => Record<string, string>; skip?: string } = {},
): Replicas {
  const replicas: Replicas = { services: [], database: undefined };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (target.skipReason || options.skip) return;
    const created = await target.create();
    drop = created.drop;
    replicas.database = created.config;
    const env = {
      DATABASE_URL: created.url,
      MIGRATE_ON_START: 'true',
      LOG_LEVEL: 'warn',
      ...options.env?.(),
    };
    for (let i = 0; i < (options.count ?? 2); i++) {
      replicas.services.push(await startService({ env }));
    }
  }, 120_000);
  afterAll(async () => {
    for (const service of replicas.services) await service.stop();
    await drop?.();
  });
  return replicas;
}
