import type { Db } from '../../db/database.js';
import type { MemberRow, ProjectRole, ProjectRow } from '../../db/types.js';

export const findProject = (db: Db, projectId: string): Promise<ProjectRow | undefined> =>
  db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();

/** Projects the user belongs to, newest first, keyset-paginated on the project id. */
export function listProjectsOf(db: Db, userId: string, limit: number, beforeId?: string) {
  let q = db
    .selectFrom('project_members as m')
    .innerJoin('projects as p', 'p.id', 'm.project_id')
    .select([
      'p.id',
      'p.name',
      'p.description',
      'p.created_by',
      'p.created_at',
      'p.updated_at',
      'm.role',
    ])
    .where('m.user_id', '=', userId);
  if (beforeId) q = q.where('p.id', '<', beforeId);
  return q
    .orderBy('p.id', 'desc')
    .limit(limit + 1)
    .execute();
}

export async function countTasksByStatus(db: Db, projectIds: string[]) {
  if (projectIds.length === 0) return [];
  return db
    .selectFrom('tasks')
    .select(['project_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', 'in', projectIds)
    .where('archived_at', 'is', null)
    .groupBy(['project_id', 'status'])
    .execute();
}

export const insertProject = (db: Db, project: ProjectRow) =>
  db.insertInto('projects').values(project).execute();

export const updateProject = (
  db: Db,
  projectId: string,
  changes: Partial<Pick<ProjectRow, 'name' | 'description' | 'updated_at'>>,
) => db.updateTable('projects').set(changes).where('id', '=', projectId).execute();

export const deleteProject = (db: Db, projectId: string) =>
  db.deleteFrom('projects').where('id', '=', projectId).execute();

/**
 * Takes the project's row lock for the rest of the transaction (a write that changes nothing):
 * membership changes of one project then run one after another, and each reads the owners as
 * the previous one left them. Portable where `select … for update` is not (SQLite).
 */
export const lockProject = (db: Db, projectId: string) =>
  db
    .updateTable('projects')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', projectId)
    .execute();

export const insertMember = (db: Db, member: MemberRow) =>
  db.insertInto('project_members').values(member).execute();

export const listMembers = (db: Db, projectId: string) =>
  db
    .selectFrom('project_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.project_id', '=', projectId)
    .orderBy('m.created_at')
    .orderBy('u.id')
    .execute();

export const findMember = (db: Db, projectId: string, userId: string) =>
  db
    .selectFrom('project_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.project_id', '=', projectId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();

export const updateMemberRole = (db: Db, projectId: string, userId: string, role: ProjectRole) =>
  db
    .updateTable('project_members')
    .set({ role })
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .execute();

export const deleteMember = (db: Db, projectId: string, userId: string) =>
  db
    .deleteFrom('project_members')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .execute();

export async function countOwners(db: Db, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('project_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Unassigns a removed member's tasks in the project (they can no longer see them). */
export const unassignMember = (db: Db, projectId: string, userId: string, now: number) =>
  db
    .updateTable('tasks')
    .set((eb) => ({ assignee_id: null, updated_at: now, version: eb('version', '+', 1) }))
    .where('project_id', '=', projectId)
    .where('assignee_id', '=', userId)
    .execute();
