// Webhooks of a project: only its owners see or change them (the URL and the delivery log may
// reveal internal systems). The secret is returned once, at creation.
import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import type { AuthContext } from '../../access/caller.js';
import { requireRole } from '../../access/roles.js';
import type { Db } from '../../db/database.js';
import type { WebhookDeliveryRow, WebhookRow } from '../../db/types.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { toIso, toIsoOrNull } from '../../platform/schemas.js';
import type { EgressPolicy } from './webhooks.egress.js';
import * as repo from './webhooks.repository.js';
import type {
  CreateWebhookBody,
  UpdateWebhookBody,
  Webhook,
  WebhookDelivery,
} from './webhooks.schemas.js';

/** Enough for every receiver a team has; bounds the deliveries one change queues. */
export const MAX_WEBHOOKS_PER_PROJECT = 20;

export const toWebhook = (row: WebhookRow): Static<typeof Webhook> => ({
  id: row.id,
  projectId: row.project_id,
  url: row.url,
  events: JSON.parse(row.events) as Static<typeof Webhook>['events'],
  enabled: Number(row.enabled) === 1,
  consecutiveFailures: Number(row.consecutive_failures),
  disabledReason: row.disabled_reason,
  disabledAt: toIsoOrNull(row.disabled_at),
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
});

export const toDelivery = (row: WebhookDeliveryRow): Static<typeof WebhookDelivery> => ({
  id: row.id,
  webhookId: row.webhook_id,
  event: row.event,
  status: row.status,
  attempts: Number(row.attempts),
  createdAt: toIso(row.created_at),
  lastAttemptAt: toIsoOrNull(row.last_attempt_at),
  nextAttemptAt: row.status === 'pending' ? toIso(row.next_attempt_at) : null,
  responseStatus: row.response_status === null ? null : Number(row.response_status),
  durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  responseSnippet: row.response_snippet,
  error: row.error,
  redeliveryOf: row.redelivery_of,
});

export const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export class WebhooksService {
  constructor(
    private readonly db: Db,
    private readonly policy: EgressPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  private checkUrl(url: string) {
    const refused = this.policy.urlRefusal(url);
    if (refused) {
      throw ValidationFailed('The webhook URL is not allowed', [
        { field: 'url', message: refused },
      ]);
    }
  }

  /** The webhook, for an owner of its project; 404 for anyone who is not a member. */
  private async owned(auth: AuthContext, webhookId: string): Promise<WebhookRow> {
    const row = await repo.findWebhook(this.db, webhookId);
    if (!row) throw NotFound('Webhook');
    await requireRole(this.db, auth.user.id, row.project_id, 'owner', 'Webhook');
    return row;
  }

  async list(auth: AuthContext, projectId: string) {
    await requireRole(this.db, auth.user.id, projectId, 'owner');
    return (await repo.listWebhooks(this.db, projectId)).map(toWebhook);
  }

  async create(auth: AuthContext, projectId: string, input: Static<typeof CreateWebhookBody>) {
    await requireRole(this.db, auth.user.id, projectId, 'owner');
    this.checkUrl(input.url);
    if ((await repo.countWebhooks(this.db, projectId)) >= MAX_WEBHOOKS_PER_PROJECT) {
      throw Conflict(`A project has at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks`);
    }
    const now = this.now();
    const row: WebhookRow = {
      id: newId(),
      project_id: projectId,
      url: input.url,
      secret: input.secret ?? newSecret(),
      events: JSON.stringify(input.events),
      enabled: input.enabled === false ? 0 : 1,
      consecutive_failures: 0,
      disabled_reason: null,
      disabled_at: input.enabled === false ? now : null,
      created_by: auth.user.id,
      created_at: now,
      updated_at: now,
    };
    await repo.insertWebhook(this.db, row);
    return { ...toWebhook(row), secret: row.secret };
  }

  async update(auth: AuthContext, webhookId: string, input: Static<typeof UpdateWebhookBody>) {
    const row = await this.owned(auth, webhookId);
    if (input.url !== undefined) this.checkUrl(input.url);
    const now = this.now();
    const changes: Partial<WebhookRow> = { updated_at: now };
    if (input.url !== undefined) changes.url = input.url;
    if (input.events !== undefined) changes.events = JSON.stringify(input.events);
    if (input.secret !== undefined) changes.secret = input.secret;
    if (input.enabled === true && Number(row.enabled) !== 1) {
      Object.assign(changes, {
        enabled: 1,
        consecutive_failures: 0,
        disabled_reason: null,
        disabled_at: null,
      });
    }
    if (input.enabled === false && Number(row.enabled) === 1) {
      Object.assign(changes, { enabled: 0, disabled_reason: null, disabled_at: now });
    }
    await repo.updateWebhook(this.db, webhookId, changes);
    return toWebhook({ ...row, ...changes });
  }

  async remove(auth: AuthContext, webhookId: string): Promise<void> {
    await this.owned(auth, webhookId);
    await repo.deleteWebhook(this.db, webhookId);
  }

  async deliveries(auth: AuthContext, webhookId: string, limit: number) {
    await this.owned(auth, webhookId);
    return (await repo.listDeliveries(this.db, webhookId, limit)).map(toDelivery);
  }

  private async enqueue(
    webhookId: string,
    event: string,
    payload: string,
    redeliveryOf: string | null,
  ) {
    const now = this.now();
    const row: repo.NewDelivery = {
      id: newId(),
      webhook_id: webhookId,
      event,
      payload,
      redelivery_of: redeliveryOf,
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
      claimed_by: null,
      last_attempt_at: null,
      response_status: null,
      duration_ms: null,
      response_snippet: null,
      error: null,
    };
    await repo.insertDelivery(this.db, row);
    return toDelivery({ ...row, attempts: 0, claimed_until: 0 });
  }

  /** Queues a `ping` (sent even while the webhook is disabled, to check a fix). */
  async sendTest(auth: AuthContext, webhookId: string) {
    const row = await this.owned(auth, webhookId);
    const payload = {
      projectId: row.project_id,
      webhookId,
      actorId: auth.user.id,
      message: 'A test event sent from the webhook settings',
    };
    return this.enqueue(webhookId, 'ping', JSON.stringify(payload), null);
  }

  /** Queues the same event again as a new delivery (its own id, naming the original). */
  async redeliver(auth: AuthContext, webhookId: string, deliveryId: string) {
    await this.owned(auth, webhookId);
    const original = await repo.findDelivery(this.db, deliveryId);
    if (!original || original.webhook_id !== webhookId) throw NotFound('Delivery');
    return this.enqueue(webhookId, original.event, original.payload, original.id);
  }
}
