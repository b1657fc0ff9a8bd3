// Secrets scanner throughput beside secretlint (recommended preset) and ripgrep (the combined keyword set), on a
// generated corpus of at least 200 MB (copies of this repository's node_modules, pinned by its package-lock.json,
// plus synthetic secrets planted by a seeded generator), then the full history of a generated repository with
// thousands of commits; each at 1x, 2x and 4x its input.
// Run: node --import tsx bench/secrets.ts [--quick] [--runs N] [--scales 1,2,4]
//   (env SECRETS_BENCH_MB to change the corpus size, SECRETS_BENCH_COMMITS the history's commits)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { BUILTIN_RULES } from '../src/analyzers/secrets/rules/index.js';
import { base62, crc32 } from '../src/analyzers/secrets/validators.js';
import { BENCH_DIR, build, cold, type Contender, has, header, inputDigest, paired, pinned, pipeguardRun, printPaired, QUICK, ratio, ROOT, rounds, type Run, scaling } from './util.js';

const TARGET_MB = Number(process.env['SECRETS_BENCH_MB'] ?? (QUICK ? 20 : 200));
const COMMITS = Number(process.env['SECRETS_BENCH_COMMITS'] ?? (QUICK ? 300 : 3000));
/** The default thread count follows the load (src/scanners/secrets/prestart.ts): at most this many. */
const THREADS = Math.min(availableParallelism(), 4);

function rng(seed: number) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) >>> 0), x);
}
const A62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function token(r: () => number, n: number, alpha = A62) {
  let s = '';
  for (let i = 0; i < n; i++) s += alpha[(r() >>> 16) % alpha.length];
  return s;
}

interface Corpus {
  dir: string;
  bytes: number;
  files: number;
  planted: number;
}

/** `mb` MB (to the file): node_modules copied over and over (files in sorted order, so the seeded planting is reproducible). */
function makeCorpus(mb: number): Corpus {
  const dir = join(BENCH_DIR, `secrets-corpus-${mb}mb`);
  const marker = join(dir, '.done');
  if (existsSync(marker)) return { dir, ...JSON.parse(readFileSync(marker, 'utf8')) };
  const src = join(ROOT, 'node_modules');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.(js|cjs|mjs|ts|json|md|map|txt|yml|yaml)$/.test(e.name) && statSync(p).size < 2_000_000) files.push(p);
    }
  };
  walk(src);
  const r = rng(7);
  let bytes = 0;
  let count = 0;
  let planted = 0;
  for (let copy = 0; bytes < mb * 1024 * 1024; copy++) {
    for (const f of files) {
      const dest = join(dir, `copy${copy}`, relative(src, f).replace(/node_modules/g, 'nm'));
      mkdirSync(dirname(dest), { recursive: true });
      if (r() % 500 === 0) {
        const body = token(r, 30);
        const secrets = [
          `const GH_TOKEN = "ghp_${body}${base62(crc32(body), 6)}";`,
          `aws_access_key_id = AKIA${token(r, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
          `SLACK_BOT_TOKEN=xoxb-${1000000000 + (r() % 8999999999)}-${1000000000 + (r() % 8999999999)}-${token(r, 24)}`,
        ];
        writeFileSync(dest, readFileSync(f, 'utf8') + '\n' + secrets.join('\n') + '\n');
        planted += secrets.length;
      } else copyFileSync(f, dest);
      bytes += statSync(dest).size;
      count++;
      if (bytes >= mb * 1024 * 1024) break; // exactly the size asked for, so 2x and 4x are 2 and 4 times 1x
    }
  }
  const info = { bytes, files: count, planted };
  writeFileSync(marker, JSON.stringify(info));
  return { dir, ...info };
}

/** pipeguard secrets over a folder, cold; files and findings from its report. */
function pipeguard(dir: string, out: string, threads?: number): Run {
  return pipeguardRun(['secrets', dir, '--no-gitignore', '--no-archives', ...(threads ? ['--threads', String(threads)] : [])], out, 'secrets');
}

build();
header('secrets benchmark');
const corpus = makeCorpus(TARGET_MB);
const mb = corpus.bytes / 1024 / 1024;
console.log(`corpus: ${relative(ROOT, corpus.dir)}: ${corpus.files} files, ${mb.toFixed(1)} MB, ${corpus.planted} planted secrets, digest ${inputDigest(corpus.dir)} (node_modules of package-lock.json, seeded planting)`);
const kw = join(BENCH_DIR, 'keywords.txt');
writeFileSync(kw, [...new Set(BUILTIN_RULES.flatMap((r) => r.keywords))].join('\n') + '\n');
let peers: string | undefined;
try {
  peers = pinned('secretlint');
  writeFileSync(join(peers, '.secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  // A formatter that only counts (files linted, messages): cheaper for secretlint than any built-in one.
  writeFileSync(join(peers, 'count.mjs'), 'export default (results) => `__COUNT__ files ${results.length} findings ${results.reduce((n, r) => n + r.messages.length, 0)}`;\n');
} catch (e) {
  console.log(`secretlint could not be installed (${(e as Error).message}): skipped`);
}
if (!has('rg')) console.log('ripgrep not installed (apt-get install ripgrep): skipped');

const out = (name: string, round: number) => join(BENCH_DIR, `secrets-${name}-${round}.json`);
const contenders: Contender[] = [
  { name: 'pipeguard secrets', threads: `default: 1 to ${THREADS} (one per processor the load average leaves idle)`, run: (i) => pipeguard(corpus.dir, out('default', i)) },
  { name: 'pipeguard secrets --threads 1', threads: '1', run: (i) => pipeguard(corpus.dir, out('t1', i), 1) },
  ...(has('rg')
    ? [{
        name: `ripgrep -i -F (${BUILTIN_RULES.flatMap((r) => r.keywords).length} keywords)`,
        threads: `${availableParallelism()} (rg default)`,
        run: () => {
          const s = cold('rg', ['-uu', '-i', '-F', '-c', '--stats', '-f', kw, corpus.dir]);
          return { ...s, files: Number(/(\d+) files searched/.exec(s.stdout)?.[1] ?? NaN), findings: `${/(\d+) files contained matches/.exec(s.stdout)?.[1] ?? '?'} files hit` };
        },
      }]
    : []),
  ...(peers
    ? [{
        name: 'secretlint 13.0.6 (recommended preset)',
        threads: '1 (Node, one thread)',
        run: () => {
          const s = cold(join(peers!, 'node_modules', '.bin', 'secretlint'), [`${corpus.dir}/**/*`, '--secretlintrc', join(peers!, '.secretlintrc.json'), '--format', join(peers!, 'count.mjs'), '--no-color'], { cwd: peers! });
          const m = /__COUNT__ files (\d+) findings (\d+)/.exec(s.stdout);
          if (!m) throw new Error(`secretlint failed (${s.status}): ${s.stderr.slice(0, 500)}`);
          return { ...s, files: Number(m[1]), findings: Number(m[2]) };
        },
      }]
    : []),
];
const results = paired(contenders, Number(process.env['SECRETS_BENCH_ROUNDS'] ?? rounds()));
printPaired(results, { inputMb: mb });
const at = (prefix: string) => results.find((t) => t.name.startsWith(prefix));
const [ours, ours1, rg, secretlint] = [results[0]!, results[1]!, at('ripgrep'), at('secretlint')];
if (secretlint) console.log(`ratio: ${ratio(secretlint, ours)}\nratio: ${ratio(secretlint, ours1)}`);
if (rg) console.log(`ratio: ${ratio(ours, rg)} (ripgrep only finds keywords)`);
scaling({
  tool: 'pipeguard secrets (default threads); the corpus generated n times as large',
  input: (n) => {
    const c = makeCorpus(TARGET_MB * n);
    return { path: c.dir, bytes: c.bytes };
  },
  run: (input, n, i) => pipeguard(input.path, out(`scale${n}`, i)),
});

// History: a generated repository with thousands of commits.
function historyRepo(commits: number): string {
  const repo = join(BENCH_DIR, `history-repo-${commits}`);
  if (existsSync(join(repo, '.git'))) return repo;
  mkdirSync(repo, { recursive: true });
  const g = (args: string[], input?: string) =>
    spawnSync('git', args, { cwd: repo, input, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.test', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.test' } });
  g(['init', '-q', '-b', 'main']);
  // fast-import: each commit rewrites one of 200 source files with fresh content.
  const r = rng(3);
  let stream = '';
  const src = readFileSync(join(ROOT, 'node_modules', 'typescript', 'lib', 'lib.dom.d.ts'), 'utf8').slice(0, 20000);
  for (let i = 1; i <= commits; i++) {
    const path = `src/mod${i % 200}.js`;
    let content = `// revision ${i}\n${src.slice(r() % 10000, (r() % 10000) + 8000)}\n`;
    if (i % 97 === 0) content += `const key = "AKIA${token(r, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}";\n`;
    const data = Buffer.from(content);
    stream += `commit refs/heads/main\nmark :${i}\ncommitter b <b@example.test> ${1700000000 + i} +0000\ndata ${`commit ${i}`.length}\ncommit ${i}\n${i > 1 ? `from :${i - 1}\n` : ''}M 100644 inline ${path}\ndata ${data.length}\n${content}\n`;
  }
  const fi = g(['fast-import', '--quiet'], stream);
  if (fi.status !== 0) throw new Error(fi.stderr);
  g(['checkout', '-q', 'main']);
  return repo;
}
const blobBytes = (repo: string) => Number(spawnSync('sh', ['-c', `git -C ${repo} cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1=="blob"{s+=$2} END{print s}'`], { encoding: 'utf8' }).stdout.trim());
const history = (repo: string, outFile: string): Run => pipeguardRun(['secrets', repo, '--history'], outFile, 'secrets');
const repo = historyRepo(COMMITS);
console.log(`\nhistory: ${relative(ROOT, repo)}, ${COMMITS} commits (seeded, git fast-import), ${(blobBytes(repo) / 1048576).toFixed(1)} MB of blobs`);
const hist = paired([
  { name: `pipeguard secrets --history`, threads: 'default', run: (i) => history(repo, out('history', i)) },
  {
    name: 'git log -p -U0 --all | wc -c (reading alone)',
    threads: '1',
    run: () => {
      const s = cold('sh', ['-c', `git -C ${repo} log -p -U0 --all | wc -c`]);
      return { ...s, files: '-', findings: `${(Number(s.stdout.trim()) / 1048576).toFixed(1)} MB of patch` };
    },
  },
]);
printPaired(hist, { inputMb: blobBytes(repo) / 1048576 });
console.log(`ratio: ${ratio(hist[0]!, hist[1]!)}`);
scaling({
  tool: 'pipeguard secrets --history; a repository generated with n times the commits',
  input: (n) => {
    const r = historyRepo(COMMITS * n);
    return { path: r, bytes: blobBytes(r) };
  },
  run: (input, n, i) => history(input.path, out(`history-scale${n}`, i)),
});
