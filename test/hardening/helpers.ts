import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI entry, run through tsx as a user runs the built one. */
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx's loader by its path: the child's folder is a throwaway one, where the package name does not resolve. */
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** What a CLI process printed and how it ended. */
export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the process was killed for running past `limitMs`: a hang. */
  hung: boolean;
}

/**
 * Runs `pipeguard ...args` in a child process (so a hang or a crash of V8 cannot take the test runner down), killed
 * after `limitMs` (a bound on a hang, not a timing assertion: the runs it guards take seconds).
 */
export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string>; stdin?: string | Buffer; limitMs?: number; onSpawn?: (pid: number) => void }): Promise<ProcResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.on('error', () => undefined);
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
    if (child.pid) opts.onSpawn?.(child.pid);
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, opts.limitMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, hung });
    });
  });
}

/** Asserts the shape every failure must have: one line on stderr, no stack trace. */
export function oneLine(stderr: string): boolean {
  const lines = stderr.trimEnd().split('\n');
  return lines.length === 1 && !/\n\s+at |internal error/.test(stderr);
}
