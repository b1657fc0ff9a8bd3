// Shared helpers of the benchmarks: timing child processes, building the CLI, printing a table.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where benchmarks keep generated inputs and peer tools (gitignored). */
export const BENCH_DIR = fileURLToPath(new URL('../.bench/', import.meta.url));

/** A timed command run. */
export interface Timed {
  seconds: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory in MiB, from GNU time when available. */
  maxRssMiB?: number;
  /** User + system CPU seconds, from GNU time when available: the figure that holds on a loaded machine. */
  cpuSeconds?: number;
}

/** Runs a command and returns its wall time (best of `runs`). */
export function timed(cmd: string, args: string[], opts: SpawnSyncOptions = {}, runs = 1): Timed {
  let best: Timed | undefined;
  for (let i = 0; i < runs; i++) {
    const useTime = existsSync('/usr/bin/time');
    const t0 = process.hrtime.bigint();
    const r = useTime
      ? spawnSync('/usr/bin/time', ['-f', '__RSS__%M __CPU__%U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts })
      : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const stderr = String(r.stderr ?? '');
    const m = /__RSS__(\d+)(?: __CPU__([\d.]+) ([\d.]+))?/.exec(stderr);
    const t: Timed = {
      seconds,
      status: r.status,
      stdout: String(r.stdout ?? ''),
      stderr: stderr.replace(/__RSS__\d+( __CPU__[\d.]+ [\d.]+)?\n?/, ''),
      ...(m ? { maxRssMiB: Number(m[1]) / 1024 } : {}),
      ...(m?.[2] ? { cpuSeconds: Number(m[2]) + Number(m[3]) } : {}),
    };
    if (!best || t.seconds < best.seconds) best = t;
  }
  return best!;
}

/** The CLI a user runs (package.json `bin`): the bundle `npm run build` writes. */
export const CLI = `${ROOT}dist/bundle/main.js`;

/** Builds dist/ (and the bundle) so benchmarks run the CLI a user runs. */
export function build(): void {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    if (!existsSync(CLI)) throw new Error('build failed');
    console.log('warning: the build reported errors; benchmarking the emitted dist/ anyway');
  }
}

/** True when a command is on PATH. */
export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Prints rows as an aligned table. */
export function table(rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c)));
  const w = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  for (const r of cells) console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  '));
}
