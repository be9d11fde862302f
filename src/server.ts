// The running service: open the database (waiting for it), migrate where allowed, listen, and
// shut down gracefully on SIGTERM/SIGINT. Shared by `npm start` (main.ts) and `taskmanager serve`,
// through cluster.ts, which runs it in this process or in each of WEB_CONCURRENCY workers.
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import type { App } from './app.js';
import type { Config } from './config.js';
import { openDatabase, waitForDatabase } from './db/database.js';
import type { DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { ReadRouting } from './db/read-routing.js';
import { Lifecycle } from './platform/health.js';
import { answerPrimaryForMetrics } from './platform/metrics/cluster.js';
import { primaryMigrated } from './platform/schema-handshake.js';
import {
  queryObserverFor,
  recordMigrationState,
  recordReplicaFallback,
} from './platform/metrics/database.js';
import { startServiceMetrics } from './platform/metrics/service.js';
import { shutdownTracing } from './platform/tracing/sdk.js';

export interface RunningServer {
  app: App;
  url: string;
  database: DatabaseHandle;
  /** Graceful stop: readiness fails, in-flight requests finish, the pool closes. */
  stop(): Promise<void>;
  /** Resolves when start-up reached the database (rejects if it gave up). */
  ready: Promise<void>;
}

export async function startServer(config: Readonly<Config>): Promise<RunningServer> {
  // A worker of WEB_CONCURRENCY: its primary migrates, and serves the metrics of all (cluster.ts).
  const inWorker = cluster.isWorker;
  if (inWorker) answerPrimaryForMetrics();
  const lifecycle = new Lifecycle();
  const database = openDatabase(config.database, { log: queryObserverFor(config.database) });
  // A replica that does not answer quickly is read around (db/read-routing.ts), not waited for.
  const readDatabase = config.readDatabase
    ? openDatabase(config.readDatabase, {
        log: queryObserverFor(config.readDatabase, 'replica'),
        connectTimeoutMs: 1_000,
      })
    : undefined;
  const reads = new ReadRouting(database.db, readDatabase?.db, {
    onFallback: recordReplicaFallback,
  });
  const app = await buildApp({ config, database, reads, lifecycle });

  // Listen first, so that liveness answers while the database is still on its way; readiness
  // stays 503 until it is reachable (and migrated, where this process migrates).
  await app.listen({ port: config.port, host: config.host });
  const metricsServer = await startServiceMetrics(
    config,
    { primary: database, replica: readDatabase },
    { listen: !inWorker },
  );
  const address = app.server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`;

  const abort = new AbortController();
  const ready = (async () => {
    await waitForDatabase(database.db, {
      timeoutSeconds: config.dbConnectTimeoutSeconds,
      signal: abort.signal,
      onRetry: (attempt, delayMs, error) =>
        app.log.warn(
          { attempt, retryInMs: delayMs, err: (error as Error).message },
          'database not reachable yet, retrying',
        ),
    });
    if (inWorker) await primaryMigrated();
    else if (config.migrateOnStart) {
      const applied = await migrateToLatest(database.db);
      if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
    }
    await recordMigrationState(database.db);
    app.changes.start();
    app.webhookWorker.start();
    app.notificationMailer?.start();
    app.dueReminders.start();
    app.attachmentSweeper?.start();
    reads.start();
    lifecycle.databaseReady = true;
    // What no request compiled yet, between requests (platform/compile-on-demand.ts).
    app.compilers.compileRest().then(
      (compiled) => app.log.debug({ compiled }, 'request and response schemas compiled'),
      (error: unknown) =>
        app.log.error({ err: error }, 'a request or response schema failed to compile'),
    );
  })();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      lifecycle.draining = true;
      abort.abort();
      await app.close();
      await reads.stop();
      await database.close();
      await readDatabase?.close();
      await metricsServer?.close();
      await shutdownTracing();
    })());

  return { app, url, database, stop, ready };
}

/** Runs until SIGTERM/SIGINT; exits 0 after a graceful stop, 1 if the grace period ran out. */
export async function runUntilSignal(config: Readonly<Config>): Promise<number> {
  const server = await startServer(config);
  const log = server.app.log;
  const done = new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      // Ctrl-C reaches a worker twice: from the terminal and from its primary.
      if (signalled) return;
      signalled = true;
      log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down');
      const timer = setTimeout(() => {
        log.error('grace period over with requests still in flight; exiting');
        resolve(1);
      }, config.shutdownGraceSeconds * 1000);
      timer.unref();
      server.stop().then(
        () => {
          clearTimeout(timer);
          log.info('stopped');
          resolve(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'error while stopping');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });

  server.ready.then(
    () => log.info(`CloudEdu TaskManager is ready at ${server.url}`),
    (error: unknown) => {
      log.fatal({ err: (error as Error).message }, 'giving up on the database');
      void server.stop().finally(() => process.exit(1));
    },
  );
  // The one line a person starting it looks for, whatever the log level.
  console.log(`CloudEdu TaskManager listening on ${server.url}`);
  return done;
}
