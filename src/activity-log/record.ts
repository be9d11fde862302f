// Recording activity: the one write every feature makes to the project's history. A leaf that
// imports no feature, so features call it without depending on the activity feature (which
// only reads the history back).
import { appendChange } from '../db/change-feed.js';
import type { Db } from '../db/database.js';
import { newId } from '../platform/ids.js';
import type { ActivityEntry } from './entry.js';
import { recordNotifications } from './notifications.js';
import { enqueueWebhookDeliveries } from './webhook-outbox.js';

export type { ActivityEntry } from './entry.js';

/** The change-feed topic of a project's live events (features/live); the subject is its id. */
export const PROJECT_EVENTS_TOPIC = 'project';

/** What a live event tells: the kind and the ids (clients re-read what changed). */
export interface LiveEvent {
  type: string;
  taskId?: string;
  actorId?: string;
  commentId?: string;
  userId?: string;
}

/**
 * Written in the same transaction as the change it describes, with the webhook deliveries, the
 * inbox notifications and the project's live event on the change feed (every change a member sees is recorded here, so none
 * is missed).
 */
export async function recordActivity(db: Db, entry: ActivityEntry): Promise<void> {
  await db
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
  await enqueueWebhookDeliveries(db, entry);
  await recordNotifications(db, entry);
  const { commentId, userId } = entry.details ?? {};
  await recordLiveEvent(db, entry.projectId, entry.at, {
    type: entry.action,
    actorId: entry.actorId,
    ...(entry.taskId ? { taskId: entry.taskId } : {}),
    ...(typeof commentId === 'string' ? { commentId } : {}),
    ...(typeof userId === 'string' ? { userId } : {}),
  });
}

/** A project's live event alone, for a change that leaves no activity (the project deleted). */
export const recordLiveEvent = (db: Db, projectId: string, at: number, event: LiveEvent) =>
  appendChange(db, {
    topic: PROJECT_EVENTS_TOPIC,
    subject: projectId,
    data: JSON.stringify(event),
    at,
  });
