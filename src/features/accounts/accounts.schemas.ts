import { Type } from 'typebox';
import type { TSchema } from 'typebox';
import { PageQuery } from '../../platform/pagination.js';
import { Id, Nullable, Timestamp } from '../../platform/schemas.js';
import { ChangePasswordBody, RegisterBody, User } from '../auth/auth.schemas.js';
import { Role as ProjectRole } from '../projects/projects.schemas.js';

/** How long an invite link stays valid, in days. */
export const INVITE_EXPIRY_DAYS = [1, 7, 30] as const;

const AccountRole = User.properties.role;
const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const AdminUser = Type.Object({
  id: Id,
  email: Type.String(),
  name: Type.String(),
  role: AccountRole,
  createdAt: Timestamp,
  disabledAt: Type.Union([Timestamp, Type.Null()], {
    description: 'Set while the account is disabled: no sign-in, no session, no API token',
  }),
  passwordResetExpiresAt: Type.Union([Timestamp, Type.Null()], {
    description:
      'Set after a forced password reset until the account sets a new password: the old one no longer works, and the reset link works until then',
  }),
});

export const AdminUserPage = Page(AdminUser);

export const ListQuery = Type.Object(PageQuery, { additionalProperties: false });

export const UserParams = Type.Object({ userId: Id });

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(AccountRole),
    disabled: Type.Optional(
      Type.Boolean({ description: 'true ends every session and API token of the account' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PasswordResetLink = Type.Object({
  token: Type.String({ description: 'The secret of the link: shown only in this response' }),
  path: Type.String({ description: 'The link on this server: /reset-password#<token>' }),
  expiresAt: Timestamp,
});

export const InviteParams = Type.Object({ inviteId: Id });

const inviteFields = {
  id: Id,
  note: Nullable(Type.String()),
  project: Nullable(Type.Object({ id: Id, name: Type.String(), role: ProjectRole })),
  status: Type.Union([Type.Literal('pending'), Type.Literal('used'), Type.Literal('expired')]),
  createdBy: Type.Object({ id: Id, name: Type.String() }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  usedAt: Type.Union([Timestamp, Type.Null()]),
  usedBy: Nullable(Type.Object({ id: Id, email: Type.String(), name: Type.String() })),
};

export const Invite = Type.Object(inviteFields);

export const InvitePage = Page(Invite);

export const NewInvite = Type.Object({
  ...inviteFields,
  token: Type.String({ description: 'The secret of the link: shown only in this response' }),
  path: Type.String({ description: 'The link on this server: /invite#<token>' }),
});

export const CreateInviteBody = Type.Object(
  {
    note: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: '\\S',
        description: 'Whom the invite is for, for the list of invites',
      }),
    ),
    expiresInDays: Type.Optional(
      Type.Union(
        INVITE_EXPIRY_DAYS.map((days) => Type.Literal(days)),
        { description: 'How long the link works (default 7 days)' },
      ),
    ),
    project: Type.Optional(
      Type.Object(
        {
          id: Id,
          role: Type.Optional(ProjectRole),
        },
        {
          additionalProperties: false,
          description: 'The new account joins this project with this role (default editor)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const LinkToken = Type.String({ minLength: 1, maxLength: 200, description: 'From the link' });

export const AcceptInviteBody = Type.Object(
  { token: LinkToken, ...RegisterBody.properties },
  { additionalProperties: false },
);

export const AcceptInviteResponse = Type.Object({
  user: Type.Ref('User'),
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token on unsafe requests' }),
  projectId: Type.Union([Id, Type.Null()], { description: 'The project the invite joined' }),
});

export const ResetPasswordBody = Type.Object(
  { token: LinkToken, newPassword: ChangePasswordBody.properties.newPassword },
  { additionalProperties: false },
);
