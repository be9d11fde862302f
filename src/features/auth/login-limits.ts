// The sign-in limits, for every replica at once (issue 11, findings 2, 3 and 6): counters are rows
// in the database the service already has (login-limits.repository.ts), never process memory.
//   - Per client address and route (sign-in, sign-up, password change, token creation, invite and
//     reset links): LOGIN_RATE_LIMIT_PER_MINUTE
//     requests in a one-minute window, counted by @fastify/rate-limit through rateLimitStore().
//   - Per account: LOGIN_MAX_FAILURES_PER_ACCOUNT sign-in attempts in a 15-minute window that no
//     success ended; beyond, the account is locked for the rest of the window, whatever the
//     password. Counted by account id (every spelling that reaches the account shares it).
// A refusal's Retry-After is the time left in its window. Ended windows are pruned.
import { isIP } from 'node:net';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import { sha256 } from '../../platform/ids.js';
import * as repo from './login-limits.repository.js';

const ACCOUNT_WINDOW_MS = 15 * 60_000;
const ADDRESS_WINDOW_MS = 60_000;
// Emails without an account share 16^4 = 65,536 buckets by hash: they cannot grow the table
// without bound, and they lock like accounts do, so a 429 does not tell that an account exists.
const UNKNOWN_EMAIL_HASH_CHARS = 4;
const PRUNE_INTERVAL_MS = 60_000;

/** Routes that check a password or create an account (API tokens: issue 11, finding 4; links: 5). */
export type LimitedRoute = 'sign-in' | 'sign-up' | 'password' | 'token' | 'invite' | 'reset';

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The part of a client address that is one client: IPv4 as is (also when mapped into IPv6), IPv6
 * by its /64, the smallest block a subscriber is given, so rotating within it gains nothing.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const address = ip.split('%')[0]!;
  if (isIP(address) !== 6) return ip;
  const [head = '', tail] = address.split('::');
  const groups = (part: string | undefined) =>
    part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : [];
  const front = groups(head);
  const back = groups(tail);
  const all =
    tail === undefined
      ? front
      : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

const secondsUntil = (resetAt: number, now: number) =>
  Math.max(1, Math.ceil((resetAt - now) / 1000));

const inWords = (seconds: number) =>
  seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;

export class LoginLimits {
  private nextPruneAt = 0;

  constructor(
    private readonly db: Db,
    private readonly config: Readonly<Config>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts a sign-in attempt against the account (`userId`), or against the bucket of an email
   * that has none, before the password is checked: concurrent attempts on several replicas can
   * never check more passwords than the limit.
   */
  async attempt(userId: string | undefined, email: string): Promise<Verdict> {
    const bucket = userId
      ? `account:${userId}`
      : `unknown:${sha256(email).slice(0, UNKNOWN_EMAIL_HASH_CHARS)}`;
    const window = await this.count(bucket, ACCOUNT_WINDOW_MS);
    if (window.hits <= this.config.loginMaxFailuresPerAccount) return { allowed: true };
    return { allowed: false, retryAfterSeconds: secondsUntil(window.resetAt, window.now) };
  }

  /** A successful sign-in ends the account's window: earlier failures no longer count. */
  async succeeded(userId: string): Promise<void> {
    await repo.clearBucket(this.db, `account:${userId}`);
  }

  static lockedMessage(retryAfterSeconds: number): string {
    return `Too many failed sign-ins for this account; try again in ${inWords(retryAfterSeconds)}`;
  }

  /** The `config.rateLimit` of a limited route: per client address, in the shared store. */
  addressLimit(route: LimitedRoute) {
    return {
      max: this.config.loginRateLimitPerMinute,
      timeWindow: ADDRESS_WINDOW_MS,
      keyGenerator: (request: FastifyRequest) => `${route}:${clientKey(request.ip)}`,
    };
  }

  /**
   * The `config.rateLimit` of a costly route limited per signed-in user (an anonymous request, which
   * the route refuses anyway, per address), in the shared store: imports (issue 15).
   */
  userLimit(route: 'import' | 'import-preview', max: number, windowMs: number) {
    return {
      max,
      timeWindow: windowMs,
      keyGenerator: (request: FastifyRequest) =>
        `${route}:${request.auth ? `user:${request.auth.user.id}` : clientKey(request.ip)}`,
    };
  }

  /** The store @fastify/rate-limit counts in: these counters, so that every replica sees them. */
  rateLimitStore(): FastifyRateLimitStoreCtor {
    const count = (bucket: string, windowMs: number) => this.count(bucket, windowMs);
    class DatabaseStore implements FastifyRateLimitStore {
      // The plugin passes the route's window after the callback; its typings omit it.
      incr(
        key: string,
        callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
        timeWindow: number = ADDRESS_WINDOW_MS,
      ): void {
        count(key, timeWindow).then(
          (window) =>
            callback(null, {
              current: window.hits,
              ttl: secondsUntil(window.resetAt, window.now) * 1000,
            }),
          (error: Error) => callback(error),
        );
      }

      child(): FastifyRateLimitStore {
        return this;
      }
    }
    return DatabaseStore;
  }

  private async count(bucket: string, windowMs: number) {
    const now = this.now();
    const window = await repo.countHit(this.db, bucket, now, windowMs);
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + PRUNE_INTERVAL_MS;
      await this.prune(now);
    }
    return { ...window, now };
  }

  /** Removes ended windows (every replica does, at most once a minute, on its next count). */
  async prune(now = this.now()): Promise<number> {
    try {
      return await repo.pruneEnded(this.db, now);
    } catch {
      // A prune that failed (the database busy or away) is tried again a minute later; the
      // count it followed has already been made.
      return 0;
    }
  }
}
