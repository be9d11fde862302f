import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../access/caller.js';
import { errors, NoContent, TaskParams } from '../../platform/schemas.js';
import {
  NotificationListQuery,
  NotificationPage,
  NotificationParams,
  NotificationSettings,
  NotificationSettingsInput,
  UnreadCount,
  Watching,
} from './notifications.schemas.js';
import type { NotificationsService } from './notifications.service.js';

export const notificationsRoutes: FastifyPluginAsyncTypebox<{
  notifications: NotificationsService;
}> = async (app, { notifications }) => {
  const tags = ['notifications'];

  app.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'My notifications, newest first (of projects I am a member of)',
        querystring: NotificationListQuery,
        response: { 200: NotificationPage, ...errors(400, 401) },
      },
    },
    async (request) => notifications.list(requireAuth(request), request.query),
  );

  app.get(
    '/notifications/unread-count',
    {
      schema: {
        tags,
        summary: 'How many of my notifications are unread',
        response: { 200: UnreadCount, ...errors(401) },
      },
    },
    async (request) => notifications.unreadCount(requireAuth(request)),
  );

  app.post(
    '/notifications/:notificationId/read',
    {
      schema: {
        tags,
        summary: 'Mark one of my notifications read',
        params: NotificationParams,
        response: { 204: NoContent, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await notifications.markRead(requireAuth(request), request.params.notificationId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags,
        summary: 'Mark all my notifications read',
        response: { 204: NoContent, ...errors(401) },
      },
    },
    async (request, reply) => {
      await notifications.markAllRead(requireAuth(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/notifications/settings',
    {
      schema: {
        tags,
        summary: 'Which kinds of notification I get in the inbox and by email',
        response: { 200: NotificationSettings, ...errors(401) },
      },
    },
    async (request) => notifications.settings(requireAuth(request)),
  );

  app.put(
    '/notifications/settings',
    {
      schema: {
        tags,
        summary: 'Choose which kinds of notification I get in the inbox and by email',
        body: NotificationSettingsInput,
        response: { 200: NotificationSettings, ...errors(400, 401) },
      },
    },
    async (request) => notifications.saveSettings(requireAuth(request), request.body),
  );

  app.put(
    '/tasks/:taskId/watch',
    {
      schema: {
        tags,
        summary: 'Watch a task: be notified of its changes and comments',
        params: TaskParams,
        response: { 200: Watching, ...errors(400, 401, 404) },
      },
    },
    async (request) => notifications.watch(requireAuth(request), request.params.taskId),
  );

  app.delete(
    '/tasks/:taskId/watch',
    {
      schema: {
        tags,
        summary: 'Stop watching a task',
        params: TaskParams,
        response: { 204: NoContent, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await notifications.unwatch(requireAuth(request), request.params.taskId);
      return reply.status(204).send(null);
    },
  );
};
