import type { Db } from '../../db/database.js';
import type { CommentRow } from '../../db/types.js';

/** Oldest first (ids are time-ordered), keyset-paginated on the id. */
export function listComments(db: Db, taskId: string, limit: number, afterId?: string) {
  let q = db
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.author_id')
    .selectAll('c')
    .select('u.name as author_name')
    .where('c.task_id', '=', taskId);
  if (afterId) q = q.where('c.id', '>', afterId);
  return q
    .orderBy('c.id')
    .limit(limit + 1)
    .execute();
}

export const findComment = (db: Db, commentId: string) =>
  db
    .selectFrom('comments as c')
    .innerJoin('tasks as t', 't.id', 'c.task_id')
    .selectAll('c')
    .select('t.project_id')
    .where('c.id', '=', commentId)
    .executeTakeFirst();

export const insertComment = (db: Db, comment: CommentRow) =>
  db.insertInto('comments').values(comment).execute();

export const deleteComment = (db: Db, commentId: string) =>
  db.deleteFrom('comments').where('id', '=', commentId).execute();
