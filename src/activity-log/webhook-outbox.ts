// The webhook outbox: a change that a project's webhooks subscribe to queues one delivery per
// webhook, in the transaction that makes the change (so a rolled-back change announces nothing
// and a committed one is never lost). features/webhooks sends them.
import type { Db } from '../db/database.js';
import { newId } from '../platform/ids.js';
import { toIso, toIsoOrNull } from '../platform/schemas.js';
import type { TaskRow } from '../db/types.js';
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

const TASK_COLUMNS = [
  'id',
  'title',
  'status',
  'priority',
  'due_at',
  'assignee_id',
  'version',
  'archived_at',
] as const;
type TaskColumns = Pick<TaskRow, (typeof TASK_COLUMNS)[number]>;

/** A task as an event tells it. */
const taskData = (task: TaskColumns) => ({
  id: task.id,
  title: task.title,
  status: task.status,
  priority: ['low', 'medium', 'high', 'urgent'][task.priority] ?? 'medium',
  dueAt: toIsoOrNull(task.due_at),
  assigneeId: task.assignee_id,
  version: task.version,
  archivedAt: toIsoOrNull(task.archived_at),
});

/** The event's data: the task as it now stands (a deleted one: its id), the comment if any. */
async function eventData(db: Db, entry: ActivityEntry) {
  const task =
    entry.taskId && entry.action !== 'task.deleted'
      ? await db
          .selectFrom('tasks')
          .select(TASK_COLUMNS)
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
    ...(task && { task: taskData(task) }),
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

/** The enabled webhooks of a project that subscribe to `event`. */
async function subscribers(db: Db, projectId: string, event: string) {
  return (
    await db
      .selectFrom('webhooks')
      .select(['id', 'events'])
      .where('project_id', '=', projectId)
      .where('enabled', '=', 1)
      .execute()
  ).filter((hook) => (JSON.parse(hook.events) as string[]).includes(event));
}

const pending = (webhookId: string, event: string, payload: string, at: number) => ({
  id: newId(),
  webhook_id: webhookId,
  event,
  payload,
  status: 'pending' as const,
  next_attempt_at: at,
  redelivery_of: null,
  created_at: at,
  last_attempt_at: null,
  response_status: null,
  duration_ms: null,
  response_snippet: null,
  error: null,
  claimed_by: null,
});

/** Queues the deliveries `entry` causes; one indexed read when the project has no webhook. */
export async function enqueueWebhookDeliveries(db: Db, entry: ActivityEntry): Promise<void> {
  const event = EVENT_OF[entry.action];
  if (!event) return;
  const hooks = await subscribers(db, entry.projectId, event);
  if (hooks.length === 0) return;
  const payload = JSON.stringify(await eventData(db, entry));
  await db
    .insertInto('webhook_deliveries')
    .values(hooks.map((hook) => pending(hook.id, event, payload, entry.at)))
    .execute();
}

/** Tasks read, and deliveries written, per statement when a change touches many tasks. */
const SLICE = 500;

/**
 * One event per task for a change recorded once for many tasks (a whole column archived): what
 * `enqueueWebhookDeliveries` would queue for `entry` with each task's id, the tasks read in slices.
 * Subscribers see each task change as if it had been made alone.
 */
export async function enqueueWebhookDeliveriesPerTask(
  db: Db,
  entry: ActivityEntry,
  taskIds: readonly string[],
): Promise<void> {
  const event = EVENT_OF[entry.action];
  if (!event || taskIds.length === 0) return;
  const hooks = await subscribers(db, entry.projectId, event);
  if (hooks.length === 0) return;
  for (let at = 0; at < taskIds.length; at += SLICE) {
    const tasks = await db
      .selectFrom('tasks')
      .select(TASK_COLUMNS)
      .where('id', 'in', taskIds.slice(at, at + SLICE))
      .execute();
    const rows = tasks.flatMap((task) => {
      const payload = JSON.stringify({
        projectId: entry.projectId,
        actorId: entry.actorId,
        taskId: task.id,
        task: taskData(task),
        // As for one task archived alone (its title, as the activity entry would hold it).
        details: { title: task.title },
      });
      return hooks.map((hook) => pending(hook.id, event, payload, entry.at));
    });
    for (let from = 0; from < rows.length; from += SLICE)
      await db
        .insertInto('webhook_deliveries')
        .values(rows.slice(from, from + SLICE))
        .execute();
  }
}
