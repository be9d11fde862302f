// `npm start` builds only what changed since the last build: the server (tsc in incremental
// mode) and the UI, each only when a file it is built from is newer than its last build.
// `npm run build` still builds everything from scratch (as the image does).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Newest modification time of a file or of any file below a folder (0 when absent). */
function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    latest = Math.max(latest, newest(path.join(target, entry.name)));
  }
  return latest;
}

// The build info lives inside dist/server, so deleting the output also forces a full build. tsc
// itself takes seconds even with nothing to do, so it runs only when a source file is newer.
const buildInfo = path.join(root, 'dist', 'server', '.tsbuildinfo');
const serverInputs = Math.max(
  newest(path.join(root, 'src')),
  newest(path.join(root, 'tsconfig.json')),
  newest(path.join(root, 'tsconfig.build.json')),
  newest(path.join(root, 'package-lock.json')),
);
if (serverInputs >= newest(buildInfo)) {
  run(bin('tsc'), ['-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', buildInfo]);
  // tsc leaves the file alone when nothing needed emitting: mark this check as done.
  const now = new Date();
  utimesSync(buildInfo, now, now);
} else console.log('dist/server is up to date');

const webOutput = newest(path.join(root, 'dist', 'web', 'index.html'));
const webInputs = Math.max(
  newest(path.join(root, 'web')),
  newest(path.join(root, 'package-lock.json')),
);
if (webOutput === 0 || webInputs > webOutput)
  run(bin('vite'), ['build', '--config', 'web/vite.config.ts']);
else console.log('dist/web is up to date');
