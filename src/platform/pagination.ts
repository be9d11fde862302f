// Keyset pagination: a cursor names the last row of a page (its sort key and id), so the next
// page is an index range scan whatever its depth. Cursors are opaque base64url JSON to clients.
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { ValidationFailed } from './errors.js';

export interface Cursor {
  /** Sort key of the last row returned (null where the column is null). */
  k: string | number | null;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

// What a cursor may hold, checked after decoding: a cursor is client input like any other (a
// `1e999` key decodes to Infinity, which no database can compare with).
const CursorSchema = Type.Object(
  {
    k: Type.Union([Type.Null(), Type.Number(), Type.String({ maxLength: 200 })]),
    id: Type.String({ minLength: 1, maxLength: 36 }),
  },
  { additionalProperties: false },
);

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  // TypeBox's number check refuses NaN and ±Infinity.
  if (Value.Check(CursorSchema, value)) return value;
  throw ValidationFailed('The cursor is not valid', [
    { field: 'cursor', message: 'is not a cursor this API returned' },
  ]);
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
};

export const pageOf = <T extends { id: string }>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => string | number | null,
) => {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: hasMore && last ? encodeCursor({ k: keyOf(last), id: last.id }) : null,
  };
};
