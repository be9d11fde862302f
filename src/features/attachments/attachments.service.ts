// Files on a task: viewers list and download, editors and owners upload, delete and choose the
// cover. The bytes go to an AttachmentStorage (the database by default, or an S3 bucket: every
// replica reads either); their type is sniffed from the bytes, never taken from the client.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Static } from 'typebox';
import type { AuthContext } from '../../access/caller.js';
import { requireRole, requireTaskRole } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import { AppError, NotFound, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { toIso } from '../../platform/schemas.js';
import * as repo from './attachments.repository.js';
import type { AttachmentMeta } from './attachments.repository.js';
import type { Attachment } from './attachments.schemas.js';
import { INLINE_IMAGE_TYPES, sniffType } from './attachments.sniff.js';
import { databaseStorage } from './attachments.storage.js';
import type { AttachmentStorage } from './attachments.storage.js';

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

const toAttachment = (row: AttachmentMeta): Static<typeof Attachment> => ({
  id: row.id,
  taskId: row.task_id,
  name: row.name,
  contentType: row.content_type,
  size: Number(row.size),
  image: INLINE_IMAGE_TYPES.includes(row.content_type),
  cover: row.is_cover !== null && row.is_cover !== undefined,
  uploadedBy: { id: row.uploaded_by, name: row.uploader_name },
  createdAt: toIso(row.created_at),
  url: attachmentUrl(row.id),
});

// Control characters (C0, DEL, C1), path separators, and the bidirectional overrides that make a
// name read differently from what it is ("invoice\u202Efdp.exe").
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NAME = /[\u0000-\u001f\u007f-\u009f/\\\u202a-\u202e\u2066-\u2069]/;

/** The file name as kept: trimmed, NFC; 400 for an empty, long or unsafe one. */
export function fileName(raw: string): string {
  const name = raw.trim().normalize('NFC');
  const refuse = (message: string) =>
    ValidationFailed('The file name is not valid', [{ field: 'name', message }]);
  if (name.length === 0) throw refuse('must not be empty');
  if (name.length > 255) throw refuse('must be at most 255 characters');
  if (FORBIDDEN_IN_NAME.test(name)) throw refuse('must not contain / or \\ or control characters');
  if (name === '.' || name === '..') throw refuse('must name a file');
  return name;
}

export interface Download {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The bytes, read only when sent: a revalidation (If-None-Match) answered 304 reads none. */
  open(): Promise<Buffer | Readable>;
}

export class AttachmentsService {
  constructor(
    private readonly db: Db,
    /** The largest file accepted (ATTACHMENT_MAX_BYTES). */
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
    /** Where new files go (ATTACHMENTS_STORAGE); files keep the store their row names. */
    private readonly storage: AttachmentStorage = databaseStorage,
  ) {}

  /** The store of a row written with `kind`. */
  private storageOf(kind: string): AttachmentStorage {
    if (kind === this.storage.kind) return this.storage;
    if (kind === databaseStorage.kind) return databaseStorage;
    // A file written to a bucket, read by a service started without it: its bytes are not lost.
    throw new AppError(
      'SERVICE_UNAVAILABLE',
      'This file is kept in an object store this server is not configured for (ATTACHMENTS_STORAGE)',
    );
  }

  async list(auth: AuthContext, taskId: string) {
    const db = this.reader(auth.user.id);
    await requireTaskRole(db, auth.user.id, taskId, 'viewer');
    return (await repo.listAttachments(db, taskId)).map(toAttachment);
  }

  async upload(auth: AuthContext, taskId: string, rawName: string, bytes: Buffer | undefined) {
    const name = fileName(rawName);
    if (!bytes || bytes.length === 0)
      throw ValidationFailed('The file is empty', [{ field: 'body', message: 'holds no bytes' }]);
    const id = newId();
    const now = this.now();
    const contentType = sniffType(bytes);
    // Refused before any byte reaches a bucket; checked again in the transaction below.
    if (this.storage !== databaseStorage)
      await requireTaskRole(this.db, auth.user.id, taskId, 'editor');
    // Outside the transaction: no database lock waits on the object store.
    const data = await this.storage.put(id, bytes);
    try {
      await this.db.transaction().execute(async (trx) => {
        // Checked in the transaction: a task deleted meanwhile is a 404, not a foreign-key error.
        const projectId = await requireTaskRole(trx, auth.user.id, taskId, 'editor');
        await repo.insertAttachment(trx, {
          id,
          task_id: taskId,
          project_id: projectId,
          name,
          content_type: contentType,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          storage: this.storage.kind,
          data,
          uploaded_by: auth.user.id,
          created_at: now,
        });
        await recordActivity(trx, {
          projectId,
          taskId,
          actorId: auth.user.id,
          action: 'attachment.added',
          details: { attachmentId: id, name },
          at: now,
        });
      });
    } catch (error) {
      // No row, so no object either (the sweeper removes it should this delete fail).
      await this.storage.delete(id).catch(() => {});
      throw error;
    }
    return toAttachment((await repo.findAttachment(this.db, id))!);
  }

  /** The attachment, for a caller with at least `role` in its project; 404 for strangers. */
  private async readable(db: Db, auth: AuthContext, id: string, role: 'viewer' | 'editor') {
    const row = await repo.findAttachment(db, id);
    if (!row) throw NotFound('Attachment');
    await requireRole(db, auth.user.id, row.project_id, role, 'Attachment');
    return row;
  }

  async download(auth: AuthContext, id: string): Promise<Download> {
    const db = this.reader(auth.user.id);
    const row = await this.readable(db, auth, id, 'viewer');
    const storage = this.storageOf(row.storage);
    return {
      name: row.name,
      contentType: row.content_type,
      size: Number(row.size),
      sha256: row.sha256,
      open: async () => {
        const bytes = await storage.get(db, id);
        if (!bytes) throw NotFound('Attachment');
        return bytes;
      },
    };
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const kind = await this.db.transaction().execute(async (trx) => {
      const row = await this.readable(trx, auth, id, 'editor');
      // The cover row goes with it (task_covers cascades): the task has no cover then.
      await repo.deleteAttachment(trx, id);
      await recordActivity(trx, {
        projectId: row.project_id,
        taskId: row.task_id,
        actorId: auth.user.id,
        action: 'attachment.deleted',
        details: { attachmentId: id, name: row.name },
        at: this.now(),
      });
      return row.storage;
    });
    // After the commit: the file is gone for everyone already; an object the store fails to
    // delete now is the sweeper's (attachments.sweeper.ts).
    if (kind !== databaseStorage.kind && kind === this.storage.kind)
      await this.storage.delete(id).catch(() => {});
  }

  /** Makes an image attachment of the task its cover, or removes the cover (null). */
  async setCover(auth: AuthContext, taskId: string, attachmentId: string | null) {
    await this.db.transaction().execute(async (trx) => {
      const projectId = await requireTaskRole(trx, auth.user.id, taskId, 'editor');
      let name: string | undefined;
      if (attachmentId !== null) {
        const row = await repo.findAttachment(trx, attachmentId);
        const problem =
          !row || row.task_id !== taskId
            ? 'is not an attachment of this task'
            : !INLINE_IMAGE_TYPES.includes(row.content_type)
              ? 'is not an image (png, jpeg, gif or webp)'
              : undefined;
        if (problem)
          throw ValidationFailed('The cover must be an image attached to the task', [
            { field: 'attachmentId', message: problem },
          ]);
        name = row!.name;
      }
      await repo.setCover(trx, taskId, attachmentId);
      await recordActivity(trx, {
        projectId,
        taskId,
        actorId: auth.user.id,
        action: 'attachment.cover_set',
        details: { attachmentId, ...(name !== undefined ? { name } : {}) },
        at: this.now(),
      });
    });
    return {
      cover:
        attachmentId === null
          ? null
          : { attachmentId, url: `${attachmentUrl(attachmentId)}?inline=1` },
    };
  }
}
