import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../access/caller.js';
import { errors, ProjectParams, TaskParams } from '../../platform/schemas.js';
import { ActivityListQuery, ActivityPage } from './activity.schemas.js';
import type { ActivityService } from './activity.service.js';

export const activityRoutes: FastifyPluginAsyncTypebox<{ activity: ActivityService }> = async (
  app,
  { activity },
) => {
  app.get(
    '/projects/:projectId/activity',
    {
      schema: {
        tags: ['activity'],
        summary: 'Who did what in a project, newest first',
        params: ProjectParams,
        querystring: ActivityListQuery,
        response: { 200: ActivityPage, ...errors(400, 401, 404) },
      },
    },
    async (request) =>
      activity.forProject(
        requireAuth(request),
        request.params.projectId,
        request.query.limit ?? 50,
        request.query.cursor,
      ),
  );

  app.get(
    '/tasks/:taskId/activity',
    {
      schema: {
        tags: ['activity'],
        summary: 'The history of one task, newest first',
        params: TaskParams,
        querystring: ActivityListQuery,
        response: { 200: ActivityPage, ...errors(400, 401, 404) },
      },
    },
    async (request) =>
      activity.forTask(
        requireAuth(request),
        request.params.taskId,
        request.query.limit ?? 50,
        request.query.cursor,
      ),
  );
};
