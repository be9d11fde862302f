// Summarises a V8 CPU profile (node --cpu-prof, or `npm run bench -- --cpu-prof`): self time by
// package or source folder, the hottest functions, and the inclusive time of the service's own
// functions (where a request's time goes). Usage:
//   node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<package>, a folder of the service (dist/server/<folder>), or node's own code. */
function ownerOf(url: string): string {
  if (url === '') return '(native, GC, idle)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const ours = /(?:dist|build)\/server\/((?:features\/)?[^/]+)/.exec(url);
  if (ours) return `service: ${ours[1]!}`;
  if (url.startsWith('node:')) return 'node core';
  return url;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});
const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfMs.entries()]
  .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
  .reduce((a, [, ms]) => a + ms, 0);

const owners = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)') continue;
  const owner = ownerOf(url);
  owners.set(owner, (owners.get(owner) ?? 0) + ms);
  const key = `${functionName || '(anonymous)'}  ${owner}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + ms);
}
const busy = total - idle;
const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms  ${name}`,
    );
};
console.log(`${file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy`);
print('Self time by owner (share of busy time)', owners);
print('Hottest functions (self time)', functions);

// Inclusive time of the service's functions: each sample counts once for every distinct service
// function on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url } = byId.get(at)!.callFrame;
    const owner = ownerOf(url);
    if (owner.startsWith('service: ') && functionName) seen.add(`${functionName}  ${owner}`);
  }
  for (const key of seen)
    inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});
print('Service functions (inclusive time)', inclusive);
