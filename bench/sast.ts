/**
 * SAST benchmark: pipeguard's CLI (the bundle a user runs) beside ESLint's CLI with eslint-plugin-security
 * (recommended config, typescript-eslint parser for TS), cold process against cold process, on the same real
 * JS/TS tree; then pipeguard alone on the tree copied 2 and 4 times (time and peak memory as the input grows).
 *
 *   node --import tsx bench/sast.ts [tree] [--quick] [--runs N] [--threads N] [--scales 1,2,4] [--no-peer] [--no-sonar] [--eslint-concurrency] [--findings out.jsonl]
 *
 * - Paired, alternating runs (bench/util.ts `paired`): each round runs pipeguard `--threads 1`, pipeguard
 *   `--threads N` (default: the processors, up to 4) and ESLint (and eslint-plugin-sonarjs's security rules, pinned
 *   by bench/lock/eslint-sonarjs, unless `--no-sonar`; `--eslint-concurrency` adds ESLint's own `--concurrency N`), in an order that rotates
 *   every round, so a change of host load hits all of them; medians and ranges (min–max) of `--runs` rounds
 *   (default 3, 1 with --quick) are printed, with the load average at start.
 * - Wall time, CPU time (user + system of the process and all its threads) and peak RSS come from GNU time
 *   (`/usr/bin/time`); without it CPU comes from the shell's `times` and memory is not shown.
 * - Files: what each tool says it analysed (pipeguard's `files` count in the report's SAST status; ESLint's
 *   results), not what the tree holds. pipeguard skips minified/generated files and `.d.ts` (its `filesSkipped`).
 * - `--findings` writes pipeguard's findings (rule, location, message, identity, flow), one JSON object per line,
 *   sorted, so two versions can be compared with `diff` (a refactor must leave the file unchanged).
 *
 * Without a tree argument the script uses `.bench/sast-tree` (`.bench/sast-tree-quick` with --quick: the first
 * packages in name order up to 400 JS/TS files), built from the packages pinned by bench/lock/sast-tree (lodash,
 * express, @babel/core, @babel/traverse, rxjs, webpack and their dependencies, `npm ci` into .bench/lock/sast-tree),
 * each package copied without nested node_modules so ESLint does not ignore them. Scaled copies and reports go to a temporary folder outside the
 * repository (so neither the repository's pipeguard.yml nor its .gitignore applies to them).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sastConfigSchema } from '../src/scanners/sast/config.js';
import { skipReason } from '../src/scanners/sast/skip.js';
import { BENCH_DIR, build, CLI, cold, type Contender, header, inputDigest, loadAverage, median, option, paired, pinned, positionals, printPaired, QUICK, ratio, type Result, ROOT, type Run, scaling, table } from './util.js';

/** A run with the findings by rule. */
interface SastRun extends Run {
  files: number;
  findings: number;
  byRule: Record<string, number>;
}
const require = createRequire(join(ROOT, 'package.json'));
/**
 * eslint-plugin-sonarjs, the second peer (its security rules), installed from bench/lock/eslint-sonarjs by `npm ci`
 * into .bench/lock/eslint-sonarjs on first use; `--no-sonar` leaves it out (it takes about ten times eslint-plugin-
 * security's CPU on the full tree).
 */
let SONAR: string | undefined;
function sonarPlugin(): string {
  return createRequire(join(pinned('eslint-sonarjs'), 'package.json')).resolve('eslint-plugin-sonarjs');
}

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

const JS_TS = /\.(js|cjs|mjs|jsx|ts|tsx|mts|cts)$/;
/** The ESLint configs the bench writes at the top of each copy (neither tool is to analyse them). */
const ESLINT_CONFIG = /^eslint(\.sonar)?\.config\.mjs$/;

/** The JS/TS files below a folder (what either tool may analyse). */
function jsFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && JS_TS.test(e.name) && !ESLINT_CONFIG.test(e.name)) n++;
  return n;
}

/**
 * The JS/TS files of `dir` that pipeguard analyses (its skip heuristic, `src/scanners/sast/skip.ts`, with the default
 * config: no `.d.ts`, minified or generated files), relative and sorted: ESLint is given exactly these, so both
 * tools analyse the same files.
 */
function sameFiles(dir: string): string[] {
  const cfg = sastConfigSchema.parse({});
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !JS_TS.test(e.name) || ESLINT_CONFIG.test(e.name)) continue;
    const rel = relative(dir, join(e.parentPath, e.name));
    if (!skipReason(rel, readFileSync(join(dir, rel), 'utf8'), cfg)) out.push(rel);
  }
  return out.sort();
}

function buildTree(): string {
  const nm = join(pinned('sast-tree'), 'node_modules');
  const tree = join(BENCH_DIR, QUICK ? 'sast-tree-quick' : 'sast-tree');
  const lock = readFileSync(join(ROOT, 'bench', 'lock', 'sast-tree', 'package-lock.json'), 'utf8');
  if (existsSync(join(tree, '.done')) && readFileSync(join(tree, '.done'), 'utf8') === lock) return tree;
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  let files = 0;
  for (const scope of readdirSync(nm).sort()) {
    if (scope.startsWith('.')) continue;
    const dirs = scope.startsWith('@') ? readdirSync(join(nm, scope)).sort().map((n) => join(scope, n)) : [scope];
    for (const d of dirs) {
      const dest = join(tree, d.replace('/', '__'));
      cpSync(join(nm, d), dest, { recursive: true, filter: (src) => !src.includes('/node_modules/', nm.length + d.length + 1) });
      files += jsFiles(dest);
      if (QUICK && files >= 400) break;
    }
    if (QUICK && files >= 400) break;
  }
  writeFileSync(join(tree, '.done'), lock);
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

function runPipeguard(dir: string, threads: number, out: string): SastRun {
  const m = cold(process.execPath, [CLI, 'scan', dir, '--scanners', 'sast', '--threads', String(threads), '--offline', '--no-progress', '--exclude', 'eslint.config.mjs', '--exclude', 'eslint.sonar.config.mjs', '-f', 'json', '-o', out], { cwd: dir });
  if (m.status !== 0 && m.status !== 1) throw new Error(`pipeguard failed (${m.status}): ${m.stderr.slice(0, 2000)}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: { ruleId: string }[]; statuses: { scanner: string; stats?: Record<string, number> }[] };
  const byRule: Record<string, number> = {};
  for (const f of report.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  const stats = report.statuses.find((s) => s.scanner === 'sast')?.stats ?? {};
  return { ...m, files: stats['files'] ?? 0, findings: report.findings.length, byRule };
}

function runEslint(dir: string, files: string[], out: string, kind: 'security' | 'sonarjs' = 'security', concurrency = 0): SastRun {
  const bin = join(require.resolve('eslint/package.json'), '..', 'bin', 'eslint.js');
  const config = kind === 'security' ? 'eslint.config.mjs' : 'eslint.sonar.config.mjs';
  const m = cold(process.execPath, [bin, '--config', config, '--format', 'json', '--output-file', out, '--no-warn-ignored', ...(concurrency ? ['--concurrency', String(concurrency)] : []), ...files], { cwd: dir });
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
  return { ...m, files: results.length, findings, byRule };
}

async function main(): Promise<void> {
  const runs = Number(option('--runs', QUICK ? '1' : '3'));
  const threads = Number(option('--threads', String(Math.min(availableParallelism(), 4))));
  const findingsOut = process.argv.includes('--findings') ? option('--findings', '') : undefined;
  const peer = !process.argv.includes('--no-peer');
  const tree = resolve(positionals()[0] ?? buildTree());
  build();
  const work = mkdtempSync(join(tmpdir(), 'pipeguard-bench-sast-'));
  try {
    header('sast benchmark');
    console.log(`tree: ${relative(ROOT, tree) || tree}: ${jsFiles(tree)} JS/TS files, digest ${inputDigest(tree)}`);
    console.log(`pipeguard ${relative(ROOT, CLI)} scan --scanners sast --threads 1 and --threads ${threads}` +
      `${peer ? `; eslint ${require('eslint/package.json').version} + eslint-plugin-security ${require('eslint-plugin-security/package.json').version}` : ''}; ${runs} paired rounds`);
    if (peer && !process.argv.includes('--no-sonar')) SONAR = sonarPlugin();
    const one = scaled(tree, 1, work);
    const same = sameFiles(one);
    console.log(`the same files for both: ESLint is given the ${same.length} JS/TS files pipeguard's skip heuristic keeps (of ${jsFiles(one)}; no .d.ts, minified or generated files)`);
    const eslintConcurrency = process.argv.includes('--eslint-concurrency') && threads > 1;
    const tools: Contender<SastRun>[] = [
      { name: 'pipeguard --threads 1', threads: '1', run: (i) => runPipeguard(one, 1, join(work, `pg1-${i}.json`)) },
      ...(threads > 1 ? [{ name: `pipeguard --threads ${threads}`, threads: String(threads), run: (i: number) => runPipeguard(one, threads, join(work, `pgN-${i}.json`)) }] : []),
      ...(peer ? [{ name: 'eslint + eslint-plugin-security', threads: '1 (ESLint default, no --concurrency)', run: (i: number) => runEslint(one, same, join(work, `eslint-${i}.json`)) }] : []),
      ...(peer && eslintConcurrency ? [{ name: `eslint --concurrency ${threads} + eslint-plugin-security`, threads: String(threads), run: (i: number) => runEslint(one, same, join(work, `eslintN-${i}.json`), 'security', threads) }] : []),
      ...(peer && SONAR ? [{ name: 'eslint + eslint-plugin-sonarjs (security rules)', threads: '1 (ESLint default)', run: (i: number) => runEslint(one, same, join(work, `sonar-${i}.json`), 'sonarjs') }] : []),
    ];
    const results = paired(tools, runs);
    if (findingsOut) {
      const report = JSON.parse(readFileSync(join(work, 'pg1-0.json'), 'utf8')) as { findings: Record<string, unknown>[] };
      const lines = report.findings.map((f) => JSON.stringify({ ruleId: f['ruleId'], location: f['location'], message: f['message'], flow: f['flow'] }));
      writeFileSync(resolve(findingsOut), lines.sort().join('\n') + '\n');
    }
    printPaired(results);
    const files = (rs: Result<SastRun>) => rs.runs[0]!.files;
    console.log('files/s by CPU: ' + results.map((rs) => `${rs.name} ${rs.runs.every((r) => r.cpuS) ? (files(rs) / median(rs.runs.map((r) => r.cpuS!))).toFixed(0) : '-'}`).join('; '));
    const pg1 = results[0]!;
    const pgN = threads > 1 ? results[1]! : undefined;
    const es = peer ? results[threads > 1 ? 2 : 1]! : undefined;
    if (pgN) console.log(`ratio: ${ratio(pg1, pgN)} (wall above 1: the threads help)`);
    if (es) {
      if (files(es) !== files(pg1)) console.log(`note: the tools analysed different numbers of files: pipeguard ${files(pg1)} (its count includes templates and other languages), ESLint ${files(es)}`);
      console.log(`ratio: ${ratio(es, pgN ?? pg1)}`);
      if (pgN) console.log(`ratio: ${ratio(es, pg1)}`);
      console.log('pipeguard findings by rule:', JSON.stringify(pg1.runs[0]!.byRule));
      console.log('eslint-plugin-security findings by rule:', JSON.stringify(es.runs[0]!.byRule));
      const all = results.filter((rs) => rs !== pgN);
      const perClass = all.map((rs) => {
        const m: Record<string, number> = {};
        for (const [r, n] of Object.entries(rs.runs[0]!.byRule)) m[classOf(r)] = (m[classOf(r)] ?? 0) + n;
        return m;
      });
      const classes = [...new Set(perClass.flatMap((m) => Object.keys(m)))].sort();
      console.log('\nfindings per vulnerability class:');
      table([['class', ...all.map((rs) => rs.name)], ...classes.map((c) => [c, ...perClass.map((m) => String(m[c] ?? 0))])]);
    }
    for (const t of [1, ...(threads > 1 ? [threads] : [])]) {
      scaling({
        tool: `pipeguard scan --scanners sast --threads ${t}; the tree copied side by side n times`,
        input: (n) => ({ path: scaled(tree, n, work) }),
        run: (input, n, i) => runPipeguard(input.path, t, join(work, `scale-${n}-${t}-${i}.json`)),
      });
    }
    console.log(`load average at end ${loadAverage()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
