// The webhook outbox: a change that a project's webhooks subscribe to queues one delivery per
// webhook, in the transaction that makes the change (so a rolled-back change announces nothing
// and a committed one is never lost). features/webhooks sends them.
import type { Db } from '../db/database.js';
import { newId } from '../platform/ids.js';
import { toIso, toIsoOrNull } from '../platform/schemas.js';
import type { ActivityEntry } from './entry.js';

/** Activity actions → the webhook event they announce. */
const EVENT_OF: Record<string, string> = {
  'task.created': 'task.created',
  'task.updated': 'task.updated',
  'task.moved': 'task.moved',
  'task.deleted': 'task.deleted',
  // Archived or restored: the task's data carries archivedAt.
  'task.archived': 'task.updated',
  'task.restored': 'task.updated',
  'comment.added': 'comment.created',
};

export const WEBHOOK_EVENTS = [...new Set(Object.values(EVENT_OF))];

/** The event's data: the task as it now stands (a deleted one: its id), the comment if any. */
async function eventData(db: Db, entry: ActivityEntry) {
  const task =
    entry.taskId && entry.action !== 'task.deleted'
      ? await db
          .selectFrom('tasks')
          .select([
            'id',
            'title',
            'status',
            'priority',
            'due_at',
            'assignee_id',
            'version',
            'archived_at',
          ])
          .where('id', '=', entry.taskId)
          .executeTakeFirst()
      : undefined;
  const commentId = entry.details?.commentId;
  const comment =
    typeof commentId === 'string'
      ? await db
          .selectFrom('comments')
          .select(['id', 'body', 'author_id', 'created_at'])
          .where('id', '=', commentId)
          .executeTakeFirst()
      : undefined;
  return {
    projectId: entry.projectId,
    actorId: entry.actorId,
    taskId: entry.taskId ?? null,
    ...(task && {
      task: {
        id: task.id,
        title: task.title,
        status: task.status,
        priority: ['low', 'medium', 'high', 'urgent'][task.priority] ?? 'medium',
        dueAt: toIsoOrNull(task.due_at),
        assigneeId: task.assignee_id,
        version: task.version,
        archivedAt: toIsoOrNull(task.archived_at),
      },
    }),
    ...(comment && {
      comment: {
        id: comment.id,
        body: comment.body,
        authorId: comment.author_id,
        createdAt: toIso(comment.created_at),
      },
    }),
    details: entry.details ?? {},
  };
}

/** Queues the deliveries `entry` causes; one indexed read when the project has no webhook. */
export async function enqueueWebhookDeliveries(db: Db, entry: ActivityEntry): Promise<void> {
  const event = EVENT_OF[entry.action];
  if (!event) return;
  const hooks = (
    await db
      .selectFrom('webhooks')
      .select(['id', 'events'])
      .where('project_id', '=', entry.projectId)
      .where('enabled', '=', 1)
      .execute()
  ).filter((hook) => (JSON.parse(hook.events) as string[]).includes(event));
  if (hooks.length === 0) return;
  const payload = JSON.stringify(await eventData(db, entry));
  await db
    .insertInto('webhook_deliveries')
    .values(
      hooks.map((hook) => ({
        id: newId(),
        webhook_id: hook.id,
        event,
        payload,
        status: 'pending' as const,
        next_attempt_at: entry.at,
        redelivery_of: null,
        created_at: entry.at,
        last_attempt_at: null,
        response_status: null,
        duration_ms: null,
        response_snippet: null,
        error: null,
        claimed_by: null,
      })),
    )
    .execute();
}
