// What a run records: the machine and software it ran on, one row per scenario, data set and
// database, the floor comparison, EXPLAIN of the list queries, and the targets of issue 6 with
// each one met or its gap. Targets are read, never asserted: a missed one does not fail the run.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Explained } from './data.js';
import type { LoadResult } from './load.js';
import type { ServerView } from './metrics.js';
import type { DbKind } from './options.js';

export interface ScenarioResult {
  scenario: string;
  kind: 'read' | 'write' | 'mixed';
  db: DbKind;
  size: number;
  saturate: LoadResult;
  rate: LoadResult | undefined;
  /** Peak RSS of the service during both runs of the scenario, in MB. */
  rssPeakMb: number | undefined;
  /** One-minute load average of the machine before the scenario. */
  load1: number;
  /** The service's own metrics over both runs of the scenario. */
  server: ServerView | undefined;
}

export interface FloorComparison {
  /** Throughput of the list scenario, alternating service and floor runs. */
  serviceReqPerSec: number[];
  floorReqPerSec: number[];
  serviceCpuMsPerRequest: (number | null)[];
  floorCpuMsPerRequest: (number | null)[];
  floorRssPeakMb: number | undefined;
  /** Median over the pairs of service req/s / floor req/s. */
  ratio: number;
  /** Median over the pairs of floor CPU ms per request / service CPU ms per request. */
  cpuRatio: number;
  /** The four-query floor (the service's queries before issue 12), alternated the same way. */
  floor4ReqPerSec: number[];
  floor4CpuMsPerRequest: (number | null)[];
  ratio4: number;
  cpuRatio4: number;
  sameSql: boolean;
  sameJson: boolean;
  differences: string[];
}

export interface DataSetResult {
  db: DbKind;
  size: number;
  projects: number;
  users: number;
  projectTasks: number;
  deepOffset: number;
  seedSeconds: number | null;
  reusedData: boolean;
  startToReadyMs: number[];
  scenarios: ScenarioResult[];
  floor: FloorComparison | undefined;
  explain: Explained[];
}

export interface Target {
  target: string;
  scope: string;
  value: number | null;
  limit: number;
  unit: string;
  met: boolean;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function environment() {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain', '--', 'src', 'bench']) !== '',
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
};

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The targets of issue 6, evaluated on what the run measured. */
export function evaluateTargets(sets: DataSetResult[]): Target[] {
  const targets: Target[] = [];
  for (const set of sets) {
    const scope = `${set.db} ${set.size.toLocaleString('en-US')}`;
    if (set.floor) {
      targets.push({
        target: 'list throughput / floor',
        scope,
        value: round(set.floor.ratio),
        limit: 1,
        unit: '×',
        met: set.floor.ratio >= 1,
      });
      if (Number.isFinite(set.floor.cpuRatio))
        targets.push({
          target: 'list CPU per request, floor / service',
          scope,
          value: round(set.floor.cpuRatio),
          limit: 1,
          unit: '×',
          met: set.floor.cpuRatio >= 1,
        });
    }
    if (set.db === 'mysql') {
      for (const result of set.scenarios) {
        if (!result.rate || result.kind === 'mixed') continue;
        const limit = result.kind === 'read' ? 25 : 50;
        targets.push({
          target: `p99 at half rate, ${result.scenario}`,
          scope,
          value: result.rate.p99,
          limit,
          unit: 'ms',
          met: result.rate.p99 <= limit,
        });
      }
    }
    const mixed = set.scenarios.find((s) => s.scenario === 'mixed');
    if (mixed?.rssPeakMb !== undefined) {
      targets.push({
        target: 'service RSS peak, mixed load',
        scope,
        value: mixed.rssPeakMb,
        limit: 150,
        unit: 'MB',
        met: mixed.rssPeakMb <= 150,
      });
    }
    if (set.db === 'sqlite' && set.startToReadyMs.length > 0) {
      const value = Math.round(median(set.startToReadyMs));
      targets.push({
        target: 'start-to-ready (median)',
        scope,
        value,
        limit: 1500,
        unit: 'ms',
        met: value <= 1500,
      });
    }
    const errors = set.scenarios.reduce(
      (sum, s) => sum + s.saturate.errors + (s.rate?.errors ?? 0),
      0,
    );
    targets.push({
      target: 'errors, all scenarios',
      scope,
      value: errors,
      limit: 0,
      unit: '',
      met: errors === 0,
    });
  }
  // Page cost flat with size: the largest data set against the smallest, per database.
  for (const db of ['sqlite', 'mysql'] as const) {
    const ofDb = sets.filter((s) => s.db === db).sort((a, b) => a.size - b.size);
    const small = ofDb[0];
    const large = ofDb[ofDb.length - 1];
    if (!small || !large || small === large) continue;
    for (const scenario of ['list', 'deep-page']) {
      const latency = (set: DataSetResult) => {
        const result = set.scenarios.find((s) => s.scenario === scenario);
        return result?.rate?.p50 ?? result?.saturate.p50;
      };
      const a = latency(small);
      const b = latency(large);
      if (a === undefined || b === undefined || a <= 0) continue;
      targets.push({
        target: `${scenario} p50 latency, ${large.size.toLocaleString('en-US')} vs ${small.size.toLocaleString('en-US')} tasks`,
        scope: db,
        value: round(b / a),
        limit: 1.5,
        unit: '×',
        met: b / a <= 1.5,
      });
    }
  }
  return targets;
}

const pad = (text: string, width: number, right = false) =>
  right ? text.padStart(width) : text.padEnd(width);

export function formatTable(results: ScenarioResult[]): string {
  const header = [
    ['db', 6],
    ['tasks', 9],
    ['scenario', 19],
    ['req/s', 7],
    ['p50', 7],
    ['p95', 7],
    ['p99', 7],
    ['@rate', 6],
    ['p50', 7],
    ['p95', 7],
    ['p99', 7],
    ['errors', 6],
    ['cpu/req', 7],
    ['RSS MB', 7],
    ['load', 5],
  ] as const;
  const lines = [
    header.map(([name, width], i) => pad(name, width, i > 2)).join(' '),
    '                                    ---- saturating (ms) ------  ---- half rate (ms) ----------',
  ];
  for (const r of results) {
    const cells = [
      r.db,
      r.size.toLocaleString('en-US'),
      r.scenario,
      String(r.saturate.reqPerSec),
      r.saturate.p50.toFixed(1),
      r.saturate.p95.toFixed(1),
      r.saturate.p99.toFixed(1),
      r.rate ? String(r.rate.targetRate) : '-',
      r.rate ? r.rate.p50.toFixed(1) : '-',
      r.rate ? r.rate.p95.toFixed(1) : '-',
      r.rate ? r.rate.p99.toFixed(1) : '-',
      String(r.saturate.errors + (r.rate?.errors ?? 0)),
      r.saturate.cpuMsPerRequest?.server?.toFixed(2) ?? '-',
      r.rssPeakMb === undefined ? '-' : r.rssPeakMb.toFixed(0),
      r.load1.toFixed(1),
    ];
    lines.push(cells.map((cell, i) => pad(cell, header[i]![1], i > 2)).join(' '));
  }
  return lines.join('\n');
}

export function formatTargets(targets: Target[]): string {
  return targets
    .map(
      (t) =>
        `${t.met ? 'met ' : 'GAP '} ${pad(t.target, 52)} ${pad(t.scope, 16)} ${pad(
          `${t.value ?? '-'}${t.unit === '×' ? '×' : ` ${t.unit}`}`.trim(),
          10,
          true,
        )}  (target ${t.unit === '' ? '=' : /floor/.test(t.target) ? '≥' : '≤'} ${t.limit}${t.unit === '×' ? '×' : ` ${t.unit}`})`,
    )
    .join('\n');
}
