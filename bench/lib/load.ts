// Two ways to load a server. saturate(): autocannon at a fixed number of connections for a fixed
// time, which gives the throughput. paced(): an open-loop sender at a fixed rate, which gives the
// latency below saturation. Autocannon's own rate limit is not used for that: it lets each
// connection send its whole quota at the start of every second, so the server sees bursts at full
// speed and the latencies read would be those of saturation.
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { RawHttpPool } from './raw-http.js';
import type { BenchRequest, Scenario } from './scenarios.js';

export interface LoadResult {
  mode: 'saturate' | 'rate';
  /** Offered rate (rate mode). */
  targetRate?: number;
  connections: number;
  seconds: number;
  requests: number;
  /** Successful (2xx) responses per second. */
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Non-2xx responses, connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
  /**
   * Rate mode: latency from when the request was actually sent, and how late the sender was
   * (a late sender means the load generator itself was short of CPU).
   */
  diagnostics?: { p50FromSend: number; p99FromSend: number; p99SendLag: number };
  /** CPU milliseconds of the load generator (this process) per request sent. */
  driverCpuMsPerRequest?: number;
  /** CPU milliseconds per successful request: the server process, and the MySQL server. */
  cpuMsPerRequest?: { server?: number; database?: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 100) / 100;
}

function summarise(
  latencies: number[],
  base: Omit<LoadResult, 'p50' | 'p95' | 'p99' | 'max'>,
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  return {
    ...base,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
  };
}

interface Context {
  done?: BenchRequest['done'];
}

/** Fixed concurrency for a fixed time: throughput and latency at saturation. */
export async function saturate(
  baseUrl: string,
  scenario: Scenario,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  const options: autocannon.Options = {
    url: baseUrl,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        setupRequest: (request, context: Context) => {
          const next = scenario.next();
          context.done = next.done;
          return {
            ...request,
            method: next.method,
            path: next.path,
            headers: { ...next.headers, host: url.host },
            body: next.body ?? '',
          };
        },
        onResponse: (status: number, body: string, context: Context) =>
          context.done?.(status, body),
      },
    ],
  };
  const cpu = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, done: autocannon.Result) =>
      error
        ? reject(error instanceof Error ? error : new Error('autocannon failed'))
        : resolve(done),
    );
    // autocannon emits (client, status, bytes, ms); its type declarations omit the client.
    const onResponse = (_client: unknown, status: number, _bytes: number, ms: number) => {
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(ms);
      }
    };
    (instance as unknown as EventEmitter).on('response', onResponse);
  });
  const elapsed = result.duration || seconds;
  const used = process.cpuUsage(cpu);
  return summarise(latencies, {
    driverCpuMsPerRequest:
      Math.round((used.user + used.system) / Math.max(1, result.requests.total)) / 1000,
    mode: 'saturate',
    connections,
    seconds: Math.round(elapsed * 100) / 100,
    requests: result.requests.total,
    reqPerSec: Math.round(ok / elapsed),
    errors: result.errors + result.timeouts + result.non2xx,
    statusCodes,
  });
}

/**
 * Open loop at `rate` requests per second, evenly spaced. Latency counts from when a request was
 * due, not when it could be sent, so a server that falls behind is not flattered (no coordinated
 * omission).
 */
export async function paced(
  baseUrl: string,
  scenario: Scenario,
  rate: number,
  seconds: number,
  maxSockets = 64,
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const pool = new RawHttpPool(Number(url.port), url.hostname, maxSockets);
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const fromSend: number[] = [];
  const lags: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let finished = 0;
  let sent = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();

  const send = (due: number) => {
    const sentAt = performance.now();
    lags.push(sentAt - due);
    const next = scenario.next();
    pool.request(next, (status, body) => {
      if (status > 0) statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        const now = performance.now();
        latencies.push(now - due);
        fromSend.push(now - sentAt);
      } else errors++;
      next.done?.(status, body?.toString('utf8') ?? '');
      finished++;
    });
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) send(start + interval * sent++);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - now));
      else resolve();
    };
    tick();
  });
  const drainDeadline = performance.now() + 15_000;
  while (finished < total && performance.now() < drainDeadline)
    await new Promise((resolve) => setTimeout(resolve, 5));
  const elapsed = (performance.now() - start) / 1000;
  // Requests still unanswered are answered here with status 0, and so counted as errors.
  pool.destroy();
  const sortedFromSend = Float64Array.from(fromSend).sort();
  const sortedLags = Float64Array.from(lags).sort();
  const used = process.cpuUsage(cpu);
  return summarise(latencies, {
    driverCpuMsPerRequest: Math.round((used.user + used.system) / total) / 1000,
    diagnostics: {
      p50FromSend: percentile(sortedFromSend, 50),
      p99FromSend: percentile(sortedFromSend, 99),
      p99SendLag: percentile(sortedLags, 99),
    },
    mode: 'rate',
    targetRate: Math.round(rate),
    connections: maxSockets,
    seconds: Math.round(elapsed * 100) / 100,
    requests: total,
    reqPerSec: Math.round(latencies.length / Math.max(seconds, elapsed)),
    errors,
    statusCodes,
  });
}
