// Which tables an archive holds, in the order a restore inserts them (parents before children, so
// that foreign keys are checked as rows arrive and need not be switched off), and the key each
// one is read in (keyset pages: the cost of a page stays flat at any table size).
import { DEFERRED_INDEXES_TABLE } from '../db/deferred-indexes.js';
import type { Database } from '../db/types.js';

export type TableName = keyof Database;

export interface TableSpec {
  name: TableName;
  /** Primary key columns: the keyset order of the reads. */
  key: readonly string[];
}

// A mapped type over `Database`: a table added to the schema but not here fails to compile, so a
// new table can never be silently left out of backups. Insertion order is the restore order.
const keys: { [T in TableName]: readonly string[] } = {
  users: ['id'],
  user_preferences: ['user_id'],
  sessions: ['id'],
  api_tokens: ['id'],
  projects: ['id'],
  project_members: ['project_id', 'user_id'],
  project_columns: ['id'],
  tasks: ['id'],
  labels: ['id'],
  task_labels: ['task_id', 'label_id'],
  comments: ['id'],
  checklist_items: ['id'],
  activity: ['id'],
  invites: ['id'],
  changes: ['id'],
  login_limits: ['bucket'],
  webhooks: ['id'],
  webhook_deliveries: ['id'],
  oidc_identities: ['issuer', 'subject'],
  oidc_logins: ['id_hash'],
  task_watchers: ['task_id', 'user_id'],
  notifications: ['id'],
  notification_settings: ['user_id'],
  due_reminders: ['task_id', 'kind', 'due_at'],
  calendar_feeds: ['id'],
  saved_views: ['id'],
  attachments: ['id'],
  task_covers: ['task_id'],
};

/**
 * Never archived: the change feed between replicas (db/change-feed.ts) only tells running
 * processes what to forget, and the sign-in counters (features/auth/login-limits.ts) live for
 * minutes; neither means anything to another database. Webhook deliveries are a queue and its
 * log: a restored service must not send old events again. Single sign-ons in flight live for
 * minutes.
 */
const TRANSIENT_TABLES: readonly string[] = [
  'changes',
  'login_limits',
  'webhook_deliveries',
  'oidc_logins',
];

export const TABLES: readonly TableSpec[] = Object.entries(keys)
  .filter(([name]) => !TRANSIENT_TABLES.includes(name))
  .map(([name, key]) => ({ name: name as TableName, key }));

/** Left out of an archive unless asked for: short-lived, and bound to the old service's users. */
export const OPTIONAL_TABLES: readonly TableName[] = ['sessions'];

/**
 * SQLite's full-text indexes of the search (migration 20261202T1500): FTS5 tables and their
 * shadow tables (`tasks_fts_data`, …). Derived from the rows: a restore rebuilds them through
 * their triggers as it inserts tasks and comments.
 */
const SEARCH_INDEXES: readonly string[] = ['tasks_fts', 'comments_fts'];

/**
 * Bookkeeping, never archived: Kysely's own (written by the migrator), the transient tables, the
 * search indexes and the journal of indexes a MySQL restore set aside (db/deferred-indexes.ts).
 */
export const isBookkeepingTable = (name: string): boolean =>
  name.startsWith('kysely_') ||
  name === DEFERRED_INDEXES_TABLE ||
  TRANSIENT_TABLES.includes(name) ||
  SEARCH_INDEXES.some((index) => name === index || name.startsWith(`${index}_`));
