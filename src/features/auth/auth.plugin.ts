// Who is calling: a session cookie (browser) or a bearer API token (scripts). Cookie-authenticated
// unsafe requests must carry the session's CSRF token in X-CSRF-Token (synchroniser token pattern).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { requireAuth } from '../../access/caller.js';
import { Forbidden, Unauthenticated } from '../../platform/errors.js';
import type { AuthService, NewSession } from './auth.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * API routes anyone may call, as their OpenAPI operation says (`security: []`: sign-in, sign-up,
 * an invite or reset link) and the document itself; every other API route needs a caller before
 * its input is read. The public routes start a new session rather than act with the one the
 * browser may hold, so they need no CSRF token either (SameSite=Lax covers login CSRF).
 */
function isPublicRoute(request: FastifyRequest): boolean {
  const { url, schema } = request.routeOptions;
  return (
    url === '/api/v1/openapi.json' ||
    (Array.isArray(schema?.security) && schema.security.length === 0)
  );
}

export const sessionCookieName = (config: Readonly<Config>) =>
  // The __Host- prefix pins the cookie to this host and path / and requires Secure.
  config.cookieSecure ? '__Host-tm_session' : 'tm_session';

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function registerAuthentication(
  app: FastifyInstance,
  auth: AuthService,
  config: Readonly<Config>,
): void {
  const cookieName = sessionCookieName(config);
  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const context = match?.[1] ? await auth.resolveApiToken(match[1]) : undefined;
      if (!context) throw Unauthenticated('The API token is not valid');
      request.auth = context;
      return;
    }
    const cookie = request.cookies[cookieName];
    if (!cookie) return;
    const context = await auth.resolveSession(cookie);
    if (!context) {
      clearSessionCookie(reply, config);
      return;
    }
    request.auth = context;
    if (!SAFE_METHODS.has(request.method) && !isPublicRoute(request)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !context.csrfToken || !sameToken(sent, context.csrfToken)) {
        throw Forbidden('Missing or invalid CSRF token: send the X-CSRF-Token header');
      }
    }
  });

  // Authentication before the body is read or validated: an anonymous caller learns nothing
  // about a route's input rules, and gets the same 401 whatever it sends.
  app.addHook('preParsing', async (request: FastifyRequest, _reply, payload) => {
    if (request.routeOptions.url?.startsWith('/api/v1/') && !isPublicRoute(request)) {
      requireAuth(request);
    }
    return payload;
  });
}

export function setSessionCookie(
  reply: FastifyReply,
  config: Readonly<Config>,
  session: NewSession,
) {
  void reply.setCookie(sessionCookieName(config), session.sessionToken, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookieSecure,
    maxAge: session.maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Readonly<Config>) {
  void reply.clearCookie(sessionCookieName(config), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookieSecure,
  });
}
