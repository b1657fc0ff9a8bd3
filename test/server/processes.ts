/** Real processes for the reliability and fleet tests: the CLI run by Node with tsx, as a user would run it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository root (tsx is resolved from there). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A CLI child process and what it printed. */
export interface Child {
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts `pipeguard ARGS` as a child process; killed (SIGKILL) after the test file if still running. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  proc.stdout!.resume();
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, stderr: () => err, exited };
}

/** Waits until `test(stderr)` holds (or the process exits, or the time runs out). */
export async function waitFor(child: Child, test: (stderr: string) => boolean, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (test(child.stderr())) return child.stderr();
    if (child.proc.exitCode !== null) throw new Error(`process exited ${child.proc.exitCode}: ${child.stderr().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting; stderr: ${child.stderr().slice(-500)}`);
}

/** Starts `pipeguard serve --port 0 --db SPEC`; resolves with its URL once it listens. */
export async function startServe(spec: string): Promise<{ child: Child; url: string }> {
  const child = spawnCli(['serve', '--port', '0', '--db', spec]);
  const err = await waitFor(child, (s) => /serving http:\/\/[\d.]+:\d+/.test(s));
  return { child, url: /serving (http:\/\/[\d.]+:\d+)/.exec(err)![1]! };
}
