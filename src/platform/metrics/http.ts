// HTTP metrics: request duration by route template and the in-flight gauge, as Fastify hooks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { metricsOf, registry } from './registry.js';

/** Route label of requests that matched no route (404s): raw URLs would make cardinality unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Route label of a request: its route template, or 'unmatched'. Never the URL. */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/**
 * Adds the HTTP hooks (duration histogram by route template, in-flight gauge) to an instance. Call
 * it on the root instance before routes are registered so every route gets the hooks.
 */
export function registerMetrics(app: FastifyInstance, options: { registry?: Registry } = {}): void {
  const metrics = metricsOf(options.registry ?? registry);
  app.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done) => {
    metrics.inFlight.inc();
    // 'close' fires for finished and for aborted responses alike, so the gauge never leaks.
    reply.raw.once('close', () => metrics.inFlight.dec());
    done();
  });
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: routeLabel(request), status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
