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
