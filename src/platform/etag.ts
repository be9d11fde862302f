// ETag and If-Match for resources with a version (tasks): the HTTP side of optimistic
// concurrency. Services compare versions; routes translate them to and from these headers.
import { Type } from 'typebox';
import { ValidationFailed } from './errors.js';

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag from GET; a stale one gives 412' })),
});

/** `If-Match: "7"` (or W/"7", or a list): the versions the client says it has. */
export function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return [];
  const versions = [...header.matchAll(/(?:W\/)?"(\d+)"/g)].map((m) => Number(m[1]));
  if (versions.length === 0) {
    throw ValidationFailed('If-Match must hold the ETag of the task, e.g. "3"', [
      { field: 'if-match', message: 'is not an ETag this API sent' },
    ]);
  }
  return versions;
}

export const etagOf = (resource: { version: number }) => `"${resource.version}"`;
