import { PassThrough, Readable } from 'node:stream';
import { run } from '../../src/cli/run.js';

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, a fixed clock and no TTY. */
export async function cli(argv: string[], opts: { cwd: string; stdin?: string; env?: Record<string, string> }): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await run(argv, {
    stdout: out,
    stderr: err,
    stdin: Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []),
    cwd: opts.cwd,
    env: { ...opts.env },
    now: () => new Date('2026-01-02T03:04:05Z'),
  });
  return { code, stdout, stderr };
}
