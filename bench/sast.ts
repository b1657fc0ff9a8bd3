/**
 * SAST benchmark: pipeguard's SAST scanner beside ESLint + eslint-plugin-security (recommended config) on the same
 * real JS/TS tree. Each tool runs in its own child process so peak memory (maxRSS) and CPU time are its own.
 *
 *   node --import tsx bench/sast.ts [tree] [--findings out.jsonl]
 *
 * `--findings` also writes pipeguard's findings (rule, location, message, identity, flow), one JSON object per line,
 * sorted, so two versions of the scanner can be compared with `diff` (a refactor must leave the file unchanged).
 * Without a tree argument the script uses `.bench/tree`, built from packages installed under `.bench/node_modules`
 * (`cd .bench && npm install lodash express @babel/core @babel/traverse rxjs webpack`), copied without nested
 * node_modules so ESLint does not ignore them. When `.bench/node_modules/eslint-plugin-sonarjs` is installed
 * (`npm install eslint-plugin-sonarjs@4.2.2` there) its security rules run too, and the findings of the three tools
 * are printed side by side per vulnerability class.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import type { Config } from '../src/config/schema.js';
import type { ScanContext } from '../src/core/types.js';

interface Figures {
  tool: string;
  files: number;
  bytes: number;
  findings: number;
  cpuMs: number;
  wallMs: number;
  maxRssMb: number;
  byRule: Record<string, number>;
}

const ROOT = resolve(import.meta.dirname, '..');
const EXT = /\.(c|m)?[jt]sx?$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (EXT.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function buildTree(): string {
  const nm = join(ROOT, '.bench', 'node_modules');
  const tree = join(ROOT, '.bench', 'tree');
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

async function runOurs(tree: string, dump: string | undefined): Promise<Figures> {
  const { sastScanner } = await import('../src/scanners/sast/index.js');
  const { sastConfigSchema } = await import('../src/scanners/sast/config.js');
  const { openDirectory } = await import('../src/targets/directory.js');
  const { standaloneContext } = await import('../src/engine/run.js');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const target = await openDirectory(tree, { gitignore: false });
  const counts: Record<string, number> = {};
  const ctx: ScanContext<ReturnType<typeof sastConfigSchema.parse>> = standaloneContext(target, sastConfigSchema.parse({}), {} as unknown as Config, {
    fileError: () => { counts.errors = (counts.errors ?? 0) + 1; },
    count: (n, by = 1) => { counts[n] = (counts[n] ?? 0) + by; },
  });
  const byRule: Record<string, number> = {};
  let findings = 0;
  const lines: string[] = [];
  for await (const f of sastScanner.scan(target, ctx)) {
    findings++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    if (dump) lines.push(JSON.stringify({ ruleId: f.ruleId, location: f.location, message: f.message, identity: f.identity, flow: f.flow }));
  }
  const cpu = process.cpuUsage(cpu0);
  if (dump) writeFileSync(dump, lines.sort().join('\n') + '\n');
  const files = walk(tree);
  return {
    tool: 'pipeguard sast', files: files.length, bytes: files.reduce((s, f) => s + statSync(f).size, 0), findings,
    cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, byRule,
  };
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
    [/sql-(injection|queries)/, 'sql'],
    [/nosql/, 'nosql'],
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

async function runEslint(tree: string, kind: 'security' | 'sonarjs'): Promise<Figures> {
  const { ESLint } = await import('eslint');
  const pluginName = 'eslint-plugin-security';
  const tseslint = (await import('typescript-eslint')).default;
  let rulesConfig: object;
  if (kind === 'security') rulesConfig = ((await import(pluginName)) as { default: { configs: { recommended: object } } }).default.configs.recommended;
  else {
    const sonar = createRequire(join(ROOT, '.bench', 'package.json'))('eslint-plugin-sonarjs') as { rules: Record<string, unknown> };
    rulesConfig = { plugins: { sonarjs: sonar }, rules: Object.fromEntries(SONAR_SECURITY.filter((r) => r in sonar.rules).map((r) => [`sonarjs/${r}`, 'error'])) };
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const eslint = new ESLint({
    cwd: tree,
    overrideConfigFile: true,
    overrideConfig: [
      rulesConfig,
      { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tseslint.parser as never } },
      { languageOptions: { ecmaVersion: 'latest', sourceType: 'module' }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
    ] as never,
    errorOnUnmatchedPattern: false,
  });
  const results = await eslint.lintFiles(['**/*.{js,cjs,mjs,jsx,ts,tsx,mts,cts}']);
  const cpu = process.cpuUsage(cpu0);
  const byRule: Record<string, number> = {};
  let findings = 0;
  for (const r of results) {
    for (const m of r.messages) {
      // only the plugin's rules: unknown rules named in the packages' own eslint-disable comments are not findings
      if (!m.ruleId?.startsWith(`${kind}/`)) continue;
      findings++;
      byRule[m.ruleId] = (byRule[m.ruleId] ?? 0) + 1;
    }
  }
  const files = walk(tree);
  return {
    tool: `eslint + eslint-plugin-${kind}`, files: results.length, bytes: files.reduce((s, f) => s + statSync(f).size, 0), findings,
    cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, byRule,
  };
}

function child(kind: string, tree: string, dump?: string): Figures {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', join(ROOT, 'bench', 'sast.ts'), '--worker', kind, tree, ...(dump ? [dump] : [])], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures;
}

function row(f: Figures): string {
  const s = f.cpuMs / 1000;
  return [
    f.tool.padEnd(32), String(f.files).padStart(6), (f.bytes / 1e6).toFixed(1).padStart(7), String(f.findings).padStart(8),
    (f.files / s).toFixed(0).padStart(8), (f.bytes / 1e6 / s).toFixed(2).padStart(7), (f.cpuMs / 1000).toFixed(1).padStart(7),
    (f.wallMs / 1000).toFixed(1).padStart(7), f.maxRssMb.toFixed(0).padStart(7),
  ].join(' ');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--worker') {
    const tree = args[2]!;
    const f = args[1] === 'ours' ? await runOurs(tree, args[3]) : await runEslint(tree, args[1] === 'sonarjs' ? 'sonarjs' : 'security');
    console.log(JSON.stringify(f));
    return;
  }
  const at = args.indexOf('--findings');
  const dump = at >= 0 ? resolve(args[at + 1] ?? 'sast-findings.jsonl') : undefined;
  if (at >= 0) args.splice(at, 2);
  if (args.includes('--rebuild')) {
    rmSync(join(ROOT, '.bench', 'tree'), { recursive: true, force: true });
    args.splice(args.indexOf('--rebuild'), 1);
  }
  const tree = resolve(args[0] ?? buildTree());
  console.log(`tree: ${relative(ROOT, tree) || tree}`);
  const ours = child('ours', tree, dump);
  const peer = child('eslint', tree);
  const sonar = existsSync(join(ROOT, '.bench', 'node_modules', 'eslint-plugin-sonarjs')) ? child('sonarjs', tree) : undefined;
  console.log(`${'tool'.padEnd(32)} ${'files'.padStart(6)} ${'MB'.padStart(7)} ${'findings'.padStart(8)} ${'files/s'.padStart(8)} ${'MB/s'.padStart(7)} ${'cpu s'.padStart(7)} ${'wall s'.padStart(7)} ${'RSS MB'.padStart(7)}`);
  console.log(row(ours));
  console.log(row(peer));
  if (sonar) console.log(row(sonar));
  console.log(`speed ratio (CPU, eslint-plugin-security / pipeguard): ${(peer.cpuMs / ours.cpuMs).toFixed(2)}x; wall: ${(peer.wallMs / ours.wallMs).toFixed(2)}x; memory ratio: ${(peer.maxRssMb / ours.maxRssMb).toFixed(2)}x`);
  console.log('pipeguard findings by rule:', JSON.stringify(ours.byRule));
  console.log('eslint-plugin-security findings by rule:', JSON.stringify(peer.byRule));
  if (sonar) console.log('eslint-plugin-sonarjs findings by rule:', JSON.stringify(sonar.byRule));
  const tools = [ours, peer, ...(sonar ? [sonar] : [])];
  const perClass = tools.map((t) => {
    const m: Record<string, number> = {};
    for (const [r, n] of Object.entries(t.byRule)) m[classOf(r)] = (m[classOf(r)] ?? 0) + n;
    return m;
  });
  const classes = [...new Set(perClass.flatMap((m) => Object.keys(m)))].sort();
  console.log(`\n${'findings per class'.padEnd(40)} ${['pipeguard', 'security', ...(sonar ? ['sonarjs'] : [])].map((h) => h.padStart(10)).join(' ')}`);
  for (const c of classes) console.log(`${c.padEnd(40)} ${perClass.map((m) => String(m[c] ?? 0).padStart(10)).join(' ')}`);
}

await main();
