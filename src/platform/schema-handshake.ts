// WEB_CONCURRENCY: a worker becomes ready only once its primary has migrated the database
// (cluster.ts forks the workers first and migrates while they load). The worker asks; the primary
// answers at once if the schema is current, else when its migration is done.

/** A worker's question, and the primary's answer once the schema is current. */
export const SCHEMA_QUESTION = 'taskmanager:schema-current?';
export const SCHEMA_ANSWER = 'taskmanager:schema-current';

/**
 * In a worker: resolves when its primary has migrated the database (at once if it had already).
 * The worker asks rather than listens, so that an answer cannot come before its listener.
 */
export function primaryMigrated(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (message !== SCHEMA_ANSWER) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.(SCHEMA_QUESTION);
  });
}
