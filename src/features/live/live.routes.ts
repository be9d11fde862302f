import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../access/caller.js';
import { requireAuth } from '../../access/caller.js';
import { errors, ProjectParams } from '../../platform/schemas.js';
import { PROJECT_EVENTS_TOPIC } from '../../activity-log/record.js';
import { USER_EVENTS_TOPIC } from '../../activity-log/notifications.js';
import { LiveEvent, LiveHeaders } from './live.schemas.js';
import type { LiveService, StreamSource } from './live.service.js';

export const liveRoutes: FastifyPluginAsyncTypebox<{ live: LiveService }> = async (
  app,
  { live },
) => {
  /** Serves the stream on the raw response, resuming after Last-Event-ID when sent. */
  const serve = async (
    request: FastifyRequest,
    reply: FastifyReply,
    auth: AuthContext,
    source: StreamSource,
  ) => {
    const lastEventId = request.headers['last-event-id'];
    // The stream is written by hand from here; headers set so far (security, request id) go
    // with it.
    const headers = Object.fromEntries(
      Object.entries(reply.getHeaders()).map(([name, value]) => [name, String(value)]),
    );
    reply.hijack();
    await live.open(
      auth,
      source,
      typeof lastEventId === 'string' ? Number(lastEventId) : undefined,
      reply.raw,
      headers,
    );
  };

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
      await serve(request, reply, auth, {
        topic: PROJECT_EVENTS_TOPIC,
        subject: request.params.projectId,
      });
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
      await serve(request, reply, auth, { topic: USER_EVENTS_TOPIC, subject: auth.user.id });
    },
  );
};
