import { Type } from 'typebox';
import { Id, Nullable, StringEnum, Timestamp } from '../../platform/schemas.js';

export const WebhookEvent = StringEnum(
  ['task.created', 'task.updated', 'task.moved', 'task.deleted', 'comment.created'] as const,
  { description: 'A change the webhook is told about' },
);

const webhookProperties = {
  id: Id,
  projectId: Id,
  url: Type.String(),
  events: Type.Array(WebhookEvent),
  enabled: Type.Boolean(),
  consecutiveFailures: Type.Integer({
    description: 'Failed attempts since the last success; at the limit the webhook is disabled',
  }),
  disabledReason: Nullable(
    Type.String({ description: 'Why the service disabled it (null: enabled, or by an owner)' }),
  ),
  disabledAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const Webhook = Type.Object(webhookProperties, {
  $id: 'Webhook',
  description: 'The secret is never returned after creation',
});

export const CreatedWebhook = Type.Object({
  ...webhookProperties,
  secret: Type.String({
    description: 'Signs every delivery (X-TaskManager-Signature); shown only now',
  }),
});

const Url = Type.String({
  format: 'uri',
  minLength: 1,
  maxLength: 2048,
  description:
    'http(s) URL of the receiver; public addresses only unless WEBHOOK_ALLOWED_HOSTS names it',
});
const Events = Type.Array(WebhookEvent, { minItems: 1, maxItems: 5, uniqueItems: true });
const Secret = Type.String({
  minLength: 16,
  maxLength: 128,
  pattern: '^[\\x21-\\x7e]{16,128}$',
  description: 'Printable ASCII, no spaces; generated when left out',
});

export const CreateWebhookBody = Type.Object(
  {
    url: Url,
    events: Events,
    enabled: Type.Optional(Type.Boolean({ default: true })),
    secret: Type.Optional(Secret),
  },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    enabled: Type.Optional(
      Type.Boolean({ description: 'Enabling again clears the failure count' }),
    ),
    secret: Type.Optional(Secret),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookDelivery = Type.Object(
  {
    id: Id,
    webhookId: Id,
    event: Type.String({ description: 'An event name, or `ping` for a test event' }),
    status: StringEnum(['pending', 'delivered', 'failed'] as const),
    attempts: Type.Integer(),
    createdAt: Timestamp,
    lastAttemptAt: Nullable(Timestamp),
    nextAttemptAt: Nullable(Timestamp),
    responseStatus: Nullable(Type.Integer()),
    durationMs: Nullable(Type.Integer()),
    responseSnippet: Nullable(
      Type.String({ description: 'The start of the last answer (at most 1024 characters)' }),
    ),
    error: Nullable(Type.String()),
    redeliveryOf: Nullable(Id),
  },
  { $id: 'WebhookDelivery' },
);

export const WebhookList = Type.Object({ items: Type.Array(Type.Ref('Webhook')) });
export const DeliveryList = Type.Object({ items: Type.Array(Type.Ref('WebhookDelivery')) });
export const WebhookParams = Type.Object({ webhookId: Id });
export const DeliveryParams = Type.Object({ webhookId: Id, deliveryId: Id });
export const DeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});
