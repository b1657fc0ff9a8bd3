/**
 * DAST benchmark, all on 127.0.0.1 against the test application of test/dast/app (its /vuln routes and their
 * /fixed twins):
 *  1. beside sqlmap (Debian package, level 1 / risk 1, its defaults) on each SQL injection endpoint: requests and
 *     seconds to a confirmed finding, and whether both name the same parameter; medians of paired runs;
 *  2. beside wapiti (Debian package, its default modules less ssrf, which needs an outside endpoint, plus backup,
 *     crlf, csrf and xxe)
 *     on the whole application: vulnerability classes found, false alarms on the fixed twins, requests, wall and
 *     CPU time. Both crawl only (no OpenAPI, no auth file): the same starting point.
 * Each tool runs as a cold CLI in its own process; CPU is user+sys of that process (GNU time). The application
 * runs in this process and counts the requests it receives. Threads: pipeguard runs on one Node thread (8
 * requests in flight); sqlmap with its default single thread; wapiti with its default task pool.
 *
 *   npm run bench -- dast            (BENCH_RUNS=3 paired runs for sqlmap; one wapiti run per variant)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mariadb, postgres, startApp } from '../test/dast/app/server.js';
import { BENCH_DIR, build, CLI, has, table } from './util.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** `BENCH_PARTS=2` runs only the wapiti comparison, `1` only sqlmap's. */
const PARTS = (process.env.BENCH_PARTS ?? '1,2').split(',');
const OUT = join(BENCH_DIR, 'dast');

interface Run {
  seconds: number;
  cpu: number;
  requests: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
}

/**
 * Runs a command under GNU time; the app's request counter gives the requests it sent. Asynchronous: the
 * application answering those requests runs in this process.
 */
function run(cmd: string, args: string[], requests: () => number, cwd = OUT): Promise<Run> {
  const before = requests();
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '__CPU__%U %S', cmd, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.on('close', (status) => {
      clearTimeout(kill);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /__CPU__([\d.]+) ([\d.]+)/.exec(stderr);
      resolve({ seconds, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, requests: requests() - before, status, stdout, stderr: stderr.replace(/__CPU__.*\n?/, '') });
    });
  });
}

/** The SQL injection endpoints: [name, path to request, POST body or undefined, parameter, needs]. */
const SQLI: [string, string, string | undefined, string, string?][] = [
  ['error-based (SQLite)', '/vuln/products?name=apple', undefined, 'name'],
  ['boolean, numeric (SQLite)', '/vuln/product?id=1', undefined, 'id'],
  ["boolean in '))' (SQLite)", '/vuln/catalog?name=pear', undefined, 'name'],
  ['login form, OR bypass (SQLite)', '/vuln/login', 'username=nobody&password=x', 'username'],
  ['blind time (PostgreSQL)', '/vuln/audit?v=1', undefined, 'v', 'pg'],
  ['blind time (MariaDB)', '/vuln/audit-mysql?v=1', undefined, 'v', 'maria'],
];

async function ours(base: string, path: string, post: string | undefined, requests: () => number, only: string): Promise<{ run: Run; params: string[] }> {
  const dir = join(OUT, 'pg');
  mkdirSync(dir, { recursive: true });
  const p = path.split('?')[0]!;
  // The scan is pointed at one endpoint: its page is the start, its path the scope.
  const start = post ? `${base}/bench-form?to=${encodeURIComponent(p)}&body=${encodeURIComponent(post)}` : `${base}${path}`;
  writeFileSync(join(dir, 'pipeguard.yml'), `scanners:\n  dast:\n    scope:\n      paths: [${JSON.stringify(p)}${post ? ', "/bench-form"' : ''}]\n    crawl: { maxPages: 3 }\n    timing: { maxDelay: 2 }\n`);
  const r = await run(process.execPath, [CLI, 'dast', start, '--only', only, '-f', 'json'], requests, dir);
  let params: string[] = [];
  try {
    params = (JSON.parse(r.stdout) as { findings: { location: { parameter?: string } }[] }).findings.map((f) => f.location.parameter ?? '');
  } catch {
    // no report: counted as not found
  }
  return { run: r, params };
}

async function sqlmap(base: string, path: string, post: string | undefined, requests: () => number): Promise<{ run: Run; params: string[] }> {
  const out = join(OUT, 'sqlmap');
  rmSync(out, { recursive: true, force: true });
  // --ignore-code 401: a login form answers 401 to a wrong password, which sqlmap otherwise stops at.
  const args = ['-u', `${base}${path}`, '--batch', '--flush-session', '--disable-coloring', '--level', '1', '--risk', '1', '--output-dir', out, '--answers', 'follow=N', '--ignore-code', '401'];
  if (post) args.push('--data', post);
  const r = await run('sqlmap', args, requests);
  const params = [...r.stdout.matchAll(/^Parameter: (\S+) \((?:GET|POST)\)/gm)].map((m) => m[1]!);
  return { run: r, params };
}

interface WapitiReport {
  vulnerabilities: Record<string, { path: string; parameter: string; method: string }[]>;
}

/** wapiti class -> our rule prefixes. */
const CLASSES: [string, string[]][] = [
  ['SQL Injection', ['dast-sqli-error', 'dast-sqli-boolean']],
  ['Blind SQL Injection', ['dast-sqli-time', 'dast-sqli-boolean']],
  ['Cross Site Scripting', ['dast-xss-reflected', 'dast-xss-stored']],
  ['Commands execution', ['dast-command-injection', 'dast-ssti']],
  ['Command execution', ['dast-command-injection', 'dast-ssti']],
  ['Path Traversal', ['dast-path-traversal']],
  ['Open Redirect', ['dast-open-redirect']],
  ['Backup file', ['dast-exposed-backup']],
  ['Content Security Policy Configuration', ['dast-csp-missing', 'dast-csp-weak']],
  ['HTTP Secure Headers', ['dast-clickjacking', 'dast-xcto-missing', 'dast-hsts-missing']],
  ['Secure Flag cookie', ['dast-cookie-no-secure']],
  ['HttpOnly Flag cookie', ['dast-cookie-no-httponly']],
  ['CRLF Injection', ['dast-crlf-injection']],
  ['Cross Site Request Forgery', ['dast-csrf']],
  ['XML External Entity', ['dast-xxe']],
];

async function wapiti(url: string, requests: () => number): Promise<{ run: Run; classes: Map<string, number> }> {
  const out = join(OUT, `wapiti-${Date.now()}.json`);
  const r = await run('wapiti', ['-u', url, '--scope', 'folder', '-m', 'backup,blindsql,cookieflags,crlf,csp,csrf,exec,file,http_headers,permanentxss,redirect,sql,xss,xxe', '-f', 'json', '-o', out, '--flush-session', '--max-scan-time', '600', '-d', '5', '--timeout', '5', '--verify-ssl', '0'], requests);
  const classes = new Map<string, number>();
  try {
    const j = JSON.parse(readFileSync(out, 'utf8')) as WapitiReport;
    for (const [k, v] of Object.entries(j.vulnerabilities)) if (v.length) classes.set(k, v.length);
  } catch {
    // wapiti wrote nothing
  }
  return { run: r, classes };
}

async function oursWhole(url: string, requests: () => number): Promise<{ run: Run; rules: Map<string, number> }> {
  const dir = join(OUT, 'whole');
  mkdirSync(dir, { recursive: true });
  // A config of its own: the repository's pipeguard.yml is not the test application's.
  writeFileSync(join(dir, 'pipeguard.yml'), 'scanners:\n  dast:\n    timing: { maxDelay: 2 }\n');
  const r = await run(process.execPath, [CLI, 'dast', url, '-f', 'json', '--fail-on', 'none'], requests, dir);
  if (r.status !== 0) console.log(`pipeguard exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  const rules = new Map<string, number>();
  try {
    for (const f of (JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings) rules.set(f.ruleId, (rules.get(f.ruleId) ?? 0) + 1);
  } catch {
    // no report
  }
  return { run: r, rules };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  build();
  const [pg, maria] = await Promise.all([postgres(), mariadb()]);
  const app = await startApp({
    dbs: { ...(pg ? { pg: pg.query } : {}), ...(maria ? { maria: maria.query } : {}) },
    extra: (ex) => {
      // A page with the login form alone, so our scan of one POST endpoint starts where sqlmap's does.
      ex.get('/bench-form', (req, res) => {
        const to = String(req.query.to);
        const fields = new URLSearchParams(String(req.query.body));
        // pipeguard:ignore[js-xss] a page of the benchmark's own app on 127.0.0.1 that echoes the form it is asked for, by design
        res.type('html').send(`<form method="post" action="${to}">${[...fields].map(([k, v]) => `<input name="${k}" value="${v}">`).join('')}</form>`);
      });
    },
  });
  const requests = app.requests;
  console.log(`machine: ${(await import('node:os')).cpus().length} CPUs (shared with other work: wall times are noisy, CPU times less so); ${RUNS} paired run(s)`);
  try {
    if (!PARTS.includes('1')) console.log('\n(part 1 not run: BENCH_PARTS)');
    else if (!has('sqlmap')) console.log('\nsqlmap not installed (apt-get install sqlmap): part 1 skipped');
    else {
      console.log('\n1. SQL injection endpoints: pipeguard (dast-sqli-* rules) beside sqlmap (level 1, risk 1); medians');
      const rows: (string | number)[][] = [['endpoint', 'pg found', 'pg requests', 'pg s', 'pg cpu s', 'sqlmap found', 'sqlmap requests', 'sqlmap s', 'sqlmap cpu s', 'agree']];
      for (const [name, path, post, param, needs] of SQLI) {
        if ((needs === 'pg' && !pg) || (needs === 'maria' && !maria)) {
          rows.push([name, `skipped: needs ${needs === 'pg' ? 'postgresql' : 'mariadb'}`, '', '', '', '', '', '', '', '']);
          continue;
        }
        const a: Awaited<ReturnType<typeof ours>>[] = [];
        const b: Awaited<ReturnType<typeof sqlmap>>[] = [];
        for (let i = 0; i < RUNS; i++) {
          a.push(await ours(app.url, path, post, requests, 'dast-sqli-*'));
          b.push(await sqlmap(app.url, path, post, requests));
        }
        const foundA = a.every((x) => x.params.includes(param));
        const foundB = b.every((x) => x.params.includes(param));
        const m = (xs: Run[], k: 'requests' | 'seconds' | 'cpu') => median(xs.map((x) => x[k]));
        rows.push([name, foundA ? 'yes' : 'no', m(a.map((x) => x.run), 'requests'), m(a.map((x) => x.run), 'seconds'), m(a.map((x) => x.run), 'cpu'), foundB ? 'yes' : 'no', m(b.map((x) => x.run), 'requests'), m(b.map((x) => x.run), 'seconds'), m(b.map((x) => x.run), 'cpu'), foundA === foundB ? 'yes' : 'no']);
      }
      table(rows);
    }
    if (!PARTS.includes('2')) console.log('\n(part 2 not run: BENCH_PARTS)');
    else if (!has('wapiti')) console.log('\nwapiti not installed (apt-get install wapiti): part 2 skipped');
    else {
      console.log('\n2. Whole application (crawl only): pipeguard beside wapiti');
      const wv = await wapiti(`${app.url}/vuln/`, requests);
      const wf = await wapiti(`${app.url}/fixed/`, requests);
      const ov = await oursWhole(`${app.url}/vuln/`, requests);
      const of = await oursWhole(`${app.url}/fixed/`, requests);
      const rows: (string | number)[][] = [['wapiti class', 'wapiti (vuln)', 'pipeguard (vuln)', 'pipeguard rules']];
      for (const [cls, rules] of CLASSES) {
        const ourHits = rules.filter((r) => ov.rules.has(r));
        rows.push([cls, wv.classes.get(cls) ?? 0, ourHits.reduce((s, r) => s + (ov.rules.get(r) ?? 0), 0), ourHits.join(' ') || '-']);
      }
      for (const [cls, n] of wv.classes) if (!CLASSES.some(([c]) => c === cls)) rows.push([cls, n, '?', '(not mapped)']);
      table(rows);
      const missed = [...wv.classes.keys()].filter((c) => {
        const map = CLASSES.find(([x]) => x === c);
        return !map || !map[1].some((r) => ov.rules.has(r));
      });
      console.log(`\nclasses wapiti found that pipeguard did not: ${missed.length ? missed.join(', ') : 'none'}`);
      console.log(`pipeguard rules found beyond wapiti's classes: ${[...ov.rules.keys()].filter((r) => !CLASSES.some(([c, rs]) => wv.classes.has(c) && rs.includes(r))).join(', ')}`);
      const sum = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
      table([
        ['tool', 'findings (vuln)', 'false alarms (fixed twins)', 'requests (vuln)', 'wall s (vuln)', 'cpu s (vuln)', 'requests (fixed)', 'wall s (fixed)'],
        ['pipeguard', sum(ov.rules), sum(of.rules), ov.run.requests, ov.run.seconds, ov.run.cpu, of.run.requests, of.run.seconds],
        ['wapiti', sum(wv.classes), sum(wf.classes), wv.run.requests, wv.run.seconds, wv.run.cpu, wf.run.requests, wf.run.seconds],
      ]);
      if (of.rules.size) console.log(`pipeguard on the fixed twins: ${[...of.rules.keys()].join(', ')}`);
      if (wf.classes.size) console.log(`wapiti on the fixed twins: ${[...wf.classes.entries()].map(([k, v]) => `${k} (${v})`).join(', ')}`);
    }
  } finally {
    await app.close();
    await pg?.close();
    await maria?.close();
  }
}

await main();
