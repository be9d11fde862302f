// Turns any failure into one sentence for the user, in their language.
import type { TFunction } from 'i18next';
import { ApiError } from '../api/http';

const KNOWN = new Set([
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
  'NETWORK',
]);

const EXPLAINED = new Set(['VALIDATION_FAILED', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND']);

type KnownCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL'
  | 'NETWORK';

export function describeError(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (KNOWN.has(error.code)) {
      const general = t(`errors.${error.code as KnownCode}`);
      // These messages name the field, the clash or the reason (a disabled account, a used
      // link): worth showing as they are.
      if (EXPLAINED.has(error.code) && error.message && error.message !== general) {
        return `${general} ${error.message}`;
      }
      return general;
    }
    return t('errors.unknown', { status: error.status });
  }
  return t('errors.unexpected');
}
