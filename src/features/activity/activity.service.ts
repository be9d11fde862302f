import type { AuthContext } from '../../access/caller.js';
import { requireRole, requireTaskRole } from '../../access/roles.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { toIso } from '../../platform/schemas.js';
import { listActivity } from './activity.repository.js';
import type { ActivityPage } from './activity.schemas.js';

export class ActivityService {
  constructor(
    db: Db,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  async forProject(auth: AuthContext, projectId: string, limit: number, cursor?: string) {
    const db = this.reader(auth.user.id);
    await requireRole(db, auth.user.id, projectId, 'viewer');
    return this.page(db, { projectId }, limit, cursor);
  }

  async forTask(auth: AuthContext, taskId: string, limit: number, cursor?: string) {
    const db = this.reader(auth.user.id);
    const projectId = await requireTaskRole(db, auth.user.id, taskId, 'viewer');
    return this.page(db, { projectId, taskId }, limit, cursor);
  }

  private async page(
    db: Db,
    scope: { projectId: string; taskId?: string },
    limit: number,
    cursor?: string,
  ): Promise<Static<typeof ActivityPage>> {
    const rows = await listActivity(db, {
      ...scope,
      beforeId: decodeCursor(cursor)?.id,
      limit,
    });
    const page = pageOf(rows, limit, () => null);
    return {
      items: page.items.map((row) => ({
        id: row.id,
        projectId: row.project_id,
        taskId: row.task_id,
        actor: { id: row.actor_id, name: row.actor_name },
        action: row.action,
        details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : {},
        createdAt: toIso(row.created_at),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
