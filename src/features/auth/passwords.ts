// Password policy (NIST SP 800-63B: length over composition rules, refuse known-common ones) and
// argon2id hashing with OWASP's recommended minimum parameters (19 MiB, 2 passes, 1 lane).
import { hash, verify } from '@node-rs/argon2';
import { ValidationFailed } from '../../platform/errors.js';
import { commonPasswords } from './common-passwords.js';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function checkPasswordPolicy(
  password: string,
  field = 'password',
  context: string[] = [],
): void {
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered) || commonPasswords.has(password)) {
    throw ValidationFailed('Choose a less common password', [
      { field, message: 'is on the list of common passwords' },
    ]);
  }
  if (context.some((value) => value.length >= 4 && lowered === value.toLowerCase())) {
    throw ValidationFailed('The password must not be your email or name', [
      { field, message: 'must not equal your email or name' },
    ]);
  }
}

// @node-rs/argon2 defaults to argon2id; the hash string records algorithm and parameters.
export const hashPassword = (password: string): Promise<string> => hash(password, argon2Options);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A real hash to verify against when the account does not exist, so that a login for an unknown
// email costs the same time as one for a known email (no user enumeration by timing).
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = (): Promise<string> =>
  (dummyHash ??= hashPassword('not-a-real-password-for-timing'));
