// Sends the queued deliveries. Every replica runs a worker; each delivery is claimed in the
// database first (repository claimDelivery, a compare-and-set), so exactly one replica sends an
// attempt. A claim lasts longer than an attempt can; a replica that dies mid-attempt leaves a
// claim that expires, and another sends the delivery again (at least once: receivers de-duplicate
// by the delivery id). Retries back off exponentially within WEBHOOK_RETRY_WINDOW_HOURS.
import type { FastifyBaseLogger } from 'fastify';
import { recordActivity } from '../../activity-log/record.js';
import type { WebhookConfig } from '../../config.js';
import type { Db } from '../../db/database.js';
import { newId } from '../../platform/ids.js';
import { Poller } from '../../platform/poller.js';
import { toIso } from '../../platform/schemas.js';
import type { EgressPolicy } from './webhooks.egress.js';
import * as repo from './webhooks.repository.js';
import { send } from './webhooks.sender.js';

/** Deliveries claimed per poll (sent concurrently). */
const BATCH = 10;
/** Finished deliveries stay in the log this long. */
const LOG_RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_POLLS = 600;

export class WebhookWorker extends Poller {
  /** This process's name on its claims. */
  readonly claimant = newId();
  private polls = 0;

  constructor(
    private readonly db: Db,
    private readonly config: WebhookConfig,
    private readonly policy: EgressPolicy,
    log?: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {
    super(config.pollIntervalMs, 'webhook delivery pass failed', log);
  }

  /** One pass: claims what is due and sends it; the number of attempts made. */
  async runOnce(): Promise<number> {
    if (++this.polls % PRUNE_EVERY_POLLS === 0) {
      await repo.pruneDeliveries(this.db, this.now() - LOG_RETENTION_MS);
    }
    const due = await repo.dueDeliveries(this.db, this.now(), BATCH);
    const claimed: string[] = [];
    for (const { id } of due) {
      const now = this.now();
      // Longer than an attempt can take, so that no other replica sends it meanwhile.
      const until = now + this.config.timeoutMs + 30_000;
      if (await repo.claimDelivery(this.db, id, this.claimant, now, until)) claimed.push(id);
    }
    await Promise.all(claimed.map((id) => this.attempt(id)));
    return claimed.length;
  }

  private async attempt(id: string): Promise<void> {
    const delivery = await repo.findDelivery(this.db, id);
    const hook = delivery && (await repo.findWebhook(this.db, delivery.webhook_id));
    if (!delivery || !hook) return; // deleted meanwhile
    const body = JSON.stringify({
      id: delivery.id,
      event: delivery.event,
      createdAt: toIso(delivery.created_at),
      ...(delivery.redelivery_of && { redeliveryOf: delivery.redelivery_of }),
      data: JSON.parse(delivery.payload) as unknown,
    });
    const result = await send(
      { url: hook.url, secret: hook.secret, event: delivery.event, deliveryId: id, body },
      this.policy,
      this.config.timeoutMs,
      this.now,
    );
    const at = this.now();
    const attempts = Number(delivery.attempts) + 1;
    const retryAt = at + this.config.retryBaseMs * 2 ** Math.min(attempts - 1, 30);
    // A test event is tried once: the owner who sent it reads the answer in the log.
    const retry =
      !result.ok &&
      delivery.event !== 'ping' &&
      retryAt <= Number(delivery.created_at) + this.config.retryWindowMs;
    const recorded = await repo.recordAttempt(this.db, id, this.claimant, {
      status: result.ok ? 'delivered' : retry ? 'pending' : 'failed',
      next_attempt_at: retry ? retryAt : Number(delivery.next_attempt_at),
      last_attempt_at: at,
      response_status: result.status,
      duration_ms: Math.round(result.durationMs),
      response_snippet: result.snippet,
      error: result.error && result.error.slice(0, 255),
    });
    if (!recorded) return; // the claim expired and another replica took over
    if (result.ok) {
      await repo.resetFailures(this.db, hook.id);
      return;
    }
    this.log?.info({ webhookId: hook.id, deliveryId: id, error: result.error }, 'webhook failed');
    await repo.countFailure(this.db, hook.id);
    const limit = this.config.maxConsecutiveFailures;
    await this.db.transaction().execute(async (trx) => {
      const reason = `Disabled after ${limit} failed deliveries in a row (last: ${result.error ?? 'unknown'})`;
      if (!(await repo.disableAfterFailures(trx, hook.id, limit, reason.slice(0, 255), at))) {
        return;
      }
      // The notice owners see in the project's activity (and the webhook's disabledReason).
      await recordActivity(trx, {
        projectId: hook.project_id,
        actorId: hook.created_by,
        action: 'webhook.disabled',
        details: { webhookId: hook.id, reason: reason.slice(0, 255) },
        at,
      });
    });
  }
}
