// `npm run bench`: seeds each data set with `taskmanager seed`, starts the built service on a free
// port (production mode, logs at warn), warms up, then runs every scenario at fixed concurrency
// (throughput) and at half that rate (latency below saturation), compares the list scenario with
// the floor, and writes a table to stdout and a results file under bench/results/.
// Exit status: 1 when a scenario had errors or a process failed; never for a missed target.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import {
  explainListQueries,
  loadFixtures,
  openDirect,
  prepareDataSet,
  SEARCH_TERM,
} from './lib/data.js';
import type { DataSet, Fixtures } from './lib/data.js';
import { paced, saturate } from './lib/load.js';
import { scrape, serverView } from './lib/metrics.js';
import type { LoadResult } from './lib/load.js';
import { parseOptions } from './lib/options.js';
import type { DbKind, Options } from './lib/options.js';
import { cpuSeconds, databaseServerPid, freePort, startServer } from './lib/processes.js';
import type { Server } from './lib/processes.js';
import { environment, evaluateTargets, formatTable, formatTargets } from './lib/report.js';
import type { DataSetResult, FloorComparison, ScenarioResult } from './lib/report.js';
import { buildScenarios } from './lib/scenarios.js';
import type { Scenario } from './lib/scenarios.js';

const root = path.resolve(import.meta.dirname, '..');
const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}\n`);

function ensureBuilt(options: Options): string {
  const dist = path.resolve(root, options.dist ?? 'dist/server');
  if (!existsSync(path.join(dist, 'main.js'))) {
    log(`building the service into ${path.relative(root, dist)}`);
    execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        dist,
      ],
      { cwd: root, stdio: 'inherit' },
    );
  }
  return dist;
}

/** Median, rounded to 3 decimals; NaN for no values. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length / 2;
  const value =
    sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 1000) / 1000;
}

async function getJson(url: string, token: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return response.json();
}

interface RunContext {
  options: Options;
  dist: string;
  failures: string[];
  /** Where CPU profiles of the current data set go (--cpu-prof). */
  profileDir?: string;
}

async function startService(set: DataSet, context: RunContext, profileDir?: string) {
  const port = await freePort();
  const metricsPort = await freePort();
  const nodeArgs = [
    ...context.options.nodeOptions,
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
  ];
  const server = await startServer({
    name: 'service',
    command: process.execPath,
    args: [...nodeArgs, path.join(context.dist, 'main.js')],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: set.databaseUrl,
      LOG_LEVEL: 'warn',
      METRICS_PORT: String(metricsPort),
      MIGRATE_ON_START: 'true',
      WEB_CONCURRENCY: String(context.options.workers),
      NODE_OPTIONS: context.options.imageNodeOptions,
    },
    port,
    readyPath: '/readyz',
    timeoutMs: 60_000,
  });
  return { ...server, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** The floor (floor/server.ts): `two` queries a list, or `four` as the service before issue 12. */
async function startFloor(
  set: DataSet,
  profileDir: string | undefined,
  queries: 'two' | 'four',
  nodeOptions: string,
) {
  const port = await freePort();
  const name = queries === 'two' ? 'floor' : 'floor4';
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(profileDir, name)] : [];
  return startServer({
    name,
    command: process.execPath,
    args: [...nodeArgs, '--import', 'tsx', path.join(root, 'bench/floor/server.ts')],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: set.databaseUrl,
      FLOOR_QUERIES: queries,
      // The service's V8 settings (the image's NODE_OPTIONS): the ratio compares code, not flags.
      NODE_OPTIONS: nodeOptions,
    },
    port,
    readyPath: '/readyz',
    timeoutMs: 30_000,
  });
}

/** Runs `load`, adding the CPU time per successful request of the server (and of MySQL). */
async function measured(
  pid: number,
  db: DbKind,
  load: () => Promise<LoadResult>,
): Promise<LoadResult> {
  const databasePid = db === 'mysql' ? databaseServerPid() : undefined;
  const before = [cpuSeconds(pid), databasePid && cpuSeconds(databasePid)];
  const result = await load();
  const after = [cpuSeconds(pid), databasePid && cpuSeconds(databasePid)];
  const ok = Math.max(1, Math.round(result.reqPerSec * result.seconds));
  const perRequest = (i: number) => {
    const [a, b] = [before[i], after[i]];
    return a && b ? Math.round(((b - a) * 1000 * 1000) / ok) / 1000 : undefined;
  };
  return { ...result, cpuMsPerRequest: { server: perRequest(0), database: perRequest(1) } };
}

async function runScenario(
  server: Server & { metricsUrl: string },
  scenario: Scenario,
  set: DataSet,
  options: Options,
): Promise<ScenarioResult> {
  const load1 = Math.round(os.loadavg()[0]! * 100) / 100;
  const metricsBefore = await scrape(server.metricsUrl);
  server.startRssWindow();
  const sat = await measured(server.pid, set.db, () =>
    saturate(server.baseUrl, scenario, options.connections, options.duration),
  );
  let rate: LoadResult | undefined;
  if (options.rateDuration > 0 && sat.reqPerSec > 0) {
    rate = await paced(
      server.baseUrl,
      scenario,
      Math.max(1, sat.reqPerSec / 2),
      options.rateDuration,
    );
  }
  const result: ScenarioResult = {
    scenario: scenario.name,
    kind: scenario.kind,
    db: set.db,
    size: set.size,
    saturate: sat,
    rate,
    rssPeakMb: server.endRssWindow(),
    load1,
    server: serverView(metricsBefore, await scrape(server.metricsUrl)),
  };
  const errors = sat.errors + (rate?.errors ?? 0);
  log(
    `${set.db} ${set.size} ${scenario.name}: ${sat.reqPerSec} req/s, p99 ${sat.p99} ms` +
      (rate ? `; at ${rate.targetRate}/s p99 ${rate.p99} ms` : '') +
      (errors
        ? `; ${errors} errors ${JSON.stringify({ ...sat.statusCodes, ...rate?.statusCodes })}`
        : ''),
  );
  return result;
}

async function compareWithFloor(
  service: Server,
  set: DataSet,
  fixtures: Fixtures,
  listScenario: Scenario,
  first: ScenarioResult,
  context: RunContext,
): Promise<FloorComparison> {
  // The floors' SQL is frozen (floor/queries.ts); identical JSON is what keeps them honest.
  const differences: string[] = [];
  const sameSql = true;
  const nodeOptions = context.options.imageNodeOptions;
  const floor = await startFloor(set, context.profileDir, 'two', nodeOptions);
  const floor4 = await startFloor(set, context.profileDir, 'four', nodeOptions);
  try {
    let sameJson = true;
    for (const query of ['limit=50', `limit=50&cursor=${fixtures.deepCursors[0]}`]) {
      const tasksPath = `/api/v1/projects/${set.projectId}/tasks?${query}`;
      const ours = await getJson(service.baseUrl + tasksPath, set.token);
      for (const other of [floor, floor4]) {
        const theirs = await getJson(other.baseUrl + tasksPath, set.token);
        if (!isDeepStrictEqual(ours, theirs)) {
          sameJson = false;
          differences.push(
            `JSON of ?${query.slice(0, 30)} differs between the service and the ${other === floor ? 'floor' : 'four-query floor'}`,
          );
        }
      }
    }
    const { options } = context;
    const serviceRuns = [first.saturate];
    const floorRuns: LoadResult[] = [];
    const floor4Runs: LoadResult[] = [];
    floor.startRssWindow();
    const floorScenario: Scenario = { ...listScenario, name: 'floor list' };
    const floor4Scenario: Scenario = { ...listScenario, name: 'four-query floor list' };
    // Each floor gets a warm-up of its own, as the service had.
    await saturate(floor.baseUrl, listScenario, options.connections, options.warmup);
    await saturate(floor4.baseUrl, listScenario, options.connections, options.warmup);
    const run = (server: Server, scenario: Scenario) =>
      measured(server.pid, set.db, () =>
        saturate(server.baseUrl, scenario, options.connections, options.duration),
      );
    // Alternate the three so that a change in the machine's load hits all alike; each figure is
    // the median over the rounds.
    const rounds = options.quick ? 1 : 4;
    for (let round = 0; round < rounds; round++) {
      if (round > 0) serviceRuns.push(await run(service, listScenario));
      for (const [server, scenario, runs] of [
        [floor, floorScenario, floorRuns],
        [floor4, floor4Scenario, floor4Runs],
      ] as const) {
        const result = await run(server, scenario);
        if (result.errors > 0)
          context.failures.push(`${scenario.name} on ${set.db}: ${result.errors} errors`);
        runs.push(result);
      }
    }
    const pairs = (
      runs: LoadResult[],
      pick: (service: LoadResult, floor: LoadResult) => number | undefined,
    ) =>
      median(
        serviceRuns
          .map((s, i) => pick(s, runs[i]!))
          .filter((v): v is number => v !== undefined && Number.isFinite(v)),
      );
    const throughput = (s: LoadResult, f: LoadResult) => s.reqPerSec / Math.max(1, f.reqPerSec);
    // CPU per request of the floor over the service's: the throughput ratio that a CPU-bound
    // process would reach on an otherwise idle machine.
    const cpu = (s: LoadResult, f: LoadResult) => {
      const ours = s.cpuMsPerRequest?.server;
      const theirs = f.cpuMsPerRequest?.server;
      return ours && theirs ? theirs / ours : undefined;
    };
    const ratio = pairs(floorRuns, throughput);
    const cpuRatio = pairs(floorRuns, cpu);
    const ratio4 = pairs(floor4Runs, throughput);
    const cpuRatio4 = pairs(floor4Runs, cpu);
    log(
      `${set.db} ${set.size} floor: ${floorRuns.map((r) => r.reqPerSec).join(', ')} req/s; ` +
        `four-query floor: ${floor4Runs.map((r) => r.reqPerSec).join(', ')}; ` +
        `service ${serviceRuns.map((r) => r.reqPerSec).join(', ')}; ratio ${ratio}, by CPU ${cpuRatio}; ` +
        `to the four-query floor ${ratio4}, by CPU ${cpuRatio4}`,
    );
    for (const difference of differences) log(`WARNING ${difference}`);
    return {
      serviceReqPerSec: serviceRuns.map((r) => r.reqPerSec),
      floorReqPerSec: floorRuns.map((r) => r.reqPerSec),
      serviceCpuMsPerRequest: serviceRuns.map((r) => r.cpuMsPerRequest?.server ?? null),
      floorCpuMsPerRequest: floorRuns.map((r) => r.cpuMsPerRequest?.server ?? null),
      floorRssPeakMb: floor.endRssWindow(),
      ratio,
      cpuRatio,
      floor4ReqPerSec: floor4Runs.map((r) => r.reqPerSec),
      floor4CpuMsPerRequest: floor4Runs.map((r) => r.cpuMsPerRequest?.server ?? null),
      ratio4,
      cpuRatio4,
      sameSql,
      sameJson,
      differences,
    };
  } finally {
    await floor.stop();
    await floor4.stop();
  }
}

async function runDataSet(db: DbKind, size: number, context: RunContext): Promise<DataSetResult> {
  const { options } = context;
  const set = await prepareDataSet(db, size, {
    cli: path.join(context.dist, 'cli/index.js'),
    mysqlUrl: options.mysqlUrl,
    reuse: options.reuseData,
    log,
  });
  const fixtures = await loadFixtures(set);
  const explain = await explainListQueries(set, fixtures);
  log(
    `${db} ${size}: project of ${set.projectTasks} tasks, deep page at row ${fixtures.deepOffset}`,
  );

  // Start-to-ready of a cold process, a few times (the first start also migrates nothing new).
  const startToReadyMs: number[] = [];
  for (let i = 0; i < (options.quick ? 1 : 3); i++) {
    const probe = await startService(set, context);
    startToReadyMs.push(Math.round(probe.startToReadyMs));
    await probe.stop();
  }

  const profileDir = options.cpuProf
    ? path.join(root, 'bench/results/tmp', `prof-${db}-${size}`)
    : undefined;
  context.profileDir = profileDir;
  const service = await startService(set, context, profileDir);
  startToReadyMs.push(Math.round(service.startToReadyMs));
  const scenarios: ScenarioResult[] = [];
  let floor: FloorComparison | undefined;
  try {
    const all = buildScenarios(set.token, set.projectId, fixtures);
    const byName = new Map(all.map((s) => [s.name, s]));
    const warm = await saturate(
      service.baseUrl,
      byName.get('warmup')!,
      options.connections,
      options.warmup,
    );
    if (warm.errors > 0)
      context.failures.push(
        `${db} ${size} warm-up: ${warm.errors} errors ${JSON.stringify(warm.statusCodes)}`,
      );
    const wanted = all.filter(
      (s) => s.name !== 'warmup' && (!options.scenarios || options.scenarios.includes(s.name)),
    );
    service.takeErrorLog();
    for (const scenario of wanted) {
      // The list is compared with the floors, and each floor gets a list warm-up of its own
      // (compareWithFloor): so does the service, or its first round would carry the switch from
      // the mixed warm-up (MariaDB's first list round was the slowest in every earlier run).
      if (scenario.name === 'list')
        await saturate(service.baseUrl, scenario, options.connections, options.warmup);
      const result = await runScenario(service, scenario, set, options);
      scenarios.push(result);
      const errors = result.saturate.errors + (result.rate?.errors ?? 0);
      const logged = service.takeErrorLog();
      if (errors > 0)
        context.failures.push(
          `${db} ${size} ${scenario.name}: ${errors} errors ${JSON.stringify({
            ...result.saturate.statusCodes,
            ...result.rate?.statusCodes,
          })}${logged.map((line) => `\n  service log: ${line}`).join('')}`,
        );
      // The floor runs right after the service's list scenario, before any write changes the data.
      if (scenario.name === 'list')
        floor = await compareWithFloor(service, set, fixtures, scenario, result, context);
    }
  } finally {
    await service.stop();
  }
  if (service.stderrTail().trim()) log(`service stderr:\n${service.stderrTail().trim()}`);
  return {
    db,
    size,
    projects: set.projects,
    users: set.users,
    projectTasks: set.projectTasks,
    deepOffset: fixtures.deepOffset,
    seedSeconds: set.seedSeconds,
    reusedData: set.reused,
    startToReadyMs,
    scenarios,
    floor,
    explain,
  };
}

async function databaseVersions(options: Options) {
  const versions: Record<string, unknown> = {
    sqlite: new Sqlite(':memory:').prepare('select sqlite_version() as v').get(),
  };
  if (options.databases.includes('mysql')) {
    const direct = await openDirect('mysql', options.mysqlUrl.replace(/\/[^/]*$/, '/'));
    try {
      const [row] = await direct.all(
        'select version() as version, @@innodb_buffer_pool_size as bufferPool, @@max_connections as maxConnections',
        [],
      );
      versions.mysql = row;
    } finally {
      await direct.close();
    }
  }
  return versions;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return 0;
  const dist = ensureBuilt(options);
  const context: RunContext = { options, dist, failures: [] };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  // Smoke runs go to the ignored tmp/ folder; full runs are meant to be committed.
  const folder = options.quick ? 'bench/results/tmp' : 'bench/results';
  const out = path.resolve(
    options.out ?? path.join(root, folder, `${stamp}-${options.label}.json`),
  );
  mkdirSync(path.dirname(out), { recursive: true });
  const results = {
    issue: 6,
    startedAt: new Date().toISOString(),
    finishedAt: undefined as string | undefined,
    machine: {
      ...environment(),
      loadBefore: os.loadavg(),
      loadAfter: undefined as number[] | undefined,
    },
    databases: await databaseVersions(options),
    options: { ...options, mysqlUrl: options.mysqlUrl.replace(/:[^:@/]*@/, ':***@') },
    searchTerm: SEARCH_TERM,
    dataSets: [] as DataSetResult[],
    rows: [] as ScenarioResult[],
    targets: [] as ReturnType<typeof evaluateTargets>,
    failures: context.failures,
  };
  const save = () => {
    results.rows = results.dataSets.flatMap((s) => s.scenarios);
    results.targets = evaluateTargets(results.dataSets);
    results.machine.loadAfter = os.loadavg();
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  };

  for (const size of options.sizes) {
    for (const db of options.databases) {
      if (db === 'sqlite' && size > options.sqliteMaxSize) {
        log(`skipping sqlite at ${size} tasks (--sqlite-max-size ${options.sqliteMaxSize})`);
        continue;
      }
      try {
        results.dataSets.push(await runDataSet(db, size, context));
      } catch (error) {
        context.failures.push(`${db} ${size}: ${(error as Error).message}`);
        log(`FAILED ${db} ${size}: ${(error as Error).stack ?? String(error)}`);
      }
      save();
    }
  }
  results.finishedAt = new Date().toISOString();
  save();

  console.log(formatTable(results.rows));
  console.log('');
  for (const set of results.dataSets) {
    if (set.floor)
      console.log(
        `floor ${set.db} ${set.size}: service ${set.floor.serviceReqPerSec.join('/')} req/s, floor ${set.floor.floorReqPerSec.join('/')} req/s, ratio ${set.floor.ratio}; CPU ms/request service ${set.floor.serviceCpuMsPerRequest.join('/')}, floor ${set.floor.floorCpuMsPerRequest.join('/')}, ratio ${set.floor.cpuRatio}` +
          (set.floor.differences.length ? ` (WARNING: ${set.floor.differences.join('; ')})` : ''),
      );
    console.log(`start-to-ready ${set.db} ${set.size}: ${set.startToReadyMs.join(', ')} ms`);
  }
  console.log('\nTargets (issue 6; read, not asserted):');
  console.log(formatTargets(results.targets));
  console.log(
    `\nresults: ${path.relative(root, out)} (load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  if (context.failures.length > 0) {
    console.error(`\nbench FAILED:\n- ${context.failures.join('\n- ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
