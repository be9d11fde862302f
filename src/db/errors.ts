// What a driver error means, for MySQL (mysql2) and SQLite (better-sqlite3) alike: the rest of the
// service asks these questions instead of knowing either driver's error codes.

// Error codes of drivers that mean "the database is not reachable right now": the request
// failed through no fault of the user and may succeed later, so 503 rather than 500.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && unavailableCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /connection is in closed state|Pool is closed|Can't add new command when connection is in closed state/i.test(
    message,
  );
}

/** A unique or primary key was already taken (a concurrent insert won the race). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * The server stopped a statement at its limits: MariaDB's max_statement_time (error 1969), MySQL's
 * MAX_EXECUTION_TIME (3024), or InnoDB's full-text result cache (188, which MariaDB 10.11 also
 * reports for a full-text search interrupted by max_statement_time).
 */
export function isStatementTimeout(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return errno === 1969 || errno === 3024 || errno === 188;
}
