// The service's own view of a scenario, from its Prometheus endpoint: how many requests it
// answered within 25 and 50 ms (server-side, before the bytes reach the load generator), time in
// garbage collection, and the longest event-loop stall. Told apart from the client's latencies,
// it shows whether slow responses were slow inside the service or waiting for a CPU.

export interface ServerView {
  requests: number;
  /** Share of requests the service answered within 25 ms and within 50 ms. */
  within25ms: number;
  within50ms: number;
  gcMs: number;
  eventLoopLagMaxMs: number | undefined;
}

type Sample = Map<string, number>;

export async function scrape(url: string): Promise<Sample | undefined> {
  try {
    const response = await fetch(url);
    const text = await response.text();
    const sample: Sample = new Map();
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line === '') continue;
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) continue;
      const [, name, labels = '', value] = match;
      const le = /le="([^"]+)"/.exec(labels)?.[1];
      const key = name === 'http_request_duration_seconds_bucket' ? `${name}|${le}` : name!;
      sample.set(key, (sample.get(key) ?? 0) + Number(value));
    }
    return sample;
  } catch {
    return undefined;
  }
}

export function serverView(
  before: Sample | undefined,
  after: Sample | undefined,
): ServerView | undefined {
  if (!before || !after) return undefined;
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const requests = delta('http_request_duration_seconds_count');
  if (requests <= 0) return undefined;
  const share = (le: string) =>
    Math.round((delta(`http_request_duration_seconds_bucket|${le}`) / requests) * 10000) / 10000;
  const lag = after.get('nodejs_eventloop_lag_max_seconds');
  return {
    requests,
    within25ms: share('0.025'),
    within50ms: share('0.05'),
    gcMs: Math.round(delta('nodejs_gc_duration_seconds_sum') * 1000),
    eventLoopLagMaxMs: lag === undefined ? undefined : Math.round(lag * 1000),
  };
}
