// Where an attachment's bytes live. Every replica must read every file: in the database, in the
// attachment's own row (`storage` 'db', the default), or in a bucket of an S3-compatible store
// (`storage` 's3', ATTACHMENTS_STORAGE=s3://bucket/prefix/, docs/configuration.md) as the object
// PREFIX + the attachment's id. A row names its store, so files written before a switch stay
// readable where they are. The object is written before the row's transaction and deleted after
// it; what a failed or cascaded delete leaves in the bucket, the sweeper removes
// (attachments.sweeper.ts).
import type { Readable } from 'node:stream';
import type { Db } from '../../db/database.js';
import type { AttachmentsTable } from '../../db/types.js';
import { AppError } from '../../platform/errors.js';
import { ObjectStoreError } from '../../platform/s3.js';
import type { ObjectLocation, ObjectStore } from '../../platform/s3.js';

/** The row's `storage` column: one list of stores, in db/types.ts. */
export type StorageKind = AttachmentsTable['storage'];

export interface AttachmentStorage {
  /** The `storage` value of the rows this store writes. */
  readonly kind: StorageKind;
  /** Keeps the bytes; what goes into the row's `data` column (null when the store keeps them). */
  put(id: string, bytes: Buffer): Promise<Buffer | null>;
  /** The bytes of the attachment (whole, or streamed), or undefined when they are gone. */
  get(db: Db, id: string): Promise<Buffer | Readable | undefined>;
  /** Forgets the bytes (the row is deleted by the caller). */
  delete(id: string): Promise<void>;
}

/** The bytes in the database: written with the row, read by primary key, gone with the row. */
export const databaseStorage: AttachmentStorage = {
  kind: 'db',
  put: async (_id, bytes) => bytes,
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

/** A store that cannot be reached is the service's trouble, not the caller's: 503. */
const unavailable = (error: ObjectStoreError) =>
  // The store's own words (endpoint, bucket, key) go to the log as the cause, not to the caller.
  Object.assign(
    new AppError('SERVICE_UNAVAILABLE', 'The file store cannot be reached; try again shortly'),
    { cause: error },
  );

/** The objects of a bucket prefix: `${prefix}${id}`, typed application/octet-stream. */
export function objectStorage(store: ObjectStore, bucket: string, prefix: string) {
  const at = (id: string): ObjectLocation => ({ bucket, key: `${prefix}${id}` });
  const storage: AttachmentStorage = {
    kind: 's3',
    async put(id, bytes) {
      // Never the sniffed type: were the bucket ever served directly, nothing renders as a page.
      await store.put(at(id), bytes, 'application/octet-stream').catch((error: unknown) => {
        throw error instanceof ObjectStoreError ? unavailable(error) : error;
      });
      return null;
    },
    async get(_db, id) {
      try {
        // Streamed to the caller: memory stays flat at any file size. A store failing midway
        // ends the response early (its length was announced), which clients see as an error.
        return await store.get(at(id));
      } catch (error) {
        if (error instanceof ObjectStoreError) {
          if (error.missing) return undefined;
          throw unavailable(error);
        }
        throw error;
      }
    },
    async delete(id) {
      await store.delete(at(id));
    },
  };
  return storage;
}
