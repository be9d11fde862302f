import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../access/caller.js';
import type { Config } from '../../config.js';
import { errors, NoContent } from '../../platform/schemas.js';
import { setSessionCookie } from '../auth/auth.plugin.js';
import { client } from '../auth/auth.routes.js';
import type { LoginLimits } from '../auth/login-limits.js';
import { AuthResponse } from '../auth/auth.schemas.js';
import {
  AcceptInviteBody,
  AcceptInviteResponse,
  AdminUser,
  AdminUserPage,
  CreateInviteBody,
  InvitePage,
  InviteParams,
  ListQuery,
  NewInvite,
  PasswordResetLink,
  ResetPasswordBody,
  UpdateUserBody,
  UserParams,
} from './accounts.schemas.js';
import type { AccountsService } from './accounts.service.js';

export interface AccountsRoutesOptions {
  accounts: AccountsService;
  /** Both links check a password policy and hash: limited per client address, as sign-in is. */
  limits: LoginLimits;
  config: Readonly<Config>;
}

export const accountsRoutes: FastifyPluginAsyncTypebox<AccountsRoutesOptions> = async (
  app,
  { accounts, limits, config },
) => {
  const tags = ['admin'];

  app.get(
    '/admin/users',
    {
      schema: {
        tags,
        summary: 'Every account, by email (admins only)',
        querystring: ListQuery,
        response: { 200: AdminUserPage, ...errors(400, 401, 403) },
      },
    },
    async (request) =>
      accounts.listUsers(requireAuth(request), request.query.limit ?? 50, request.query.cursor),
  );

  app.patch(
    '/admin/users/:userId',
    {
      schema: {
        tags,
        summary:
          'Promote or demote, disable or enable an account (admins only; never oneself, never the last admin)',
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: AdminUser, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      accounts.updateUser(requireAuth(request), request.params.userId, request.body),
  );

  app.post(
    '/admin/users/:userId/password-reset',
    {
      schema: {
        tags,
        summary:
          'Force a password reset: the password stops working, sessions and tokens end, and a single-use link to set a new one is returned (admins only)',
        params: UserParams,
        response: { 201: PasswordResetLink, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await accounts.forcePasswordReset(requireAuth(request), request.params.userId)),
  );

  app.get(
    '/admin/invites',
    {
      schema: {
        tags,
        summary: 'Invites, newest first (admins only)',
        querystring: ListQuery,
        response: { 200: InvitePage, ...errors(400, 401, 403) },
      },
    },
    async (request) =>
      accounts.listInvites(requireAuth(request), request.query.limit ?? 50, request.query.cursor),
  );

  app.post(
    '/admin/invites',
    {
      schema: {
        tags,
        summary:
          'Create a single-use invite link, optionally into a project with a role; it works while registration is closed (admins only)',
        body: CreateInviteBody,
        response: { 201: NewInvite, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await accounts.createInvite(requireAuth(request), request.body)),
  );

  app.delete(
    '/admin/invites/:inviteId',
    {
      schema: {
        tags,
        summary: 'Revoke an invite (admins only)',
        params: InviteParams,
        response: { 204: NoContent, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await accounts.deleteInvite(requireAuth(request), request.params.inviteId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/invites/accept',
    {
      config: { rateLimit: limits.addressLimit('invite') },
      schema: {
        tags: ['auth'],
        summary: 'Create an account with an invite link and sign in',
        security: [],
        body: AcceptInviteBody,
        response: { 201: AcceptInviteResponse, ...errors(400, 403, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const { session, projectId } = await accounts.acceptInvite(
        request.body,
        client(request),
        request.auth?.sessionId,
      );
      setSessionCookie(reply, config, session);
      return reply
        .status(201)
        .send({ user: session.user, csrfToken: session.csrfToken, projectId });
    },
  );

  app.post(
    '/password-reset',
    {
      config: { rateLimit: limits.addressLimit('reset') },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset link from an admin, and sign in',
        security: [],
        body: ResetPasswordBody,
        response: { 200: AuthResponse, ...errors(400, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const session = await accounts.resetPassword(
        request.body,
        client(request),
        request.auth?.sessionId,
      );
      setSessionCookie(reply, config, session);
      return { user: session.user, csrfToken: session.csrfToken };
    },
  );
};
