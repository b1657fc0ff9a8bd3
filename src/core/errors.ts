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

/** The message of anything thrown, without a stack. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
