import type { AuthContext } from '../../access/caller.js';
import { requireTaskRole, roleIn } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import type { CommentRow } from '../../db/types.js';
import { Forbidden, NotFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { toIso } from '../../platform/schemas.js';
import * as repo from './comments.repository.js';
import type { Comment } from './comments.schemas.js';

const toComment = (row: CommentRow, authorName: string): Static<typeof Comment> => ({
  id: row.id,
  taskId: row.task_id,
  author: { id: row.author_id, name: authorName },
  body: row.body,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
});

export class CommentsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  async list(auth: AuthContext, taskId: string, limit: number, cursor?: string) {
    const db = this.reader(auth.user.id);
    await requireTaskRole(db, auth.user.id, taskId, 'viewer');
    const rows = await repo.listComments(db, taskId, limit, decodeCursor(cursor)?.id);
    const page = pageOf(rows, limit, () => null);
    return {
      items: page.items.map((row) => toComment(row, row.author_name)),
      nextCursor: page.nextCursor,
    };
  }

  async create(auth: AuthContext, taskId: string, body: string) {
    const projectId = await requireTaskRole(this.db, auth.user.id, taskId, 'editor');
    const now = this.now();
    const row = {
      id: newId(),
      task_id: taskId,
      author_id: auth.user.id,
      body,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await repo.insertComment(trx, row);
      await recordActivity(trx, {
        projectId,
        taskId,
        actorId: auth.user.id,
        action: 'comment.added',
        details: { commentId: row.id },
        at: now,
      });
    });
    return toComment(row, auth.user.name);
  }

  /** The author may delete their comment; a project owner may delete any. */
  async remove(auth: AuthContext, commentId: string): Promise<void> {
    const comment = await repo.findComment(this.db, commentId);
    if (!comment) throw NotFound('Comment');
    const role = await roleIn(this.db, comment.project_id, auth.user.id);
    if (!role) throw NotFound('Comment');
    if (comment.author_id !== auth.user.id && role !== 'owner') {
      throw Forbidden('Only the author or a project owner can delete this comment');
    }
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteComment(trx, commentId);
      await recordActivity(trx, {
        projectId: comment.project_id,
        taskId: comment.task_id,
        actorId: auth.user.id,
        action: 'comment.deleted',
        details: { commentId },
        at: this.now(),
      });
    });
  }
}
