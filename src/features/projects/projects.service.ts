// Projects and their members: who may see and change what, and the invariant that a project
// always keeps an owner.
import type { AuthContext } from '../../access/caller.js';
import { requireRole, roleIn } from '../../access/roles.js';
import { recordActivity, recordLiveEvent } from '../../activity-log/record.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { ProjectRole, ProjectRow } from '../../db/types.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { toIso } from '../../platform/schemas.js';
import { normalizeEmail } from '../../platform/text.js';
import { findUserByEmail } from '../auth/auth.repository.js';
import { insertColumns } from '../columns/columns.repository.js';
import { defaultColumnRows } from '../columns/columns.service.js';
import * as repo from './projects.repository.js';
import type { Member, Project } from './projects.schemas.js';

type TaskCounts = { todo: number; in_progress: number; done: number };

const toProject = (
  row: ProjectRow,
  role: ProjectRole,
  taskCounts: TaskCounts,
): Static<typeof Project> => ({
  id: row.id,
  name: row.name,
  description: row.description,
  role,
  createdBy: row.created_by,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
  taskCounts,
});

const toMember = (row: {
  id: string;
  email: string;
  name: string;
  role: ProjectRole;
  created_at: number;
}): Static<typeof Member> => ({
  userId: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  addedAt: toIso(row.created_at),
});

export class ProjectsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  private async counts(db: Db, projectIds: string[]): Promise<Map<string, TaskCounts>> {
    const result = new Map<string, TaskCounts>();
    for (const id of projectIds) result.set(id, { todo: 0, in_progress: 0, done: 0 });
    for (const row of await repo.countTasksByStatus(db, projectIds)) {
      const counts = result.get(row.project_id);
      if (counts) counts[row.status] = Number(row.n);
    }
    return result;
  }

  async list(auth: AuthContext, limit: number, cursor?: string) {
    const after = decodeCursor(cursor);
    const db = this.reader(auth.user.id);
    const rows = await repo.listProjectsOf(db, auth.user.id, limit, after?.id);
    const page = pageOf(rows, limit, () => null);
    const counts = await this.counts(
      db,
      page.items.map((row) => row.id),
    );
    return {
      items: page.items.map((row) => toProject(row, row.role, counts.get(row.id)!)),
      nextCursor: page.nextCursor,
    };
  }

  async get(auth: AuthContext, projectId: string) {
    const db = this.reader(auth.user.id);
    const role = await requireRole(db, auth.user.id, projectId, 'viewer');
    const row = await repo.findProject(db, projectId);
    if (!row) throw NotFound('Project');
    return toProject(row, role, (await this.counts(db, [projectId])).get(projectId)!);
  }

  async create(auth: AuthContext, input: { name: string; description?: string | null }) {
    const now = this.now();
    const row: ProjectRow = {
      id: newId(),
      name: input.name.trim(),
      description: input.description ?? null,
      created_by: auth.user.id,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await repo.insertProject(trx, row);
      await repo.insertMember(trx, {
        project_id: row.id,
        user_id: auth.user.id,
        role: 'owner',
        created_at: now,
      });
      await insertColumns(trx, defaultColumnRows(row.id, now));
      await recordActivity(trx, {
        projectId: row.id,
        actorId: auth.user.id,
        action: 'project.created',
        details: { name: row.name },
        at: now,
      });
    });
    return toProject(row, 'owner', { todo: 0, in_progress: 0, done: 0 });
  }

  async update(
    auth: AuthContext,
    projectId: string,
    input: { name?: string; description?: string | null },
  ) {
    await requireRole(this.db, auth.user.id, projectId, 'owner');
    const now = this.now();
    const changes = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await repo.updateProject(trx, projectId, changes);
      await recordActivity(trx, {
        projectId,
        actorId: auth.user.id,
        action: 'project.updated',
        details: { fields: Object.keys(input) },
        at: now,
      });
    });
    return this.get(auth, projectId);
  }

  async remove(auth: AuthContext, projectId: string): Promise<void> {
    await requireRole(this.db, auth.user.id, projectId, 'owner');
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteProject(trx, projectId);
      // Its activity goes with it; the live streams of the project learn it and end.
      await recordLiveEvent(trx, projectId, this.now(), {
        type: 'project.deleted',
        actorId: auth.user.id,
      });
    });
  }

  async members(auth: AuthContext, projectId: string) {
    const db = this.reader(auth.user.id);
    await requireRole(db, auth.user.id, projectId, 'viewer');
    return (await repo.listMembers(db, projectId)).map(toMember);
  }

  async addMember(
    auth: AuthContext,
    projectId: string,
    input: { email: string; role: ProjectRole },
  ) {
    await requireRole(this.db, auth.user.id, projectId, 'owner');
    const user = await findUserByEmail(this.db, normalizeEmail(input.email));
    if (!user) {
      throw ValidationFailed('No account uses this email; ask them to sign up first', [
        { field: 'email', message: 'has no account' },
      ]);
    }
    const alreadyMember = () => Conflict('This person is already a member of the project');
    if (await roleIn(this.db, projectId, user.id)) throw alreadyMember();
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      try {
        await repo.insertMember(trx, {
          project_id: projectId,
          user_id: user.id,
          role: input.role,
          created_at: now,
        });
      } catch (error) {
        // Added by a simultaneous request since the check above.
        if (isUniqueViolation(error)) throw alreadyMember();
        throw error;
      }
      await recordActivity(trx, {
        projectId,
        actorId: auth.user.id,
        action: 'member.added',
        details: { userId: user.id, name: user.name, role: input.role },
        at: now,
      });
    });
    return toMember({ ...user, role: input.role, created_at: now });
  }

  async updateMember(auth: AuthContext, projectId: string, userId: string, role: ProjectRole) {
    await requireRole(this.db, auth.user.id, projectId, 'owner');
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await repo.lockProject(trx, projectId);
      const member = await repo.findMember(trx, projectId, userId);
      if (!member) throw NotFound('Member');
      if (
        member.role === 'owner' &&
        role !== 'owner' &&
        (await repo.countOwners(trx, projectId)) <= 1
      ) {
        throw Conflict('A project must keep at least one owner; make someone else owner first');
      }
      await repo.updateMemberRole(trx, projectId, userId, role);
      await recordActivity(trx, {
        projectId,
        actorId: auth.user.id,
        action: 'member.role_changed',
        details: { userId, name: member.name, from: member.role, to: role },
        at: now,
      });
    });
    const updated = await repo.findMember(this.db, projectId, userId);
    if (!updated) throw NotFound('Member');
    return toMember(updated);
  }

  async removeMember(auth: AuthContext, projectId: string, userId: string): Promise<void> {
    // Anyone may leave a project; removing someone else takes an owner.
    await requireRole(
      this.db,
      auth.user.id,
      projectId,
      userId === auth.user.id ? 'viewer' : 'owner',
    );
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await repo.lockProject(trx, projectId);
      const member = await repo.findMember(trx, projectId, userId);
      if (!member) throw NotFound('Member');
      if (member.role === 'owner' && (await repo.countOwners(trx, projectId)) <= 1) {
        throw Conflict('A project must keep at least one owner; make someone else owner first');
      }
      await repo.deleteMember(trx, projectId, userId);
      await repo.unassignMember(trx, projectId, userId, now);
      await recordActivity(trx, {
        projectId,
        actorId: auth.user.id,
        action: 'member.removed',
        details: { userId, name: member.name },
        at: now,
      });
    });
  }
}
