// Password policy (NIST SP 800-63B: length over composition rules, refuse passwords that are
// known, common or easily guessed) and argon2id hashing with OWASP's recommended minimum
// parameters (19 MiB, 2 passes, 1 lane).
import { hash, verify } from '@node-rs/argon2';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ValidationFailed } from '../../platform/errors.js';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// zxcvbn-ts with its maintained dictionaries: ~49,000 breached passwords plus ~180,000 English
// words, names and Wikipedia terms, and the patterns crackers try (repeats, sequences, keyboard
// walks, dates). Score 3 means about 10^8 guesses or more. The estimate's cost grows steeply
// with length and l33t substitutions, so it reads the first 64 characters without l33t
// expansion: a bounded cost per check (tens of milliseconds) on a public endpoint. Loaded and
// built on first use, not at start-up: the dictionaries cost ~60 ms and ~15 MB that a process
// serving no sign-up or password change (a replica, the CLI) never needs.
let estimator: Promise<ZxcvbnFactory> | undefined;
const passwordEstimator = (): Promise<ZxcvbnFactory> =>
  (estimator ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([{ ZxcvbnFactory }, common, english]) =>
      new ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...english.dictionary },
        graphs: common.adjacencyGraphs,
        maxLength: 64,
        l33tMaxSubstitutions: 0,
      }),
  ));
const MIN_SCORE = 3;

export async function checkPasswordPolicy(
  password: string,
  field = 'password',
  context: string[] = [],
): Promise<void> {
  const lowered = password.toLowerCase();
  if (context.some((value) => value.length >= 4 && lowered === value.toLowerCase())) {
    throw ValidationFailed('The password must not be your email or name', [
      { field, message: 'must not equal your email or name' },
    ]);
  }
  const { score } = (await passwordEstimator()).check(password, context);
  if (score < MIN_SCORE) {
    throw ValidationFailed('Choose a less common password', [
      { field, message: 'is a common or easily guessed password' },
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
