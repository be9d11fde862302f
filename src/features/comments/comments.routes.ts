import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, NoContent, TaskParams } from '../../platform/schemas.js';
import {
  CommentListQuery,
  CommentPage,
  CommentParams,
  CreateCommentBody,
} from './comments.schemas.js';
import type { CommentsService } from './comments.service.js';

export const commentsRoutes: FastifyPluginAsyncTypebox<{ comments: CommentsService }> = async (
  app,
  { comments },
) => {
  const tags = ['comments'];

  app.get(
    '/tasks/:taskId/comments',
    {
      schema: {
        tags,
        summary: 'Comments on a task, oldest first',
        params: TaskParams,
        querystring: CommentListQuery,
        response: { 200: CommentPage, ...errors(400, 401, 404) },
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
        body: CreateCommentBody,
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
        params: CommentParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await comments.remove(requireAuth(request), request.params.commentId);
      return reply.status(204).send(null);
    },
  );
};
