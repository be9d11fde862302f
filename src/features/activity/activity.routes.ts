import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { PageQuery } from '../../platform/pagination.js';
import { errors, Id, Timestamp } from '../../platform/schemas.js';
import type { ActivityService } from './activity.service.js';

const ActivityPage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Id,
      projectId: Id,
      taskId: Type.Union([Id, Type.Null()]),
      actor: Type.Object({ id: Id, name: Type.String() }),
      action: Type.String({ description: 'e.g. task.created, task.moved, comment.added' }),
      details: Type.Record(Type.String(), Type.Unknown()),
      createdAt: Timestamp,
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
const Query = Type.Object(PageQuery, { additionalProperties: false });

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
        params: Type.Object({ projectId: Id }),
        querystring: Query,
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
        params: Type.Object({ taskId: Id }),
        querystring: Query,
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
