// A real Prometheus server (Debian's `prometheus` package) for a test: a temporary configuration and
// data directory, a free port, and a small client for its HTTP API.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { eventually, freePort } from '../../support/process.js';

export interface ScrapeTarget {
  job: string;
  target: string;
  /** Target labels, as a ServiceMonitor would add them (namespace, pod …). */
  labels?: Record<string, string>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  url: string;
  /** The directory of its configuration (for file_sd files). */
  dir: string;
  child: ChildProcess;
  query(expr: string): Promise<PromSample[]>;
  /** Raw API answer of an instant query (to see parse errors). */
  queryRaw(expr: string): Promise<{ status: string; error?: string; errorType?: string }>;
  series(match: string): Promise<Record<string, string>[]>;
  /** Waits for the next completed scrape of every target. */
  nextScrape(): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(
  binary: string,
  options: {
    targets: ScrapeTarget[];
    ruleFiles?: string[];
    intervalSeconds?: number;
    /** Configuration directory to use (file_sd files can be put there first). */
    dir?: string;
    /** Raw scrape_configs used as they are, after the `targets` ones. */
    scrapeConfigs?: object[];
  },
): Promise<Prometheus> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'prometheus-test-'));
  const interval = `${options.intervalSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: [
      ...options.targets.map((t) => ({
        job_name: t.job,
        static_configs: [{ targets: [t.target], labels: t.labels ?? {} }],
      })),
      ...(options.scrapeConfigs ?? []),
    ],
  };
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  child.stdout.on('data', (c: Buffer) => (logs += c.toString()));
  child.stderr.on('data', (c: Buffer) => (logs += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const api = async <T>(
    pathAndQuery: string,
  ): Promise<{ status: string; data: T; error?: string; errorType?: string }> => {
    const response = await fetch(`${url}${pathAndQuery}`);
    return (await response.json()) as {
      status: string;
      data: T;
      error?: string;
      errorType?: string;
    };
  };
  const prometheus: Prometheus = {
    url,
    dir,
    child,
    logs: () => logs,
    async queryRaw(expr) {
      return api(`/api/v1/query?query=${encodeURIComponent(expr)}`);
    },
    async query(expr) {
      const answer = await api<{ resultType: string; result: PromSample[] }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      if (answer.status !== 'success')
        throw new Error(`${expr}: ${answer.errorType} ${answer.error}`);
      return answer.data.result;
    },
    async series(match) {
      const answer = await api<Record<string, string>[]>(
        `/api/v1/series?match[]=${encodeURIComponent(match)}`,
      );
      if (answer.status !== 'success') throw new Error(`${match}: ${answer.error}`);
      return answer.data;
    },
    async nextScrape() {
      const since = Date.now() / 1000;
      await eventually(async () => {
        const targets = await api<{
          activeTargets: {
            health: string;
            lastScrape: string;
            lastError: string;
            scrapePool: string;
          }[];
        }>('/api/v1/targets');
        const active = targets.data.activeTargets;
        if (active.length !== options.targets.length) throw new Error('targets not loaded yet');
        for (const t of active) {
          if (Date.parse(t.lastScrape) / 1000 <= since)
            throw new Error(`${t.scrapePool} not scraped since`);
          if (t.health !== 'up') throw new Error(`${t.scrapePool}: ${t.health} ${t.lastError}`);
        }
      }, 30_000);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${logs}`);
      const response = await fetch(`${url}/-/ready`);
      if (!response.ok) throw new Error(`not ready: ${response.status}`);
    }, 30_000);
  } catch (error) {
    await prometheus.stop();
    throw error;
  }
  return prometheus;
}
