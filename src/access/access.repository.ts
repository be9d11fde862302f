// The two lookups every authorization check needs: a member's role, and the project a task is in.
import type { Db } from '../db/database.js';
import type { ProjectRole } from '../db/types.js';

export async function findRole(
  db: Db,
  projectId: string,
  userId: string,
): Promise<ProjectRole | undefined> {
  const row = await db
    .selectFrom('project_members')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

export async function findTaskProject(db: Db, taskId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('tasks')
    .select('project_id')
    .where('id', '=', taskId)
    .executeTakeFirst();
  return row?.project_id;
}
