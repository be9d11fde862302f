// Business counters: what the services report through listeners (app.ts wires them), so that no
// service imports the metrics code.
import { metricsOf, registry } from './registry.js';

/** `locked`: refused before the password check, the account having failed too often. */
export type LoginResult = 'success' | 'failure' | 'locked';
/** Counters the services call; they live in the process-wide registry. */
export const businessMetrics = {
  taskCreated: (): void => metricsOf(registry).tasksCreated.inc(),
  loginAttempt: (result: LoginResult): void => metricsOf(registry).logins.inc({ result }),
};
