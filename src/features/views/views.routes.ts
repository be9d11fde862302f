import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, NoContent, ProjectParams } from '../../platform/schemas.js';
import { CreateViewBody, UpdateViewBody, ViewParams } from './views.schemas.js';
import type { ViewsService } from './views.service.js';

export const viewsRoutes: FastifyPluginAsyncTypebox<{ views: ViewsService }> = async (
  app,
  { views },
) => {
  const tags = ['views'];

  app.get(
    '/projects/:projectId/views',
    {
      schema: {
        tags,
        summary: 'My saved views of the project (by name); nobody else sees them',
        params: ProjectParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('SavedView')) }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => views.list(requireAuth(request), request.params.projectId),
  );

  app.post(
    '/projects/:projectId/views',
    {
      schema: {
        tags,
        summary:
          'Save the filters of the board or the list under a name (any member); 409 for a name I already use or past 50 views',
        params: ProjectParams,
        body: CreateViewBody,
        response: { 201: Type.Ref('SavedView'), ...errors(...authErrors, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await views.create(requireAuth(request), request.params.projectId, request.body)),
  );

  app.patch(
    '/views/:viewId',
    {
      schema: {
        tags,
        summary: 'Rename a view of mine or change its filters',
        params: ViewParams,
        body: UpdateViewBody,
        response: { 200: Type.Ref('SavedView'), ...errors(...authErrors, 409) },
      },
    },
    async (request) => views.update(requireAuth(request), request.params.viewId, request.body),
  );

  app.delete(
    '/views/:viewId',
    {
      schema: {
        tags,
        summary: 'Delete a view of mine',
        params: ViewParams,
        response: { 204: NoContent, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await views.remove(requireAuth(request), request.params.viewId);
      return reply.status(204).send(null);
    },
  );
};
