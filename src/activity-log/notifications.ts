// The in-app inbox's producer: a change to a task queues the notifications it causes, in the
// transaction that makes the change (so a rolled-back change tells nobody and a committed one is
// never lost), and keeps the task's default watchers (its creator and its assignee).
// features/notifications reads them back. Nobody is notified of their own action, and only
// current members of the project are.
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { isMysql } from '../db/database.js';
import { appendChange, appendChanges } from '../db/change-feed.js';
import type { NotificationsTable } from '../db/types.js';
import { newId } from '../platform/ids.js';
import type { ActivityEntry } from './entry.js';

export type NotificationKind = NotificationsTable['kind'];
export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'assigned',
  'mentioned',
  'taskChanged',
  'commented',
  'dueSoon',
  'overdue',
];

/** The change-feed topic of a user's own live events (their inbox); the subject is their id. */
export const USER_EVENTS_TOPIC = 'user';

/** Tells the user's open streams (every replica) that their inbox changed. */
export const recordInboxEvent = (
  db: Db,
  userId: string,
  at: number,
  event: { type: 'notifications.read'; notificationId?: string },
) =>
  appendChange(db, { topic: USER_EVENTS_TOPIC, subject: userId, data: JSON.stringify(event), at });

/** Kinds not emailed to someone who never chose (the inbox gets every kind by default). */
export const DEFAULT_EMAIL_OFF: readonly NotificationKind[] = ['taskChanged', 'commented'];

/** What watchers of the task are told about each action (others tell watchers nothing). */
const WATCHED: Record<string, NotificationKind> = {
  'task.updated': 'taskChanged',
  'task.moved': 'taskChanged',
  'comment.added': 'commented',
};

/** Makes the users watch the task; watching already is no error. */
export async function addWatchers(db: Db, taskId: string, userIds: string[], at: number) {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  const insert = db
    .insertInto('task_watchers')
    .values(unique.map((userId) => ({ task_id: taskId, user_id: userId, created_at: at })));
  // Not INSERT IGNORE: on MySQL that would also pass over a missing task or user.
  await (
    isMysql(db)
      ? insert.onDuplicateKeyUpdate({ created_at: sql`created_at` })
      : insert.onConflict((conflict) => conflict.doNothing())
  ).execute();
}

/**
 * The handles a text @mentions: `@` at the start or after a character that is not part of a
 * word or an email address, then letters, digits and `._+-` (a trailing dot is punctuation).
 * A handle names the project member whose email address's part before the `@` is the handle,
 * or whose name without spaces is; letter case is ignored ("@ana.lopez", "@AnaLópez").
 */
export function mentionedHandles(text: string): Set<string> {
  const handles = new Set<string>();
  for (const match of text.matchAll(/(?<![\p{L}\p{N}_.+-])@([\p{L}\p{N}_.+-]+)/gu)) {
    const handle = match[1]!.replace(/\.+$/, '');
    if (handle) handles.add(handle.normalize('NFC').toLowerCase());
  }
  return handles;
}

/** The handles a member answers to (see mentionedHandles). */
export const handlesOf = (member: { email: string; name: string }): string[] => [
  member.email.slice(0, member.email.lastIndexOf('@')).toLowerCase(),
  member.name.replace(/\s+/g, '').normalize('NFC').toLowerCase(),
];

async function mentionedMembers(db: Db, projectId: string, text: string): Promise<string[]> {
  const handles = mentionedHandles(text);
  if (handles.size === 0) return [];
  const members = await db
    .selectFrom('project_members as pm')
    .innerJoin('users as u', 'u.id', 'pm.user_id')
    .select(['u.id', 'u.email', 'u.name'])
    .where('pm.project_id', '=', projectId)
    .execute();
  return members.filter((m) => handlesOf(m).some((h) => handles.has(h))).map((m) => m.id);
}

/** Queues the notifications `entry` causes; one indexed read for a change nobody is told of. */
export async function recordNotifications(db: Db, entry: ActivityEntry): Promise<void> {
  const created = entry.action === 'task.created';
  const watchedKind = WATCHED[entry.action];
  if (!entry.taskId || (!created && !watchedKind)) return;
  const taskId = entry.taskId;
  const task = await db
    .selectFrom('tasks')
    .select(['assignee_id', 'created_by', 'description'])
    .where('id', '=', taskId)
    .executeTakeFirst();
  if (!task) return;
  const details = entry.details ?? {};
  const fields = Array.isArray(details.fields) ? (details.fields as string[]) : [];

  // One notification per person and change: the most specific kind wins.
  const recipients = new Map<string, NotificationKind>();
  const assignedTo = created
    ? task.assignee_id
    : typeof details.assignedTo === 'string'
      ? details.assignedTo
      : null;
  await addWatchers(
    db,
    taskId,
    [...(created ? [task.created_by] : []), ...(assignedTo ? [assignedTo] : [])],
    entry.at,
  );
  if (assignedTo) recipients.set(assignedTo, 'assigned');

  const commentId = typeof details.commentId === 'string' ? details.commentId : null;
  let text: string | null = null;
  if (entry.action === 'comment.added' && commentId) {
    const comment = await db
      .selectFrom('comments')
      .select('body')
      .where('id', '=', commentId)
      .executeTakeFirst();
    text = comment?.body ?? null;
  } else if (created || fields.includes('description')) {
    text = task.description;
  }
  if (text?.includes('@')) {
    let mentioned = await mentionedMembers(db, entry.projectId, text);
    // A description is edited many times: its mention of someone is told once per task.
    if (!commentId && mentioned.length > 0) {
      const told = await db
        .selectFrom('notifications')
        .select('user_id')
        .where('task_id', '=', taskId)
        .where('kind', '=', 'mentioned')
        .where('comment_id', 'is', null)
        .where('user_id', 'in', mentioned)
        .execute();
      const already = new Set(told.map((r) => r.user_id));
      mentioned = mentioned.filter((id) => !already.has(id));
    }
    for (const id of mentioned) if (!recipients.has(id)) recipients.set(id, 'mentioned');
  }

  if (watchedKind) {
    const watchers = await db
      .selectFrom('task_watchers as w')
      .innerJoin('project_members as pm', (join) =>
        join.onRef('pm.user_id', '=', 'w.user_id').on('pm.project_id', '=', entry.projectId),
      )
      .select('w.user_id')
      .where('w.task_id', '=', taskId)
      .execute();
    for (const { user_id } of watchers)
      if (!recipients.has(user_id)) recipients.set(user_id, watchedKind);
  }

  recipients.delete(entry.actorId);
  await queueNotifications(
    db,
    { projectId: entry.projectId, taskId, actorId: entry.actorId, commentId, at: entry.at },
    recipients,
  );
}

/** What a notification is about, besides its recipient and kind. */
export interface NotificationFacts {
  projectId: string;
  taskId: string;
  /** null: nobody did it (a due reminder). */
  actorId: string | null;
  commentId: string | null;
  at: number;
}

/**
 * Writes one notification per recipient, less the kinds each has turned off in the inbox, with
 * the email queued when the kind is on for email (features/notifications/notifications.mailer.ts).
 */
export async function queueNotifications(
  db: Db,
  facts: NotificationFacts,
  wanted: ReadonlyMap<string, NotificationKind>,
): Promise<number> {
  const recipients = new Map(wanted);
  if (recipients.size === 0) return 0;
  const settings = await db
    .selectFrom('notification_settings')
    .select(['user_id', 'in_app_off', 'email_off'])
    .where('user_id', 'in', [...recipients.keys()])
    .execute();
  const emailOff = new Map<string, readonly string[]>();
  for (const { user_id, in_app_off, email_off } of settings) {
    const off = JSON.parse(in_app_off) as string[];
    if (off.includes(recipients.get(user_id)!)) recipients.delete(user_id);
    emailOff.set(user_id, JSON.parse(email_off) as string[]);
  }
  if (recipients.size === 0) return 0;
  // Queued for the mailer (features/notifications/notifications.mailer.ts) when the kind is on
  // for email; an email is only ever about a notification in the inbox.
  const email = (userId: string, kind: NotificationKind) =>
    (emailOff.get(userId) ?? DEFAULT_EMAIL_OFF).includes(kind) ? null : ('pending' as const);
  const rows = [...recipients].map(([userId, kind]) => ({ id: newId(), userId, kind }));
  await db
    .insertInto('notifications')
    .values(
      rows.map(({ id, userId, kind }) => ({
        id,
        user_id: userId,
        project_id: facts.projectId,
        task_id: facts.taskId,
        actor_id: facts.actorId,
        kind,
        comment_id: kind === 'commented' || kind === 'mentioned' ? facts.commentId : null,
        read_at: null,
        created_at: facts.at,
        email_state: email(userId, kind),
        email_claimed_by: null,
      })),
    )
    .execute();
  // Each recipient's inbox stream hears of it: one insert for all of them.
  await appendChanges(
    db,
    rows.map((row) => ({
      topic: USER_EVENTS_TOPIC,
      subject: row.userId,
      data: JSON.stringify({
        type: 'notification.created',
        notificationId: row.id,
        taskId: facts.taskId,
      }),
      at: facts.at,
    })),
  );
  return recipients.size;
}
