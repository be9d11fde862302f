import { Type } from 'typebox';
import { Id, Timestamp } from '../../platform/schemas.js';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.js';

/** The lifetimes a new API token may be given (or none): issue 11, finding 4. */
export const TOKEN_EXPIRY_DAYS = [30, 90, 365] as const;

export const User = Type.Object(
  {
    id: Id,
    email: Type.String(),
    name: Type.String(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
    createdAt: Timestamp,
  },
  { $id: 'User' },
);

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX });

export const RegisterBody = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    password: Password,
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
  },
  { additionalProperties: false },
);

export const AuthResponse = Type.Object({
  user: Type.Ref('User'),
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token on unsafe requests' }),
});

/** The caller's session, or none: never a 401. */
export const SessionState = Type.Object({
  user: Type.Union([Type.Ref('User'), Type.Null()], { description: 'null: not signed in' }),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'Send it as X-CSRF-Token on unsafe requests; null: not signed in',
  }),
});

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
    newPassword: Password,
  },
  { additionalProperties: false },
);

export const Session = Type.Object({
  id: Id,
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});

const apiTokenFields = {
  id: Id,
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the token, to recognise it' }),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()], {
    description: 'When the token last authenticated a request, to the minute',
  }),
  expiresAt: Type.Union([Timestamp, Type.Null()], {
    description: 'From then on the token answers 401; null: it does not expire',
  }),
};

export const ApiToken = Type.Object(apiTokenFields);

export const NewApiToken = Type.Object({
  ...apiTokenFields,
  token: Type.String({ description: 'The secret: shown only in this response' }),
});

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    currentPassword: Type.String({
      minLength: 1,
      maxLength: PASSWORD_MAX,
      description: 'The account password: a token outlives the session that asks for it',
    }),
    expiresInDays: Type.Optional(
      Type.Union([...TOKEN_EXPIRY_DAYS.map((days) => Type.Literal(days)), Type.Null()], {
        description: 'Lifetime in days; null or absent: the token does not expire',
      }),
    ),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Id });

export const AuthMethods = Type.Object({
  password: Type.Boolean({
    description: 'Email and password sign-in and sign-up are on (off with AUTH_MODE=oidc)',
  }),
  sso: Type.Boolean({
    description: 'Single sign-on is configured: start it at /api/v1/auth/oidc/start',
  }),
});
