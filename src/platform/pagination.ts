// Keyset pagination: a cursor names the last row of a page (its sort key and id), so the next
// page is an index range scan whatever its depth. Cursors are opaque base64url JSON to clients.
import { Type } from 'typebox';
import { ValidationFailed } from './errors.js';

export interface Cursor {
  /** Sort key of the last row returned (null where the column is null). */
  k: string | number | null;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Cursor).id === 'string' &&
      ['string', 'number', 'object'].includes(typeof (value as Cursor).k)
    ) {
      const { k, id } = value as Cursor;
      if (k === null || typeof k !== 'object') return { k, id };
    }
  } catch {
    // fall through to the error below
  }
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
