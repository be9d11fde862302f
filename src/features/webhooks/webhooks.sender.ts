// One HTTP attempt of a delivery: signed, to an address the egress policy allows, no redirect
// followed (a 3xx is a failure: following it could lead anywhere), bounded in time and in how
// much of the answer is read.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { version } from '../../version.js';
import { EgressRefused, hostOf } from './webhooks.egress.js';
import type { EgressPolicy } from './webhooks.egress.js';

/** How much of a response is read; the rest is not waited for. */
const RESPONSE_READ_LIMIT = 64 * 1024;
/** How much of it the delivery log keeps. */
export const SNIPPET_LIMIT = 1024;

export interface Attempt {
  ok: boolean;
  status: number | null;
  durationMs: number;
  snippet: string | null;
  error: string | null;
}

/**
 * `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): the timestamp is signed with the
 * body so that a captured delivery cannot be replayed later (receivers check its age).
 */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface Outgoing {
  url: string;
  secret: string;
  event: string;
  deliveryId: string;
  body: string;
}

export function send(
  request: Outgoing,
  policy: EgressPolicy,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<Attempt> {
  const started = now();
  const done = (fields: Omit<Attempt, 'durationMs'>): Attempt => ({
    ...fields,
    durationMs: Math.max(0, now() - started),
  });
  const refused = policy.urlRefusal(request.url);
  if (refused) {
    return Promise.resolve(
      done({ ok: false, status: null, snippet: null, error: `refused: URL ${refused}` }),
    );
  }
  const url = new URL(request.url);
  const timestamp = Math.floor(now() / 1000);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const finish = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(attempt);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        // connect() skips the lookup for an address literal; urlRefusal checked those above.
        ...(isIP(hostOf(url)) ? {} : { lookup: policy.lookupFor(hostOf(url)) }),
        headers: {
          'content-type': 'application/json',
          'user-agent': `CloudEdu-TaskManager-Webhooks/${version}`,
          'x-taskmanager-event': request.event,
          'x-taskmanager-delivery': request.deliveryId,
          'x-taskmanager-timestamp': String(timestamp),
          'x-taskmanager-signature': signature(request.secret, timestamp, request.body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const complete = () => {
          const status = res.statusCode ?? 0;
          const snippet = Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_LIMIT);
          const ok = status >= 200 && status < 300;
          finish(
            done({
              ok,
              status,
              snippet: snippet || null,
              error: ok
                ? null
                : status >= 300 && status < 400
                  ? `redirect (${status}) not followed`
                  : `HTTP ${status}`,
            }),
          );
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_READ_LIMIT) chunks.push(chunk);
          size += chunk.length;
          if (size >= RESPONSE_READ_LIMIT) complete();
        });
        res.on('end', complete);
        res.on('error', complete);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const message =
        error instanceof EgressRefused
          ? `refused: ${error.message}`
          : error.code
            ? `${error.code}: ${error.message}`
            : error.message;
      finish(done({ ok: false, status: null, snippet: null, error: message.slice(0, 255) }));
    });
    req.end(request.body);
  });
}
