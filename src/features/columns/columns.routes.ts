import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, NoContent, ProjectParams } from '../../platform/schemas.js';
import {
  ColumnList,
  ColumnParams,
  CreateColumnBody,
  DeleteColumnQuery,
  UpdateColumnBody,
} from './columns.schemas.js';
import type { ColumnsService } from './columns.service.js';

export const columnsRoutes: FastifyPluginAsyncTypebox<{ columns: ColumnsService }> = async (
  app,
  { columns },
) => {
  const tags = ['columns'];

  app.get(
    '/projects/:projectId/columns',
    {
      schema: {
        tags,
        summary: "The project's board columns, in board order",
        params: ProjectParams,
        response: { 200: ColumnList, ...errors(401, 404) },
      },
    },
    async (request) => ({
      items: await columns.list(requireAuth(request), request.params.projectId),
    }),
  );

  app.post(
    '/projects/:projectId/columns',
    {
      schema: {
        tags,
        summary: `Add a column (editor): at the end, or before beforeId`,
        params: ProjectParams,
        body: CreateColumnBody,
        response: { 201: Type.Ref('Column'), ...errors(...authErrors) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await columns.create(requireAuth(request), request.params.projectId, request.body)),
  );

  app.patch(
    '/columns/:columnId',
    {
      schema: {
        tags,
        summary: 'Rename, recolour, set the WIP limit of, or move a column (editor)',
        params: ColumnParams,
        body: UpdateColumnBody,
        response: { 200: Type.Ref('Column'), ...errors(...authErrors) },
      },
    },
    async (request) => columns.update(requireAuth(request), request.params.columnId, request.body),
  );

  app.delete(
    '/columns/:columnId',
    {
      schema: {
        tags,
        summary:
          'Delete a column (editor); its tasks move to moveTo. 409 for the last column of a category',
        params: ColumnParams,
        querystring: DeleteColumnQuery,
        response: { 204: NoContent, ...errors(...authErrors, 409) },
      },
    },
    async (request, reply) => {
      await columns.remove(requireAuth(request), request.params.columnId, request.query.moveTo);
      return reply.status(204).send(null);
    },
  );
};
