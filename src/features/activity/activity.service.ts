import type { AuthContext } from '../../access/caller.js';
import { requireRole, requireTaskRole } from '../../access/roles.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { toIso } from '../../platform/schemas.js';
import { listActivity } from './activity.repository.js';
import type { ActivityPage } from './activity.schemas.js';

export class ActivityService {
  constructor(private readonly db: Db) {}

  async forProject(auth: AuthContext, projectId: string, limit: number, cursor?: string) {
    await requireRole(this.db, auth.user.id, projectId, 'viewer');
    return this.page({ projectId }, limit, cursor);
  }

  async forTask(auth: AuthContext, taskId: string, limit: number, cursor?: string) {
    const projectId = await requireTaskRole(this.db, auth.user.id, taskId, 'viewer');
    return this.page({ projectId, taskId }, limit, cursor);
  }

  private async page(
    scope: { projectId: string; taskId?: string },
    limit: number,
    cursor?: string,
  ): Promise<Static<typeof ActivityPage>> {
    const rows = await listActivity(this.db, {
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
