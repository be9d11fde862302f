import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, Id, NoContent } from '../../platform/schemas.js';
import type { LabelsService } from './labels.service.js';

const CreateLabelBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
    color: Type.Optional(
      Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'Hex colour, e.g. #2563eb' }),
    ),
  },
  { additionalProperties: false },
);

export const labelsRoutes: FastifyPluginAsyncTypebox<{ labels: LabelsService }> = async (
  app,
  { labels },
) => {
  const tags = ['labels'];
  const ProjectParams = Type.Object({ projectId: Id });

  app.get(
    '/projects/:projectId/labels',
    {
      schema: {
        tags,
        summary: 'Labels of a project',
        params: ProjectParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('Label')) }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => ({
      items: await labels.list(requireAuth(request), request.params.projectId),
    }),
  );

  app.post(
    '/projects/:projectId/labels',
    {
      schema: {
        tags,
        summary: 'Create a label (editor)',
        params: ProjectParams,
        body: CreateLabelBody,
        response: { 201: Type.Ref('Label'), ...errors(...authErrors, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await labels.create(requireAuth(request), request.params.projectId, request.body)),
  );

  app.delete(
    '/labels/:labelId',
    {
      schema: {
        tags,
        summary: 'Delete a label (editor); tasks lose it',
        params: Type.Object({ labelId: Id }),
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await labels.remove(requireAuth(request), request.params.labelId);
      return reply.status(204).send(null);
    },
  );
};
