// Puts fake kubectl/helm/kind/minikube/docker/podman/nerdctl on a private PATH and reads back
// the commands they were run with. Only this folder is on PATH, so the real helm in ~/go/bin
// (or a real cluster) can never be reached from these tests.
import {
  copyFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../src/cli/deploy/options.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'doctor');
const FAKE = path.join(REPO_ROOT, 'tests', 'fixtures', 'fake-tools', 'fake-tool.mjs');

export interface Recorded {
  tool: string;
  args: string[];
  stdin?: string;
}

export interface FakeTools {
  dir: string;
  env: NodeJS.ProcessEnv;
  calls(): Recorded[];
  cleanup(): void;
}

export function fakeTools(tools: string[], extraEnv: Record<string, string> = {}): FakeTools {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmanager-fake-'));
  const log = path.join(dir, 'calls.jsonl');
  copyFileSync(FAKE, path.join(dir, 'fake-tool.mjs'));
  for (const tool of tools) {
    const target = path.join(dir, tool);
    copyFileSync(FAKE, target);
    chmodSync(target, 0o755);
  }
  // `#!/usr/bin/env node` needs node on PATH; link it in rather than add its folder, which may
  // hold real tools (podman lives in /usr/bin here).
  symlinkSync(process.execPath, path.join(dir, 'node'));
  const env: NodeJS.ProcessEnv = {
    PATH: dir,
    HOME: dir,
    KUBECONFIG: path.join(dir, 'kubeconfig'),
    FAKE_TOOLS_LOG: log,
    ...extraEnv,
  };
  return {
    dir,
    env,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Recorded)
        : [],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Captured {
  io: Io;
  stdout(): string;
  stderr(): string;
}

/** An Io whose output is captured, with a fixed clock (2025-03-01T12:10:00Z unless given). */
export function captureIo(
  env: NodeJS.ProcessEnv,
  now = new Date('2025-03-01T12:10:00Z'),
): Captured {
  let stdout = '';
  let stderr = '';
  // Writable's write() calls this synchronously, so the text is complete when a command returns.
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stdout += chunk.toString('utf8');
      done();
    },
  });
  const err = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stderr += chunk.toString('utf8');
      done();
    },
  });
  return {
    io: { out, err, env, root: REPO_ROOT, now: () => now, interactive: false },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
