// An HTTP reverse proxy that stands in for an ingress controller: it spreads requests over its
// upstreams (round robin) and appends the address it saw to X-Forwarded-For, keeping what the
// client sent before it, as a proxy that forwards the full chain does (ingress-nginx with
// compute-full-forwarded-for). Whatever the client writes there reaches the service.
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';

export class ForwardingProxy {
  private server: Server | undefined;
  private next = 0;

  /**
   * `idleTimeoutMs`: a client connection with nothing read or written for this long is cut, as
   * load balancers do (nginx proxy_read_timeout, an ALB's idle timeout).
   */
  constructor(
    private readonly upstreams: string[],
    private readonly options: { idleTimeoutMs?: number } = {},
  ) {}

  /** Listens on a free loopback port; resolves with the proxy's base URL. */
  async start(): Promise<string> {
    const server = createServer((incoming, outgoing) => {
      const idle = this.options.idleTimeoutMs;
      if (idle) incoming.socket.setTimeout(idle, () => incoming.socket.destroy());
      const upstream = new URL(this.upstreams[this.next++ % this.upstreams.length]!);
      const sent = incoming.headers['x-forwarded-for'];
      const seen = incoming.socket.remoteAddress ?? '';
      const forwarded = sent ? `${String(sent)}, ${seen}` : seen;
      const proxied = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, 'x-forwarded-for': forwarded },
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      proxied.on('error', () => outgoing.writeHead(502).end());
      incoming.pipe(proxied);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const { port } = server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
