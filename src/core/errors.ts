/**
 * The only errors that end a run on purpose. Anything else that reaches the CLI is a bug and is
 * reported as an internal error, still as one line and exit code 2.
 */

/** Bad input the user can fix: a missing path, a malformed config or lockfile, an unreachable URL. Exit 2. */
export class InputError extends Error {
  /** File the problem is in, when there is one. */
  readonly file: string | undefined;
  /** 1-based line, when known. */
  readonly line: number | undefined;
  constructor(message: string, file?: string, line?: number) {
    super(message);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
  }
  /** `file:line: message`, the one line printed on stderr. */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.message}`;
  }
}

/** Wrong command-line usage. Exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** SIGINT or SIGTERM arrived while the CLI was writing files; what it had started was removed. Exit 128 + signal. */
export class Interrupted extends Error {
  readonly signal: 'SIGINT' | 'SIGTERM' | undefined;
  constructor(signal?: 'SIGINT' | 'SIGTERM') {
    super(`stopped by ${signal ?? 'a signal'}: no output file was written`);
    this.name = 'Interrupted';
    this.signal = signal;
  }
  /** The shell's exit code for the signal: 130 for SIGINT, 143 for SIGTERM. */
  get exitCode(): number {
    return this.signal === 'SIGTERM' ? 143 : 130;
  }
}

/** The message of anything thrown, without a stack. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
