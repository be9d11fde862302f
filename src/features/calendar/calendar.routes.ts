import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { Id, authErrors, errors, NoContent } from '../../platform/schemas.js';
import { CreateCalendarFeedBody, FeedTokenParams, NewCalendarFeed } from './calendar.schemas.js';
import type { CalendarService } from './calendar.service.js';

export const calendarRoutes: FastifyPluginAsyncTypebox<{ calendar: CalendarService }> = async (
  app,
  { calendar },
) => {
  const tags = ['calendar'];

  app.get(
    '/calendar-feeds',
    {
      schema: {
        tags,
        summary: 'My iCalendar feeds (their secret URLs are shown only when created)',
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('CalendarFeed')) }),
          ...errors(401),
        },
      },
    },
    async (request) => calendar.list(requireAuth(request)),
  );

  app.post(
    '/calendar-feeds',
    {
      schema: {
        tags,
        summary: 'Create an iCalendar feed of a project (viewer) or of My work; 409 past 50 feeds',
        body: CreateCalendarFeedBody,
        response: { 201: NewCalendarFeed, ...errors(...authErrors, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await calendar.create(requireAuth(request), request.body)),
  );

  app.delete(
    '/calendar-feeds/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an iCalendar feed: its URL answers 404 from now on',
        params: Type.Object({ id: Id }),
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await calendar.revoke(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/ical/:token',
    {
      schema: {
        tags,
        summary:
          'An iCalendar feed (RFC 5545) of open tasks due from 90 days ago on; the secret in the URL is the only credential',
        // Calendar apps send no session or token: the URL's secret is the credential.
        security: [],
        params: FeedTokenParams,
        response: {
          200: {
            description: 'text/calendar: one VEVENT per task at its due time',
            content: { 'text/calendar': { schema: Type.String() } },
          },
          ...errors(400, 404),
        },
      },
    },
    async (request, reply) => {
      const base = `${request.protocol}://${request.host}`;
      const text = await calendar.render(request.params.token, base);
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', 'inline; filename="tasks.ics"')
        .send(text);
    },
  );
};
