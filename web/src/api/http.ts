// The one place that talks HTTP: a typed openapi-fetch client over the generated schema, the
// CSRF header on unsafe requests, the `{error:{code,message,details}}` envelope turned into
// ApiError, and a hook for a 401 that means "your session ended" (the app sends the user to
// sign-in and back).
import createClient from 'openapi-fetch';
import type { paths } from './schema';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
let onSessionLost: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The session's CSRF token, for requests made without the client (an upload with progress). */
export const currentCsrfToken = (): string | undefined => csrfToken;

export function setSessionLostHandler(handler: (() => void) | undefined): void {
  onSessionLost = handler;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export const client = createClient<paths>({ baseUrl: '' });

client.use({
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface Unwrapped<T> {
  data: T;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws ApiError. `allowAnonymous` marks
 * calls where a 401 is an answer ("not signed in"), not a session that ended.
 */
export async function call<T>(
  pending: Promise<Result<T>>,
  options: { allowAnonymous?: boolean } = {},
): Promise<Unwrapped<T>> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The server could not be reached.');
  }
  const { response } = result;
  if (!response.ok) {
    const envelope = (
      result.error as { error?: { code?: string; message?: string; details?: unknown } } | undefined
    )?.error;
    if (response.status === 401 && !options.allowAnonymous) onSessionLost?.();
    throw new ApiError(
      response.status,
      envelope?.code ?? `HTTP_${response.status}`,
      envelope?.message ?? response.statusText,
      envelope?.details,
    );
  }
  return { data: result.data as T, response };
}
