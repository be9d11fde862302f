import type { Db } from '../../db/database.js';
import type { AttachmentsTable } from '../../db/types.js';

/** An attachment's metadata (never its bytes) with its uploader's name and its task's project. */
export type AttachmentMeta = Omit<AttachmentsTable, 'data'> & {
  uploader_name: string;
  is_cover: unknown;
};

const metadata = (db: Db) =>
  db
    .selectFrom('attachments as f')
    .innerJoin('users as u', 'u.id', 'f.uploaded_by')
    .leftJoin('task_covers as c', 'c.attachment_id', 'f.id')
    .select([
      'f.id',
      'f.task_id',
      'f.project_id',
      'f.name',
      'f.content_type',
      'f.size',
      'f.sha256',
      'f.storage',
      'f.uploaded_by',
      'f.created_at',
      'u.name as uploader_name',
      'c.task_id as is_cover',
    ]);

/** A task's attachments, newest first (ids are time-ordered). */
export const listAttachments = (db: Db, taskId: string): Promise<AttachmentMeta[]> =>
  metadata(db).where('f.task_id', '=', taskId).orderBy('f.id', 'desc').execute();

export const findAttachment = (db: Db, id: string): Promise<AttachmentMeta | undefined> =>
  metadata(db).where('f.id', '=', id).executeTakeFirst();

export const insertAttachment = (db: Db, row: AttachmentsTable) =>
  db.insertInto('attachments').values(row).execute();

export const deleteAttachment = (db: Db, id: string) =>
  db.deleteFrom('attachments').where('id', '=', id).execute();

/** Makes the attachment its task's cover (replacing any), or removes the cover for null. */
export async function setCover(db: Db, taskId: string, attachmentId: string | null) {
  await db.deleteFrom('task_covers').where('task_id', '=', taskId).execute();
  if (attachmentId !== null)
    await db
      .insertInto('task_covers')
      .values({ task_id: taskId, attachment_id: attachmentId })
      .execute();
}
