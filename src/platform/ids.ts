// Ids are UUIDv7: opaque to clients, unique across replicas without coordination, and ordered
// by creation time, so that "newest first" is an index scan on the primary key.
import { createHash, randomBytes } from 'node:crypto';
import { v7 } from 'uuid';

export const newId = (): string => v7();

/** A URL-safe random secret of `bytes` bytes of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Secrets (session ids, API tokens) are stored only as their SHA-256. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
