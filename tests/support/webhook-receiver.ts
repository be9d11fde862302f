// A real webhook receiver on loopback for the webhook suites: it records every request with its
// raw body, checks the signature the way docs/integrations.md tells receivers to, and answers
// per path: /ok 200, /fail 500, /flaky/<n> 500 for the first n requests of a delivery and 200
// after, /redirect a 302 to /ok, /switch 500 while `down` is set and 200 otherwise.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; event: string; createdAt: string; redeliveryOf?: string; data: any };
  signatureValid: boolean;
}

/** The receiver side of the signature (the snippet in docs/integrations.md, in TypeScript). */
export function verifySignature(secret: string, headers: http.IncomingHttpHeaders, body: string) {
  const timestamp = String(headers['x-taskmanager-timestamp'] ?? '');
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  const got = Buffer.from(String(headers['x-taskmanager-signature'] ?? ''));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Secrets by path prefix, to check signatures as they arrive. */
  readonly secrets = new Map<string, string>();
  private readonly attemptsByDelivery = new Map<string, number>();
  private server: http.Server | undefined;
  port = 0;
  /** /switch answers 500 while this is set. */
  down = false;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string, host = '127.0.0.1') {
    return `http://${host}:${this.port}${path}`;
  }

  /** Requests received at `path` (exactly, or those under it). */
  at(path: string) {
    return this.received.filter((r) => r.path === path || r.path.startsWith(`${path}/`));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const path = (req.url ?? '/').split('?')[0]!;
    const secret = [...this.secrets].find(([prefix]) => path.startsWith(prefix))?.[1] ?? '';
    let json: Received['json'];
    try {
      json = JSON.parse(body) as Received['json'];
    } catch {
      res.writeHead(400).end('not JSON');
      return;
    }
    this.received.push({
      path,
      headers: req.headers,
      body,
      json,
      signatureValid: verifySignature(secret, req.headers, body),
    });
    const attempt = (this.attemptsByDelivery.get(json.id) ?? 0) + 1;
    this.attemptsByDelivery.set(json.id, attempt);
    const flaky = /^\/flaky(?:-[a-z]+)?\/(\d+)$/.exec(path);
    if (path.startsWith('/redirect')) {
      res.writeHead(302, { location: this.url('/ok') }).end();
    } else if (
      path.startsWith('/fail') ||
      (flaky && attempt <= Number(flaky[1])) ||
      (path.startsWith('/switch') && this.down)
    ) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`failing attempt ${attempt}`);
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`received ${json.id}`);
    }
  }

  async stop() {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
