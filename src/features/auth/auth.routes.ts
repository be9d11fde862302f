import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import type { Config } from '../../config.js';
import { authErrors, errors, NoContent } from '../../platform/schemas.js';
import { clearSessionCookie, setSessionCookie } from './auth.plugin.js';
import {
  SessionState,
  ApiToken,
  AuthMethods,
  AuthResponse,
  ChangePasswordBody,
  CreateTokenBody,
  IdParams,
  LoginBody,
  NewApiToken,
  RegisterBody,
  Session,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  config: Readonly<Config>;
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (
  app,
  { auth, config },
) => {
  app.get(
    '/auth/methods',
    {
      schema: {
        tags: ['auth'],
        summary: 'How one signs in on this server (for the sign-in page)',
        security: [],
        response: { 200: AuthMethods },
      },
    },
    async () => ({ password: config.authMode === 'password', sso: config.oidc !== undefined }),
  );

  app.get(
    '/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Who am I, if anyone: 200 either way (the web UI asks at start; /auth/me answers 401 when signed out)',
        security: [],
        response: { 200: SessionState },
      },
    },
    async (request) =>
      request.auth
        ? { user: request.auth.user, csrfToken: request.auth.csrfToken ?? '' }
        : { user: null, csrfToken: null },
  );

  app.post(
    '/auth/register',
    {
      config: { rateLimit: auth.limits.addressLimit('sign-up') },
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        security: [],
        body: RegisterBody,
        response: { 201: AuthResponse, ...errors(400, 403, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const session = await auth.register(request.body, client(request), request.auth?.sessionId);
      setSessionCookie(reply, config, session);
      return reply.status(201).send({ user: session.user, csrfToken: session.csrfToken });
    },
  );

  app.post(
    '/auth/login',
    {
      config: { rateLimit: auth.limits.addressLimit('sign-in') },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        security: [],
        body: LoginBody,
        response: { 200: AuthResponse, ...errors(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const session = await auth.login(request.body, client(request), request.auth?.sessionId);
      setSessionCookie(reply, config, session);
      return { user: session.user, csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: NoContent, ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      await auth.logout(requireAuth(request));
      clearSessionCookie(reply, config);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who am I',
        response: { 200: AuthResponse, ...errors(401) },
      },
    },
    async (request) => {
      const me = requireAuth(request);
      return { user: me.user, csrfToken: me.csrfToken ?? '' };
    },
  );

  app.post(
    '/auth/password',
    {
      config: { rateLimit: auth.limits.addressLimit('password') },
      schema: {
        tags: ['auth'],
        summary: 'Change my password (ends my other sessions and revokes every API token)',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errors(...authErrors) },
      },
    },
    async (request, reply) => {
      await auth.changePassword(
        requireAuth(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: 'My active sessions',
        response: { 200: Type.Object({ items: Type.Array(Session) }), ...errors(401) },
      },
    },
    async (request) => ({ items: await auth.listSessions(requireAuth(request)) }),
  );

  app.delete(
    '/auth/sessions/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'End one of my sessions',
        params: IdParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await auth.endSession(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/tokens',
    {
      // The password is checked here too: limited like every other password check.
      config: { rateLimit: auth.limits.addressLimit('token') },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token (asks for the password; the secret is shown once)',
        body: CreateTokenBody,
        response: { 201: NewApiToken, ...errors(...authErrors) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await auth.createApiToken(requireAuth(request), request.body)),
  );

  app.get(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'My API tokens',
        response: { 200: Type.Object({ items: Type.Array(ApiToken) }), ...errors(401) },
      },
    },
    async (request) => ({ items: await auth.listApiTokens(requireAuth(request)) }),
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: IdParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await auth.deleteApiToken(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};

/** Who is signing in, for the list of sessions. */
export const client = (request: {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}) => {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
};
