import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, NoContent, ProjectParams } from '../../platform/schemas.js';
import {
  CreatedWebhook,
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryList,
  DeliveryParams,
  UpdateWebhookBody,
  WebhookList,
  WebhookParams,
} from './webhooks.schemas.js';
import type { WebhooksService } from './webhooks.service.js';

export const webhooksRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService }> = async (
  app,
  { webhooks },
) => {
  const tags = ['webhooks'];

  app.get(
    '/projects/:projectId/webhooks',
    {
      schema: {
        tags,
        summary: 'Webhooks of a project (owner)',
        params: ProjectParams,
        response: { 200: WebhookList, ...errors(401, 403, 404) },
      },
    },
    async (request) => ({
      items: await webhooks.list(requireAuth(request), request.params.projectId),
    }),
  );

  app.post(
    '/projects/:projectId/webhooks',
    {
      schema: {
        tags,
        summary: 'Add a webhook (owner); the answer carries its secret, shown only this once',
        params: ProjectParams,
        body: CreateWebhookBody,
        response: { 201: CreatedWebhook, ...errors(...authErrors, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await webhooks.create(requireAuth(request), request.params.projectId, request.body)),
  );

  app.patch(
    '/webhooks/:webhookId',
    {
      schema: {
        tags,
        summary: 'Change a webhook (owner): URL, events, enabled, a new secret',
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: Type.Ref('Webhook'), ...errors(...authErrors) },
      },
    },
    async (request) =>
      webhooks.update(requireAuth(request), request.params.webhookId, request.body),
  );

  app.delete(
    '/webhooks/:webhookId',
    {
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log (owner)',
        params: WebhookParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(requireAuth(request), request.params.webhookId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhooks/:webhookId/deliveries',
    {
      schema: {
        tags,
        summary: 'Recent deliveries of a webhook, newest first (owner)',
        params: WebhookParams,
        querystring: DeliveriesQuery,
        response: { 200: DeliveryList, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: await webhooks.deliveries(
        requireAuth(request),
        request.params.webhookId,
        request.query.limit ?? 50,
      ),
    }),
  );

  app.post(
    '/webhooks/:webhookId/test',
    {
      schema: {
        tags,
        summary: 'Queue a test event (`ping`) to the webhook (owner)',
        params: WebhookParams,
        response: { 202: Type.Ref('WebhookDelivery'), ...errors(...authErrors) },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await webhooks.sendTest(requireAuth(request), request.params.webhookId)),
  );

  app.post(
    '/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags,
        summary: 'Queue a delivery again, as a new delivery naming the original (owner)',
        params: DeliveryParams,
        response: { 202: Type.Ref('WebhookDelivery'), ...errors(...authErrors) },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await webhooks.redeliver(
            requireAuth(request),
            request.params.webhookId,
            request.params.deliveryId,
          ),
        ),
  );
};
