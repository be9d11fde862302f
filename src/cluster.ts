// WEB_CONCURRENCY workers behind one port (node:cluster). The primary forks the workers at once
// and migrates while they load (workers never migrate; each becomes ready only when the primary
// says the schema is current), holds the listening socket and hands connections to the workers
// in turn, replaces a worker that dies (backing off while they keep dying), serves the workers'
// metrics summed on METRICS_PORT, and on SIGTERM/SIGINT lets every worker drain before it exits.
// Each worker is the whole service of server.ts with its own pool, caches and change-feed poller,
// exactly as a separate replica would be: nothing that must hold across them lives in memory.
// Only node:cluster and the schema handshake load before the workers are forked: the primary's
// own modules (logger, database, migrations, metrics) load while the workers start.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Logger, LoggerOptions } from 'pino';
import type { Config } from './config.js';
import { SCHEMA_ANSWER, SCHEMA_QUESTION } from './platform/schema-handshake.js';

/** Unexpected exits this close together count towards the back-off. */
const CRASH_WINDOW_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** Past the workers' own grace period, the primary kills what still runs. */
const KILL_MARGIN_MS = 5_000;

/**
 * Runs the service until SIGTERM/SIGINT: in this process, or with WEB_CONCURRENCY > 1 as the
 * primary of that many workers. Resolves with the exit code.
 */
export async function runService(config: Readonly<Config>): Promise<number> {
  if (config.webConcurrency > 1 && cluster.isPrimary) return runPrimary(config);
  // Loaded only here: the primary never needs the app.
  const { runUntilSignal } = await import('./server.js');
  return runUntilSignal(config);
}

/**
 * How long to wait before replacing a worker, given the times workers died unexpectedly: the
 * first at once, then 1 s, 2 s, 4 s … up to 30 s while deaths keep coming within a minute.
 */
export function restartDelayMs(exits: readonly number[], now: number): number {
  const recent = exits.filter((at) => now - at < CRASH_WINDOW_MS).length;
  return recent <= 1 ? 0 : Math.min(1000 * 2 ** (recent - 2), MAX_RESTART_DELAY_MS);
}

async function migrateOnce(config: Readonly<Config>, log: Logger): Promise<void> {
  const [{ openDatabase, waitForDatabase }, { migrateToLatest }] = await Promise.all([
    import('./db/database.js'),
    import('./db/migrate.js'),
  ]);
  const database = openDatabase(config.database);
  try {
    await waitForDatabase(database.db, {
      timeoutSeconds: config.dbConnectTimeoutSeconds,
      onRetry: (attempt, delayMs, error) =>
        log.warn(
          { attempt, retryInMs: delayMs, err: (error as Error).message },
          'database not reachable yet, retrying',
        ),
    });
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  } finally {
    await database.close();
  }
}

type ExitArgs = [worker: Worker, code: number | null, signal: string | null];

async function runPrimary(config: Readonly<Config>): Promise<number> {
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  // Workers load the app (most of a start) while the primary loads its modules and migrates;
  // they wait for the answer to SCHEMA_QUESTION before they report ready.
  let schemaCurrent = !config.migrateOnStart;
  const asking = new Set<Worker>();
  cluster.on('message', (worker, message) => {
    if (message !== SCHEMA_QUESTION) return;
    if (schemaCurrent) worker.send(SCHEMA_ANSWER);
    else asking.add(worker);
  });
  // A worker that dies before the primary is set up is replaced once it is.
  const early: ExitArgs[] = [];
  const exitedEarly = (...args: ExitArgs) => early.push(args);
  cluster.on('exit', exitedEarly);
  for (let i = 0; i < config.webConcurrency; i++) cluster.fork();

  const [{ pino }, { loggerOptions }, { startClusterMetrics }] = await Promise.all([
    import('pino'),
    import('./platform/logging.js'),
    import('./platform/metrics/cluster.js'),
  ]);
  const log = pino(loggerOptions(config.logLevel) as LoggerOptions);
  log.info({ workers: config.webConcurrency }, 'started the workers');
  const metrics = await startClusterMetrics(config);
  const crashes: number[] = [];
  const pending = new Set<NodeJS.Timeout>();
  let stopping = false;

  const onExit = (...[worker, code, signal]: ExitArgs) => {
    asking.delete(worker);
    metrics.workers.set(live().length);
    if (stopping) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && now - crashes[0]! >= CRASH_WINDOW_MS) crashes.shift();
    metrics.restarts.inc();
    const delay = restartDelayMs(crashes, now);
    log.error(
      { worker: worker.process.pid, code, signal, restartInMs: delay },
      'worker exited; starting a replacement',
    );
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!stopping) cluster.fork();
    }, delay);
    pending.add(timer);
  };
  cluster.off('exit', exitedEarly);
  cluster.on('exit', onExit);
  for (const args of early) onExit(...args);
  cluster.on('online', () => metrics.workers.set(live().length));
  metrics.workers.set(live().length);

  const stopped = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      for (const timer of pending) clearTimeout(timer);
      const workers = live();
      log.info({ signal, workers: workers.length }, 'shutting down: every worker drains');
      let failed = false;
      const exited = workers.map(
        (worker) =>
          new Promise<void>((done) => {
            if (worker.isDead()) return done();
            worker.once('exit', (code: number | null, exitSignal: string | null) => {
              // Killed by our SIGTERM before it could handle it: it was not serving yet.
              if (code !== 0 && exitSignal !== 'SIGTERM') failed = true;
              done();
            });
          }),
      );
      // Each worker drains on SIGTERM within SHUTDOWN_GRACE_SECONDS and exits 0 (1 past it).
      for (const worker of workers) worker.process.kill('SIGTERM');
      const backstop = setTimeout(
        () => {
          log.error('workers still running past the grace period; killing them');
          failed = true;
          for (const worker of live()) worker.process.kill('SIGKILL');
        },
        config.shutdownGraceSeconds * 1000 + KILL_MARGIN_MS,
      );
      void Promise.all(exited)
        .then(() => metrics.server.close())
        .finally(() => {
          clearTimeout(backstop);
          log.info('stopped');
          resolve(failed ? 1 : 0);
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });

  if (!schemaCurrent) {
    const migrated = await Promise.race([
      migrateOnce(config, log).then(
        () => true,
        (error: unknown) => {
          log.fatal({ err: (error as Error).message }, 'giving up on the database');
          return false;
        },
      ),
      // A signal during the migration: the workers are stopping already.
      stopped.then(() => true),
    ]);
    if (!migrated) {
      stopping = true;
      for (const timer of pending) clearTimeout(timer);
      // None of them reported ready: there is nothing to drain.
      await Promise.all(
        live().map(
          (worker) =>
            new Promise<void>((done) => {
              if (worker.isDead()) return done();
              worker.once('exit', () => done());
              worker.process.kill('SIGKILL');
            }),
        ),
      );
      await metrics.server.close();
      return 1;
    }
    schemaCurrent = true;
    for (const worker of asking) if (worker.isConnected()) worker.send(SCHEMA_ANSWER);
    asking.clear();
  }
  return stopped;
}
