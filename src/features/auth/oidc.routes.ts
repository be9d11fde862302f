// Single sign-on routes: the browser is sent to the provider and comes back to the callback;
// both answer with redirects. Whatever goes wrong ends on the sign-in page with `?error=<code>`,
// which the UI explains (never a 500 page in the middle of a sign-in).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { NotFound } from '../../platform/errors.js';
import { errors } from '../../platform/schemas.js';
import { setSessionCookie } from './auth.plugin.js';
import { client } from './auth.routes.js';
import type { LoginLimits } from './login-limits.js';
import { LOGIN_TTL_MS, OIDC_ERROR_CODES, OidcError } from './oidc.service.js';
import type { OidcService } from './oidc.service.js';

export interface OidcRoutesOptions {
  oidc: OidcService | undefined;
  limits: LoginLimits;
  config: Readonly<Config>;
}

const PREFIX = '/api/v1/auth/oidc';
/** Binds a sign-in in flight to this browser; sent only to the callback. */
const COOKIE = 'tm_sso';

const Redirect = (description: string) => Type.Null({ description });

export const oidcRoutes: FastifyPluginAsyncTypebox<OidcRoutesOptions> = async (
  app,
  { oidc, limits, config },
) => {
  const cookieOptions = {
    path: `${PREFIX}/callback`,
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level navigation, which carries it.
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
  };
  const enabled = () => {
    if (!oidc) throw NotFound('Single sign-on is not configured on this server; it');
    return oidc;
  };
  const failed = (error: unknown) => {
    if (!(error instanceof OidcError)) throw error;
    app.log.warn({ code: error.code, reason: error.message }, 'single sign-on failed');
    return `/signin?error=${error.code}`;
  };

  app.get(
    '/auth/oidc/start',
    {
      // Each start stores a row: limited per client address like the other sign-ins.
      config: { rateLimit: limits.addressLimit('sign-in') },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with single sign-on (OpenID Connect): redirects to the provider',
        description:
          'Answers 302 to the provider, or to `/signin?error=sso_unavailable` when the provider cannot be reached. 404 when single sign-on is not configured.',
        security: [],
        querystring: Type.Object({
          next: Type.Optional(
            Type.String({ maxLength: 2000, description: 'A path of this site to land on' }),
          ),
          invite: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description:
                'The secret of an invite link: a first sign-in creates the account it allows (also while registration is closed) and joins its project; used, expired or revoked ends on `/signin?error=sso_invite`',
            }),
          ),
        }),
        response: {
          302: Redirect('To the provider or the sign-in page'),
          ...errors(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const sso = enabled();
      try {
        const { url, cookie } = await sso.start(request.query.next ?? '/', request.query.invite);
        void reply.setCookie(COOKIE, cookie, { ...cookieOptions, maxAge: LOGIN_TTL_MS / 1000 });
        return reply.redirect(url, 302);
      } catch (error) {
        return reply.redirect(failed(error), 302);
      }
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      schema: {
        tags: ['auth'],
        summary: 'Where the provider sends the browser back: signs in and redirects',
        description: `Sets the session cookie and answers 302 to the page the sign-in started from; else 302 to \`/signin?error=<code>\`, one of: ${OIDC_ERROR_CODES.join(', ')}. 404 when single sign-on is not configured.`,
        security: [],
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            state: Type.Optional(Type.String({ maxLength: 4096 })),
          },
          { additionalProperties: true },
        ),
        response: { 302: Redirect('Signed in, or to the sign-in page'), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const sso = enabled();
      void reply.clearCookie(COOKIE, cookieOptions);
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      try {
        const { session, next } = await sso.callback(
          request.cookies[COOKIE],
          query,
          client(request),
          request.auth?.sessionId,
        );
        setSessionCookie(reply, config, session);
        return reply.redirect(next, 302);
      } catch (error) {
        return reply.redirect(failed(error), 302);
      }
    },
  );
};
