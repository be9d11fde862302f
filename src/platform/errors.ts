// Typed application errors, and the one place where any error becomes an HTTP response:
// `{ error: { code, message, details? } }`. 5xx responses never carry internal details.
// Services name the input fields they refuse; only the handler here knows HTTP, so it is the one
// that says where each field was sent (body, query string or header).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/errors.js';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

/** The HTTP status of every error code: the one table (OpenAPI descriptions are read from it). */
export const statusOf = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof statusOf)[ErrorCode];

/** An input the service refuses, by the name the API gives it. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Refused input fields; the error handler turns them into `details` naming their source. */
    readonly fields?: readonly FieldIssue[],
    /** RATE_LIMITED: when to try again, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.statusCode = statusOf[code];
  }
}

export const ValidationFailed = (message: string, fields?: FieldIssue[]) =>
  new AppError('VALIDATION_FAILED', message, undefined, fields);
export const Unauthenticated = (message = 'Sign in to continue') =>
  new AppError('UNAUTHENTICATED', message);
export const Forbidden = (message = 'You do not have permission to do that') =>
  new AppError('FORBIDDEN', message);
export const NotFound = (what = 'Resource') => new AppError('NOT_FOUND', `${what} not found`);
export const Conflict = (message: string, fields?: FieldIssue[]) =>
  new AppError('CONFLICT', message, undefined, fields);
export const PreconditionFailed = (message: string, details?: unknown) =>
  new AppError('PRECONDITION_FAILED', message, details);
export const RateLimited = (
  message = 'Too many requests, try again later',
  retryAfterSeconds?: number,
) => new AppError('RATE_LIMITED', message, undefined, undefined, retryAfterSeconds);

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined
    ? { error: { code, message } }
    : { error: { code, message, details } };
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

function validationDetails(error: FastifyError): unknown {
  const issues = (error.validation ?? []) as AjvIssue[];
  const part = error.validationContext ?? 'body';
  return issues.map((issue) => {
    let field = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const extra = issue.params?.additionalProperty ?? issue.params?.missingProperty;
    if (typeof extra === 'string') field = field ? `${field}.${extra}` : extra;
    const message =
      issue.keyword === 'additionalProperties'
        ? 'is not an allowed field'
        : (issue.message ?? 'is invalid');
    return { in: part, field: field || part, message };
  });
}

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    return new AppError('VALIDATION_FAILED', 'The request is not valid', validationDetails(error));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ValidationFailed('The request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return RateLimited();
  }
  if (error.statusCode === 429) return RateLimited();
  if (error.statusCode === 413)
    return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
  if (isDatabaseUnavailable(error)) {
    return new AppError('SERVICE_UNAVAILABLE', 'The database is not available, try again shortly');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own client errors (bad content-type header, malformed URL, …).
    return ValidationFailed(error.message);
  }
  return new AppError('INTERNAL', 'Something went wrong on our side');
}

type RequestPart = 'body' | 'querystring' | 'headers';

/** Where the request carried a field a service refused (header names arrive lower-cased). */
function sourceOf(request: FastifyRequest, field: string): RequestPart {
  const has = (part: unknown) =>
    typeof part === 'object' && part !== null && Object.hasOwn(part, field);
  if (has(request.body)) return 'body';
  if (has(request.query)) return 'querystring';
  if (has(request.headers)) return 'headers';
  return 'body';
}

/**
 * Errors Fastify raises before routing (a URL that does not decode, `/tasks/%ff`), which bypass
 * the error handler: the same shape as every other error. Passed as `frameworkErrors`.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  request.log.info({ code: error.code, message: error.message }, 'request refused');
  void reply
    .status(400)
    .send(
      errorBody('VALIDATION_FAILED', 'The request URL is not valid', [
        { in: 'path', field: 'url', message: 'is not a valid percent-encoded URL' },
      ]),
    );
}

export function registerErrorHandling(
  app: FastifyInstance,
  contract: { methodNotAllowed(method: string, url: string, reply: FastifyReply): boolean },
): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    if (appError.statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, message: appError.message }, 'request refused');
    }
    // The limit that refused knows when its window ends (the rate-limit plugin has already set
    // the header); a minute only for a 429 of unknown origin.
    if (appError.code === 'RATE_LIMITED' && !reply.hasHeader('retry-after')) {
      void reply.header('retry-after', String(appError.retryAfterSeconds ?? 60));
    }
    const details =
      appError.statusCode >= 500
        ? undefined
        : appError.fields
          ? appError.fields.map(({ field, message }) => ({
              in: sourceOf(request, field),
              field,
              message,
            }))
          : appError.details;
    return reply
      .status(appError.statusCode)
      .send(errorBody(appError.code, appError.message, details));
  });

  app.setNotFoundHandler((request, reply) => {
    if (contract.methodNotAllowed(request.method, request.url, reply)) return reply;
    return reply
      .status(404)
      .send(errorBody('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
