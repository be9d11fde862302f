import type { Db } from '../../db/database.js';
import { NotFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { toIso } from '../../platform/schemas.js';
import type { AuthContext } from '../auth/auth.service.js';
import { requireRole } from '../projects/project-access.js';
import { findTaskProject } from '../tasks/tasks.repository.js';
import { listActivity } from './activity.repository.js';

export class ActivityService {
  constructor(private readonly db: Db) {}

  async forProject(auth: AuthContext, projectId: string, limit: number, cursor?: string) {
    await requireRole(this.db, auth.user.id, projectId, 'viewer');
    return this.page({ projectId }, limit, cursor);
  }

  async forTask(auth: AuthContext, taskId: string, limit: number, cursor?: string) {
    const projectId = await findTaskProject(this.db, taskId);
    if (!projectId) throw NotFound('Task');
    await requireRole(this.db, auth.user.id, projectId, 'viewer', 'Task');
    return this.page({ projectId, taskId }, limit, cursor);
  }

  private async page(
    scope: { projectId: string; taskId?: string },
    limit: number,
    cursor?: string,
  ) {
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
