// Per-project authorization, used by every feature that lives inside a project. A user who is
// not a member learns nothing (404, as if the project did not exist); a member without the
// right role gets 403.
import type { Db } from '../db/database.js';
import type { ProjectRole } from '../db/types.js';
import { Forbidden, NotFound } from '../platform/errors.js';
import { findRole, findTaskProject } from './access.repository.js';

const rank: Record<ProjectRole, number> = { viewer: 0, editor: 1, owner: 2 };

const denial: Record<ProjectRole, string> = {
  viewer: 'You are not a member of this project',
  editor: 'Viewers can read this project but not change it',
  owner: 'Only the project owner can do that',
};

/** The user's role in the project, or undefined for a non-member. No error either way. */
export const roleIn = (db: Db, projectId: string, userId: string) =>
  findRole(db, projectId, userId);

/** The user's role in the project if it is at least `needed`; 404 for strangers, else 403. */
export async function requireRole(
  db: Db,
  userId: string,
  projectId: string,
  needed: ProjectRole,
  what = 'Project',
): Promise<ProjectRole> {
  return checkRole(await findRole(db, projectId, userId), needed, what);
}

/** `role` (read by the caller's own query) if it is at least `needed`; 404 if none, else 403. */
export function checkRole(
  role: ProjectRole | null | undefined,
  needed: ProjectRole,
  what = 'Project',
): ProjectRole {
  if (!role) throw NotFound(what);
  if (rank[role] < rank[needed]) throw Forbidden(denial[needed]);
  return role;
}

/**
 * The project of a task, for a user whose role in that project is at least `needed`; a missing
 * task and a task in a stranger's project are the same 404.
 */
export async function requireTaskRole(
  db: Db,
  userId: string,
  taskId: string,
  needed: ProjectRole,
): Promise<string> {
  const projectId = await findTaskProject(db, taskId);
  if (!projectId) throw NotFound('Task');
  await requireRole(db, userId, projectId, needed, 'Task');
  return projectId;
}
