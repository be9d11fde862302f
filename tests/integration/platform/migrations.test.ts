import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/database.js';
import { appliedMigrations, migrateToLatest, migrations } from '../../../src/db/migrate.js';
import { seed } from '../../../src/cli/commands/seed-data.js';
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
          table: 'users' | 'projects' | 'tasks' | 'project_members' | 'labels',
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
        expect(result.apiToken).toMatch(/^tm_/);
      } finally {
        await close();
        await created.drop();
      }
    },
  );
});
