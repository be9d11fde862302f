// The shape every `taskmanager` sub-command has. Commands parse their own flags with
// node:util parseArgs and return an exit code; they never call process.exit themselves.
export interface Command {
  /** The word after `taskmanager`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  run(argv: string[]): Promise<number>;
}

/** An error whose message is the whole story for the user: printed in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on: printed as one line naming the next step, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * Runs a command's body; a CliError (of any kind: kubectl, a missing tool, an impossible plan)
 * becomes one line on stderr and exit code 1, anything else is a bug and propagates.
 */
export async function reportingFailures(
  command: string,
  err: { write(text: string): unknown },
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    err.write(`taskmanager ${command}: ${error.message}\n`);
    return 1;
  }
}
