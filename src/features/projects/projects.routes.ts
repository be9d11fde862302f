import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors, NoContent, ProjectParams } from '../../platform/schemas.js';
import {
  AddMemberBody,
  CreateProjectBody,
  Member,
  MemberParams,
  ProjectListQuery,
  ProjectPage,
  UpdateMemberBody,
  UpdateProjectBody,
} from './projects.schemas.js';
import type { ProjectsService } from './projects.service.js';

export const projectsRoutes: FastifyPluginAsyncTypebox<{ projects: ProjectsService }> = async (
  app,
  { projects },
) => {
  const tags = ['projects'];

  app.get(
    '/projects',
    {
      schema: {
        tags,
        summary: 'Projects I belong to (newest first)',
        querystring: ProjectListQuery,
        response: { 200: ProjectPage, ...errors(400, 401) },
      },
    },
    async (request) =>
      projects.list(requireAuth(request), request.query.limit ?? 50, request.query.cursor),
  );

  app.post(
    '/projects',
    {
      schema: {
        tags,
        summary: 'Create a project (I become its owner)',
        body: CreateProjectBody,
        response: { 201: Type.Ref('Project'), ...errors(...authErrors) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await projects.create(requireAuth(request), request.body)),
  );

  app.get(
    '/projects/:projectId',
    {
      schema: {
        tags,
        summary: 'One project',
        params: ProjectParams,
        response: { 200: Type.Ref('Project'), ...errors(401, 404) },
      },
    },
    async (request) => projects.get(requireAuth(request), request.params.projectId),
  );

  app.patch(
    '/projects/:projectId',
    {
      schema: {
        tags,
        summary: 'Rename or describe a project (owner)',
        params: ProjectParams,
        body: UpdateProjectBody,
        response: { 200: Type.Ref('Project'), ...errors(...authErrors) },
      },
    },
    async (request) =>
      projects.update(requireAuth(request), request.params.projectId, request.body),
  );

  app.delete(
    '/projects/:projectId',
    {
      schema: {
        tags,
        summary: 'Delete a project and everything in it (owner)',
        params: ProjectParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await projects.remove(requireAuth(request), request.params.projectId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/projects/:projectId/members',
    {
      schema: {
        tags,
        summary: 'Members of a project',
        params: ProjectParams,
        response: { 200: Type.Object({ items: Type.Array(Member) }), ...errors(401, 404) },
      },
    },
    async (request) => ({
      items: await projects.members(requireAuth(request), request.params.projectId),
    }),
  );

  app.post(
    '/projects/:projectId/members',
    {
      schema: {
        tags,
        summary: 'Add a member by email (owner)',
        params: ProjectParams,
        body: AddMemberBody,
        response: { 201: Member, ...errors(...authErrors, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await projects.addMember(requireAuth(request), request.params.projectId, request.body),
        ),
  );

  app.patch(
    '/projects/:projectId/members/:userId',
    {
      schema: {
        tags,
        summary: "Change a member's role (owner)",
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: Member, ...errors(...authErrors, 409) },
      },
    },
    async (request) =>
      projects.updateMember(
        requireAuth(request),
        request.params.projectId,
        request.params.userId,
        request.body.role,
      ),
  );

  app.delete(
    '/projects/:projectId/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a member (owner), or leave the project (myself)',
        params: MemberParams,
        response: { 204: NoContent, ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await projects.removeMember(
        requireAuth(request),
        request.params.projectId,
        request.params.userId,
      );
      return reply.status(204).send(null);
    },
  );
};
