import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { etagOf, IfMatchHeaders, parseIfMatch } from '../../platform/etag.js';
import {
  authErrors,
  errors,
  NoContent,
  ProjectParams,
  TaskParams,
} from '../../platform/schemas.js';
import {
  ArchiveColumnBody,
  ArchiveColumnResult,
  CreateTaskBody,
  MoveTaskBody,
  MyTaskQuery,
  TaskListQuery,
  TaskPage,
  UpdateTaskBody,
} from './tasks.schemas.js';
import type { TasksService } from './tasks.service.js';

export const tasksRoutes: FastifyPluginAsyncTypebox<{ tasks: TasksService }> = async (
  app,
  { tasks },
) => {
  const tags = ['tasks'];

  app.get(
    '/projects/:projectId/tasks',
    {
      schema: {
        tags,
        summary: 'Tasks of a project: filters, search, sort and keyset pagination',
        params: ProjectParams,
        querystring: TaskListQuery,
        response: { 200: TaskPage, ...errors(400, 401, 404) },
      },
    },
    async (request) => tasks.list(requireAuth(request), request.params.projectId, request.query),
  );

  app.get(
    '/me/tasks',
    {
      schema: {
        tags,
        summary:
          'My work: tasks assigned to me in all my projects, by due date (none last); group them by date on the client',
        querystring: MyTaskQuery,
        response: { 200: TaskPage, ...errors(400, 401) },
      },
    },
    async (request) => tasks.assignedToMe(requireAuth(request), request.query),
  );

  app.post(
    '/projects/:projectId/tasks',
    {
      schema: {
        tags,
        summary: 'Create a task (editor)',
        params: ProjectParams,
        body: CreateTaskBody,
        response: { 201: Type.Ref('Task'), ...errors(...authErrors) },
      },
    },
    async (request, reply) => {
      const task = await tasks.create(requireAuth(request), request.params.projectId, request.body);
      return reply.status(201).header('etag', etagOf(task)).send(task);
    },
  );

  app.get(
    '/tasks/:taskId',
    {
      schema: {
        tags,
        summary: 'One task (with its ETag)',
        params: TaskParams,
        response: { 200: Type.Ref('Task'), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const task = await tasks.get(requireAuth(request), request.params.taskId);
      return reply.header('etag', etagOf(task)).send(task);
    },
  );

  app.patch(
    '/tasks/:taskId',
    {
      schema: {
        tags,
        summary: 'Change a task (editor); If-Match guards against lost updates',
        params: TaskParams,
        headers: IfMatchHeaders,
        body: UpdateTaskBody,
        response: { 200: Type.Ref('Task'), ...errors(...authErrors, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const task = await tasks.update(
        requireAuth(request),
        request.params.taskId,
        request.body,
        ifMatch,
      );
      return reply.header('etag', etagOf(task)).send(task);
    },
  );

  app.post(
    '/tasks/:taskId/move',
    {
      schema: {
        tags,
        summary: 'Move a task on the board: to a column, before another task or to the end',
        params: TaskParams,
        headers: IfMatchHeaders,
        body: MoveTaskBody,
        response: { 200: Type.Ref('Task'), ...errors(...authErrors, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const task = await tasks.move(
        requireAuth(request),
        request.params.taskId,
        request.body,
        ifMatch,
      );
      return reply.header('etag', etagOf(task)).send(task);
    },
  );

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post(
      `/tasks/:taskId/${action}`,
      {
        schema: {
          tags,
          summary: archived
            ? 'Archive a task (editor): off the board, the list and My work, kept until restored; again is no error'
            : 'Restore an archived task (editor) to the end of its column; restoring an active task is no error',
          params: TaskParams,
          headers: IfMatchHeaders,
          response: { 200: Type.Ref('Task'), ...errors(401, 403, 404, 412) },
        },
      },
      async (request, reply) => {
        const task = await tasks.setArchived(
          requireAuth(request),
          request.params.taskId,
          archived,
          parseIfMatch(request.headers['if-match']),
        );
        return reply.header('etag', etagOf(task)).send(task);
      },
    );
  }

  app.post(
    '/projects/:projectId/tasks/archive',
    {
      schema: {
        tags,
        summary: "Archive every active task of a column (editor), e.g. the Done column's",
        params: ProjectParams,
        body: ArchiveColumnBody,
        response: { 200: ArchiveColumnResult, ...errors(...authErrors) },
      },
    },
    async (request) =>
      tasks.archiveColumn(requireAuth(request), request.params.projectId, request.body),
  );

  app.delete(
    '/tasks/:taskId',
    {
      schema: {
        tags,
        summary: 'Delete a task (editor)',
        params: TaskParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...errors(401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      await tasks.remove(
        requireAuth(request),
        request.params.taskId,
        parseIfMatch(request.headers['if-match']),
      );
      return reply.status(204).send(null);
    },
  );
};
