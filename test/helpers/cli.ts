import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import { makeDir } from './tmp.js';

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let cache: string | undefined;

/**
 * The environment every run starts from: a cache folder of its own (no user's advisory database or forge cache
 * leaks in) and OSV export and Best Practices addresses nothing listens on, so a scan that would download advisories
 * (or a posture run that would ask for a badge) fails at once rather than reaching the internet. A test's `env` overrides either.
 */
function baseEnv(): Record<string, string> {
  cache ??= makeDir();
  return { XDG_CACHE_HOME: cache, PIPEGUARD_OSV_URL: 'http://127.0.0.1:9', PIPEGUARD_BEST_PRACTICES_URL: 'http://127.0.0.1:9' };
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
    env: { ...baseEnv(), ...opts.env },
    now: () => new Date('2026-01-02T03:04:05Z'),
  });
  return { code, stdout, stderr };
}

/** A CLI IO with captured stdout and stderr, for calling a command's `run` directly (errors then throw, not exit 2). */
export function capturedIO(cwd: string): { io: CliIO; out: () => string; err: () => string } {
  const o = new PassThrough();
  const e = new PassThrough();
  let so = '';
  let se = '';
  o.on('data', (d) => (so += d));
  e.on('data', (d) => (se += d));
  return { io: { stdout: o, stderr: e, stdin: new PassThrough(), cwd, env: {}, now: () => new Date(0) }, out: () => so, err: () => se };
}
