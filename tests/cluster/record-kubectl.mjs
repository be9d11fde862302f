#!/usr/bin/env node
// `kubectl` for `taskmanager doctor` in the cluster suite: runs the real kubectl ($REAL_KUBECTL)
// and keeps what it answered in $RECORD_DIR under the names the fake kubectl of the CLI tests
// reads (tests/fixtures/README.md), so the doctor fixtures can be re-recorded from live failures.
// Secret values and Helm's release payloads are replaced by a placeholder before anything is
// written; the caller still gets kubectl's real answer.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const argv = process.argv.slice(2);
const real = spawnSync(process.env.REAL_KUBECTL ?? 'kubectl', argv, {
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
process.stdout.write(real.stdout ?? '');
process.stderr.write(real.stderr ?? '');
process.exitCode = real.status ?? 1;

const dir = process.env.RECORD_DIR;
if (dir) {
  const a = argv[0] === '--context' ? argv.slice(2) : argv;
  const [verb, what] = a;
  const REDACTED = 'cmVkYWN0ZWQ='; // base64 of "redacted"
  const json = (text, redact = false) => {
    const value = JSON.parse(text);
    if (redact)
      for (const item of value.items ?? []) {
        for (const key of Object.keys(item.data ?? {})) item.data[key] = REDACTED;
        delete item.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
      }
    // Two-space indent; `prettier --write` on the copied fixture finishes the layout.
    return `${JSON.stringify(value, null, 2)}\n`;
  };
  const save = (name, text) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  const ok = real.status === 0;
  if (verb === 'config' && what === 'current-context' && ok) save('context.txt', real.stdout);
  else if (verb === 'get' && what === 'namespace' && ok) save('namespace.json', json(real.stdout));
  else if (verb === 'get' && what === 'namespace') save('namespace.stderr', real.stderr);
  else if (verb === 'get' && ok && what?.startsWith('pods,'))
    save('resources.json', json(real.stdout));
  else if (verb === 'get' && ok && ['events', 'storageclasses', 'secrets'].includes(what))
    save(`${what}.json`, json(real.stdout, what === 'secrets'));
  else if (verb === 'logs' && ok) {
    const container = a[a.indexOf('-c') + 1];
    save(
      path.join('logs', `${what}_${container}${a.includes('--previous') ? '_previous' : ''}.log`),
      real.stdout,
    );
  }
}
