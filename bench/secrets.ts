// Secrets scanner throughput beside secretlint (recommended preset) and ripgrep (the combined keyword set), on a
// generated corpus of at least 200 MB (copies of this repository's node_modules plus planted synthetic secrets),
// then the full history of a generated repository with thousands of commits.
// Run: node --import tsx bench/secrets.ts   (env SECRETS_BENCH_MB to change the corpus size)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { BUILTIN_RULES } from '../src/analyzers/secrets/rules/index.js';
import { base62, crc32 } from '../src/analyzers/secrets/validators.js';
import { BENCH_DIR, build, CLI, has, ROOT, table, timed, type Timed } from './util.js';

const TARGET_MB = Number(process.env['SECRETS_BENCH_MB'] ?? 200);
const corpus = join(BENCH_DIR, 'secrets-corpus');
const peers = join(BENCH_DIR, 'peers');

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

function makeCorpus(): { bytes: number; files: number; planted: number } {
  const marker = join(corpus, '.done');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8'));
  const src = join(ROOT, 'node_modules');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
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
  for (let copy = 0; bytes < TARGET_MB * 1024 * 1024; copy++) {
    for (const f of files) {
      const dest = join(corpus, `copy${copy}`, relative(src, f).replace(/node_modules/g, 'nm'));
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
    }
  }
  const info = { bytes, files: count, planted };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}

function ensureSecretlint(): string | undefined {
  const bin = join(peers, 'node_modules', '.bin', 'secretlint');
  if (!existsSync(bin)) {
    mkdirSync(peers, { recursive: true });
    if (!existsSync(join(peers, 'package.json'))) writeFileSync(join(peers, 'package.json'), '{"name":"peers","private":true}\n');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', 'secretlint@13.0.6', '@secretlint/secretlint-rule-preset-recommend@13.0.7'], { cwd: peers, stdio: 'inherit' });
    if (r.status !== 0) return undefined;
  }
  writeFileSync(join(peers, '.secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  return bin;
}

build();
const info = makeCorpus();
const mb = info.bytes / 1024 / 1024;
console.log(`corpus: ${info.files} files, ${mb.toFixed(1)} MB, ${info.planted} planted secrets`);
const cli = CLI;
const outFile = join(BENCH_DIR, 'secrets-out.json');
const ourArgs = [cli, 'secrets', corpus, '--no-gitignore', '--no-archives', '--no-progress', '--fail-on', 'none', '-f', 'json', '-o', outFile];
const kw = join(BENCH_DIR, 'keywords.txt');
writeFileSync(kw, [...new Set(BUILTIN_RULES.flatMap((r) => r.keywords))].join('\n') + '\n');
const sl = ensureSecretlint();
if (!sl) console.log('secretlint could not be installed: skipped');
if (!has('rg')) console.log('ripgrep not installed (apt-get install ripgrep): skipped');

/** The tools, run in turn each round, so a machine that changes speed (shared hosts do) slows them all alike. */
const tools: { name: string; run: () => Timed; findings: (t: Timed) => number | string }[] = [
  { name: 'pipeguard secrets', run: () => timed('node', ourArgs), findings: () => JSON.parse(readFileSync(outFile, 'utf8')).findings.length as number },
  { name: 'pipeguard secrets (1 thread)', run: () => timed('node', [...ourArgs, '--threads', '1']), findings: () => JSON.parse(readFileSync(outFile, 'utf8')).findings.length as number },
  ...(has('rg')
    ? [{ name: `ripgrep -i -F (${BUILTIN_RULES.flatMap((r) => r.keywords).length} keywords)`, run: () => timed('rg', ['-uu', '-i', '-F', '-c', '-f', kw, corpus]), findings: (t: Timed) => `${t.stdout.split('\n').filter(Boolean).length} files hit` }]
    : []),
  ...(sl
    ? [{
        name: 'secretlint (recommended preset)',
        run: () => timed(sl, [`${corpus}/**/*`, '--secretlintrc', join(peers, '.secretlintrc.json'), '--format', 'compact', '--no-color'], { cwd: peers }),
        findings: (t: Timed) => t.stdout.split('\n').filter((l) => /: line \d+, col \d+/.test(l)).length,
      }]
    : []),
];
const ROUNDS = Number(process.env['SECRETS_BENCH_ROUNDS'] ?? 3);
const runs = tools.map(() => [] as Timed[]);
const found = tools.map(() => 0 as number | string);
for (let round = 0; round < ROUNDS; round++) {
  tools.forEach((tool, i) => {
    const t = tool.run();
    runs[i]!.push(t);
    found[i] = tool.findings(t);
  });
}
const best = runs.map((r) => Math.min(...r.map((t) => t.seconds)));
const median = runs.map((r) => r.map((t) => t.seconds).sort((x, y) => x - y)[Math.floor(r.length / 2)]!);
// CPU time (user + system, from GNU time): the figure that holds on a shared, loaded machine.
const medianOf = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const cpu = runs.map((r) => medianOf(r.flatMap((t) => (t.cpuSeconds === undefined ? [] : [t.cpuSeconds]))));
const rows: (string | number)[][] = [['tool', `best of ${ROUNDS} s`, 'median s', 'median CPU s', 'MB/s (best)', 'findings', 'peak RSS MiB']];
tools.forEach((tool, i) => rows.push([tool.name, best[i]!, median[i]!, cpu[i] ?? '-', mb / best[i]!, found[i]!, Math.max(...runs[i]!.map((t) => t.maxRssMiB ?? 0))]));
table(rows);
const at = (prefix: string) => tools.findIndex((t) => t.name.startsWith(prefix));
const [ours, rg, secretlint] = [at('pipeguard secrets'), at('ripgrep'), at('secretlint')];
if (secretlint >= 0) console.log(`ratio: pipeguard is ${(best[secretlint]! / best[ours]!).toFixed(1)}x secretlint's throughput (medians: ${(median[secretlint]! / median[ours]!).toFixed(1)}x)`);
if (secretlint >= 0 && cpu[secretlint] !== undefined && cpu[ours] !== undefined) {
  const one = at('pipeguard secrets (1 thread)');
  console.log(`ratio: pipeguard takes 1/${(cpu[secretlint]! / cpu[ours]!).toFixed(1)} of secretlint's CPU by medians (1 thread: 1/${(cpu[secretlint]! / cpu[one]!).toFixed(1)}); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}
if (rg >= 0) console.log(`ratio: pipeguard takes ${(best[ours]! / best[rg]!).toFixed(2)}x ripgrep's keyword-only time (medians: ${(median[ours]! / median[rg]!).toFixed(2)}x)`);

// History: a generated repository with thousands of commits.
const repo = join(BENCH_DIR, 'history-repo');
const COMMITS = Number(process.env['SECRETS_BENCH_COMMITS'] ?? 3000);
if (!existsSync(join(repo, '.git'))) {
  mkdirSync(repo, { recursive: true });
  const g = (args: string[], input?: string) =>
    spawnSync('git', args, { cwd: repo, input, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.test', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.test' } });
  g(['init', '-q', '-b', 'main']);
  // fast-import: each commit rewrites one of 200 source files with fresh content.
  const r = rng(3);
  let stream = '';
  const src = readFileSync(join(ROOT, 'node_modules', 'typescript', 'lib', 'lib.dom.d.ts'), 'utf8').slice(0, 20000);
  for (let i = 1; i <= COMMITS; i++) {
    const path = `src/mod${i % 200}.js`;
    let content = `// revision ${i}\n${src.slice(r() % 10000, (r() % 10000) + 8000)}\n`;
    if (i % 97 === 0) content += `const key = "AKIA${token(r, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}";\n`;
    const data = Buffer.from(content);
    stream += `commit refs/heads/main\nmark :${i}\ncommitter b <b@example.test> ${1700000000 + i} +0000\ndata ${`commit ${i}`.length}\ncommit ${i}\n${i > 1 ? `from :${i - 1}\n` : ''}M 100644 inline ${path}\ndata ${data.length}\n${content}\n`;
  }
  const fi = g(['fast-import', '--quiet'], stream);
  if (fi.status !== 0) throw new Error(fi.stderr);
  g(['checkout', '-q', 'main']);
}
const histOut = join(BENCH_DIR, 'history-out.json');
const hist = timed('node', [cli, 'secrets', repo, '--history', '--no-progress', '--fail-on', 'none', '-f', 'json', '-o', histOut], {}, 2);
const histFindings = JSON.parse(readFileSync(histOut, 'utf8')).findings.length as number;
const logp = timed('sh', ['-c', `git -C ${repo} log -p -U0 --all | wc -c`], {}, 2);
const histBytes = Number(spawnSync('sh', ['-c', `git -C ${repo} cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1=="blob"{s+=$2} END{print s}'`], { encoding: 'utf8' }).stdout.trim());
table([
  ['history run', 'seconds', 'blob MB/s', 'findings'],
  [`pipeguard secrets --history (${COMMITS} commits)`, hist.seconds, histBytes / 1024 / 1024 / hist.seconds, histFindings],
  ['git log -p -U0 --all | wc -c (reading alone)', logp.seconds, '-', '-'],
]);
