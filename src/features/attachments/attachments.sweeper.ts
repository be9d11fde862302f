// Objects of ATTACHMENTS_STORAGE=s3://bucket/prefix/ that no attachment row names any more: a
// task or project deleted (their attachments go by cascade, out of this feature's sight), a
// delete or an upload whose object outlived its failed request. Every replica runs the sweep
// (an hour apart; deleting twice is harmless). Only objects older than the grace period go, so
// an upload whose row is not committed yet is never taken; only keys that are attachment ids
// (UUIDs) are considered. The prefix belongs to one deployment: another deployment's files under
// it would look orphaned (docs/configuration.md).
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/database.js';
import { Poller } from '../../platform/poller.js';
import type { ObjectStore } from '../../platform/s3.js';

const HOUR_MS = 3_600_000;
const ATTACHMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SweeperOptions {
  intervalMs?: number;
  /** Objects younger than this are left alone (an upload's row commits after its object). */
  graceMs?: number;
  now?: () => number;
  /** Keys per listing page (and per database query); S3 gives at most 1,000. */
  pageSize?: number;
}

export class AttachmentSweeper extends Poller {
  private readonly graceMs: number;
  private readonly now: () => number;
  private readonly pageSize: number;

  constructor(
    private readonly db: Db,
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly prefix: string,
    log?: FastifyBaseLogger,
    options: SweeperOptions = {},
  ) {
    super(options.intervalMs ?? HOUR_MS, 'attachment object sweep failed', log);
    this.graceMs = options.graceMs ?? HOUR_MS;
    this.now = options.now ?? Date.now;
    this.pageSize = options.pageSize ?? 1000;
  }

  /** One sweep: the number of orphaned objects deleted. */
  async runOnce(): Promise<number> {
    const before = this.now() - this.graceMs;
    let deleted = 0;
    // A page of the listing at a time (up to 1,000 keys): one query per page tells which are kept.
    for await (const page of this.store.pages(this.bucket, this.prefix, this.pageSize)) {
      const ids = page
        .filter((o) => o.lastModified !== undefined && o.lastModified.getTime() < before)
        .map((o) => o.key.slice(this.prefix.length))
        .filter((id) => ATTACHMENT_ID.test(id));
      if (ids.length === 0) continue;
      const rows = await this.db
        .selectFrom('attachments')
        .select('id')
        .where('id', 'in', ids)
        .execute();
      const kept = new Set(rows.map((r) => r.id));
      for (const id of ids.filter((id) => !kept.has(id))) {
        await this.store.delete({ bucket: this.bucket, key: this.prefix + id });
        deleted++;
      }
    }
    if (deleted > 0) this.log?.info({ deleted }, 'orphaned attachment objects deleted');
    return deleted;
  }
}
