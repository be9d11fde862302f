// Applies the versioned migrations. Kysely's Migrator takes a lock (a row lock on MySQL, the
// single writer on SQLite) so that several replicas or hook Jobs migrating at once are safe.
import { Migrator, sql } from 'kysely';
import type { Migration, MigrationResultSet } from 'kysely';
import type { Db } from './database.js';
import { buildDeferredIndexes } from './deferred-indexes.js';
import * as accountsAdmin from './migrations/20261202T0200_accounts_admin.js';
import * as checklists from './migrations/20261202T0310_checklists.js';
import * as changesFeed from './migrations/20261201T2200_changes_feed.js';
import * as initialSchema from './migrations/20261125T1200_initial_schema.js';
import * as liveEvents from './migrations/20261202T0300_live_events.js';
import * as loginLimits from './migrations/20261202T0100_login_limits.js';
import * as oidcIdentities from './migrations/20261202T0410_oidc_identities.js';
import * as userPreferences from './migrations/20261202T0430_user_preferences.js';
import * as dueReminders from './migrations/20261202T1400_due_reminders.js';
import * as calendarFeeds from './migrations/20261202T1410_calendar_feeds.js';
import * as searchIndex from './migrations/20261202T1500_search_index.js';
import * as taskArchive from './migrations/20261202T1600_task_archive.js';
import * as savedViews from './migrations/20261202T1610_saved_views.js';
import * as oidcLoginInvites from './migrations/20261202T1620_oidc_login_invites.js';
import * as attachments from './migrations/20261202T1630_attachments.js';
import * as notifications from './migrations/20261202T0400_notifications.js';
import * as utf8mb4ExactText from './migrations/20261201T2100_utf8mb4_exact_text.js';
import * as webhooks from './migrations/20261202T0320_webhooks.js';
import * as projectColumns from './migrations/20261204T1900_project_columns.js';

// Listed here rather than read from disk so that the compiled service and the container image
// carry them without a file-system scan. Names sort by time; never rename or edit one.
export const migrations: Record<string, Migration> = {
  '20261125T1200_initial_schema': initialSchema,
  '20261201T2100_utf8mb4_exact_text': utf8mb4ExactText,
  '20261201T2200_changes_feed': changesFeed,
  '20261202T0100_login_limits': loginLimits,
  '20261202T0200_accounts_admin': accountsAdmin,
  '20261202T0300_live_events': liveEvents,
  '20261202T0310_checklists': checklists,
  '20261202T0320_webhooks': webhooks,
  '20261202T0400_notifications': notifications,
  '20261202T0410_oidc_identities': oidcIdentities,
  '20261202T0430_user_preferences': userPreferences,
  '20261202T1400_due_reminders': dueReminders,
  '20261202T1410_calendar_feeds': calendarFeeds,
  '20261202T1500_search_index': searchIndex,
  '20261202T1600_task_archive': taskArchive,
  '20261202T1610_saved_views': savedViews,
  '20261202T1620_oidc_login_invites': oidcLoginInvites,
  '20261202T1630_attachments': attachments,
  '20261204T1900_project_columns': projectColumns,
};

export async function migrateToLatest(
  db: Db,
  set: Record<string, Migration> = migrations,
): Promise<string[]> {
  return migrateTo(db, undefined, set);
}

/**
 * Migrates up or down to the migration named `target` (the latest when undefined) and returns
 * the names run. A restore uses it to load rows into the schema version they were read from.
 */
export async function migrateTo(
  db: Db,
  target: string | undefined,
  set: Record<string, Migration> = migrations,
): Promise<string[]> {
  // Indexes an interrupted MySQL restore left journaled are built before anything else.
  await buildDeferredIndexes(db);
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(set) } });
  const result: MigrationResultSet =
    target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const cause =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${cause}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Names in the migration table, known to this build or not (a database migrated by a newer
 * release lists names this one lacks); [] for a database never migrated.
 */
export async function recordedMigrations(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const { rows } = await sql<{
    name: string;
  }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
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
