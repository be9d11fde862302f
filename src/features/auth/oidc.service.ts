// Single sign-on through an OpenID Connect provider: authorization code with PKCE, state and
// nonce, through openid-client (OpenID-certified), which also validates the ID token. What is
// in flight between the start and the callback lives in the database (oidc_logins), keyed by the
// hash of a cookie of the browser that started: any replica may answer the callback, and a
// callback URL carried to another browser finds nothing there (no login CSRF).
import * as client from 'openid-client';
import type { OidcConfig } from '../../config.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { UserRow } from '../../db/types.js';
import { AppError } from '../../platform/errors.js';
import { newId, randomToken, sha256 } from '../../platform/ids.js';
import { normalizeEmail, normalizeName } from '../../platform/text.js';
import { findUserByEmail, lockAdmins } from './auth.repository.js';
import { insertAccount } from './auth.service.js';
import type { AuthService, ClientInfo, NewSession } from './auth.service.js';
import * as repo from './oidc.repository.js';

/** The reasons a single sign-on ends on the sign-in page (`/signin?error=…`, shown by the UI). */
export const OIDC_ERROR_CODES = [
  'sso_unavailable',
  'sso_state',
  'sso_failed',
  'sso_denied',
  'sso_no_email',
  'sso_email_unverified',
  'sso_closed',
  'sso_disabled',
  'sso_invite',
] as const;
export type OidcErrorCode = (typeof OIDC_ERROR_CODES)[number];

/**
 * Accepting an invite, as features/accounts does it: claims the invite for the new account in the
 * transaction that stores it (joining the invite's project); false when the invite is unknown,
 * used or expired. Given by the app: this feature depends on none.
 */
export interface InviteClaim {
  claim(db: Db, inviteHash: string, user: UserRow, now: number): Promise<boolean>;
}

export class OidcError extends Error {
  override name = 'OidcError';
  constructor(
    readonly code: OidcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** How long a started sign-in may take at the provider. */
export const LOGIN_TTL_MS = 10 * 60_000;
/** The provider's metadata is read again after this (key rotation is openid-client's own). */
const DISCOVERY_TTL_MS = 3_600_000;
/** Seconds a request to the provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;
/** An account without a usable password (verifyPassword fails on anything not a hash). */
export const NO_PASSWORD = '!sso';

/** A path of this site to land on after signing in; anything else lands on the home page. */
export function safeNextPath(next: unknown): string {
  return typeof next === 'string' &&
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.includes('\\') &&
    next.length <= 2000
    ? next
    : '/';
}

interface Claims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  preferred_username?: unknown;
  groups?: unknown;
}

export class OidcService {
  private discovered: { at: number; config: Promise<client.Configuration> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    readonly settings: Readonly<OidcConfig>,
    private readonly invites?: InviteClaim,
    private readonly now: () => number = Date.now,
  ) {}

  /** The provider's configuration (discovery), kept an hour; a failure is retried next time. */
  private provider(): Promise<client.Configuration> {
    const now = this.now();
    if (!this.discovered || now - this.discovered.at > DISCOVERY_TTL_MS) {
      const { issuer, clientId, clientSecret } = this.settings;
      const url = new URL(issuer);
      const config = client
        .discovery(
          url,
          clientId,
          undefined,
          clientSecret === undefined ? client.None() : client.ClientSecretBasic(clientSecret),
          {
            timeout: PROVIDER_TIMEOUT_SECONDS,
            // Config admits http:// only for a provider on this machine (development, tests).
            execute: url.protocol === 'http:' ? [client.allowInsecureRequests] : [],
          },
        )
        .catch((error: unknown) => {
          this.discovered = undefined;
          throw new OidcError(
            'sso_unavailable',
            `The sign-in provider cannot be reached (${describe(error)})`,
          );
        });
      this.discovered = { at: now, config };
    }
    return this.discovered.config;
  }

  /**
   * Where to send the browser, and the cookie value that binds the sign-in to it. With `invite`
   * (the secret of an invite link), a first sign-in creates the account the invite allows.
   */
  async start(nextPath: string, invite?: string): Promise<{ url: string; cookie: string }> {
    const config = await this.provider();
    const cookie = randomToken(32);
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const now = this.now();
    await repo.insertLogin(
      this.db,
      {
        id_hash: sha256(cookie),
        state,
        nonce,
        code_verifier: verifier,
        next_path: safeNextPath(nextPath),
        expires_at: now + LOGIN_TTL_MS,
        invite_hash: invite ? sha256(invite) : null,
      },
      now,
    );
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl,
      scope: this.settings.scopes,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, cookie };
  }

  /**
   * Completes a sign-in: `query` is the callback's query string as the provider sent it. Returns
   * the new session and the page to land on; throws OidcError for everything that is not a
   * sign-in (the route turns it into a redirect to the sign-in page).
   */
  async callback(
    cookie: string | undefined,
    query: string,
    clientInfo: ClientInfo,
    replacesSessionId?: string,
  ): Promise<{ session: NewSession; next: string }> {
    const login = cookie ? await repo.takeLogin(this.db, sha256(cookie)) : undefined;
    const params = new URLSearchParams(query);
    if (!login || login.expires_at <= this.now() || params.get('state') !== login.state) {
      throw new OidcError(
        'sso_state',
        'This sign-in was not started here, has expired or was already used; start again',
      );
    }
    const config = await this.provider();
    const currentUrl = new URL(this.settings.redirectUrl);
    currentUrl.search = params.toString();
    let claims: Claims;
    try {
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() as Claims;
      if (this.needsUserInfo(claims) && config.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        claims = { ...info, ...claims };
        if (claims.email === undefined) claims.email = info.email;
      }
    } catch (error) {
      throw providerFailure(error);
    }
    const user = await this.account(config.serverMetadata().issuer, claims, login.invite_hash);
    const session = await this.auth
      .startSession(user, clientInfo, replacesSessionId)
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'FORBIDDEN') {
          throw new OidcError('sso_disabled', error.message);
        }
        throw error;
      });
    return { session, next: login.next_path };
  }

  private needsUserInfo(claims: Claims): boolean {
    return (
      typeof claims.email !== 'string' ||
      (this.settings.adminGroup !== undefined && claims.groups === undefined)
    );
  }

  /**
   * The account an identity signs in to: linked before, linked now by email, or new (through an
   * invite when the sign-in carries one: also while registration is closed).
   */
  private async account(
    issuer: string,
    claims: Claims,
    inviteHash: string | null = null,
  ): Promise<UserRow> {
    const now = this.now();
    const linked = await repo.findLinkedUser(this.db, issuer, claims.sub);
    if (linked) {
      await repo.touchIdentity(this.db, issuer, claims.sub, now);
      return this.applyAdminGroup(linked, claims);
    }
    if (typeof claims.email !== 'string' || !claims.email.includes('@')) {
      throw new OidcError(
        'sso_no_email',
        'The sign-in provider did not share an email address (ask for the email scope)',
      );
    }
    const email = normalizeEmail(claims.email);
    const identity = { issuer, subject: claims.sub };
    const existing = await findUserByEmail(this.db, email);
    if (existing) {
      // Linking hands the account to whoever controls this identity: only on the provider's
      // word that the address is theirs.
      if (claims.email_verified !== true) {
        throw new OidcError(
          'sso_email_unverified',
          'An account with this email exists, and the sign-in provider does not say the email is verified',
        );
      }
      await this.link(repo.linkIdentity(this.db, { ...identity, userId: existing.id }, now));
      return this.applyAdminGroup(existing, claims);
    }
    const user: UserRow = {
      id: newId(),
      email,
      name: displayName(claims, email),
      password_hash: NO_PASSWORD,
      role: 'user',
      created_at: now,
      updated_at: now,
      disabled_at: null,
      password_reset_hash: null,
      password_reset_expires_at: null,
    };
    if (inviteHash && this.invites) {
      const invites = this.invites;
      await this.link(
        this.db.transaction().execute(async (trx) => {
          await insertAccount(trx, user);
          await repo.linkIdentity(trx, { ...identity, userId: user.id }, now);
          if (!(await invites.claim(trx, inviteHash, user, now)))
            throw new OidcError(
              'sso_invite',
              'This invite link is not valid: it was used, it expired or it was revoked; ask for a new one',
            );
        }),
      );
      return this.applyAdminGroup(user, claims);
    }
    await this.link(
      this.auth.createAccount(
        user,
        (db) => repo.linkIdentity(db, { ...identity, userId: user.id }, now),
        () =>
          new OidcError(
            'sso_closed',
            'Registration is closed on this server; ask an administrator for an account',
          ),
      ),
    );
    return this.applyAdminGroup(user, claims);
  }

  /** A concurrent first sign-in of the same identity or email linked first: start again. */
  private async link(write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (error) {
      if (isUniqueViolation(error) || (error instanceof AppError && error.code === 'CONFLICT')) {
        throw new OidcError('sso_failed', 'Another sign-in of this account ran at once; try again');
      }
      throw error;
    }
  }

  /**
   * OIDC_ADMIN_GROUP: members of the group are admins, the others not, as of each sign-in; the
   * last enabled admin is never demoted (the instance keeps one).
   */
  private async applyAdminGroup(user: UserRow, claims: Claims): Promise<UserRow> {
    const group = this.settings.adminGroup;
    if (group === undefined) return user;
    const groups = Array.isArray(claims.groups) ? claims.groups : [claims.groups];
    const role: UserRow['role'] = groups.includes(group) ? 'admin' : 'user';
    if (role === user.role) return user;
    return this.db.transaction().execute(async (trx) => {
      await lockAdmins(trx);
      if (role === 'user' && (await repo.otherActiveAdmins(trx, user.id)) === 0) return user;
      await repo.setRole(trx, user.id, role, this.now());
      // Every replica forgets the old role of the account's cached credentials.
      await this.auth.revoke(trx, user.id);
      return { ...user, role };
    });
  }
}

function displayName(claims: Claims, email: string): string {
  const candidates = [claims.name, claims.preferred_username, email.split('@')[0]];
  const name = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return normalizeName(name ?? email).slice(0, 100);
}

function describe(error: unknown): string {
  const { cause, error: oauthError } = error as { cause?: { code?: unknown }; error?: unknown };
  if (typeof oauthError === 'string') return oauthError;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof client.ClientError && error.code) return error.code;
  return error instanceof Error ? error.name : 'unknown error';
}

// Answers that are not the provider's word on this sign-in: no answer, a timeout, an error page.
const UNREACHABLE = new Set(['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON']);

/** What the exchange of the code failed on: the provider down, or a refused answer. */
function providerFailure(error: unknown): OidcError {
  if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied') {
    return new OidcError('sso_denied', 'The sign-in was cancelled at the provider');
  }
  const unreachable =
    error instanceof TypeError ||
    (error instanceof client.ClientError &&
      (error.cause instanceof DOMException || UNREACHABLE.has(error.code ?? '')));
  if (unreachable) {
    return new OidcError(
      'sso_unavailable',
      `The sign-in provider cannot be reached (${describe(error)})`,
    );
  }
  return new OidcError(
    'sso_failed',
    `The sign-in provider refused the sign-in (${describe(error)}); start again`,
  );
}
