// Trace spans for SQLite queries. mysql2 queries are traced by the mysql2 instrumentation; SQLite
// has none, so the database metrics' query observer hands each query here.
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { LogEvent } from 'kysely';

/**
 * A client span for one SQLite query, parented to the active (request) span and timed from Kysely's
 * measurement. Without an active span (tracing off, or outside a request) it does nothing.
 */
export function recordQuerySpan(event: LogEvent, operation: string): void {
  const parent = context.active();
  if (!trace.getSpan(parent)) return;
  const end = Date.now();
  const span = trace.getTracer('cloudedu-taskmanager.db').startSpan(
    operation.toUpperCase(),
    {
      kind: SpanKind.CLIENT,
      startTime: end - event.queryDurationMillis,
      attributes: {
        'db.system.name': 'sqlite',
        'db.operation.name': operation.toUpperCase(),
        // Kysely compiles parameters into placeholders: the text carries no user values.
        'db.query.text': event.query.sql,
      },
    },
    parent,
  );
  if (event.level === 'error') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(event.error) });
  }
  span.end(end);
}
