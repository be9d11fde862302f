// SQL of the inbox: a user's notifications, newest first, only of projects they are still a
// member of (a removed member's notifications stay, unseen, until they are added back).
import type { Db } from '../../db/database.js';

function visible(db: Db, userId: string) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('project_members as pm', (join) =>
      join.onRef('pm.project_id', '=', 'n.project_id').on('pm.user_id', '=', userId),
    )
    .where('n.user_id', '=', userId);
}

export function listNotifications(
  db: Db,
  userId: string,
  options: { unread: boolean; limit: number; beforeId?: string },
) {
  let q = visible(db, userId)
    .innerJoin('projects as p', 'p.id', 'n.project_id')
    .leftJoin('tasks as t', 't.id', 'n.task_id')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .selectAll('n')
    .select(['p.name as project_name', 't.title as task_title', 'a.name as actor_name']);
  if (options.unread) q = q.where('n.read_at', 'is', null);
  if (options.beforeId) q = q.where('n.id', '<', options.beforeId);
  return q
    .orderBy('n.id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const row = await visible(db, userId)
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('n.read_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export const findVisible = (db: Db, userId: string, notificationId: string) =>
  visible(db, userId).select('n.id').where('n.id', '=', notificationId).executeTakeFirst();

export const markRead = (db: Db, userId: string, at: number, notificationId?: string) => {
  let q = db
    .updateTable('notifications')
    .set({ read_at: at })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (notificationId) q = q.where('id', '=', notificationId);
  return q.execute();
};

export const findSettings = (db: Db, userId: string) =>
  db
    .selectFrom('notification_settings')
    .select(['in_app_off', 'email_off', 'language'])
    .where('user_id', '=', userId)
    .executeTakeFirst();

export async function saveSettings(
  db: Db,
  userId: string,
  settings: { in_app_off: string; email_off: string; language: string },
  at: number,
) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('notification_settings').where('user_id', '=', userId).execute();
    await trx
      .insertInto('notification_settings')
      .values({ user_id: userId, ...settings, updated_at: at })
      .execute();
  });
}

export const unwatch = (db: Db, taskId: string, userId: string) =>
  db
    .deleteFrom('task_watchers')
    .where('task_id', '=', taskId)
    .where('user_id', '=', userId)
    .execute();
