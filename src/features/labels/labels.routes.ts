import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, NoContent, ProjectParams } from '../../platform/schemas.js';
import {
  CreateLabelBody,
  LabelList,
  LabelParams,
  MergeLabelBody,
  UpdateLabelBody,
} from './labels.schemas.js';
import type { LabelsService } from './labels.service.js';

export const labelsRoutes: FastifyPluginAsyncTypebox<{ labels: LabelsService }> = async (
  app,
  { labels },
) => {
  const tags = ['labels'];

  app.get(
    '/projects/:projectId/labels',
    {
      schema: {
        tags,
        summary: 'Labels of a project',
        params: ProjectParams,
        response: {
          200: LabelList,
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
        params: LabelParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await labels.remove(requireAuth(request), request.params.labelId);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/labels/:labelId',
    {
      schema: {
        tags,
        summary: 'Rename or recolour a label (editor); its tasks keep it',
        params: LabelParams,
        body: UpdateLabelBody,
        response: { 200: Type.Ref('Label'), ...errors(...authErrors, 409) },
      },
    },
    async (request) => labels.update(requireAuth(request), request.params.labelId, request.body),
  );

  app.post(
    '/labels/:labelId/merge',
    {
      schema: {
        tags,
        summary: 'Merge a label into another (editor): its tasks get the other, it is deleted',
        params: LabelParams,
        body: MergeLabelBody,
        response: { 200: Type.Ref('Label'), ...errors(...authErrors, 409) },
      },
    },
    async (request) =>
      labels.merge(requireAuth(request), request.params.labelId, request.body.into),
  );
};
