// Where an attachment's bytes live. Every replica must read every file, so the default keeps
// them in the database, in the attachment's own row (`storage` 'db'). An object store (S3) is the
// other implementation this seam is for (docs/configuration.md, ATTACHMENTS_STORAGE): `put` runs
// before the row's transaction commits, and `delete` after.
import type { Db } from '../../db/database.js';

export interface AttachmentStorage {
  /** The `storage` value of the rows this store writes. */
  readonly kind: 'db';
  /** The bytes to keep in the row's `data` column (null when the store keeps them itself). */
  put(db: Db, id: string, bytes: Buffer): Promise<Buffer | null>;
  /** The bytes of the attachment, or undefined when they are gone. */
  get(db: Db, id: string): Promise<Buffer | undefined>;
  /** Forgets the bytes (the row is deleted by the caller). */
  delete(db: Db, id: string): Promise<void>;
}

/** The bytes in the database: written with the row, read by primary key, gone with the row. */
export const databaseStorage: AttachmentStorage = {
  kind: 'db',
  put: async (_db, _id, bytes) => bytes,
  async get(db, id) {
    const row = await db
      .selectFrom('attachments')
      .select('data')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.data ? Buffer.from(row.data) : undefined;
  },
  delete: async () => {},
};
