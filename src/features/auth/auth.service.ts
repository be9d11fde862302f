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
import { LoginLimits } from './login-limits.js';
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
const TOKEN_PREFIX = 'tm_';
const DAY_MS = 86_400_000;

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
  expiresAt?: number | null;
  context: AuthContext;
}

export type LoginResultListener = (result: 'success' | 'failure' | 'locked') => void;

export class AuthService {
  /** Sign-in limits per account and per client address, shared by every replica. */
  readonly limits: LoginLimits;
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
    this.limits = new LoginLimits(db, config, now);
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
   * transaction, so the change and its notice commit together). Also after a change of role, so
   * that no replica goes on serving the old one.
   */
  revoke(db: Db, userOrSessionId: string): Promise<void> {
    if (!this.changes) return Promise.resolve();
    return this.changes.publish(db, CREDENTIALS_TOPIC, userOrSessionId);
  }

  /**
   * AUTH_MODE=oidc: accounts sign in through the provider only (403 FORBIDDEN here): no sign-up,
   * sign-in, password change, reset link or invite accepted with a password.
   */
  requirePasswordMode(): void {
    if (this.config.authMode === 'oidc') {
      throw Forbidden('Password sign-in is turned off on this server; sign in with single sign-on');
    }
  }

  async register(input: NewAccount, client: ClientInfo, replacesSessionId?: string) {
    this.requirePasswordMode();
    const user = await prepareAccount(this.db, input, 'user', this.now());
    await this.createAccount(user);
    return this.startSession(user, client, replacesSessionId);
  }

  /**
   * Stores a new account (sign-up, first single sign-on) with `alsoStore` in its transaction.
   * The first account of a fresh installation administers it, and is the only one REGISTRATION=
   * closed lets in (`closedError` otherwise).
   */
  async createAccount(
    user: UserRow,
    alsoStore: (db: Db) => Promise<unknown> = async () => undefined,
    closedError: () => Error = () =>
      Forbidden('Registration is closed on this server; ask an administrator for an account'),
  ): Promise<void> {
    const closed = this.config.registration === 'closed';
    // Accounts are never removed, so once there is one, this sign-up cannot be the first.
    const mayBeFirst = (await repo.countUsers(this.db)) === 0;
    if (closed && !mayBeFirst) throw closedError();
    const insert = async (db: Db) => {
      await insertAccount(db, user);
      await alsoStore(db);
    };
    if (!mayBeFirst) {
      await this.db.transaction().execute(insert);
    } else {
      // Decide under a lock: simultaneous first sign-ups must not all see an empty table and all
      // become admins.
      await repo.withSignUpLock(this.db, async (db) => {
        const first = (await repo.countUsers(db)) === 0;
        if (closed && !first) throw closedError();
        user.role = first ? 'admin' : 'user';
        await insert(db);
      });
    }
  }

  async login(
    input: { email: string; password: string },
    client: ClientInfo,
    replacesSessionId?: string,
  ): Promise<NewSession> {
    this.requirePasswordMode();
    const email = normalizeEmail(input.email);
    const user = await repo.findUserByEmail(this.db, email);
    const verdict = await this.limits.attempt(user?.id, email);
    if (!verdict.allowed) {
      this.loginListener?.('locked');
      throw RateLimited(
        LoginLimits.lockedMessage(verdict.retryAfterSeconds),
        verdict.retryAfterSeconds,
      );
    }
    const ok = await verifyPassword(
      user?.password_hash ?? (await dummyPasswordHash()),
      input.password,
    );
    if (!user || !ok) {
      this.loginListener?.('failure');
      throw Unauthenticated('Email or password is incorrect');
    }
    await this.limits.succeeded(user.id);
    this.loginListener?.('success');
    return this.startSession(user, client, replacesSessionId);
  }

  /**
   * A new session id at every sign-in, and the session the browser held before ends with it
   * (no session fixation: a planted or leaked earlier id does not survive the sign-in). A
   * disabled account gets none, whatever proved it (password, invite, reset link).
   */
  async startSession(
    user: UserRow,
    client: ClientInfo,
    replacesSessionId?: string,
  ): Promise<NewSession> {
    if (user.disabled_at !== null) {
      throw Forbidden('This account is disabled; ask an administrator to enable it');
    }
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
      if (!found || found.user.disabled_at !== null) return undefined;
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
      if (!found || found.user.disabled_at !== null) return undefined;
      entry = {
        userId: found.user.id,
        tokenId: found.token.id,
        lastUsedAt: found.token.last_used_at,
        expiresAt: found.token.expires_at,
        context: { user: toPublicUser(found.user), via: 'token' },
      };
    }
    if (entry.expiresAt != null && now >= entry.expiresAt) {
      throw Unauthenticated('The API token has expired; create a new one');
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

  /**
   * Ends every session but `keepSessionId` and every API token of a user, on every replica
   * (pass the transaction that makes the change).
   */
  async revokeCredentials(db: Db, userId: string, keepSessionId?: string): Promise<void> {
    await repo.deleteOtherSessions(db, userId, keepSessionId);
    await repo.deleteUserApiTokens(db, userId);
    await this.revoke(db, userId);
  }

  /** The caller's account, if `password` is its password (400 naming `currentPassword` if not). */
  private async requirePassword(auth: AuthContext, password: string): Promise<UserRow> {
    const user = await repo.findUserById(this.db, auth.user.id);
    if (!user) throw Unauthenticated();
    if (!(await verifyPassword(user.password_hash, password))) {
      throw ValidationFailed('The current password is incorrect', [
        { field: 'currentPassword', message: 'is incorrect' },
      ]);
    }
    return user;
  }

  /**
   * Changing the password ends every other session of the user and revokes every API token:
   * whoever held a stolen cookie or token is out.
   */
  async changePassword(auth: AuthContext, currentPassword: string, newPassword: string) {
    this.requirePasswordMode();
    const user = await this.requirePassword(auth, currentPassword);
    await checkPasswordPolicy(newPassword, 'newPassword', [user.email, user.name]);
    const now = this.now();
    const hash = await hashPassword(newPassword);
    await this.db.transaction().execute(async (trx) => {
      await repo.updatePasswordHash(trx, user.id, hash, now);
      await this.revokeCredentials(trx, user.id, auth.sessionId);
    });
  }

  /**
   * A token outlives the session or token that asks for it, so it takes the password: a stolen
   * cookie (or an expiring token) cannot mint a lasting credential. Bearer callers alike.
   */
  async createApiToken(
    auth: AuthContext,
    input: { name: string; currentPassword: string; expiresInDays?: number | null },
  ) {
    await this.requirePassword(auth, input.currentPassword);
    const secret = `${TOKEN_PREFIX}${randomToken(32)}`;
    const now = this.now();
    const row: ApiTokenRow = {
      id: newId(),
      user_id: auth.user.id,
      name: input.name.trim(),
      token_hash: sha256(secret),
      prefix: secret.slice(0, 8),
      created_at: now,
      last_used_at: null,
      expires_at: input.expiresInDays ? now + input.expiresInDays * DAY_MS : null,
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

export interface NewAccount {
  email: string;
  name: string;
  password: string;
}

const emailTaken = () =>
  Conflict('An account with this email already exists', [
    { field: 'email', message: 'is already registered' },
  ]);

/**
 * The row of a new account (sign-up, invite, `taskmanager user create`): email normalized, name
 * trimmed, the password checked against the policy and hashed; 409 if the email is taken.
 */
export async function prepareAccount(
  db: Db,
  input: NewAccount,
  role: UserRow['role'],
  now: number,
): Promise<UserRow> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  await checkPasswordPolicy(input.password, 'password', [email, email.split('@')[0] ?? '', name]);
  if (await repo.findUserByEmail(db, email)) throw emailTaken();
  return {
    id: newId(),
    email,
    name,
    password_hash: await hashPassword(input.password),
    role,
    created_at: now,
    updated_at: now,
    disabled_at: null,
    password_reset_hash: null,
    password_reset_expires_at: null,
  };
}

/** Stores a prepared account; 409 when a concurrent sign-up took the email meanwhile. */
export async function insertAccount(db: Db, user: UserRow): Promise<void> {
  try {
    await repo.insertUser(db, user);
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

const toPublicToken = (row: ApiTokenRow): Static<typeof ApiToken> => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: toIso(row.created_at),
  lastUsedAt: toIsoOrNull(row.last_used_at),
  expiresAt: toIsoOrNull(row.expires_at),
});
