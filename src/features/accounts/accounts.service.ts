// Account management (issue 11, finding 5): admins list, disable and enable accounts, promote and
// demote admins, force a password reset (a single-use link) and invite people with single-use
// links that work while registration is closed. The instance always keeps an active admin.
// Revocations go through the auth feature, which tells every replica through the change feed.
import type { Static } from 'typebox';
import type { AuthContext } from '../../access/caller.js';
import { recordActivity } from '../../activity-log/record.js';
import type { Db } from '../../db/database.js';
import type { InviteRow, ProjectRole, UserRow } from '../../db/types.js';
import { AppError, Conflict, Forbidden, NotFound } from '../../platform/errors.js';
import { newId, randomToken, sha256 } from '../../platform/ids.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { toIso, toIsoOrNull } from '../../platform/schemas.js';
import { findUserById } from '../auth/auth.repository.js';
import { insertAccount, prepareAccount } from '../auth/auth.service.js';
import type { AuthService, ClientInfo, NewAccount, NewSession } from '../auth/auth.service.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { insertMember, lockProject } from '../projects/projects.repository.js';
import * as repo from './accounts.repository.js';
import type { InviteListRow } from './accounts.repository.js';
import type { AdminUser, Invite, NewInvite, PasswordResetLink } from './accounts.schemas.js';

const DAY_MS = 86_400_000;
/** A reset link is a way into the account: short-lived. An admin can issue a new one. */
export const RESET_LINK_HOURS = 24;
const DEFAULT_INVITE_DAYS = 7;
const INVITE_PREFIX = 'tmi_';
const RESET_PREFIX = 'tmr_';

const toAdminUser = (row: UserRow): Static<typeof AdminUser> => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: toIso(row.created_at),
  disabledAt: toIsoOrNull(row.disabled_at),
  passwordResetExpiresAt: toIsoOrNull(row.password_reset_expires_at),
});

const toInvite = (row: InviteListRow, now: number): Static<typeof Invite> => ({
  id: row.id,
  note: row.note,
  project:
    row.project_id && row.project_name !== null
      ? { id: row.project_id, name: row.project_name, role: row.project_role ?? 'editor' }
      : null,
  status: row.used_at !== null ? 'used' : now >= row.expires_at ? 'expired' : 'pending',
  createdBy: { id: row.created_by, name: row.creator_name },
  createdAt: toIso(row.created_at),
  expiresAt: toIso(row.expires_at),
  usedAt: toIsoOrNull(row.used_at),
  usedBy:
    row.used_by && row.user_email !== null && row.user_name !== null
      ? { id: row.used_by, email: row.user_email, name: row.user_name }
      : null,
});

const linkNotValid = (what: string) =>
  new AppError(
    'NOT_FOUND',
    `This ${what} link is not valid: it has expired, was used or was replaced; ask an administrator for a new one`,
  );

export class AccountsService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The caller, if an enabled admin. Read from the database, not the cached credential: a role
   * taken away on another replica a moment ago counts at once.
   */
  private async requireAdmin(db: Db, caller: AuthContext): Promise<UserRow> {
    const user = await findUserById(db, caller.user.id);
    if (!user || user.role !== 'admin' || user.disabled_at !== null) {
      throw Forbidden('Only administrators manage accounts');
    }
    return user;
  }

  async listUsers(caller: AuthContext, limit: number, cursor?: string) {
    await this.requireAdmin(this.db, caller);
    const after = decodeCursor(cursor);
    const rows = await repo.listUsers(this.db, limit, after ? String(after.k) : undefined);
    const page = pageOf(rows, limit, (row) => row.email);
    return { items: page.items.map(toAdminUser), nextCursor: page.nextCursor };
  }

  /**
   * Promotes or demotes, disables or enables. Never the caller's own account, so the instance
   * never loses its last active admin: the caller is one, checked again under the admins' row
   * locks, so concurrent changes run one after another (two admins demoting each other at once
   * leave one of them).
   */
  async updateUser(
    caller: AuthContext,
    userId: string,
    changes: { role?: UserRow['role']; disabled?: boolean },
  ): Promise<Static<typeof AdminUser>> {
    await this.requireAdmin(this.db, caller);
    if (userId === caller.user.id) {
      throw Conflict(
        'You cannot change your own role or status (the instance keeps an administrator); ask another administrator',
      );
    }
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      await repo.lockAdmins(trx);
      await this.requireAdmin(trx, caller);
      const target = await repo.findUser(trx, userId);
      if (!target) throw NotFound('User');
      const role = changes.role ?? target.role;
      const disabledAt =
        changes.disabled === undefined
          ? target.disabled_at
          : changes.disabled
            ? (target.disabled_at ?? now)
            : null;
      const disabling = target.disabled_at === null && disabledAt !== null;
      const updated: UserRow = {
        ...target,
        role,
        disabled_at: disabledAt,
        // A disabled account keeps no way back in but an admin's.
        ...(disabling ? { password_reset_hash: null, password_reset_expires_at: null } : {}),
        updated_at: now,
      };
      await repo.updateUser(trx, userId, {
        role: updated.role,
        disabled_at: updated.disabled_at,
        password_reset_hash: updated.password_reset_hash,
        password_reset_expires_at: updated.password_reset_expires_at,
        updated_at: now,
      });
      if (disabling) await this.auth.revokeCredentials(trx, userId);
      else if (role !== target.role) await this.auth.revoke(trx, userId);
      return toAdminUser(updated);
    });
  }

  /**
   * Forces a password reset: the password stops working, every session and API token ends, and
   * the admin gets a single-use link (valid RESET_LINK_HOURS) to hand to the person, who sets a
   * new password through it. Forcing again replaces the link.
   */
  async forcePasswordReset(
    caller: AuthContext,
    userId: string,
  ): Promise<Static<typeof PasswordResetLink>> {
    await this.requireAdmin(this.db, caller);
    this.auth.requirePasswordMode();
    if (userId === caller.user.id) {
      throw Conflict('Change your own password from your account page');
    }
    const target = await repo.findUser(this.db, userId);
    if (!target) throw NotFound('User');
    if (target.disabled_at !== null) throw Conflict('Enable the account before resetting it');
    const token = `${RESET_PREFIX}${randomToken(32)}`;
    const now = this.now();
    const expiresAt = now + RESET_LINK_HOURS * 3_600_000;
    // A real hash of a secret nobody knows: a sign-in meanwhile costs what any other does.
    const unusable = await hashPassword(randomToken(32));
    await this.db.transaction().execute(async (trx) => {
      await repo.updateUser(trx, userId, {
        password_hash: unusable,
        password_reset_hash: sha256(token),
        password_reset_expires_at: expiresAt,
        updated_at: now,
      });
      await this.auth.revokeCredentials(trx, userId);
    });
    return { token, path: `/reset-password#${token}`, expiresAt: toIso(expiresAt) };
  }

  /** Sets a new password through a reset link, once, and signs the person in. */
  async resetPassword(
    input: { token: string; newPassword: string },
    client: ClientInfo,
    replacesSessionId?: string,
  ): Promise<NewSession> {
    this.auth.requirePasswordMode();
    const hash = sha256(input.token);
    const now = this.now();
    const user = await repo.findUserByResetHash(this.db, hash, now);
    if (!user) throw linkNotValid('reset');
    await checkPasswordPolicy(input.newPassword, 'newPassword', [user.email, user.name]);
    const passwordHash = await hashPassword(input.newPassword);
    if (!(await repo.completeReset(this.db, user.id, hash, passwordHash, now))) {
      throw linkNotValid('reset');
    }
    return this.auth.startSession(
      {
        ...user,
        password_hash: passwordHash,
        password_reset_hash: null,
        password_reset_expires_at: null,
      },
      client,
      replacesSessionId,
    );
  }

  async listInvites(caller: AuthContext, limit: number, cursor?: string) {
    await this.requireAdmin(this.db, caller);
    const before = decodeCursor(cursor)?.id;
    const now = this.now();
    const page = pageOf(await repo.listInvites(this.db, limit, before), limit, () => null);
    return { items: page.items.map((row) => toInvite(row, now)), nextCursor: page.nextCursor };
  }

  async createInvite(
    caller: AuthContext,
    input: {
      note?: string;
      expiresInDays?: number;
      project?: { id: string; role?: ProjectRole };
    },
  ): Promise<Static<typeof NewInvite>> {
    await this.requireAdmin(this.db, caller);
    const token = `${INVITE_PREFIX}${randomToken(32)}`;
    const now = this.now();
    const row: InviteRow = {
      id: newId(),
      token_hash: sha256(token),
      note: input.note?.trim() ?? null,
      project_id: input.project?.id ?? null,
      project_role: input.project ? (input.project.role ?? 'editor') : null,
      created_by: caller.user.id,
      created_at: now,
      expires_at: now + (input.expiresInDays ?? DEFAULT_INVITE_DAYS) * DAY_MS,
      used_at: null,
      used_by: null,
    };
    await this.db.transaction().execute(async (trx) => {
      // The project's row lock: it cannot be deleted between this check and the insert.
      if (
        row.project_id &&
        Number((await lockProject(trx, row.project_id))[0]?.numUpdatedRows) !== 1
      )
        throw NotFound('Project');
      await repo.insertInvite(trx, row);
    });
    const created = await repo.findInvite(this.db, row.id);
    if (!created) throw NotFound('Invite');
    return { ...toInvite(created, now), token, path: `/invite#${token}` };
  }

  async deleteInvite(caller: AuthContext, inviteId: string): Promise<void> {
    await this.requireAdmin(this.db, caller);
    const result = await repo.deleteInvite(this.db, inviteId);
    if (Number(result.numDeletedRows) === 0) throw NotFound('Invite');
  }

  /**
   * Creates the account an invite allows (also while registration is closed), once: the invite
   * is claimed in the transaction that inserts the account, so of two simultaneous uses one
   * wins. The account joins the invite's project, if it still exists.
   */
  async acceptInvite(
    input: NewAccount & { token: string },
    client: ClientInfo,
    replacesSessionId?: string,
  ): Promise<{ session: NewSession; projectId: string | null }> {
    // With single sign-on only, an invite is accepted through the provider (claim below).
    this.auth.requirePasswordMode();
    const now = this.now();
    const invite = await repo.findInviteByHash(this.db, sha256(input.token));
    if (!invite || invite.used_at !== null || invite.expires_at <= now)
      throw linkNotValid('invite');
    const user = await prepareAccount(this.db, input, 'user', now);
    const joined = await this.db.transaction().execute(async (trx) => {
      await insertAccount(trx, user);
      const claimed = await this.claim(trx, sha256(input.token), user, now);
      if (claimed === false) throw linkNotValid('invite');
      return claimed.projectId;
    });
    const session = await this.auth.startSession(user, client, replacesSessionId);
    return { session, projectId: joined };
  }

  /**
   * Claims the invite for a new account, in the transaction that stores the account: false when
   * the invite is unknown, used or expired; else the project it joined (if it still exists).
   * Single use: of two simultaneous claims one wins. Also the seam of invites accepted through
   * single sign-on (features/auth/oidc.service.ts).
   */
  async claim(
    trx: Db,
    inviteHash: string,
    user: Pick<UserRow, 'id' | 'name'>,
    now: number,
  ): Promise<false | { projectId: string | null }> {
    const invite = await repo.findInviteByHash(trx, inviteHash);
    if (!invite || !(await repo.claimInvite(trx, invite.id, user.id, now))) return false;
    if (!invite.project_id || !invite.project_role) return { projectId: null };
    const [locked] = await lockProject(trx, invite.project_id);
    if (Number(locked?.numUpdatedRows) !== 1) return { projectId: null };
    await insertMember(trx, {
      project_id: invite.project_id,
      user_id: user.id,
      role: invite.project_role,
      created_at: now,
    });
    await recordActivity(trx, {
      projectId: invite.project_id,
      actorId: invite.created_by,
      action: 'member.added',
      details: { userId: user.id, name: user.name, role: invite.project_role, invite: true },
      at: now,
    });
    return { projectId: invite.project_id };
  }
}
