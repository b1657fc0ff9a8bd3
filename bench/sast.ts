/**
 * SAST benchmark: pipeguard's CLI (the bundle a user runs) beside ESLint's CLI with eslint-plugin-security
 * (recommended config, typescript-eslint parser for TS), cold process against cold process, on the same real
 * JS/TS tree; then pipeguard alone on the tree copied 2 and 4 times (time and peak memory as the input grows).
 *
 *   node --import tsx bench/sast.ts [tree] [--runs N] [--threads N] [--scales 1,2,4] [--no-peer] [--findings out.jsonl]
 *
 * - Paired, alternating runs: each round runs pipeguard `--threads 1`, pipeguard `--threads N` (default: the
 *   processors, up to 4) and ESLint (and eslint-plugin-sonarjs's security rules when installed under `.bench/`), in an order that rotates every round, so a change of host load hits all of
 *   them; medians and ranges (min–max) of `--runs` rounds (default 3) are printed, with the load average at start.
 * - Wall time, CPU time (user + system of the process and all its threads) and peak RSS come from GNU time
 *   (`/usr/bin/time`); without it only wall time is shown.
 * - Files: what each tool says it analysed (pipeguard's `files` count in the report's SAST status; ESLint's
 *   results), not what the tree holds. pipeguard skips minified/generated files and `.d.ts` (its `filesSkipped`).
 * - `--findings` writes pipeguard's findings (rule, location, message, identity, flow), one JSON object per line,
 *   sorted, so two versions can be compared with `diff` (a refactor must leave the file unchanged).
 *
 * Without a tree argument the script uses `.bench/tree`, built from packages installed under `.bench/node_modules`
 * (`cd .bench && npm install lodash express @babel/core @babel/traverse rxjs webpack`), copied without nested
 * node_modules so ESLint does not ignore them. Scaled copies and reports go to a temporary folder outside the
 * repository (so neither the repository's pipeguard.yml nor its .gitignore applies to them).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, CLI, ROOT, table } from './util.js';

interface Run {
  tool: string;
  wallS: number;
  cpuS?: number;
  rssMb?: number;
  files: number;
  findings: number;
  byRule: Record<string, number>;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const require = createRequire(join(ROOT, 'package.json'));
/** eslint-plugin-sonarjs, when installed under .bench (`npm install eslint-plugin-sonarjs@4.2.2` there): its security rules run too. */
const SONAR = (() => {
  try {
    return createRequire(join(BENCH_DIR, 'package.json')).resolve('eslint-plugin-sonarjs');
  } catch {
    return undefined;
  }
})();

/** The security rules of eslint-plugin-sonarjs (its other rules are about code quality). */
const SONAR_SECURITY = [
  'os-command', 'no-os-command-from-path', 'code-eval', 'sql-queries', 'disabled-auto-escaping', 'no-angular-bypass-sanitization',
  'link-with-target-blank', 'xml-parser-xxe', 'slow-regex', 'hashing', 'pseudo-random', 'encryption-secure-mode', 'no-weak-cipher',
  'no-weak-keys', 'insecure-jwt-token', 'no-hardcoded-passwords', 'no-hardcoded-secrets', 'session-regeneration', 'weak-ssl',
  'unverified-certificate', 'unverified-hostname', 'no-clear-text-protocols', 'insecure-cookie', 'cookie-no-httponly', 'cors', 'csrf',
  'x-powered-by', 'content-security-policy', 'frame-ancestors', 'strict-transport-security', 'no-mime-sniff', 'no-referrer-policy',
  'no-ip-forward', 'disabled-resource-integrity', 'hidden-files', 'post-message', 'publicly-writable-directories', 'file-permissions',
  'no-unsafe-unzip', 'confidential-information-logging', 'no-intrusive-permissions', 'aws-s3-bucket-public-access',
  'aws-ec2-unencrypted-ebs-volume', 'aws-rds-unencrypted-databases', 'aws-s3-bucket-insecure-http', 'aws-iam-all-privileges',
  'aws-iam-public-access', 'aws-restricted-ip-admin-access', 'aws-s3-bucket-granted-access', 'aws-ec2-rds-dms-public',
];

/** Vulnerability class of each tool's rules, for the side-by-side table. */
function classOf(ruleId: string): string {
  const r = ruleId.replace(/^(security|sonarjs)\//, '');
  const table: [RegExp, string][] = [
    [/command-injection|child-process|os-command/, 'command'],
    [/code-injection|eval|non-literal-require|unsafe-deserialization/, 'code/deserialisation'],
    [/nosql/, 'nosql'],
    [/sql-(injection|queries)/, 'sql'],
    [/xss|mustache-escape|auto-escaping|bypass-sanitization|target-blank/, 'xss'],
    [/path-traversal|fs-filename|writable-directories|file-permissions|unzip/, 'path'],
    [/ssrf/, 'ssrf'],
    [/open-redirect/, 'redirect'],
    [/xxe/, 'xxe'],
    [/prototype-pollution|object-injection/, 'prototype pollution / object injection'],
    [/regex|redos|regexp/, 'regex'],
    [/log-injection|information-logging/, 'log'],
    [/header-injection/, 'header'],
    [/weak-hash|hashing|cipher|weak-keys|static-iv|random|secure-mode/, 'crypto'],
    [/jwt|hardcoded|secret|password|session|timing/, 'auth and secrets'],
    [/tls|ssl|certificate|hostname|clear-text/, 'tls'],
    [/postmessage|post-message|message-handler/, 'messaging'],
    [/cdk|aws-/, 'infrastructure as code'],
    [/cookie|cors|csrf|helmet|powered-by|security-policy|ancestors|transport-security|mime-sniff|referrer|ip-forward|resource-integrity|hidden-files/, 'web configuration'],
  ];
  return table.find(([re]) => re.test(r))?.[1] ?? 'other';
}

function buildTree(): string {
  const nm = join(BENCH_DIR, 'node_modules');
  const tree = join(BENCH_DIR, 'tree');
  if (existsSync(tree)) return tree;
  if (!existsSync(nm)) throw new Error('no .bench/node_modules: install some packages there first (see the header of bench/sast.ts)');
  mkdirSync(tree, { recursive: true });
  for (const scope of readdirSync(nm)) {
    if (scope.startsWith('.')) continue;
    const dirs = scope.startsWith('@') ? readdirSync(join(nm, scope)).map((n) => join(scope, n)) : [scope];
    for (const d of dirs) cpSync(join(nm, d), join(tree, d.replace('/', '__')), { recursive: true, filter: (src) => !src.includes('/node_modules/', nm.length + d.length + 1) });
  }
  return tree;
}

/** `n` copies of the tree side by side (`copy1/`, `copy2/`...) with ESLint's config at the top (passed with `--config`, so the packages' own configs are not used). */
function scaled(tree: string, n: number, work: string): string {
  const dir = join(work, `${n}x`);
  if (!existsSync(dir)) for (let i = 1; i <= n; i++) cpSync(tree, join(dir, `copy${i}`), { recursive: true });
  const url = (p: string) => JSON.stringify(pathToFileURL(require.resolve(p)).href);
  // The plugin and parser are imported by absolute address: the tree is outside the repository.
  writeFileSync(
    join(dir, 'eslint.config.mjs'),
    `import security from ${url('eslint-plugin-security')};
import tseslint from ${url('typescript-eslint')};
export default [
  { ignores: ['eslint.config.mjs', 'eslint.sonar.config.mjs'] },
  security.configs.recommended,
  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tseslint.parser } },
  { languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
];
`,
  );
  if (SONAR) {
    writeFileSync(
      join(dir, 'eslint.sonar.config.mjs'),
      `import sonar from ${JSON.stringify(pathToFileURL(SONAR).href)};
import tseslint from ${url('typescript-eslint')};
export default [
  { ignores: ['eslint.config.mjs', 'eslint.sonar.config.mjs'] },
  { plugins: { sonarjs: sonar }, rules: ${JSON.stringify(Object.fromEntries(SONAR_SECURITY.map((r) => [`sonarjs/${r}`, 'error'])))} },
  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tseslint.parser } },
  { languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
];
`,
    );
  }
  return dir;
}

/** Runs a command under GNU time; wall from this process, CPU and peak RSS from time(1). */
function measure(cmd: string, args: string[], cwd: string): { wallS: number; cpuS?: number; rssMb?: number; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '__TIME__ %U %S %M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = (performance.now() - t0) / 1000;
  const m = /__TIME__ ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  return { wallS, status: r.status, stderr: r.stderr, ...(m ? { cpuS: Number(m[1]) + Number(m[2]), rssMb: Number(m[3]) / 1024 } : {}) };
}

function runPipeguard(dir: string, threads: number, out: string): Run {
  const m = measure(process.execPath, [CLI, 'scan', dir, '--scanners', 'sast', '--threads', String(threads), '--offline', '--no-progress', '--exclude', 'eslint.config.mjs', '-f', 'json', '-o', out], dir);
  if (m.status !== 0 && m.status !== 1) throw new Error(`pipeguard failed (${m.status}): ${m.stderr.slice(0, 2000)}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: { ruleId: string }[]; statuses: { scanner: string; stats?: Record<string, number> }[] };
  const byRule: Record<string, number> = {};
  for (const f of report.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  const stats = report.statuses.find((s) => s.scanner === 'sast')?.stats ?? {};
  return { tool: `pipeguard --threads ${threads}`, wallS: m.wallS, ...pick(m), files: stats['files'] ?? 0, findings: report.findings.length, byRule };
}

function runEslint(dir: string, out: string, kind: 'security' | 'sonarjs' = 'security'): Run {
  const bin = join(require.resolve('eslint/package.json'), '..', 'bin', 'eslint.js');
  const config = kind === 'security' ? 'eslint.config.mjs' : 'eslint.sonar.config.mjs';
  const m = measure(process.execPath, [bin, '--config', config, '--format', 'json', '--output-file', out, '--no-warn-ignored', '**/*.{js,cjs,mjs,jsx,ts,tsx,mts,cts}'], dir);
  if (m.status !== 0 && m.status !== 1) throw new Error(`eslint failed (${m.status}): ${m.stderr.slice(0, 2000)}`);
  const results = JSON.parse(readFileSync(out, 'utf8')) as { messages: { ruleId: string | null }[] }[];
  const byRule: Record<string, number> = {};
  let findings = 0;
  for (const r of results) {
    for (const msg of r.messages) {
      // only the plugin's rules: unknown rules named in the packages' own eslint-disable comments are not findings
      if (!msg.ruleId?.startsWith(`${kind}/`)) continue;
      findings++;
      byRule[msg.ruleId] = (byRule[msg.ruleId] ?? 0) + 1;
    }
  }
  return { tool: `eslint + eslint-plugin-${kind}`, wallS: m.wallS, ...pick(m), files: results.length, findings, byRule };
}

function pick(m: { cpuS?: number; rssMb?: number }): { cpuS?: number; rssMb?: number } {
  return { ...(m.cpuS !== undefined ? { cpuS: m.cpuS } : {}), ...(m.rssMb !== undefined ? { rssMb: m.rssMb } : {}) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}

/** "median (min–max)" of a figure over runs, or "-" when it was not measured. */
function stat(runs: Run[], f: (r: Run) => number | undefined, digits = 1): string {
  const xs = runs.map(f).filter((x): x is number => x !== undefined);
  if (!xs.length) return '-';
  const fmt = (x: number) => x.toFixed(digits);
  return xs.length === 1 ? fmt(xs[0]!) : `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const load = loadavg();
  const runs = Number(arg(args, '--runs') ?? 3);
  const threads = Number(arg(args, '--threads') ?? Math.min((await import('node:os')).availableParallelism(), 4));
  const scales = (arg(args, '--scales') ?? '1,2,4').split(',').map(Number);
  const findingsOut = arg(args, '--findings');
  const peer = !args.includes('--no-peer');
  if (!peer) args.splice(args.indexOf('--no-peer'), 1);
  const tree = resolve(args[0] ?? buildTree());
  if (!existsSync(CLI)) {
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('cannot build the CLI bundle (node scripts/bundle.mjs)');
  }
  const work = mkdtempSync(join(tmpdir(), 'pipeguard-bench-sast-'));
  try {
    console.log(`tree: ${relative(ROOT, tree) || tree}; ${new Date().toISOString().slice(0, 10)}; node ${process.version}; load average at start ${load.map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`cold CLI runs (each tool a new process): pipeguard ${relative(ROOT, CLI)} scan --scanners sast --threads 1 and --threads ${threads}` +
      `${peer ? `; eslint ${require('eslint/package.json').version} + eslint-plugin-security ${require('eslint-plugin-security/package.json').version}` : ''}; ${runs} paired rounds, order rotating`);
    const one = scaled(tree, 1, work);
    const tools: ((round: number) => Run)[] = [
      (i) => runPipeguard(one, 1, join(work, `pg1-${i}.json`)),
      ...(threads > 1 ? [(i: number) => runPipeguard(one, threads, join(work, `pgN-${i}.json`))] : []),
      ...(peer ? [(i: number) => runEslint(one, join(work, `eslint-${i}.json`))] : []),
      ...(peer && SONAR ? [(i: number) => runEslint(one, join(work, `sonar-${i}.json`), 'sonarjs')] : []),
    ];
    const results: Run[][] = tools.map(() => []);
    for (let round = 0; round < runs; round++) {
      for (let k = 0; k < tools.length; k++) {
        const t = (k + round) % tools.length;
        const r = tools[t]!(round);
        results[t]!.push(r);
        // each run as it ends, so a long benchmark stopped half-way still leaves figures
        console.log(`round ${round + 1}: ${r.tool}: ${r.files} files, ${r.findings} findings, wall ${r.wallS.toFixed(1)} s, CPU ${r.cpuS?.toFixed(1) ?? '-'} s, peak ${r.rssMb?.toFixed(0) ?? '-'} MB (load ${loadavg()[0]!.toFixed(1)})`);
      }
    }
    if (findingsOut) {
      const report = JSON.parse(readFileSync(join(work, 'pg1-0.json'), 'utf8')) as { findings: Record<string, unknown>[] };
      const lines = report.findings.map((f) => JSON.stringify({ ruleId: f['ruleId'], location: f['location'], message: f['message'], flow: f['flow'] }));
      writeFileSync(resolve(findingsOut), lines.sort().join('\n') + '\n');
    }
    console.log('\nmedian (min–max) of the rounds:');
    table([
      ['tool', 'files', 'findings', 'wall s', 'CPU s', 'peak RSS MB', 'files/s (CPU)'],
      ...results.map((rs) => [
        rs[0]!.tool, String(rs[0]!.files), String(rs[0]!.findings), stat(rs, (r) => r.wallS), stat(rs, (r) => r.cpuS), stat(rs, (r) => r.rssMb, 0),
        rs[0]!.cpuS !== undefined ? (rs[0]!.files / median(rs.map((r) => r.cpuS!))).toFixed(0) : '-',
      ]),
    ]);
    const pg1 = results[0]!;
    const pgN = threads > 1 ? results[1]! : undefined;
    const es = peer ? results[threads > 1 ? 2 : 1]! : undefined;
    const ratio = (a: Run[], b: Run[], f: (r: Run) => number | undefined) => {
      const x = a.map(f).filter((v): v is number => v !== undefined);
      const y = b.map(f).filter((v): v is number => v !== undefined);
      return x.length && y.length ? `${(median(x) / median(y)).toFixed(2)}x` : '-';
    };
    if (pgN) console.log(`pipeguard --threads ${threads} vs --threads 1: wall ${ratio(pg1, pgN, (r) => r.wallS)} faster; CPU ${ratio(pgN, pg1, (r) => r.cpuS)} of one thread's`);
    if (es) {
      const best = pgN ?? pg1;
      console.log(`eslint-plugin-security / pipeguard --threads ${threads > 1 ? threads : 1}: wall ${ratio(es, best, (r) => r.wallS)}, CPU ${ratio(es, best, (r) => r.cpuS)}, memory ${ratio(es, best, (r) => r.rssMb)}; / pipeguard --threads 1: wall ${ratio(es, pg1, (r) => r.wallS)}, CPU ${ratio(es, pg1, (r) => r.cpuS)}`);
      console.log('pipeguard findings by rule:', JSON.stringify(pg1[0]!.byRule));
      console.log('eslint-plugin-security findings by rule:', JSON.stringify(es[0]!.byRule));
      const all = results.filter((rs) => rs !== pgN);
      const perClass = all.map((rs) => {
        const m: Record<string, number> = {};
        for (const [r, n] of Object.entries(rs[0]!.byRule)) m[classOf(r)] = (m[classOf(r)] ?? 0) + n;
        return m;
      });
      const classes = [...new Set(perClass.flatMap((m) => Object.keys(m)))].sort();
      console.log('\nfindings per vulnerability class:');
      table([['class', ...all.map((rs) => rs[0]!.tool)], ...classes.map((c) => [c, ...perClass.map((m) => String(m[c] ?? 0))])]);
    }
    if (scales.some((s) => s !== 1)) {
      console.log(`\nscaling (pipeguard alone, one run each; the tree copied side by side):`);
      const rows: string[][] = [['input', 'files', 'findings', ...[1, ...(threads > 1 ? [threads] : [])].flatMap((t) => [`wall s (t${t})`, `CPU s (t${t})`, `peak RSS MB (t${t})`])]];
      for (const s of scales) {
        const dir = s === 1 ? one : scaled(tree, s, work);
        const byThreads = [1, ...(threads > 1 ? [threads] : [])].map((t) => {
          if (s === 1) return t === 1 ? pg1[0]! : pgN![0]!;
          const r = runPipeguard(dir, t, join(work, `scale-${s}-${t}.json`));
          console.log(`${s}x: ${r.tool}: wall ${r.wallS.toFixed(1)} s, CPU ${r.cpuS?.toFixed(1) ?? '-'} s, peak ${r.rssMb?.toFixed(0) ?? '-'} MB (load ${loadavg()[0]!.toFixed(1)})`);
          return r;
        });
        rows.push([`${s}x`, String(byThreads[0]!.files), String(byThreads[0]!.findings), ...byThreads.flatMap((r) => [r.wallS.toFixed(1), r.cpuS?.toFixed(1) ?? '-', r.rssMb?.toFixed(0) ?? '-'])]);
        if (s !== 1) rmSync(dir, { recursive: true, force: true });
      }
      table(rows);
    }
    console.log(`load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
