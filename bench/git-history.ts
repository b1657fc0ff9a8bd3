/**
 * Git history listing speed: pipeguard's history target (log --raw + cat-file --batch-command, each distinct
 * blob read once) beside `git log -p -U0 --all` (what gitleaks-style scanners read), on a generated repository
 * of ~3,000 commits (seeded, built once with `git fast-import` under .bench/, reused afterwards):
 * - cold CLI: `pipeguard secrets REPO --history` (listing and scanning every blob) against
 *   `git log -p -U0 --all > /dev/null` (producing the patch text alone), paired alternating rounds;
 * - in process (labelled so): the history target alone, listing and reading every blob, against the same git log;
 * - the CLI at 1x, 2x and 4x the commits.
 *
 *   node --import tsx bench/git-history.ts [commits] [--quick] [--runs N] [--scales 1,2,4]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { openGitHistory } from '../src/targets/git.js';
import { BENCH_DIR, build, cold, dirSize, header, median, paired, pipeguardRun, positionals, printPaired, QUICK, ratio, ROOT, rounds, type Run, scaling } from './util.js';

const COMMITS = Number(positionals()[0] ?? (QUICK ? 500 : 3000));
const FILES = 600;
const repoDir = (commits: number) => join(BENCH_DIR, `git-history-${commits}`);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const WORDS = (
  'const let var function return import export from default async await class extends new this if else for while ' +
  'switch case break continue try catch finally throw yield interface type string number boolean null undefined ' +
  'config server client request response handler router database query result error value key token user session'
).split(' ');

function fileText(r: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 3 + Math.floor(r() * 10);
    const ws: string[] = [];
    for (let j = 0; j < n; j++) ws.push(WORDS[Math.floor(r() * WORDS.length)]!);
    out.push(`${'  '.repeat(Math.floor(r() * 3))}${ws.join(' ')};`);
  }
  return out.join('\n') + '\n';
}

/** Builds the repository with fast-import: every commit rewrites 1-4 files, some new, on main and 3 branches. */
function makeRepo(dir: string, COMMITS: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  const r = rng(42);
  const contents: string[] = [];
  const files = Array.from({ length: FILES }, (_, i) => `src/mod${i % 20}/file${i}.ts`);
  let t = 1_700_000_000;
  for (let c = 0; c < COMMITS; c++) {
    const branch = c % 10 === 9 ? `refs/heads/topic${c % 3}` : 'refs/heads/main';
    const parts = [`commit ${branch}`, `committer Bench <bench@example.test> ${t++} +0000`];
    const msg = `change ${c}`;
    parts.push(`data ${Buffer.byteLength(msg)}`, msg);
    if (c === 0) {
      for (const f of files) {
        const body = fileText(r, 40 + Math.floor(r() * 120));
        parts.push(`M 100644 inline ${f}`, `data ${Buffer.byteLength(body)}`, body);
      }
    } else {
      const k = 1 + Math.floor(r() * 4);
      for (let i = 0; i < k; i++) {
        const f = files[Math.floor(r() * files.length)]!;
        const body = fileText(r, 40 + Math.floor(r() * 120));
        parts.push(`M 100644 inline ${f}`, `data ${Buffer.byteLength(body)}`, body);
      }
    }
    contents.push(parts.join('\n') + '\n');
  }
  const res = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: contents.join('') });
  if (res.status !== 0) throw new Error(`fast-import failed: ${res.stderr.toString()}`);
  spawnSync('git', ['gc', '-q'], { cwd: dir });
}

function timeCmd(dir: string, cmd: string, args: string[]): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    p.stdout.on('data', (c: Buffer) => (bytes += c.length));
    p.on('error', reject);
    p.on('close', () => resolve({ ms: performance.now() - t0, bytes }));
  });
}

async function ours(dir: string): Promise<{ ms: number; blobs: number; bytes: number }> {
  const t0 = performance.now();
  const t = await openGitHistory(dir, { maxFileBytes: 10 * 1024 * 1024 });
  let blobs = 0;
  let bytes = 0;
  for await (const f of t.files()) {
    blobs++;
    bytes += (await f.bytes()).byteLength;
  }
  await t.dispose();
  return { ms: performance.now() - t0, blobs, bytes };
}

/** The repository of `commits` commits, built once. */
function repo(commits: number): string {
  const dir = repoDir(commits);
  if (!existsSync(join(dir, '.git'))) {
    const t0 = performance.now();
    makeRepo(dir, commits);
    console.log(`built ${relative(ROOT, dir)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return dir;
}

build();
header('git history benchmark');
const dir = repo(COMMITS);
const count = spawnSync('git', ['rev-list', '--all', '--count'], { cwd: dir }).stdout.toString().trim();
const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir }).stdout.toString().trim();
console.log(`repository: ${relative(ROOT, dir)}: ${count} commits (seeded generator; HEAD ${head.slice(0, 12)}, the same on every machine)`);

const history = (d: string, out: string): Run => pipeguardRun(['secrets', d, '--history'], out, 'secrets');
const gitLog = (d: string): Run => {
  const s = cold('sh', ['-c', 'git log -p -U0 --all | wc -c'], { cwd: d });
  return { ...s, files: '-', findings: `${(Number(s.stdout.trim()) / 1048576).toFixed(1)} MB of patch` };
};
const out = (name: string, i: number) => join(BENCH_DIR, `git-history-${name}-${i}.json`);
const cli = paired([
  { name: 'pipeguard secrets --history', threads: `${Math.min(availableParallelism(), 4)} (default; git's own processes beside)`, run: (i) => history(dir, out('cli', i)) },
  { name: 'git log -p -U0 --all | wc -c', threads: '1 (git)', run: () => gitLog(dir) },
]);
printPaired(cli, { findings: 'findings / output' });
console.log(`ratio: ${ratio(cli[0]!, cli[1]!)} (pipeguard also scans every blob; git log only prints)`);

// In process, labelled: the history target alone against git log, alternating.
const oursRuns = [];
const peerRuns = [];
for (let i = 0; i < rounds(); i++) {
  if (i % 2) peerRuns.push(await timeCmd(dir, 'git', ['log', '-p', '-U0', '--all']));
  oursRuns.push(await ours(dir));
  if (!(i % 2)) peerRuns.push(await timeCmd(dir, 'git', ['log', '-p', '-U0', '--all']));
}
const o = { ...oursRuns[0]!, ms: median(oursRuns.map((r) => r.ms)) };
const p = { ...peerRuns[0]!, ms: median(peerRuns.map((r) => r.ms)) };
const mb = (n: number) => n / 1024 / 1024;
console.log(`\n[in-process, not a CLI run] medians of ${oursRuns.length}:`);
console.log(
  `pipeguard history target: ${o.blobs} blobs, ${mb(o.bytes).toFixed(1)} MB in ${(o.ms / 1000).toFixed(2)} s` +
    ` = ${Math.round(o.blobs / (o.ms / 1000))} blobs/s, ${(mb(o.bytes) / (o.ms / 1000)).toFixed(1)} MB/s`,
);
console.log(
  `git log -p -U0 --all:     ${mb(p.bytes).toFixed(1)} MB of patch in ${(p.ms / 1000).toFixed(2)} s` +
    ` = ${(mb(p.bytes) / (p.ms / 1000)).toFixed(1)} MB/s`,
);
console.log(`ratio (git log -p time / ours): ${(p.ms / o.ms).toFixed(2)}x`);

scaling({
  tool: 'pipeguard secrets --history; a repository generated with n times the commits',
  input: (n) => {
    const d = repo(COMMITS * n);
    return { path: d, bytes: dirSize(join(d, '.git')).bytes };
  },
  run: (input, n, i) => history(input.path, out(`scale${n}`, i)),
});
