// Accounts, sessions and API tokens: the rules. No HTTP here (the routes own cookies and
// headers) and no SQL (the repository owns it).
import type { AuthContext, PublicUser } from '../../access/caller.js';
import type { Static } from 'typebox';
import type { Config } from '../../config.js';
import type { ChangeFeed } from '../../db/change-feed.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { ApiTokenRow, SessionRow, UserRow } from '../../db/types.js';
import {
  Conflict,
  Forbidden,
  NotFound,
  RateLimited,
  Unauthenticated,
  ValidationFailed,
} from '../../platform/errors.js';
import { newId, randomToken, sha256 } from '../../platform/ids.js';
import { LruCache } from '../../platform/lru-cache.js';
import { toIso, toIsoOrNull } from '../../platform/schemas.js';
import { normalizeEmail } from '../../platform/text.js';
import * as repo from './auth.repository.js';
import type { ApiToken, Session, User } from './auth.schemas.js';
import {
  checkPasswordPolicy,
  dummyPasswordHash,
  hashPassword,
  verifyPassword,
} from './passwords.js';

export interface NewSession {
  user: PublicUser;
  csrfToken: string;
  /** The cookie value: shown to the client once, stored only as a hash. */
  sessionToken: string;
  maxAgeSeconds: number;
}

export const toPublicUser = (row: UserRow): PublicUser & Static<typeof User> => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: toIso(row.created_at),
});

// Sessions are touched at most once a minute: an idle timeout needs no finer clock, and a
// write per request would make every read a write.
const TOUCH_INTERVAL_MS = 60_000;
const ACCOUNT_WINDOW_MS = 15 * 60_000;
const TOKEN_PREFIX = 'tm_';

// Resolved credentials are kept in process so that a warm request costs no query for them. A
// revocation (sign-out, ended session, deleted token, changed password) is published on the
// change feed and reaches every replica within REVOCATION_MS: the cache is consulted only while
// the feed has polled within REVOCATION_MS - its interval, else requests read through.
const CREDENTIAL_CACHE_SIZE = 10_000;
const CREDENTIAL_TTL_MS = 10_000;
export const REVOCATION_MS = 2_000;
const FEED_FRESH_MS = 1_500;
/** The change-feed topic: the subject is a user id (every credential of the user) or a session id. */
export const CREDENTIALS_TOPIC = 'credentials';

interface CachedCredential {
  userId: string;
  session?: SessionRow;
  tokenId?: string;
  lastUsedAt?: number | null;
  context: AuthContext;
}

export type LoginResultListener = (result: 'success' | 'failure' | 'locked') => void;

export class AuthService {
  /** Failed logins per account within the window (per replica; the per-IP limit is global). */
  private readonly failures = new Map<string, { count: number; since: number }>();
  loginListener: LoginResultListener | undefined;
  private readonly credentials: LruCache<string, CachedCredential>;

  constructor(
    private readonly db: Db,
    private readonly config: Readonly<Config>,
    private readonly now: () => number = Date.now,
    /** Without a feed nothing is cached: revocation could not reach other replicas. */
    private readonly changes?: ChangeFeed,
  ) {
    this.credentials = new LruCache(CREDENTIAL_CACHE_SIZE, CREDENTIAL_TTL_MS, now);
    changes?.on(CREDENTIALS_TOPIC, (id) =>
      this.credentials.deleteWhere((entry) => entry.userId === id || entry.session?.id === id),
    );
  }

  private cached(hash: string): CachedCredential | undefined {
    if (!this.changes?.caughtUpWithin(FEED_FRESH_MS)) return undefined;
    return this.credentials.get(hash);
  }

  private remember(hash: string, entry: CachedCredential): void {
    if (this.changes) this.credentials.set(hash, entry);
  }

  /**
   * Every replica forgets the cached credentials of a user or a session (publish in the revoking
   * transaction, so the change and its notice commit together).
   */
  private revoke(db: Db, userOrSessionId: string): Promise<void> {
    if (!this.changes) return Promise.resolve();
    return this.changes.publish(db, CREDENTIALS_TOPIC, userOrSessionId);
  }

  async register(
    input: { email: string; name: string; password: string },
    client: ClientInfo,
    replacesSessionId?: string,
  ) {
    const email = normalizeEmail(input.email);
    const name = input.name.trim();
    checkPasswordPolicy(input.password, 'password', [email, email.split('@')[0] ?? '', name]);
    const closed = this.config.registration === 'closed';
    const closedError = () =>
      Forbidden('Registration is closed on this server; ask an administrator for an account');
    // Accounts are never removed, so once there is one, this sign-up cannot be the first.
    const mayBeFirst = (await repo.countUsers(this.db)) === 0;
    if (closed && !mayBeFirst) throw closedError();
    if (await repo.findUserByEmail(this.db, email)) {
      throw Conflict('An account with this email already exists', [
        { field: 'email', message: 'is already registered' },
      ]);
    }
    const now = this.now();
    const user: UserRow = {
      id: newId(),
      email,
      name,
      password_hash: await hashPassword(input.password),
      role: 'user',
      created_at: now,
      updated_at: now,
    };
    const insert = async (db: Db) => {
      try {
        await repo.insertUser(db, user);
      } catch (error) {
        if (isUniqueViolation(error)) throw Conflict('An account with this email already exists');
        throw error;
      }
    };
    if (!mayBeFirst) {
      await insert(this.db);
    } else {
      // The first account of a fresh installation administers it (and is the only one a closed
      // installation lets in). Decide under a lock: simultaneous first sign-ups must not all
      // see an empty table and all become admins.
      await repo.withSignUpLock(this.db, this.config.database.dialect, async (db) => {
        const first = (await repo.countUsers(db)) === 0;
        if (closed && !first) throw closedError();
        user.role = first ? 'admin' : 'user';
        await insert(db);
      });
    }
    return this.startSession(user, client, replacesSessionId);
  }

  async login(
    input: { email: string; password: string },
    client: ClientInfo,
    replacesSessionId?: string,
  ): Promise<NewSession> {
    const email = normalizeEmail(input.email);
    const now = this.now();
    const failure = this.failures.get(email);
    if (
      failure &&
      now - failure.since < ACCOUNT_WINDOW_MS &&
      failure.count >= this.config.loginMaxFailuresPerAccount
    ) {
      this.loginListener?.('locked');
      throw RateLimited('Too many failed sign-ins for this account; try again in 15 minutes');
    }
    const user = await repo.findUserByEmail(this.db, email);
    const ok = await verifyPassword(
      user?.password_hash ?? (await dummyPasswordHash()),
      input.password,
    );
    if (!user || !ok) {
      const current =
        failure && now - failure.since < ACCOUNT_WINDOW_MS ? failure : { count: 0, since: now };
      this.failures.set(email, { count: current.count + 1, since: current.since });
      this.loginListener?.('failure');
      throw Unauthenticated('Email or password is incorrect');
    }
    this.failures.delete(email);
    this.loginListener?.('success');
    return this.startSession(user, client, replacesSessionId);
  }

  /**
   * A new session id at every sign-in, and the session the browser held before ends with it
   * (no session fixation: a planted or leaked earlier id does not survive the sign-in).
   */
  private async startSession(
    user: UserRow,
    client: ClientInfo,
    replacesSessionId?: string,
  ): Promise<NewSession> {
    const now = this.now();
    const sessionToken = randomToken(32);
    const csrfToken = randomToken(32);
    const absoluteMs = this.config.sessionAbsoluteHours * 3_600_000;
    if (replacesSessionId) {
      await repo.deleteSession(this.db, replacesSessionId);
      await this.revoke(this.db, replacesSessionId);
    }
    await repo.insertSession(this.db, {
      id: newId(),
      token_hash: sha256(sessionToken),
      user_id: user.id,
      csrf_token: csrfToken,
      user_agent: client.userAgent?.slice(0, 255) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
      created_at: now,
      last_seen_at: now,
      expires_at: now + absoluteMs,
    });
    return {
      user: toPublicUser(user),
      csrfToken,
      sessionToken,
      maxAgeSeconds: Math.floor(absoluteMs / 1000),
    };
  }

  /** The session behind a cookie value, if it is alive; touches it and ends it when expired. */
  async resolveSession(sessionToken: string): Promise<AuthContext | undefined> {
    const hash = sha256(sessionToken);
    const now = this.now();
    const hit = this.cached(hash);
    let session: SessionRow;
    let context: AuthContext;
    if (hit?.session) {
      ({ session, context } = hit);
    } else {
      const found = await repo.findSessionByTokenHash(this.db, hash);
      if (!found) return undefined;
      session = found.session;
      context = {
        user: toPublicUser(found.user),
        via: 'session',
        sessionId: session.id,
        csrfToken: session.csrf_token,
      };
    }
    if (!this.isAlive(session, now)) {
      this.credentials.delete(hash);
      await repo.deleteSession(this.db, session.id);
      return undefined;
    }
    if (now - session.last_seen_at > TOUCH_INTERVAL_MS) {
      await repo.touchSession(this.db, session.id, now);
      session = { ...session, last_seen_at: now };
    }
    if (!hit || hit.session !== session) {
      this.remember(hash, { userId: context.user.id, session, context });
    }
    return context;
  }

  private isAlive(session: SessionRow, now: number): boolean {
    const idleMs = this.config.sessionIdleMinutes * 60_000;
    return now < session.expires_at && now < session.last_seen_at + idleMs;
  }

  async resolveApiToken(secret: string): Promise<AuthContext | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const hash = sha256(secret);
    const now = this.now();
    const hit = this.cached(hash);
    let entry: CachedCredential;
    if (hit?.tokenId) {
      entry = hit;
    } else {
      const found = await repo.findApiToken(this.db, hash);
      if (!found) return undefined;
      entry = {
        userId: found.user.id,
        tokenId: found.token.id,
        lastUsedAt: found.token.last_used_at,
        context: { user: toPublicUser(found.user), via: 'token' },
      };
    }
    if (entry.lastUsedAt == null || now - entry.lastUsedAt > TOUCH_INTERVAL_MS) {
      await repo.touchApiToken(this.db, entry.tokenId!, now);
      entry = { ...entry, lastUsedAt: now };
    }
    if (entry !== hit) this.remember(hash, entry);
    return entry.context;
  }

  async logout(auth: AuthContext): Promise<void> {
    if (!auth.sessionId) return;
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteSession(trx, auth.sessionId!);
      await this.revoke(trx, auth.user.id);
    });
  }

  async listSessions(auth: AuthContext): Promise<Static<typeof Session>[]> {
    const rows = await repo.listUserSessions(this.db, auth.user.id, this.now());
    return rows
      .filter((row) => this.isAlive(row, this.now()))
      .map((row) => ({
        id: row.id,
        createdAt: toIso(row.created_at),
        lastSeenAt: toIso(row.last_seen_at),
        expiresAt: toIso(row.expires_at),
        userAgent: row.user_agent,
        ip: row.ip,
        current: row.id === auth.sessionId,
      }));
  }

  async endSession(auth: AuthContext, sessionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await repo.deleteUserSession(trx, auth.user.id, sessionId);
      if (Number(result.numDeletedRows) === 0) throw NotFound('Session');
      await this.revoke(trx, auth.user.id);
    });
  }

  /** Changing the password ends every other session of the user (a stolen cookie dies too). */
  async changePassword(auth: AuthContext, currentPassword: string, newPassword: string) {
    const user = await repo.findUserById(this.db, auth.user.id);
    if (!user) throw Unauthenticated();
    if (!(await verifyPassword(user.password_hash, currentPassword))) {
      throw ValidationFailed('The current password is incorrect', [
        { field: 'currentPassword', message: 'is incorrect' },
      ]);
    }
    checkPasswordPolicy(newPassword, 'newPassword', [user.email, user.name]);
    const now = this.now();
    const hash = await hashPassword(newPassword);
    await this.db.transaction().execute(async (trx) => {
      await repo.updatePasswordHash(trx, user.id, hash, now);
      await repo.deleteOtherSessions(trx, user.id, auth.sessionId);
      await this.revoke(trx, user.id);
    });
  }

  async createApiToken(auth: AuthContext, name: string) {
    const secret = `${TOKEN_PREFIX}${randomToken(32)}`;
    const row: ApiTokenRow = {
      id: newId(),
      user_id: auth.user.id,
      name: name.trim(),
      token_hash: sha256(secret),
      prefix: secret.slice(0, 8),
      created_at: this.now(),
      last_used_at: null,
    };
    await repo.insertApiToken(this.db, row);
    return { ...toPublicToken(row), token: secret };
  }

  async listApiTokens(auth: AuthContext) {
    return (await repo.listApiTokens(this.db, auth.user.id)).map(toPublicToken);
  }

  async deleteApiToken(auth: AuthContext, tokenId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await repo.deleteApiToken(trx, auth.user.id, tokenId);
      if (Number(result.numDeletedRows) === 0) throw NotFound('Token');
      await this.revoke(trx, auth.user.id);
    });
  }
}

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

const toPublicToken = (row: ApiTokenRow): Static<typeof ApiToken> => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: toIso(row.created_at),
  lastUsedAt: toIsoOrNull(row.last_used_at),
});
