// A server-sent events client for tests and bench/: reads a real stream over HTTP and parses its
// frames as EventSource does (id, event, data; comment lines counted as heartbeats).
export interface SseEvent {
  /** The frame's `id` field, if it had one. */
  id: string | undefined;
  /** `message` for an unnamed event, as EventSource names it. */
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The body of a refused request (JSON), else undefined. */
  error: unknown;
  /** Every event so far, in order. */
  events: SseEvent[];
  heartbeats: number;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Resolves with the first event (from the start) that satisfies `match`. */
  waitFor(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const stream: SseStream = {
    status: response.status,
    headers: response.headers,
    error: undefined,
    events,
    heartbeats: 0,
    ended: Promise.resolve(),
    close: () => abort.abort(),
    waitFor(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        // A hang guard for the test, not a timing assertion.
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event in ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  if (!response.ok || !response.body) {
    stream.error = await response.json().catch(() => undefined);
    return stream;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  stream.ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed = parseBlock(block);
          if (parsed === 'heartbeat') stream.heartbeats++;
          else if (parsed) events.push(parsed);
        }
        notify();
      }
    } catch {
      // Aborted by close().
    }
    notify();
  })();
  return stream;
}

function parseBlock(block: string): SseEvent | 'heartbeat' | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields++;
    if (name === 'id') id = value;
    else if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
  }
  if (fields === 0) return 'heartbeat';
  if (data.length === 0) return undefined; // `retry:` alone
  return { id, event, data: data.join('\n') };
}
