import type { Db } from '../../db/database.js';

export interface ActivityQuery {
  projectId: string;
  taskId?: string;
  /** Newest first: ids are time-ordered, so the primary key is the sort key. */
  beforeId?: string;
  limit: number;
}

export function listActivity(db: Db, query: ActivityQuery) {
  let q = db
    .selectFrom('activity')
    .innerJoin('users', 'users.id', 'activity.actor_id')
    .select([
      'activity.id',
      'activity.project_id',
      'activity.task_id',
      'activity.action',
      'activity.details',
      'activity.created_at',
      'users.id as actor_id',
      'users.name as actor_name',
    ])
    .where('activity.project_id', '=', query.projectId);
  if (query.taskId) q = q.where('activity.task_id', '=', query.taskId);
  if (query.beforeId) q = q.where('activity.id', '<', query.beforeId);
  return q
    .orderBy('activity.id', 'desc')
    .limit(query.limit + 1)
    .execute();
}
