import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { PageQuery } from '../../platform/pagination.js';
import { authErrors, errors, Id, NoContent, Timestamp } from '../../platform/schemas.js';
import type { CommentsService } from './comments.service.js';

export const Comment = Type.Object(
  {
    id: Id,
    taskId: Id,
    author: Type.Object({ id: Id, name: Type.String() }),
    body: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Comment' },
);

export const commentsRoutes: FastifyPluginAsyncTypebox<{ comments: CommentsService }> = async (
  app,
  { comments },
) => {
  const tags = ['comments'];
  const TaskParams = Type.Object({ taskId: Id });

  app.get(
    '/tasks/:taskId/comments',
    {
      schema: {
        tags,
        summary: 'Comments on a task, oldest first',
        params: TaskParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('Comment')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) =>
      comments.list(
        requireAuth(request),
        request.params.taskId,
        request.query.limit ?? 50,
        request.query.cursor,
      ),
  );

  app.post(
    '/tasks/:taskId/comments',
    {
      schema: {
        tags,
        summary: 'Comment on a task (editor)',
        params: TaskParams,
        body: Type.Object(
          { body: Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Comment'), ...errors(...authErrors) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await comments.create(requireAuth(request), request.params.taskId, request.body.body),
        ),
  );

  app.delete(
    '/comments/:commentId',
    {
      schema: {
        tags,
        summary: 'Delete a comment (its author or a project owner)',
        params: Type.Object({ commentId: Id }),
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await comments.remove(requireAuth(request), request.params.commentId);
      return reply.status(204).send(null);
    },
  );
};
