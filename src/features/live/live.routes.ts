import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../access/caller.js';
import { errors, ProjectParams } from '../../platform/schemas.js';
import { PROJECT_EVENTS_TOPIC } from '../../activity-log/record.js';
import { USER_EVENTS_TOPIC } from '../../activity-log/notifications.js';
import { LiveEvent, LiveHeaders } from './live.schemas.js';
import type { LiveService } from './live.service.js';

export const liveRoutes: FastifyPluginAsyncTypebox<{ live: LiveService }> = async (
  app,
  { live },
) => {
  app.get(
    '/projects/:projectId/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Live changes of a project (server-sent events, resumable with Last-Event-ID)',
        params: ProjectParams,
        headers: LiveHeaders,
        response: {
          200: {
            description: 'A text/event-stream that stays open',
            content: { 'text/event-stream': { schema: LiveEvent } },
          },
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      await live.authorize(auth, request.params.projectId);
      const lastEventId = request.headers['last-event-id'];
      // The stream is written by hand from here; headers set so far (security, request id) go
      // with it.
      const headers = Object.fromEntries(
        Object.entries(reply.getHeaders()).map(([name, value]) => [name, String(value)]),
      );
      reply.hijack();
      await live.open(
        auth,
        { topic: PROJECT_EVENTS_TOPIC, subject: request.params.projectId },
        lastEventId === undefined ? undefined : Number(lastEventId),
        reply.raw,
        headers,
      );
    },
  );

  app.get(
    '/me/events',
    {
      schema: {
        tags: ['live'],
        summary:
          'Live changes of my inbox (server-sent events: notification.created, notifications.read), resumable with Last-Event-ID',
        headers: LiveHeaders,
        response: {
          200: {
            description: 'A text/event-stream that stays open',
            content: { 'text/event-stream': { schema: LiveEvent } },
          },
          ...errors(400, 401),
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const lastEventId = request.headers['last-event-id'];
      const headers = Object.fromEntries(
        Object.entries(reply.getHeaders()).map(([name, value]) => [name, String(value)]),
      );
      reply.hijack();
      await live.open(
        auth,
        { topic: USER_EVENTS_TOPIC, subject: auth.user.id },
        lastEventId === undefined ? undefined : Number(lastEventId),
        reply.raw,
        headers,
      );
    },
  );
};
