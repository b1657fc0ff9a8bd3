// Shared helpers of the benchmarks: cold whole-process runs (wall, CPU, peak memory), paired alternating runs with
// medians and ranges, the 1x/2x/4x scaling table, inputs pinned by lockfiles, building the CLI, printing a table.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where benchmarks keep generated inputs and peer tools (gitignored). */
export const BENCH_DIR = fileURLToPath(new URL('../.bench/', import.meta.url));
/** GNU time, which gives a whole process's CPU (user + system, all its threads and children) and peak RSS. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** `--quick` on the command line (or BENCH_QUICK=1, which `npm run bench -- --quick` sets): a small input, one round. */
export const QUICK = process.argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';

/** One cold run of a whole process. */
export interface Sample {
  /** Wall seconds, measured here around the process. */
  wallS: number;
  /** User + system CPU seconds of the process, its threads and its children (GNU time; else the shell's `times`). */
  cpuS?: number;
  /** Peak resident memory in MB (GNU time's maximum RSS; absent without GNU time). */
  rssMb?: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command once as a new process and measures it: wall time here, CPU (user + system) and peak RSS from GNU
 * time (`/usr/bin/time -f`; `apt-get install -y time`). Without GNU time the CPU comes from the shell's `times`
 * (children's user and system) and peak memory is not measured.
 */
export function cold(cmd: string, args: string[], opts: SpawnSyncOptions = {}): Sample {
  const o = { encoding: 'utf8' as const, maxBuffer: 1 << 30, ...opts };
  const t0 = process.hrtime.bigint();
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', '\n__PGTIME__ %U %S %M', cmd, ...args], o)
    : spawnSync('sh', ['-c', '"$@"; s=$?; echo >&2; echo __PGTIMES__ >&2; times >&2; exit $s', 'sh', cmd, ...args], o);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  let stderr = String(r.stderr ?? '');
  const s: Sample = { wallS, status: r.status, stdout: String(r.stdout ?? ''), stderr };
  const m = /\n__PGTIME__ ([\d.]+) ([\d.]+) (\d+)\n?$/.exec(stderr);
  if (m) {
    s.cpuS = Number(m[1]) + Number(m[2]);
    s.rssMb = Number(m[3]) / 1024;
    stderr = stderr.slice(0, m.index).replace(/Command (exited with non-zero status|terminated by signal) \d+\n?$/, '');
  }
  const t = /\n__PGTIMES__\n[^\n]*\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\n?$/.exec(stderr);
  if (t) {
    s.cpuS = Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4]);
    stderr = stderr.slice(0, t.index);
  }
  s.stderr = stderr;
  if (r.error) s.stderr += `\n${r.error.message}`;
  return s;
}

/** A timed command run (the older interface, kept for the benches that use it). */
export interface Timed {
  seconds: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory in MiB, from GNU time when available. */
  maxRssMiB?: number;
  /** User + system CPU seconds. */
  cpuSeconds?: number;
}

/** Runs a command and returns its wall time (best of `runs`). Prefer `paired`, which gives medians and ranges. */
export function timed(cmd: string, args: string[], opts: SpawnSyncOptions = {}, runs = 1): Timed {
  let best: Timed | undefined;
  for (let i = 0; i < runs; i++) {
    const s = cold(cmd, args, opts);
    const t: Timed = { seconds: s.wallS, status: s.status, stdout: s.stdout, stderr: s.stderr, ...(s.rssMb !== undefined ? { maxRssMiB: s.rssMb } : {}), ...(s.cpuS !== undefined ? { cpuSeconds: s.cpuS } : {}) };
    if (!best || t.seconds < best.seconds) best = t;
  }
  return best!;
}

/** The CLI a user runs (package.json `bin`): the bundle `npm run build` writes. */
export const CLI = `${ROOT}dist/bundle/main.js`;

/** The newest modification time of the files below `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

/**
 * Builds dist/ (and the bundle) so benchmarks run the CLI a user runs; skipped when the bundle is newer than every
 * file under src/ (so `npm run bench` builds once, not once per script).
 */
export function build(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs > newest(join(ROOT, 'src'))) {
    console.log('build: dist/bundle/main.js is newer than src/, not rebuilt');
    return;
  }
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

/** The load average (1, 5, 15 minutes) as printed by every bench. */
export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(1)).join(' ');
}

/** The first lines of every scanner bench: what, when, on what, the load average at the start, how figures are made. */
export function header(what: string): void {
  console.log(`${what}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; node ${process.version}; ${availableParallelism()} processors; load average at start ${loadAverage()}${QUICK ? '; --quick (small input, one round)' : ''}`);
  console.log(
    `figures: cold CLI runs (a new process each), CPU = user + system of the whole process tree and peak RSS from ${GNU_TIME ? 'GNU time' : "the shell's times (no GNU time: apt-get install -y time; peak memory not measured)"}; ` +
      'paired rounds in an order that rotates each round; median (min–max)',
  );
}

/** The value of `--name V` on the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** The options of the benches that take a value (`--runs 3`); the others are flags (`--quick`). */
const VALUE_OPTIONS = ['--runs', '--scales', '--scale-runs', '--threads', '--files', '--findings'];

/** The positional arguments (those not starting with `--` and not the value of an option that takes one). */
export function positionals(): string[] {
  const out: string[] = [];
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (VALUE_OPTIONS.includes(a[i]!)) i++;
    else if (!a[i]!.startsWith('--')) out.push(a[i]!);
  }
  return out;
}

/** The rounds of paired runs: `--runs N`, else 1 with --quick, else `full`. */
export function rounds(full = 3): number {
  return Number(option('--runs', String(QUICK ? 1 : full)));
}

/** The input scales of the scaling table: `--scales 1,2,4` (the default); `--scales 1` skips the table. */
export function scales(): number[] {
  return option('--scales', '1,2,4').split(',').map(Number).filter((n) => n > 0);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}

/** "median (min–max)" of the defined figures, or "-" when none was measured. */
export function spread(xs: (number | undefined)[], digits = 2): string {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (!v.length) return '-';
  const f = (x: number) => x.toFixed(digits);
  return v.length === 1 ? f(v[0]!) : `${f(median(v))} (${f(Math.min(...v))}–${f(Math.max(...v))})`;
}

/** A cold run with what the tool says it analysed. */
export interface Run extends Sample {
  /** Files the tool says it analysed (from its own report), not what the input holds. */
  files: number | string;
  findings: number | string;
}

/** One side of a paired comparison. */
export interface Contender<R extends Run = Run> {
  name: string;
  /** Threads the tool analyses with, as configured (`--threads N`, or what its default is on this machine). */
  threads: string;
  /** One cold run; `round` numbers output files apart. */
  run(round: number): R;
  /** Set for figures that are not a cold CLI run (in-process): labelled in the table. */
  inProcess?: boolean;
}

/** A contender's runs. */
export interface Result<R extends Run = Run> {
  name: string;
  threads: string;
  inProcess: boolean;
  runs: R[];
}

/**
 * Paired runs: each round runs every contender once, in an order that rotates every round (A B C, B C A, C A B...),
 * so a change of host load hits them all alike. Each run is printed as it ends (a bench stopped half-way still
 * leaves figures), with the 1-minute load average then.
 */
export function paired<R extends Run>(contenders: Contender<R>[], n = rounds()): Result<R>[] {
  const results: Result<R>[] = contenders.map((c) => ({ name: c.name, threads: c.threads, inProcess: !!c.inProcess, runs: [] }));
  for (let round = 0; round < n; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length;
      const r = contenders[i]!.run(round);
      results[i]!.runs.push(r);
      console.log(`round ${round + 1}: ${contenders[i]!.name}: files ${r.files}, findings ${r.findings}, wall ${r.wallS.toFixed(2)} s, CPU ${r.cpuS?.toFixed(2) ?? '-'} s, peak ${r.rssMb?.toFixed(0) ?? '-'} MB (load ${loadavg()[0]!.toFixed(1)})`);
    }
  }
  return results;
}

/** The table of paired results: files and findings each tool reported, threads, wall, CPU, CPU/wall, peak memory. */
export function printPaired(results: Result[], opts: { inputMb?: number; findings?: string } = {}): void {
  const { inputMb } = opts;
  const n = results[0]?.runs.length ?? 0;
  console.log(`\nmedian (min–max) of ${n} paired round${n === 1 ? '' : 's'}:`);
  table([
    ['tool', 'threads', 'files', opts.findings ?? 'findings', 'wall s', 'CPU s', 'CPU/wall', 'peak MB', ...(inputMb ? ['MB/s (wall)'] : [])],
    ...results.map((r) => {
      const last = r.runs[r.runs.length - 1]!;
      const wall = median(r.runs.map((x) => x.wallS));
      const cpu = r.runs.every((x) => x.cpuS !== undefined) ? median(r.runs.map((x) => x.cpuS!)) : undefined;
      return [
        r.inProcess ? `${r.name} [in-process, not a CLI run]` : r.name, r.threads, String(last.files), String(last.findings),
        spread(r.runs.map((x) => x.wallS)), spread(r.runs.map((x) => x.cpuS)), cpu !== undefined ? (cpu / wall).toFixed(2) : '-',
        spread(r.runs.map((x) => x.rssMb), 0), ...(inputMb ? [(inputMb / wall).toFixed(1)] : []),
      ];
    }),
  ]);
}

/**
 * "`slow` / `fast`": the ratio of medians by wall, CPU and peak memory, and the range of the per-round ratios
 * (round i of one against round i of the other: the pairs).
 */
export function ratio(slow: Result, fast: Result): string {
  const part = (f: (r: Run) => number | undefined, label: string): string => {
    const a = slow.runs.map(f);
    const b = fast.runs.map(f);
    if (a.some((x) => x === undefined) || b.some((x) => x === undefined)) return `${label} -`;
    const pairs = a.map((x, i) => x! / b[i]!);
    const m = median(a as number[]) / median(b as number[]);
    return `${label} ${m.toFixed(2)}x${pairs.length > 1 ? ` (pairs ${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)})` : ''}`;
  };
  return `${slow.name} / ${fast.name}: ${part((r) => r.wallS, 'wall')}, ${part((r) => r.cpuS, 'CPU')}, ${part((r) => r.rssMb, 'peak memory')}`;
}

/** Bytes and files of a folder (every regular file below it). */
export function dirSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        bytes += statSync(p).size;
        files++;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

/**
 * A digest of a folder's content (sorted relative paths and each file's bytes; `.git` internals left out), printed
 * so that two runs, or two machines, can see they measured the same input.
 */
export function inputDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(relative(dir, p)).update('\0').update(createHash('sha256').update(readFileSync(p)).digest()).update('\0');
    }
  };
  walk(dir);
  return h.digest('hex').slice(0, 16);
}

/** `n` copies of `src` side by side (`dest/copy1`, `dest/copy2`...), made once; returns `dest`. */
export function sideBySide(src: string, n: number, dest: string): string {
  if (!existsSync(join(dest, '.done'))) {
    rmSync(dest, { recursive: true, force: true });
    for (let i = 1; i <= n; i++) cpSync(src, join(dest, `copy${i}`), { recursive: true });
    writeFileSync(join(dest, '.done'), '');
  }
  return dest;
}

/** One input of the scaling table. */
export interface ScaledInput {
  /** What the tool is pointed at. */
  path: string;
  /** The input's size, for the table (default: the bytes of the files below `path`). */
  bytes?: number;
}

/**
 * The scaling table: the same cold CLI run at 1x, 2x and 4x (`--scales`) its input, each input made by `input(n)`
 * (copies side by side, or a generator asked for n times as much), and per scale: size, files the tool analysed,
 * wall, CPU, peak memory, and each figure's ratio to 1x per unit of input (1.00 = linear; above it, worse).
 * `--scale-runs N` rounds (default 1), the scales' order rotating each round like `paired`, the medians printed.
 * Every input is made before the first run; `done(n)` may delete one after all the runs.
 */
export function scaling(opts: { tool: string; input: (n: number) => ScaledInput; run: (input: ScaledInput, n: number, round: number) => Run; done?: (n: number) => void }): void {
  const list = scales();
  if (list.length < 2) return;
  const runs = Number(option('--scale-runs', '1'));
  console.log(`\nscaling: ${opts.tool}, the input at ${list.map((s) => `${s}x`).join(', ')} (${runs} round${runs === 1 ? '' : 's'}, order rotating, medians); "/unit vs 1x" is (figure at n x / n) / figure at 1x: 1.00 is linear growth`);
  const inputs = list.map((n) => {
    const input = opts.input(n);
    return { n, input, bytes: input.bytes ?? dirSize(input.path).bytes, rs: [] as Run[] };
  });
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < inputs.length; k++) {
      const at = inputs[(k + round) % inputs.length]!;
      const r = opts.run(at.input, at.n, round);
      at.rs.push(r);
      console.log(`${at.n}x: wall ${r.wallS.toFixed(2)} s, CPU ${r.cpuS?.toFixed(2) ?? '-'} s, peak ${r.rssMb?.toFixed(0) ?? '-'} MB (load ${loadavg()[0]!.toFixed(1)})`);
    }
  }
  for (const { n } of inputs) opts.done?.(n);
  const rows: (string | number)[][] = [['input', 'MB', 'files', 'findings', 'wall s', 'CPU s', 'peak MB', 'wall/unit vs 1x', 'CPU/unit vs 1x', 'peak vs 1x']];
  let base: { wall: number; cpu?: number; rss?: number } | undefined;
  for (const { n, bytes, rs } of inputs) {
    const wall = median(rs.map((r) => r.wallS));
    const cpu = rs.every((r) => r.cpuS !== undefined) ? median(rs.map((r) => r.cpuS!)) : undefined;
    const rss = rs.every((r) => r.rssMb !== undefined) ? median(rs.map((r) => r.rssMb!)) : undefined;
    base ??= { wall: wall / n, ...(cpu !== undefined ? { cpu: cpu / n } : {}), ...(rss !== undefined ? { rss } : {}) };
    const per = (x: number | undefined, b: number | undefined, k: number) => (x !== undefined && b ? (x / k / b).toFixed(2) : '-');
    rows.push([
      `${n}x`, (bytes / 1048576).toFixed(1), String(rs[0]!.files), String(rs[0]!.findings), wall.toFixed(2), cpu?.toFixed(2) ?? '-', rss?.toFixed(0) ?? '-',
      per(wall, base.wall, n), per(cpu, base.cpu, n), per(rss, base.rss, 1),
    ]);
  }
  table(rows);
}

/** What a pipeguard JSON report says a scanner analysed: its `stats` (files, bytes...) and the findings. */
export function reportStats(file: string, scanner: string): { stats: Record<string, number>; findings: number } {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { findings: unknown[]; statuses: { scanner: string; stats?: Record<string, number> }[] };
  return { stats: report.statuses.find((s) => s.scanner === scanner)?.stats ?? {}, findings: report.findings.length };
}

/**
 * Installs a peer tool (or a bench input's packages) exactly as pinned by `bench/lock/<name>/package-lock.json`
 * (`npm ci` into `.bench/lock/<name>`), once; returns the folder whose node_modules holds it.
 */
export function pinned(name: string): string {
  const lock = join(ROOT, 'bench', 'lock', name);
  const dir = join(BENCH_DIR, 'lock', name);
  const want = readFileSync(join(lock, 'package-lock.json'), 'utf8');
  const stamp = join(dir, '.installed-lock');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return dir;
  mkdirSync(dir, { recursive: true });
  cpSync(join(lock, 'package.json'), join(dir, 'package.json'));
  cpSync(join(lock, 'package-lock.json'), join(dir, 'package-lock.json'));
  const npm = (cmd: string) =>
    spawnSync('flock', ['/tmp/pipeguard-npm.lock', 'npm', cmd, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: cmd === 'ci' ? 'ignore' : 'inherit' }).status;
  if (npm('ci') !== 0) {
    // npm ci refuses a lock whose optional platform packages (other systems' binaries) it finds unresolved
    // (cdxgen's); `npm install` still takes every version the lock names
    console.log(`npm ci of bench/lock/${name} failed: installing with npm install, from the same lock`);
    if (npm('install') !== 0) throw new Error(`npm install of bench/lock/${name} failed`);
  }
  writeFileSync(stamp, want);
  return dir;
}

/**
 * One cold run of the pipeguard CLI with `args` (a command and its target), writing its JSON report to `out`:
 * files are what `scanner`'s status says it analysed (its `filesStat` count), findings the report's.
 */
export function pipeguardRun(args: string[], out: string, scanner: string, opts: SpawnSyncOptions & { filesStat?: string } = {}): Run {
  const { filesStat = 'files', ...spawnOpts } = opts;
  const s = cold(process.execPath, [CLI, ...args, '--no-progress', '--fail-on', 'none', '-f', 'json', '-o', out], spawnOpts);
  if (s.status !== 0) throw new Error(`pipeguard ${args[0]} failed (${s.status}): ${s.stderr.slice(0, 500)}`);
  const r = reportStats(out, scanner);
  return { ...s, files: r.stats[filesStat] ?? '?', findings: r.findings };
}
