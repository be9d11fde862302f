// Prints a results file as Markdown (the tables of bench/README.md): the scenarios, the floor
// comparison, start-to-ready, and the targets. Usage:
//   node --import tsx bench/summary.ts bench/results/<file>.json
import { readFileSync } from 'node:fs';
import type { DataSetResult, ScenarioResult, Target } from './lib/report.js';

interface Results {
  startedAt: string;
  finishedAt?: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    commit: string;
    dirty: boolean;
    loadBefore: number[];
    loadAfter?: number[];
  };
  databases: { sqlite?: { v: string }; mysql?: { version: string; bufferPool: number } };
  dataSets: DataSetResult[];
  rows: ScenarioResult[];
  targets: Target[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: summary.ts <results.json>');
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
const { machine } = results;
const n = (value: number | undefined | null, digits = 1) =>
  value === undefined || value === null ? '-' : value.toFixed(digits);
const size = (value: number) =>
  value >= 1_000_000 ? `${value / 1_000_000}M` : value >= 1000 ? `${value / 1000}k` : `${value}`;
const loads = results.rows.map((r) => r.load1);

console.log(
  `Run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit.slice(0, 7)}` +
    `${machine.dirty ? ' (plus uncommitted bench files)' : ''}: ${machine.cpus} × ${machine.cpuModel}, ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}, SQLite ${results.databases.sqlite?.v ?? '?'}, ` +
    `MariaDB ${results.databases.mysql?.version ?? '-'} (buffer pool ${
      results.databases.mysql
        ? `${Math.round(results.databases.mysql.bufferPool / 2 ** 20)} MB`
        : '-'
    }). One-minute load average during the scenarios ${n(Math.min(...loads))}–${n(Math.max(...loads))} ` +
    `on 2 cores (other work shared the machine).`,
);
console.log('');
console.log(
  '| db | tasks | scenario | req/s | p50 | p99 | cpu ms/req | @ rate | p50 | p95 | p99 | errors | RSS MB |',
);
console.log(
  '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const r of results.rows) {
  console.log(
    `| ${r.db} | ${size(r.size)} | ${r.scenario} | ${r.saturate.reqPerSec} | ${n(r.saturate.p50)} | ` +
      `${n(r.saturate.p99)} | ${n(r.saturate.cpuMsPerRequest?.server, 2)} | ${r.rate?.targetRate ?? '-'} | ` +
      `${n(r.rate?.p50)} | ${n(r.rate?.p95)} | ${n(r.rate?.p99)} | ` +
      `${r.saturate.errors + (r.rate?.errors ?? 0)} | ${n(r.rssPeakMb, 0)} |`,
  );
}
console.log('');
console.log(
  '| db | tasks | service req/s | floor req/s | ratio | service cpu ms/req | floor cpu ms/req | ratio by CPU | start-to-ready ms |',
);
console.log('| --- | ---: | --- | --- | ---: | --- | --- | ---: | --- |');
for (const set of results.dataSets) {
  const f = set.floor;
  console.log(
    `| ${set.db} | ${size(set.size)} | ${f?.serviceReqPerSec.join(', ') ?? '-'} | ${f?.floorReqPerSec.join(', ') ?? '-'} | ` +
      `${n(f?.ratio, 2)} | ${f?.serviceCpuMsPerRequest.join(', ') ?? '-'} | ${f?.floorCpuMsPerRequest.join(', ') ?? '-'} | ` +
      `${n(f?.cpuRatio, 2)} | ${set.startToReadyMs.join(', ')} |`,
  );
}
console.log('');
console.log('| target | scope | measured | limit | |');
console.log('| --- | --- | ---: | ---: | --- |');
for (const t of results.targets) {
  const unit = t.unit === '×' ? '×' : t.unit ? ` ${t.unit}` : '';
  console.log(
    `| ${t.target} | ${t.scope} | ${t.value ?? '-'}${unit} | ${t.limit}${unit} | ${t.met ? 'met' : '**gap**'} |`,
  );
}
