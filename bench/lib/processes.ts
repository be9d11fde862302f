// Child processes of a run (the service, the floor, the seeding CLI): free ports, readiness with
// the start-to-ready time, peak RSS from /proc, and a stop that waits for the exit.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The live child processes of a process (the workers of a WEB_CONCURRENCY service). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s.trim())
      .map(Number);
  } catch {
    return [];
  }
}

function ownCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a process and its live children have used, from /proc/<pid>/stat;
 * undefined when the process is gone or not visible. Less disturbed than wall-clock figures by
 * other load on the machine, so each run records it too.
 */
export function cpuSeconds(pid: number): number | undefined {
  const own = ownCpuSeconds(pid);
  if (own === undefined) return undefined;
  return childPids(pid).reduce((sum, child) => sum + (ownCpuSeconds(child) ?? 0), own);
}

/** The pid of the local MariaDB/MySQL server, if one runs here. */
export function databaseServerPid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const out = execFileSync('pidof', ['-s', name], { encoding: 'utf8' }).trim();
      if (out) return Number(out);
    } catch {
      // pidof exits 1 when nothing matches
    }
  }
  return undefined;
}

export interface Server {
  name: string;
  baseUrl: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from the readiness URL. */
  startToReadyMs: number;
  /** Starts a peak-RSS window: resets the kernel's high-water mark and samples as a fallback. */
  startRssWindow(): void;
  /** Peak RSS in MB since startRssWindow(), of the largest process (one worker with several). */
  endRssWindow(): number | undefined;
  /** Last lines the process wrote to stderr (for failure messages). */
  stderrTail(): string;
  /**
   * The log lines of level error or worse the process wrote to stdout since the last call (at
   * most the last 5): what a scenario's 500s were, for its failure message.
   */
  takeErrorLog(): string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  readyPath: string;
  timeoutMs: number;
}

export async function startServer(options: StartOptions): Promise<Server> {
  const started = performance.now();
  const child: ChildProcess = spawn(options.command, options.args, {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // The service logs JSON lines (pino): level 50 is error, 60 fatal.
  let errorLog: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!.slice(-20_000);
    for (const line of lines)
      if (/"level":(50|60)\b/.test(line)) errorLog = [...errorLog, line.slice(0, 2_000)].slice(-5);
  });
  const state: { exited: number | null } = { exited: null };
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      state.exited = code ?? (signal ? 128 : 1);
      resolve();
    });
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = started + options.timeoutMs;
  let ready = false;
  while (!ready) {
    if (state.exited !== null)
      throw new Error(`${options.name} exited with ${state.exited} before ready:\n${stderr}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} not ready within ${options.timeoutMs} ms:\n${stderr}`);
    }
    try {
      const response = await fetch(baseUrl + options.readyPath);
      ready = response.status === 200;
      await response.arrayBuffer();
    } catch {
      // not listening yet
    }
    if (!ready) await sleep(5);
  }
  const startToReadyMs = performance.now() - started;
  const pid = child.pid!;
  let sampler: NodeJS.Timeout | undefined;
  let sampledPeak = 0;
  let hwmReset = false;
  const largest = (field: 'VmRSS' | 'VmHWM') =>
    Math.max(0, ...[pid, ...childPids(pid)].map((one) => statusKb(one, field) ?? 0));
  return {
    name: options.name,
    baseUrl,
    pid,
    startToReadyMs,
    startRssWindow() {
      hwmReset = true;
      for (const one of [pid, ...childPids(pid)]) {
        try {
          writeFileSync(`/proc/${one}/clear_refs`, '5');
        } catch {
          hwmReset = false;
        }
      }
      sampledPeak = largest('VmRSS');
      clearInterval(sampler);
      sampler = setInterval(() => {
        sampledPeak = Math.max(sampledPeak, largest('VmRSS'));
      }, 100);
      sampler.unref();
    },
    endRssWindow() {
      clearInterval(sampler);
      const hwm = hwmReset ? largest('VmHWM') : 0;
      const peak = Math.max(hwm, sampledPeak, largest('VmRSS'));
      return peak > 0 ? Math.round(peak / 102.4) / 10 : undefined;
    },
    stderrTail: () => stderr,
    takeErrorLog() {
      const taken = errorLog;
      errorLog = [];
      return taken;
    },
    async stop() {
      clearInterval(sampler);
      if (state.exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to completion; rejects with its stderr on a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${stderr.trim()}`),
        );
    });
  });
}
