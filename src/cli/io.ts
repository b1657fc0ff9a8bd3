/** What a command may touch of the outside world: tests pass their own. Only cli/main.ts uses `process`. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
  /** Injected clock, so golden outputs are stable. */
  now: () => Date;
  /**
   * Handle SIGINT and SIGTERM (instead of dying) until the returned function is called. Only commands that run
   * child processes use it (to stop their process groups and record why). Absent in tests that do not need it.
   */
  onSignal?: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

/** One sub-command of `pipeguard`. Registered in commands/index.ts; `run` returns the exit code. */
export interface Command {
  name: string;
  /** One line for `pipeguard --help`. */
  summary: string;
  /** Full help text for `pipeguard <name> --help` (usage line, options, examples). */
  help: string;
  /**
   * Runs the command with the arguments after its name. Throws UsageError (exit 2) for bad usage and
   * InputError (exit 2, one line naming file and line) for bad input; returns 0 (pass) or 1 (gate failed).
   */
  run(argv: string[], io: CliIO): Promise<number>;
}
