// Fastify's logger (pino): JSON lines on stdout, collected by the node's log agent into Loki. One
// line per request (route template, status, duration, user, request/trace/span ids) instead of
// Fastify's two, every secret redacted, and trace ids on every line logged inside a traced request
// so that Grafana can jump from a log line to its trace in Jaeger.
import { randomUUID } from 'node:crypto';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { LogController } from 'fastify';

export const REDACTED = '[redacted]';

// pino paths are exact and case-sensitive; Node lower-cases header names. Each `*` is one level, so
// the secret-looking keys are listed at the top level and one and two levels down.
const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'csrfToken',
  'sessionToken',
  'secret',
  'authorization',
  'cookie',
];
const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'proxy-authorization',
];

export const redactedPaths = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ...SECRET_HEADERS.flatMap((name) => [
    `req.headers["${name}"]`,
    `res.headers["${name}"]`,
    `headers["${name}"]`,
    `*.headers["${name}"]`,
  ]),
];

/** The trace and span ids of the active span, for log lines (empty when tracing is off). */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: redactedPaths, censor: REDACTED },
    // ISO time reads better in `kubectl logs`; Loki parses it as well as epoch milliseconds.
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    mixin: traceFields,
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request ids: a well-formed incoming X-Request-Id (from the ingress or a caller) is kept, anything
 * else gets a fresh UUID. `requestIdHeader: false` matters: with a header name set, Fastify would
 * take the header verbatim and never call genReqId, so nothing would check it.
 */
export const requestIdOptions = {
  requestIdHeader: false,
  genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
    const incoming = request.headers['x-request-id'];
    return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  },
  // Fastify's own request lines are replaced by the single completion line of
  // registerRequestLogging.
  logController: new LogController({
    requestIdLogLabel: 'request_id',
    disableRequestLogging: true,
  }),
} satisfies Partial<FastifyServerOptions>;

const kTrace = Symbol('trace fields at onRequest');
type TracedRequest = FastifyRequest & { [kTrace]?: ReturnType<typeof traceFields> };

/** Path without the query string: queries may carry search terms or tokens. */
function pathOf(url: string): string {
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

/**
 * One line per completed request: method, route template, path, status, duration, user, and the
 * request/trace/span ids. Routes with `logLevel: 'warn'` (the probes) stay quiet unless they fail.
 */
export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onRequest', (request: TracedRequest, reply: FastifyReply, done) => {
    // Captured here, where the server span is surely active, and echoed to the caller.
    request[kTrace] = traceFields();
    void reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request: TracedRequest, reply: FastifyReply, done) => {
    const status = reply.statusCode;
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      path: pathOf(request.url),
      status,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      user_id: request.auth?.user.id,
      ...request[kTrace],
    };
    if (status >= 500) request.log.error(line, 'request completed');
    else if (status === 429 || status === 503) request.log.warn(line, 'request completed');
    else request.log.info(line, 'request completed');
    done();
  });
}
