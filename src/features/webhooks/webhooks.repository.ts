import type { Db } from '../../db/database.js';
import type { WebhookDeliveryRow, WebhookRow } from '../../db/types.js';

export type NewDelivery = Omit<WebhookDeliveryRow, 'attempts' | 'claimed_until'>;

export const listWebhooks = (db: Db, projectId: string): Promise<WebhookRow[]> =>
  db
    .selectFrom('webhooks')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export const findWebhook = (db: Db, id: string): Promise<WebhookRow | undefined> =>
  db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();

export const insertWebhook = (db: Db, row: WebhookRow) =>
  db.insertInto('webhooks').values(row).execute();

export const updateWebhook = (db: Db, id: string, changes: Partial<WebhookRow>) =>
  db.updateTable('webhooks').set(changes).where('id', '=', id).execute();

export const deleteWebhook = (db: Db, id: string) =>
  db.deleteFrom('webhooks').where('id', '=', id).execute();

export const countWebhooks = async (db: Db, projectId: string) =>
  Number(
    (
      await db
        .selectFrom('webhooks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow()
    ).n,
  );

export const insertDelivery = (db: Db, row: NewDelivery) =>
  db.insertInto('webhook_deliveries').values(row).execute();

export const findDelivery = (db: Db, id: string): Promise<WebhookDeliveryRow | undefined> =>
  db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();

export const listDeliveries = (
  db: Db,
  webhookId: string,
  limit: number,
): Promise<WebhookDeliveryRow[]> =>
  db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

/**
 * Due deliveries nobody holds: pending, their time come, their claim expired, their webhook
 * enabled (a test event goes to a disabled one too: it is how an owner checks a fix).
 */
export const dueDeliveries = (db: Db, now: number, limit: number) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select('d.id')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    .where('d.claimed_until', '<', now)
    .where((eb) => eb.or([eb('w.enabled', '=', 1), eb('d.event', '=', 'ping')]))
    .orderBy('d.next_attempt_at')
    .limit(limit)
    .execute();

/**
 * Claims a delivery for `claimant` until `until`: a compare-and-set on the claim, so that of
 * several replicas polling at once exactly one updates the row (and sends it).
 */
export async function claimDelivery(
  db: Db,
  id: string,
  claimant: string,
  now: number,
  until: number,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ claimed_until: until, claimed_by: claimant })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('claimed_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records an attempt, if the claim is still this claimant's. */
export async function recordAttempt(
  db: Db,
  id: string,
  claimant: string,
  changes: Partial<WebhookDeliveryRow>,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ ...changes, attempts: eb('attempts', '+', 1), claimed_until: 0 }))
    .where('id', '=', id)
    .where('claimed_by', '=', claimant)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const resetFailures = (db: Db, webhookId: string) =>
  db
    .updateTable('webhooks')
    .set({ consecutive_failures: 0 })
    .where('id', '=', webhookId)
    .where('consecutive_failures', '>', 0)
    .execute();

export const countFailure = (db: Db, webhookId: string) =>
  db
    .updateTable('webhooks')
    .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
    .where('id', '=', webhookId)
    .execute();

/** Disables the webhook once its failures reach `limit`; true for the one caller that did. */
export async function disableAfterFailures(
  db: Db,
  webhookId: string,
  limit: number,
  reason: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ enabled: 0, disabled_reason: reason, disabled_at: now, updated_at: now })
    .where('id', '=', webhookId)
    .where('enabled', '=', 1)
    .where('consecutive_failures', '>=', limit)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Finished deliveries older than `before` (the log keeps what is recent). */
export const pruneDeliveries = (db: Db, before: number) =>
  db
    .deleteFrom('webhook_deliveries')
    .where('status', '!=', 'pending')
    .where('created_at', '<', before)
    .execute();
