// Per-project authorization, used by every feature that lives inside a project. A user who is
// not a member learns nothing (404, as if the project did not exist); a member without the
// right role gets 403.
import type { Db } from '../../db/database.js';
import type { ProjectRole } from '../../db/types.js';
import { Forbidden, NotFound } from '../../platform/errors.js';
import { findRole } from './projects.repository.js';

const rank: Record<ProjectRole, number> = { viewer: 0, editor: 1, owner: 2 };

const denial: Record<ProjectRole, string> = {
  viewer: 'You are not a member of this project',
  editor: 'Viewers can read this project but not change it',
  owner: 'Only the project owner can do that',
};

export async function requireRole(
  db: Db,
  userId: string,
  projectId: string,
  needed: ProjectRole,
  what = 'Project',
): Promise<ProjectRole> {
  const role = await findRole(db, projectId, userId);
  if (!role) throw NotFound(what);
  if (rank[role] < rank[needed]) throw Forbidden(denial[needed]);
  return role;
}
