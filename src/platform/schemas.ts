// Schema pieces shared by every feature's routes (TypeBox → JSON Schema → validation,
// serialization and the OpenAPI document, from one definition).
import { Type } from 'typebox';
import type { Static, TSchema } from 'typebox';
import { statusOf, ValidationFailed } from './errors.js';
import type { ErrorCode, ErrorStatus } from './errors.js';
import { formatTimestamp, parseTimestamp, TIMESTAMP_RANGE } from './timestamps.js';

// Unions are written as JSON Schema type lists and enums, not `anyOf`: the serializer
// (fast-json-stringify) runs an Ajv validation per value to choose an anyOf branch, which was the
// largest part of serializing a page of tasks (bench/README.md, "Less CPU per request").

/** One of fixed strings, as `{type: 'string', enum}`. */
export const StringEnum = <const T extends readonly string[]>(
  values: T,
  options: Record<string, unknown> = {},
) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** `schema` or null, as the type list `[type, 'null']` (for schemas with one `type`). */
export const Nullable = <T extends TSchema>(schema: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<Static<T> | null>({
    ...schema,
    type: [(schema as unknown as { type: string }).type, 'null'],
    ...options,
  });

export const Id = Type.String({ minLength: 1, maxLength: 36, description: 'Opaque identifier' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
/** A date-time the API accepts: RFC 3339 with an offset, within TIMESTAMP_RANGE once in UTC. */
export const DateTimeInput = (description = 'RFC 3339 date-time') =>
  Type.String({ format: 'date-time', description: `${description}; ${TIMESTAMP_RANGE} in UTC` });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error has this shape' },
);

const codeOfStatus = new Map(
  Object.entries(statusOf).map(([code, status]) => [status, code as ErrorCode]),
);

/** Response schemas for the error statuses a route can return (documented in OpenAPI). */
export function errors(...statuses: ErrorStatus[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) {
    out[status] = Type.Ref('ErrorResponse', { description: codeOfStatus.get(status) });
  }
  return out;
}

/** Error statuses of any authenticated route. */
export const authErrors = [400, 401, 403, 404, 429, 503] as const;

export const NoContent = Type.Null({ description: 'No content' });

// Path parameters of the resources other features nest under (/projects/:projectId/…,
// /tasks/:taskId/…), defined once for every feature's routes.
export const ProjectParams = Type.Object({ projectId: Id });
export const TaskParams = Type.Object({ taskId: Id });

export const toIso = (ms: number): string => formatTimestamp(Number(ms));
export const toIsoOrNull = (ms: number | null): string | null =>
  ms === null ? null : formatTimestamp(Number(ms));

/** Epoch milliseconds of a date-time the schema accepted (the format refuses all others). */
export function fromIso(value: string, field: string) {
  const ms = parseTimestamp(value);
  if (ms === undefined) {
    throw ValidationFailed('The request is not valid', [
      { field, message: `must be a date-time within ${TIMESTAMP_RANGE}` },
    ]);
  }
  return ms;
}
