// Liveness says "the process can serve" and never depends on the database (a database outage
// must not restart every pod). Readiness says "send me traffic": the database answers and we
// are not draining for shutdown.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../db/database.js';
import { ping } from '../db/database.js';

export class Lifecycle {
  /** Set once start-up reached the database (and migrated, where it migrates). */
  databaseReady = false;
  /** Set at SIGTERM: readiness fails at once so that load balancers stop sending traffic. */
  draining = false;
}

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export function registerHealth(app: FastifyInstance, db: Db, lifecycle: Lifecycle): void {
  const schema = (summary: string) => ({
    tags: ['health'],
    summary,
    // Probes and load balancers call these without credentials.
    security: [],
    response: { 200: Health, 503: Health },
  });

  app.get(
    '/livez',
    { schema: schema('Liveness: the process serves'), logLevel: 'warn' },
    async () => ({
      status: 'ok' as const,
    }),
  );

  app.get(
    '/readyz',
    { schema: schema('Readiness: the database answers and we are not draining'), logLevel: 'warn' },
    async (request, reply) => {
      if (lifecycle.draining) {
        return reply.status(503).send({ status: 'unavailable', checks: { shutdown: 'draining' } });
      }
      if (!lifecycle.databaseReady) {
        return reply.status(503).send({ status: 'unavailable', checks: { database: 'starting' } });
      }
      try {
        await ping(db, 1_000);
        return { status: 'ok', checks: { database: 'ok' } };
      } catch (error) {
        // Public endpoint: the driver's text (hosts, users, versions) goes to the log only.
        request.log.warn({ err: error }, 'readiness: database check failed');
        return reply
          .status(503)
          .send({ status: 'unavailable', checks: { database: 'unavailable' } });
      }
    },
  );
}
