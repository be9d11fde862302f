import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, NoContent, TaskParams } from '../../platform/schemas.js';
import {
  ChecklistItemList,
  ChecklistItemParams,
  CreateChecklistItemBody,
  UpdateChecklistItemBody,
} from './checklists.schemas.js';
import type { ChecklistsService } from './checklists.service.js';

export const checklistsRoutes: FastifyPluginAsyncTypebox<{
  checklists: ChecklistsService;
}> = async (app, { checklists }) => {
  const tags = ['checklists'];

  app.get(
    '/tasks/:taskId/checklist',
    {
      schema: {
        tags,
        summary: 'The checklist of a task, in order',
        params: TaskParams,
        response: { 200: ChecklistItemList, ...errors(401, 404) },
      },
    },
    async (request) => ({
      items: await checklists.list(requireAuth(request), request.params.taskId),
    }),
  );

  app.post(
    '/tasks/:taskId/checklist',
    {
      schema: {
        tags,
        summary: 'Add an item at the end of the checklist (editor)',
        params: TaskParams,
        body: CreateChecklistItemBody,
        response: { 201: Type.Ref('ChecklistItem'), ...errors(...authErrors) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await checklists.add(requireAuth(request), request.params.taskId, request.body)),
  );

  app.patch(
    '/checklist-items/:itemId',
    {
      schema: {
        tags,
        summary: 'Rename, check or uncheck, or move a checklist item (editor)',
        params: ChecklistItemParams,
        body: UpdateChecklistItemBody,
        response: { 200: Type.Ref('ChecklistItem'), ...errors(...authErrors) },
      },
    },
    async (request) => checklists.update(requireAuth(request), request.params.itemId, request.body),
  );

  app.delete(
    '/checklist-items/:itemId',
    {
      schema: {
        tags,
        summary: 'Delete a checklist item (editor)',
        params: ChecklistItemParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await checklists.remove(requireAuth(request), request.params.itemId);
      return reply.status(204).send(null);
    },
  );
};
