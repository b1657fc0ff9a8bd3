/**
 * SAST on a real application (issue 22): scans a folder with the built-in SAST and scores the sinks its authors
 * marked, in OWASP Juice Shop's own convention (`// vuln-code-snippet vuln-line <challenge...>`).
 *
 *   node --import tsx bench/sast-app.ts [folder] [--candidates]
 *
 * - A marked line is **found** when a finding starts on it or within the statement it belongs to (a multi-line call
 *   marked on one argument line; nested function bodies of that statement excluded), or when a finding's flow steps
 *   through the marked line (a flawed guard marked in a helper module, the redirect it lets through elsewhere).
 * - `// vuln-code-snippet guarded-line <name>` (our marker, not upstream's) labels a guarded look-alike in the app:
 *   it is **flagged** when a finding starts within its statement.
 * - Files named `<challenge>_<n>[_correct].<ext>` (Juice Shop's `data/static/codefixes/`) hold one snippet each: a
 *   `_correct` variant is a guarded look-alike (no finding of the challenge's class may appear in it); the other
 *   variants are wrong fixes and are listed for information only.
 * - `--candidates` lists every other finding (for review: real flaws nobody marked, or false alarms).
 *
 * Juice Shop's source is third-party code: fetch it into `.bench/juiceshop/` (gitignored), never into fixtures.
 */
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import ts from 'typescript';
import { locationPath, startLineOf } from '../src/core/location.js';
import type { RawFinding } from '../src/core/types.js';
import { filesBelow, runSast } from './lib/sast-run.js';

const args = process.argv.slice(2);
const showCandidates = args.includes('--candidates');
const dir = args.find((a) => !a.startsWith('--')) ?? '.bench/juiceshop';
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;

/** Rule ids that count as the class of a codefix challenge, by the challenge's name; undefined: any taint rule. */
function classOf(challenge: string): RegExp | undefined {
  if (/^(login|dbSchema|unionSql)/i.test(challenge)) return /^js-sql-injection$/;
  if (/^noSql/i.test(challenge)) return /^js-(nosql|code)-injection$/;
  if (/^redirect/i.test(challenge)) return /^js-open-redirect$/;
  if (/xss/i.test(challenge)) return /^js-(xss|trusted-html-bypass)$/;
  return undefined;
}

/**
 * The lines a marker on `line` (1-based) covers: the smallest statement holding the line (or the line alone), less the
 * lines of function bodies nested in it that do not hold the line.
 */
function markedLines(sf: ts.SourceFile, line: number): Set<number> {
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;
  let best: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    const a = lineOf(n.getStart(sf));
    const b = lineOf(n.getEnd());
    if (a > line || b < line) return;
    if (ts.isStatement(n) && !ts.isBlock(n) && !ts.isFunctionDeclaration(n) && !ts.isClassDeclaration(n)) best = n;
    if (ts.isPropertyAssignment(n) && !best) best = n;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(sf, visit);
  const out = new Set<number>([line]);
  if (!best) return out;
  for (let l = lineOf(best.getStart(sf)); l <= lineOf(best.getEnd()); l++) out.add(l);
  const cut = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && n !== best) {
      const a = lineOf(n.getStart(sf));
      const b = lineOf(n.getEnd());
      if (a > line || b < line) {
        for (let l = a; l <= b; l++) if (l !== line) out.delete(l);
        return;
      }
      const body = (n as ts.FunctionLikeDeclarationBase).body;
      if (body && (lineOf(body.getStart(sf)) > line || lineOf(body.getEnd()) < line)) {
        for (let l = lineOf(body.getStart(sf)) + 1; l <= lineOf(body.getEnd()); l++) if (l !== line) out.delete(l);
      }
    }
    ts.forEachChild(n, cut);
  };
  cut(best);
  return out;
}

const relOf = (p: string): string => relative(dir, p).split('\\').join('/');
const { findings, errors, cpuSeconds } = await runSast(dir);
const where = (f: RawFinding): string => `${locationPath(f.location)}:${startLineOf(f.location)}`;
const used = new Set<RawFinding>();

let labelled = 0;
let found = 0;
let lookalikes = 0;
let flagged = 0;
const report: string[] = [];
for (const p of filesBelow(dir).filter((f) => SOURCE.test(f))) {
  const rel = relOf(p);
  const text = readFileSync(p, 'utf8');
  const fileFindings = findings.filter((f) => locationPath(f.location) === rel);
  const fix = /^([A-Za-z0-9]+)_\d+(_correct)?\.[a-z]+$/.exec(basename(p));
  if (fix) {
    const cls = classOf(fix[1]!);
    const hits = fileFindings.filter((f) => (cls ? cls.test(f.ruleId) : f.flow !== undefined));
    for (const f of hits) used.add(f);
    if (fix[2]) {
      lookalikes++;
      if (hits.length) flagged++;
      report.push(`${hits.length ? 'FLAGGED ' : 'ok      '} ${rel} (correct fix)${hits.map((f) => `  ${f.ruleId}@${startLineOf(f.location)}`).join('')}`);
    } else {
      report.push(`info     ${rel} (wrong fix): ${hits.length ? hits.map((f) => `${f.ruleId}@${startLineOf(f.location)}`).join(' ') : 'no finding'}`);
    }
    continue;
  }
  if (!text.includes('vuln-code-snippet')) continue;
  const sf = ts.createSourceFile(p, text, ts.ScriptTarget.Latest, true, p.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  text.split('\n').forEach((line, i) => {
    const m = /vuln-code-snippet (vuln|guarded)-line ([\w ]+)/.exec(line);
    if (!m) return;
    const covered = markedLines(sf, i + 1);
    const start = fileFindings.filter((f) => covered.has(startLineOf(f.location) ?? 0));
    const through = findings.filter((f) => f.flow?.some((s) => locationPath(s.location) === rel && startLineOf(s.location) === i + 1));
    const hits = m[1] === 'vuln' ? [...new Set([...start, ...through])] : start;
    for (const f of hits) used.add(f);
    const tag = `${rel}:${i + 1} [${m[2]!.trim()}]`;
    if (m[1] === 'vuln') {
      labelled++;
      if (hits.length) found++;
      report.push(`${hits.length ? 'FOUND   ' : 'MISSED  '} ${tag}${hits.map((f) => `  ${f.ruleId}@${where(f)}`).join('')}`);
    } else {
      lookalikes++;
      if (hits.length) flagged++;
      report.push(`${hits.length ? 'FLAGGED ' : 'ok      '} ${tag} (guarded)${hits.map((f) => `  ${f.ruleId}@${where(f)}`).join('')}`);
    }
  });
}
console.log(report.join('\n'));
console.log(`\nsinks found: ${found}/${labelled}   guarded look-alikes flagged: ${flagged}/${lookalikes}   CPU ${cpuSeconds.toFixed(2)} s`);
const others = findings.filter((f) => !used.has(f));
console.log(`other findings (candidates for review): ${others.length}`);
if (showCandidates) for (const f of others) console.log(`  ${f.ruleId.padEnd(28)} ${where(f)}  ${f.message.slice(0, 100)}`);
if (errors.length) console.log(errors.join('\n'));
