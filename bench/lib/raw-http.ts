// A small keep-alive HTTP/1.1 client for the open-loop sender: each request is written as one
// buffer, each response read as a status line, headers up to the blank line and Content-Length
// bytes of body. It costs a fraction of node:http's CPU per request, and on 2 shared cores the
// load generator's CPU is taken from the service it measures.
import net from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** status 0 means no response: a connection error, a timeout or an unreadable reply. */
export type RawCallback = (status: number, body: Buffer | undefined) => void;

interface Job {
  bytes: Buffer;
  callback: RawCallback;
}

const HEAD_END = Buffer.from('\r\n\r\n');

class Connection {
  private readonly socket: net.Socket;
  private chunks: Buffer[] = [];
  private length = 0;
  private job: Job | undefined;
  private status = 0;
  private bodyLength = -1;
  private timer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    port: number,
    host: string,
    private readonly timeoutMs: number,
    private readonly pool: { idle(c: Connection): void; closed(c: Connection): void },
  ) {
    this.socket = net.connect(port, host);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => this.close());
    this.socket.on('close', () => this.close());
  }

  get busy() {
    return this.job !== undefined;
  }

  send(job: Job) {
    this.job = job;
    this.status = 0;
    this.bodyLength = -1;
    this.timer = setTimeout(() => this.close(), this.timeoutMs);
    this.socket.write(job.bytes);
  }

  private finish(status: number, body: Buffer | undefined) {
    clearTimeout(this.timer);
    const job = this.job;
    this.job = undefined;
    job?.callback(status, body);
    if (!this.closed) this.pool.idle(this);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    clearTimeout(this.timer);
    if (this.job) this.finish(0, undefined);
    this.pool.closed(this);
  }

  private read(chunk: Buffer) {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (!this.job) return;
    let data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    this.chunks = [data];
    if (this.bodyLength < 0) {
      const end = data.indexOf(HEAD_END);
      if (end < 0) return;
      const head = data.toString('latin1', 0, end);
      this.status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      // Chunked replies are not expected from this API (Fastify sends Content-Length).
      if (!length || !this.status) return this.close();
      this.bodyLength = Number(length[1]);
      data = data.subarray(end + HEAD_END.length);
      this.chunks = [data];
      this.length = data.length;
    }
    if (data.length < this.bodyLength) return;
    const body = data.subarray(0, this.bodyLength);
    const rest = data.subarray(this.bodyLength);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    this.finish(this.status, body);
  }
}

export class RawHttpPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Job[] = [];

  constructor(
    private readonly port: number,
    private readonly host: string,
    private readonly maxConnections: number,
    private readonly timeoutMs = 10_000,
  ) {}

  request(request: RawRequest, callback: RawCallback) {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
    if (body) head += `content-length: ${body.length}\r\n`;
    head += '\r\n';
    const bytes = body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head);
    this.dispatch({ bytes, callback });
  }

  private dispatch(job: Job) {
    let connection = this.idle.pop();
    while (connection?.closed) connection = this.idle.pop();
    if (!connection && this.all.size < this.maxConnections) {
      connection = new Connection(this.port, this.host, this.timeoutMs, {
        idle: (c) => this.release(c),
        closed: (c) => this.forget(c),
      });
      this.all.add(connection);
    }
    if (connection) connection.send(job);
    else this.waiting.push(job);
  }

  private release(connection: Connection) {
    const next = this.waiting.shift();
    if (next) connection.send(next);
    else this.idle.push(connection);
  }

  /** A closed connection makes room for a new one, which takes a waiting request if any. */
  private forget(connection: Connection) {
    if (!this.all.delete(connection)) return;
    const next = this.waiting.shift();
    if (next) this.dispatch(next);
  }

  destroy() {
    for (const job of this.waiting.splice(0)) job.callback(0, undefined);
    for (const connection of [...this.all]) connection.close();
    this.all.clear();
    this.idle.length = 0;
  }
}
