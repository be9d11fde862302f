// Fastify's logger (pino): JSON lines on stdout for Loki, with every secret redacted.
import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'csrfToken',
  'sessionToken',
  '*.password',
  '*.token',
];

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Honour a well-formed incoming X-Request-Id (from the ingress), else make one. */
export const requestIdOptions = {
  requestIdHeader: 'x-request-id',
  genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
    const incoming = request.headers['x-request-id'];
    return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  },
} satisfies Partial<FastifyServerOptions>;
