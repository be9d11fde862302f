// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
// (Edited once, before any release: as first written it failed on every MariaDB database not
// created as utf8mb4_unicode_ci — the server default is utf8mb4_general_ci — so it had never
// completed on one; where it had completed, the edit changes nothing.)
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
    // MariaDB refuses to change the character set or collation of a column that a foreign key
    // references or holds, even with foreign_key_checks = 0 (error 1833): the keys are dropped,
    // the tables converted, and the keys added back. Each step checks what is there, so a run
    // that stopped half-way (MySQL commits DDL at once) finishes on the next start.
    const present = async () =>
      new Set(
        (
          await sql<{ name: string }>`select constraint_name as name
            from information_schema.referential_constraints
            where constraint_schema = database()`.execute(conn)
        ).rows.map((r) => r.name),
      );
    await sql`set foreign_key_checks = 0`.execute(conn);
    try {
      const before = await present();
      for (const fk of FOREIGN_KEYS) {
        if (before.has(fk.name))
          await sql`alter table ${sql.table(fk.table)} drop foreign key ${sql.ref(fk.name)}`.execute(
            conn,
          );
      }
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
      const after = await present();
      for (const fk of FOREIGN_KEYS) {
        if (after.has(fk.name)) continue;
        await sql`alter table ${sql.table(fk.table)} add constraint ${sql.ref(fk.name)}
          foreign key (${sql.ref(fk.column)}) references ${sql.table(fk.references)} (id)
          on delete ${sql.raw(fk.onDelete)}`.execute(conn);
      }
    } finally {
      await sql`set foreign_key_checks = 1`.execute(conn);
    }
  });
}

/** The foreign keys of the schema as 20261125T1200_initial_schema made them. */
const FOREIGN_KEYS: {
  table: string;
  name: string;
  column: string;
  references: 'users' | 'projects' | 'tasks' | 'labels';
  onDelete: 'cascade' | 'restrict' | 'set null';
}[] = [
  {
    table: 'activity',
    name: 'activity_actor_id_fk',
    column: 'actor_id',
    references: 'users',
    onDelete: 'restrict',
  },
  {
    table: 'activity',
    name: 'activity_project_id_fk',
    column: 'project_id',
    references: 'projects',
    onDelete: 'cascade',
  },
  {
    table: 'api_tokens',
    name: 'api_tokens_user_id_fk',
    column: 'user_id',
    references: 'users',
    onDelete: 'cascade',
  },
  {
    table: 'comments',
    name: 'comments_author_id_fk',
    column: 'author_id',
    references: 'users',
    onDelete: 'restrict',
  },
  {
    table: 'comments',
    name: 'comments_task_id_fk',
    column: 'task_id',
    references: 'tasks',
    onDelete: 'cascade',
  },
  {
    table: 'labels',
    name: 'labels_project_id_fk',
    column: 'project_id',
    references: 'projects',
    onDelete: 'cascade',
  },
  {
    table: 'projects',
    name: 'projects_created_by_fk',
    column: 'created_by',
    references: 'users',
    onDelete: 'restrict',
  },
  {
    table: 'project_members',
    name: 'project_members_project_id_fk',
    column: 'project_id',
    references: 'projects',
    onDelete: 'cascade',
  },
  {
    table: 'project_members',
    name: 'project_members_user_id_fk',
    column: 'user_id',
    references: 'users',
    onDelete: 'cascade',
  },
  {
    table: 'sessions',
    name: 'sessions_user_id_fk',
    column: 'user_id',
    references: 'users',
    onDelete: 'cascade',
  },
  {
    table: 'tasks',
    name: 'tasks_assignee_id_fk',
    column: 'assignee_id',
    references: 'users',
    onDelete: 'set null',
  },
  {
    table: 'tasks',
    name: 'tasks_created_by_fk',
    column: 'created_by',
    references: 'users',
    onDelete: 'restrict',
  },
  {
    table: 'tasks',
    name: 'tasks_project_id_fk',
    column: 'project_id',
    references: 'projects',
    onDelete: 'cascade',
  },
  {
    table: 'task_labels',
    name: 'task_labels_label_id_fk',
    column: 'label_id',
    references: 'labels',
    onDelete: 'cascade',
  },
  {
    table: 'task_labels',
    name: 'task_labels_task_id_fk',
    column: 'task_id',
    references: 'tasks',
    onDelete: 'cascade',
  },
];
