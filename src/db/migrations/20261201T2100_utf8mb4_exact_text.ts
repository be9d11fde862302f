// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 11, findings 3 and 12. MySQL: every table declares utf8mb4 (a database created as latin1
// gave 500 on emoji), and emails and label names compare exactly (utf8mb4_bin), as SQLite
// compares them: `ädmin@…` is no longer the account `admin@…`, and `Bug`/`bug`/`büg` are three
// labels on both databases. Both: existing emails normalized as the service now stores them
// (trimmed, lower case, Unicode NFC), unless that form is already taken.
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
const TABLES = [
  'users',
  'sessions',
  'api_tokens',
  'projects',
  'project_members',
  'tasks',
  'labels',
  'task_labels',
  'comments',
  'activity',
];

export async function up(db: Kysely<any>): Promise<void> {
  const users = await db.selectFrom('users').select(['id', 'email']).execute();
  const taken = new Set(users.map((u: { email: string }) => u.email));
  for (const user of users as { id: string; email: string }[]) {
    const normalized = user.email.trim().toLowerCase().normalize('NFC');
    if (normalized === user.email || taken.has(normalized)) continue;
    await db.updateTable('users').set({ email: normalized }).where('id', '=', user.id).execute();
    taken.add(normalized);
  }

  if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
  await db.connection().execute(async (conn) => {
    // Converting one table at a time would briefly pair columns of different character sets
    // across a foreign key, which MySQL refuses while checks are on.
    await sql`set foreign_key_checks = 0`.execute(conn);
    try {
      for (const table of TABLES) {
        await sql`alter table ${sql.table(table)} convert to character set utf8mb4 collate utf8mb4_unicode_ci`.execute(
          conn,
        );
      }
      await sql`alter table users modify email varchar(254) character set utf8mb4 collate utf8mb4_bin not null`.execute(
        conn,
      );
      await sql`alter table labels modify name varchar(50) character set utf8mb4 collate utf8mb4_bin not null`.execute(
        conn,
      );
    } finally {
      await sql`set foreign_key_checks = 1`.execute(conn);
    }
  });
}
