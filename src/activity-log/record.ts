// Recording activity: the one write every feature makes to the project's history. A leaf that
// imports no feature, so features call it without depending on the activity feature (which
// only reads the history back).
import type { Db } from '../db/database.js';
import { newId } from '../platform/ids.js';

export interface ActivityEntry {
  projectId: string;
  taskId?: string | null;
  actorId: string;
  action: string;
  details?: Record<string, unknown>;
  at: number;
}

/** Written in the same transaction as the change it describes. */
export const recordActivity = (db: Db, entry: ActivityEntry) =>
  db
    .insertInto('activity')
    .values({
      id: newId(),
      project_id: entry.projectId,
      task_id: entry.taskId ?? null,
      actor_id: entry.actorId,
      action: entry.action,
      details: entry.details ? JSON.stringify(entry.details) : null,
      created_at: entry.at,
    })
    .execute();
