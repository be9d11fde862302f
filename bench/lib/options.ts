// Command-line options of `npm run bench`. The defaults are the full run of the issue; --quick is
// the CI smoke run (every scenario, smallest size, both databases, well under two minutes).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The MariaDB server and database name prefix of the run's data sets (bench/lib/data.ts). */
export const benchMysqlUrl = () =>
  process.env.BENCH_MYSQL_URL ??
  'mysql://taskmanager:taskmanager-test@127.0.0.1:3306/taskmanager_test_bench';

export type DbKind = 'sqlite' | 'mysql';

export interface Options {
  quick: boolean;
  sizes: number[];
  databases: DbKind[];
  scenarios: string[] | undefined;
  /** Seconds of saturating load per scenario (fixed concurrency). */
  duration: number;
  /** Seconds of fixed-rate load per scenario (half the saturating rate). */
  rateDuration: number;
  /** Seconds of warm-up before each data set's scenarios. */
  warmup: number;
  connections: number;
  /** Largest SQLite data set to seed (seeding and the file grow with the size). */
  sqliteMaxSize: number;
  mysqlUrl: string;
  /** Compiled service to run (default dist/server, built when missing). */
  dist: string | undefined;
  /** Reuse a data set seeded by an earlier run (same size and schema) instead of seeding anew. */
  reuseData: boolean;
  /** Also run the service with --cpu-prof for each scenario (profiles under bench/results/tmp/). */
  cpuProf: boolean;
  /** Extra node flags for the service (experiments, e.g. --max-semi-space-size=4). */
  nodeOptions: string[];
  /**
   * NODE_OPTIONS of the service and the floors: the image's (its Dockerfile's ENV), so that the
   * service is measured as it runs in production; '' with --without-image-node-options.
   */
  imageNodeOptions: string;
  /** WEB_CONCURRENCY of the service: worker processes behind its port. */
  workers: number;
  out: string | undefined;
  label: string | undefined;
}

const HELP = `Usage: npm run bench -- [options]

  --quick                 smoke run: every scenario at 1,000 tasks on both databases (< 2 min)
  --sizes 1000,100000     data sizes in tasks (default 1000,100000,1000000)
  --db sqlite,mysql       databases (default both; mysql needs BENCH_MYSQL_URL or the CI server)
  --scenarios a,b         only these scenarios (default all; see bench/README.md)
  --duration S            seconds of saturating load per scenario (default 10)
  --rate-duration S       seconds of fixed-rate load per scenario (default 10; 0 skips)
  --warmup S              seconds of warm-up per data set (default 8)
  --connections N         concurrent connections of the saturating runs (default 10)
  --sqlite-max-size N     largest SQLite data set (default 1000000)
  --dist DIR              compiled service to run (default dist/server, built if missing)
  --reuse-data            reuse data sets seeded by an earlier run of the same size and schema
  --cpu-prof              write a V8 CPU profile of the service per data set
  --node-flags=F,...      extra node flags for the service (comma-separated), e.g.
                          --node-flags=--max-semi-space-size=4
  --without-image-node-options
                          run the service and the floors without the image's NODE_OPTIONS
                          (by default they get the Dockerfile's, as the container runs them)
  --workers N             WEB_CONCURRENCY of the service (default: $WEB_CONCURRENCY, else 1);
                          CPU is then summed over its workers, RSS is the largest worker's
  --out FILE              results file (default bench/results/<date>-<label>.json)
  --label NAME            label in the results file name (default quick or full)`;

const list = (raw: string | undefined) =>
  raw
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const positive = (name: string, raw: string | undefined, fallback: number, min = 0) => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`--${name} expects a number >= ${min}`);
  return value;
};

export function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      sizes: { type: 'string' },
      db: { type: 'string' },
      scenarios: { type: 'string' },
      duration: { type: 'string' },
      'rate-duration': { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'sqlite-max-size': { type: 'string' },
      dist: { type: 'string' },
      'reuse-data': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      'node-flags': { type: 'string' },
      'without-image-node-options': { type: 'boolean' },
      workers: { type: 'string' },
      out: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const quick = values.quick ?? false;
  const databases = (list(values.db) ?? ['sqlite', 'mysql']).map((d) => {
    if (d !== 'sqlite' && d !== 'mysql') throw new Error(`--db: unknown database "${d}"`);
    return d;
  });
  const sizes = (list(values.sizes) ?? (quick ? ['1000'] : ['1000', '100000', '1000000'])).map(
    (s) => positive('sizes', s.replace(/_/g, ''), 0, 1),
  );
  return {
    quick,
    sizes,
    databases,
    scenarios: list(values.scenarios),
    duration: positive('duration', values.duration, quick ? 1.5 : 10, 0.5),
    rateDuration: positive('rate-duration', values['rate-duration'], quick ? 1.5 : 10),
    warmup: positive('warmup', values.warmup, quick ? 1 : 8),
    connections: positive('connections', values.connections, 10, 1),
    sqliteMaxSize: positive('sqlite-max-size', values['sqlite-max-size'], 1_000_000, 1),
    mysqlUrl: benchMysqlUrl(),
    dist: values.dist,
    reuseData: values['reuse-data'] ?? false,
    cpuProf: values['cpu-prof'] ?? false,
    nodeOptions: list(values['node-flags']) ?? [],
    imageNodeOptions: values['without-image-node-options'] ? '' : dockerfileNodeOptions(),
    workers: positive('workers', values.workers ?? process.env.WEB_CONCURRENCY, 1, 1),
    out: values.out,
    label: values.label ?? (quick ? 'quick' : 'full'),
  };
}

/** The NODE_OPTIONS the image sets (`ENV ... NODE_OPTIONS=...` in the Dockerfile), or ''. */
export function dockerfileNodeOptions(
  dockerfile = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'Dockerfile'),
): string {
  const match = /^\s*(?:ENV\s+)?NODE_OPTIONS=("[^"]*"|\S+)/m.exec(readFileSync(dockerfile, 'utf8'));
  return match?.[1]?.replace(/^"|"$/g, '') ?? '';
}
