// The parts of the HTTP contract no single route owns: the statuses the platform itself can
// answer on any route (documented centrally so that every status the process returns is in the
// OpenAPI document), and 405 with `Allow` for a method a known path does not serve (RFC 9110
// §15.5.6) instead of a 404 that says the resource does not exist; and no caching of API answers.
import type { FastifyInstance, FastifyReply, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { errorBody } from './errors.js';

const errorRef = (description: string) => Type.Ref('ErrorResponse', { description });

/** Statuses the platform may answer on a route, whatever its handler does. */
function platformStatuses(route: RouteOptions): Record<number, string> {
  const schema = route.schema ?? {};
  const statuses: Record<number, string> = {};
  if (schema.params || schema.querystring || schema.body || schema.headers) {
    statuses[400] = 'VALIDATION_FAILED';
  }
  if (!route.url.startsWith('/api/')) return statuses;
  // Any API request may carry a bearer token that is not (or no longer) valid.
  statuses[401] = 'UNAUTHENTICATED';
  if (schema.body) {
    statuses[413] = 'PAYLOAD_TOO_LARGE';
    statuses[415] = 'UNSUPPORTED_MEDIA_TYPE';
  }
  statuses[503] = 'SERVICE_UNAVAILABLE';
  return statuses;
}

type Matcher = { pattern: RegExp; params: number; methods: Set<string> };

export interface HttpContract {
  /** Answers 405 with `Allow` when the URL's path is served by other methods. */
  methodNotAllowed(method: string, url: string, reply: FastifyReply): boolean;
}

export function registerHttpContract(app: FastifyInstance): HttpContract {
  const matchers = new Map<string, Matcher>();

  app.addHook('onRoute', (route) => {
    const response = (route.schema?.response ?? undefined) as Record<string, unknown> | undefined;
    if (response && !route.schema?.hide) {
      for (const [status, code] of Object.entries(platformStatuses(route))) {
        response[status] ??= errorRef(code);
      }
    }
    if (route.url.includes('*')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const source = route.url.replace(/\/$/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    const matcher = matchers.get(source) ?? {
      pattern: new RegExp(`^${source.replace(/:[^/]+/g, '[^/]+')}/?$`),
      params: (source.match(/:[^/]+/g) ?? []).length,
      methods: new Set<string>(),
    };
    for (const method of methods) matcher.methods.add(method.toUpperCase());
    matchers.set(source, matcher);
  });

  const allowedMethods = (url: string): string[] => {
    const path = url.split('?')[0] ?? '/';
    // The most specific paths only, as OpenAPI reads them: `/projects/import` is that path
    // (POST), not also `/projects/{projectId}` with the id "import".
    const matching = [...matchers.values()].filter(({ pattern }) => pattern.test(path));
    const fewest = Math.min(...matching.map((m) => m.params));
    const allowed = new Set<string>();
    for (const { params, methods } of matching) {
      if (params === fewest) for (const method of methods) allowed.add(method);
    }
    return [...allowed].sort();
  };

  const contract: HttpContract = {
    methodNotAllowed(method, url, reply) {
      const allowed = allowedMethods(url);
      if (allowed.length === 0) return false;
      void reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send(
          errorBody('METHOD_NOT_ALLOWED', `${method} is not supported here`, { allow: allowed }),
        );
      return true;
    },
  };

  // Before the body is read: a method with a body (QUERY) would otherwise be refused for its
  // missing Content-Type before the router's verdict is given.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404 && contract.methodNotAllowed(request.method, request.url, reply)) {
      return reply;
    }
  });

  // API answers carry personal data or a session's CSRF token: no cache, shared or private,
  // may keep them (issue 11, finding 12). The document and the web UI set their own policy.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/v1/') && !reply.hasHeader('cache-control')) {
      void reply.header('cache-control', 'no-store');
    }
    return payload;
  });

  return contract;
}
