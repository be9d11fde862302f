import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/database.js';
import {
  appliedMigrations,
  migrateTo,
  migrateToLatest,
  migrations,
} from '../../../src/db/migrate.js';
import { seed } from '../../../src/cli/commands/seed-data.js';
import { findTask } from '../../../src/features/tasks/tasks.repository.js';
import { testDatabases } from '../../support/databases.js';

describe.each(testDatabases)('migrations and seed on $name', (target) => {
  it.skipIf(target.skipReason)(
    'several migrators at once apply each migration exactly once',
    async () => {
      const created = await target.create();
      const handles = [0, 1, 2].map(() => openDatabase(created.config));
      try {
        const results = await Promise.all(handles.map((h) => migrateToLatest(h.db)));
        // Exactly one migrator applied the migrations; the others found nothing left to do.
        expect(results.flat().sort()).toEqual(Object.keys(migrations).sort());
        expect(await appliedMigrations(handles[0]!.db)).toEqual(Object.keys(migrations));
        const again = await migrateToLatest(handles[1]!.db);
        expect(again).toEqual([]);
      } finally {
        await Promise.all(handles.map((h) => h.close()));
        await created.drop();
      }
    },
  );

  it.skipIf(target.skipReason)(
    'the newest migration goes down and up again, and the rows of older tables stay',
    async () => {
      const created = await target.create();
      const { db, close } = openDatabase(created.config);
      try {
        await migrateToLatest(db);
        await seed(db, { users: 3, projects: 1, tasks: 20, password: 'seeded password 1' });
        const names = Object.keys(migrations);
        const users = () => db.selectFrom('users').select(['id', 'email']).orderBy('id').execute();
        const before = await users();
        // A restore loads an archive into the schema version it was read from (src/backup).
        await migrateTo(db, names.at(-2));
        expect(await appliedMigrations(db)).toEqual(names.slice(0, -1));
        expect(await users()).toEqual(before);
        expect(await migrateToLatest(db)).toEqual([names.at(-1)]);
        expect(await users()).toEqual(before);
      } finally {
        await close();
        await created.drop();
      }
    },
  );

  it.skipIf(target.skipReason)(
    'every migration goes down to the first and up again to the same schema',
    async () => {
      // What a restore of an older archive does to an empty target created by a newer release.
      const created = await target.create();
      const { db, close } = openDatabase(created.config);
      const schema = async () =>
        (await db.introspection.getTables())
          .map((t) => `${t.name}(${t.columns.map((c) => `${c.name} ${c.dataType}`).join(', ')})`)
          .sort();
      const indexes = async () => {
        const { rows } =
          target.name === 'sqlite'
            ? await sql<{
                name: string;
              }>`select name || ' ' || sql as name from sqlite_master where type = 'index' and sql is not null`.execute(
                db,
              )
            : await sql<{
                name: string;
              }>`select concat_ws(' ', table_name, index_name, seq_in_index, column_name) as name
                  from information_schema.statistics where table_schema = database()`.execute(db);
        return rows.map((r) => r.name).sort();
      };
      try {
        await migrateToLatest(db);
        const [latestSchema, latestIndexes] = [await schema(), await indexes()];
        const names = Object.keys(migrations);
        // Kysely never runs the first one's down, and a migration without one stays applied.
        const stays = names.filter((name, at) => at === 0 || !migrations[name]!.down);
        const reversible = names.filter((name) => !stays.includes(name));
        expect(await migrateTo(db, names[0])).toEqual([...reversible].reverse());
        expect(await appliedMigrations(db)).toEqual(stays);
        expect(await migrateToLatest(db)).toEqual(reversible);
        expect(await schema()).toEqual(latestSchema);
        expect(await indexes()).toEqual(latestIndexes);
      } finally {
        await close();
        await created.drop();
      }
    },
  );

  it.skipIf(target.skipReason)(
    "gives each existing project the three columns of before; its tasks sit in their status' first",
    async () => {
      const created = await target.create();
      const { db, close } = openDatabase(created.config);
      try {
        await migrateTo(db, '20261202T1630_attachments');
        const now = Date.now();
        await sql`insert into users (id, email, name, password_hash, role, created_at, updated_at)
          values ('u1', 'ada@example.com', 'Ada', 'x', 'admin', ${now}, ${now})`.execute(db);
        for (const id of ['p1', 'p2'])
          await sql`insert into projects (id, name, description, created_by, created_at, updated_at)
            values (${id}, 'Old', null, 'u1', ${now}, ${now})`.execute(db);
        await sql`insert into tasks (id, project_id, title, description, status, priority, position,
            due_at, assignee_id, created_by, version, created_at, updated_at)
          values ('t1', 'p1', 'Old task', null, 'in_progress', 1, 1024, null, null, 'u1', 1, ${now}, ${now})`.execute(
          db,
        );

        await migrateToLatest(db);

        const columns = await db
          .selectFrom('project_columns')
          .select(['project_id', 'name', 'category', 'position'])
          .orderBy('project_id')
          .orderBy('position')
          .execute();
        expect(
          columns.map((c) => `${c.project_id} ${Number(c.position)} ${c.name} ${c.category}`),
        ).toEqual([
          'p1 1 To do todo',
          'p1 2 In progress in_progress',
          'p1 3 Done done',
          'p2 1 To do todo',
          'p2 2 In progress in_progress',
          'p2 3 Done done',
        ]);
        const task = await findTask(db, 't1');
        const doing = await db
          .selectFrom('project_columns')
          .select('id')
          .where('project_id', '=', 'p1')
          .where('category', '=', 'in_progress')
          .executeTakeFirstOrThrow();
        expect(task?.column_id).toBeNull();
        expect(task?.column_ref).toBe(doing.id);
      } finally {
        await close();
        await created.drop();
      }
    },
  );

  it.skipIf(target.skipReason)(
    'seeds users, projects, members, labels and tasks in batches',
    async () => {
      const created = await target.create();
      const { db, close } = openDatabase(created.config);
      try {
        await migrateToLatest(db);
        const result = await seed(db, {
          users: 7,
          projects: 3,
          tasks: 2_500,
          password: 'seeded password 1',
        });
        expect(result.tasks).toBe(2_500);
        const count = async (
          table: 'users' | 'projects' | 'tasks' | 'project_members' | 'labels' | 'project_columns',
        ) =>
          Number(
            (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db))
              .rows[0]!.n,
          );
        expect(await count('users')).toBe(7);
        expect(await count('projects')).toBe(3);
        expect(await count('tasks')).toBe(2_500);
        expect(await count('project_members')).toBe(3 * 5);
        expect(await count('labels')).toBe(3 * 5);
        expect(await count('project_columns')).toBe(3 * 3);
        expect(result.apiToken).toMatch(/^tm_/);
      } finally {
        await close();
        await created.drop();
      }
    },
  );
});

// Issue 11 finding 12 and a failure the live cluster showed (issue 16): databases are created by
// operators and the chart's bootstrap with the server's defaults (MariaDB: utf8mb4_general_ci) or
// even latin1; the migrations bring every table to utf8mb4 with data in it, keep every foreign key,
// and emoji round-trip afterwards.
const mysqlTarget = testDatabases.find((t) => t.name === 'mysql')!;
describe.each([{ charset: undefined }, { charset: 'latin1' }])(
  'migrations on a MySQL database created with charset $charset (undefined: the server default)',
  ({ charset }) => {
    it.skipIf(mysqlTarget.skipReason)(
      'converts every table with data in it and keeps its foreign keys',
      async () => {
        const created = await mysqlTarget.create({ charset });
        const { db, close } = openDatabase(created.config);
        const foreignKeys = async () =>
          (
            await sql<{ name: string }>`select constraint_name as name
              from information_schema.referential_constraints
              where constraint_schema = database() order by constraint_name`.execute(db)
          ).rows.map((r) => r.name);
        try {
          await migrateTo(db, '20261125T1200_initial_schema');
          const keys = await foreignKeys();
          expect(keys.length).toBeGreaterThan(10);
          const now = Date.now();
          await sql`insert into users (id, email, name, password_hash, role, created_at, updated_at)
            values ('u1', ' Ada@Example.COM', 'Ada', 'x', 'admin', ${now}, ${now})`.execute(db);
          await sql`insert into projects (id, name, description, created_by, created_at, updated_at)
            values ('p1', 'Plain', null, 'u1', ${now}, ${now})`.execute(db);

          await migrateToLatest(db);

          // Every key of the first schema is still there (later migrations add their own).
          expect(await foreignKeys()).toEqual(expect.arrayContaining(keys));
          const { rows: tables } = await sql<{ name: string; collation: string }>`
            select table_name as name, table_collation as collation from information_schema.tables
            where table_schema = database() and table_name not like 'kysely%'
              and table_name in ('users', 'projects', 'tasks', 'labels', 'comments', 'activity', 'invites')`.execute(
            db,
          );
          expect(tables).toHaveLength(7);
          for (const table of tables) expect(table.collation, table.name).toMatch(/^utf8mb4_/);
          const { rows: email } = await sql<{ email: string; collation: string }>`
            select u.email, c.collation_name as collation from users u, information_schema.columns c
            where c.table_schema = database() and c.table_name = 'users' and c.column_name = 'email'`.execute(
            db,
          );
          expect(email[0]).toEqual({ email: 'ada@example.com', collation: 'utf8mb4_bin' });
          // Astral characters (4-byte UTF-8) are stored and read back unchanged.
          const title = 'Ship it \u{1F680} \u{20BB7}';
          await sql`insert into tasks (id, project_id, title, description, status, priority, position,
              due_at, assignee_id, created_by, version, created_at, updated_at)
            values ('t1', 'p1', ${title}, null, 'todo', 2, 1, null, null, 'u1', 1, ${now}, ${now})`.execute(
            db,
          );
          const { rows: task } = await sql<{
            title: string;
          }>`select title from tasks where id = 't1'`.execute(db);
          expect(task[0]!.title).toBe(title);
          // The foreign keys still hold.
          await expect(
            sql`insert into projects (id, name, description, created_by, created_at, updated_at)
              values ('p2', 'Orphan', null, 'nobody', ${now}, ${now})`.execute(db),
          ).rejects.toThrow(/foreign key/i);
        } finally {
          await close();
          await created.drop();
        }
      },
    );
  },
);
