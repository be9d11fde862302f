// WEB_CONCURRENCY workers behind one port (node:cluster). The primary migrates once before it
// forks (workers never migrate), holds the listening socket and hands connections to the workers
// in turn, replaces a worker that dies (backing off while they keep dying), serves the workers'
// metrics summed on METRICS_PORT, and on SIGTERM/SIGINT lets every worker drain before it exits.
// Each worker is the whole service of server.ts with its own pool, caches and change-feed poller,
// exactly as a separate replica would be: nothing that must hold across them lives in memory.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { pino } from 'pino';
import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';
import { openDatabase, waitForDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { loggerOptions } from './platform/logging.js';
import { startClusterMetrics } from './platform/metrics/cluster.js';

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

async function migrateOnce(config: Readonly<Config>, log: pino.Logger): Promise<void> {
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

async function runPrimary(config: Readonly<Config>): Promise<number> {
  const log = pino(loggerOptions(config.logLevel) as LoggerOptions);
  if (config.migrateOnStart) {
    try {
      await migrateOnce(config, log);
    } catch (error) {
      log.fatal({ err: (error as Error).message }, 'giving up on the database');
      return 1;
    }
  }
  const metrics = await startClusterMetrics(config);
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  const crashes: number[] = [];
  const pending = new Set<NodeJS.Timeout>();
  let stopping = false;

  cluster.on('online', () => metrics.workers.set(live().length));
  cluster.on('exit', (worker, code, signal) => {
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
  });
  for (let i = 0; i < config.webConcurrency; i++) cluster.fork();
  log.info({ workers: config.webConcurrency }, 'started the workers');

  return new Promise<number>((resolve) => {
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
}
