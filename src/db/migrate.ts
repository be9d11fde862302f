// Applies the versioned migrations. Kysely's Migrator takes a lock (a row lock on MySQL, the
// single writer on SQLite) so that several replicas or hook Jobs migrating at once are safe.
import { Migrator } from 'kysely';
import type { Migration, MigrationResultSet } from 'kysely';
import type { Db } from './database.js';
import * as changesFeed from './migrations/20261201T2200_changes_feed.js';
import * as initialSchema from './migrations/20261125T1200_initial_schema.js';

// Listed here rather than read from disk so that the compiled service and the container image
// carry them without a file-system scan. Names sort by time; never rename or edit one.
export const migrations: Record<string, Migration> = {
  '20261125T1200_initial_schema': initialSchema,
  '20261201T2200_changes_feed': changesFeed,
};

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const cause =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${cause}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations already applied (for metrics and `migrate --status`). */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
