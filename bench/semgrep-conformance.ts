/**
 * Semgrep conformance (issue 22, "Semgrep-format rules"): pipeguard loads Semgrep-format rule files and must match
 * them as Semgrep does. For each pair of a rule file and its test file in a folder laid out as semgrep/semgrep-rules
 * (`dir/rule.yaml` beside `dir/rule.js`, `.ts`, `.tsx`, `.py`, `.go`, `.java`, `.conf`...: same base name, `.fixed.`
 * files left out), this loads ONLY that rule file through pipeguard's loader (`loadUserRules`, as a scan with
 * `scanners.sast.rules` does), scans the test file alone with the SAST scanner, and scores it line by line against
 * the file's annotations for the ids the rule file defines:
 *
 * - `ruleid: <id>` (in a `//`, `#`, `/*`, `<!--` or `{/*` comment) labels the next line that is not blank or a comment
 *   (or its own line when it trails code): a finding of `<id>` must start there (labelled line *found*);
 * - `ok: <id>` labels a line the same way: no finding of `<id>` may start there (a safe line *flagged* otherwise).
 *
 * `todoruleid`/`todook` are not labels. Rules the loader skips are printed with the construct it names; their
 * labelled lines still count (as missed, and as not flagged), so skipping a rule never raises the score.
 *
 *   node --import tsx bench/semgrep-conformance.ts [folder] [--misses] [--quiet]
 *
 * The folder defaults to `.bench/semgrep-rules`. Its files come from semgrep/semgrep-rules (LGPL-2.1 with the
 * Commons Clause): they are fetched into `.bench/` (gitignored) as bench/README.md says and never committed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Config } from '../src/config/schema.js';
import { locationPath, startLineOf } from '../src/core/location.js';
import type { RawFinding, ScanContext } from '../src/core/types.js';
import { standaloneContext } from '../src/engine/run.js';
import { sastConfigSchema, type SastConfig } from '../src/scanners/sast/config.js';
import { sastScanner } from '../src/scanners/sast/index.js';
import { openDirectory } from '../src/targets/directory.js';
import { filesBelow, nextCodeLine } from './lib/sast-run.js';

const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const quiet = args.includes('--quiet');
const dir = args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('../.bench/semgrep-rules', import.meta.url));
if (!existsSync(dir)) {
  console.log(`${dir}: folder missing: fetch it as bench/README.md says`);
  process.exit(0);
}

/** The test files of a rule file: same folder and base name, another extension, not a `.fixed.` autofix output. */
function pairs(root: string): { rule: string; tests: string[] }[] {
  const all = filesBelow(root).filter((p) => !p.includes(`${'/'}_raw/`));
  const out: { rule: string; tests: string[] }[] = [];
  for (const p of all) {
    if (!/\.ya?ml$/.test(p)) continue;
    const stem = p.replace(/\.ya?ml$/, '');
    const tests = all.filter((t) => t !== p && !/\.ya?ml$/.test(t) && !/\.fixed\./.test(t) && dirname(t) === dirname(p) && basename(t).slice(0, basename(t).lastIndexOf('.')) === basename(stem));
    if (tests.length) out.push({ rule: p, tests });
  }
  return out;
}

const ANNOTATION = /(?:\/\/|#|\/\*|<!--|\{\/\*|--)\s*(ruleid|ok)\s*:\s*([\w.,\s-]+)/;
const COMMENT_ONLY = /^\s*(?:\/\/|#|\/\*|\*|<!--|\{\/\*|--)/;

/** One labelled line: the lines a finding may start on, the rule ids, and whether a finding must be there. */
interface Label { lines: number[]; ids: string[]; vuln: boolean; text: string }

function labels(text: string): Label[] {
  const lines = text.split('\n');
  const out: Label[] = [];
  const nextCode = (i: number): number => nextCodeLine(lines, i, COMMENT_ONLY);
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) return;
    if (/todo(ruleid|ok)\s*:/.test(line.slice(Math.max(0, m.index - 2), m.index + m[0].length))) return;
    const before = line.slice(0, m.index);
    if (/todo$/i.test(before.trimEnd())) return;
    const vuln = m[1] === 'ruleid';
    const ids = m[2]!.split(',').map((s) => s.trim().split(/\s+/)[0]!).filter(Boolean);
    const trailing = !COMMENT_ONLY.test(line) && before.trim() !== '';
    const next = nextCode(i);
    const at = trailing ? [i + 1] : next >= 0 ? [next + 1] : [];
    if (at.length) out.push({ lines: at, ids, vuln, text: lines[at[0]! - 1]!.trim() });
  });
  return out;
}

/** Scans one file alone (copied into an empty folder) with one rule file; findings by start line. */
async function scanOne(testFile: string, ruleFile: string, warnings: string[]): Promise<{ findings: RawFinding[]; errors: string[] }> {
  const tmp = mkdtempSync(join(tmpdir(), 'pg-sgconf-'));
  try {
    writeFileSync(join(tmp, basename(testFile)), readFileSync(testFile));
    const target = await openDirectory(tmp, { gitignore: false });
    const errors: string[] = [];
    const cfg = sastConfigSchema.parse({ rules: [ruleFile] });
    const ctx: ScanContext<SastConfig> = standaloneContext(target, cfg, {} as unknown as Config, {
      fileError: (p, m) => errors.push(`${p}: ${m}`),
      log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m) },
      options: { threads: 1 },
    });
    const findings: RawFinding[] = [];
    try {
      for await (const f of sastScanner.scan(target, ctx)) findings.push(f);
    } catch (e) {
      errors.push(`scan stopped: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      await target.dispose();
    }
    return { findings, errors };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface Tally { rules: number; loaded: number; vuln: number; found: number; safe: number; flagged: number }
const empty = (): Tally => ({ rules: 0, loaded: 0, vuln: 0, found: 0, safe: 0, flagged: 0 });
const total = empty();
const misses: string[] = [];
const skips: string[] = [];
const PREFIX = 'sgconf.';
const t0 = process.cpuUsage();
const list = pairs(dir);
const rows: string[] = [];
for (const { rule, tests } of list) {
  const rel = relative(dir, rule);
  const text = readFileSync(rule, 'utf8');
  let ids: string[];
  try {
    ids = ((parse(text) as { rules?: { id?: unknown }[] })?.rules ?? []).map((r) => String(r?.id));
  } catch (e) {
    rows.push(`${rel}: unreadable YAML (${(e as Error).message.split('\n')[0]})`);
    continue;
  }
  // The rule ids are renamed in a private copy so that a built-in rule with the same id (`js-open-redirect`) is not
  // counted as the user's rule; nothing else of the file changes (line numbers included).
  const tmpRules = mkdtempSync(join(tmpdir(), 'pg-sgconf-rules-'));
  const ruleCopy = join(tmpRules, basename(rule));
  const idLine = new RegExp(`^(\\s*(?:-\\s+)?id:\\s*['"]?)(${ids.map((i) => i.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(['"]?\\s*(?:#.*)?)$`, 'gm');
  writeFileSync(ruleCopy, text.replace(idLine, (_m, a: string, id: string, b: string) => `${a}${PREFIX}${id}${b}`));
  const ft = empty();
  ft.rules = ids.length;
  const warnings: string[] = [];
  for (const test of tests) {
    const w: string[] = [];
    let res: { findings: RawFinding[]; errors: string[] };
    try {
      res = await scanOne(test, ruleCopy, w);
    } catch (e) {
      res = { findings: [], errors: [`load failed: ${(e as Error).message.split('\n')[0]}`] };
    }
    if (!warnings.length) warnings.push(...w);
    const hit = new Map<number, Set<string>>();
    for (const f of res.findings) {
      if (!f.ruleId.startsWith(PREFIX)) continue;
      const line = startLineOf(f.location) ?? 0;
      if (locationPath(f.location) !== basename(test)) continue;
      const s = hit.get(line) ?? new Set<string>();
      s.add(f.ruleId.slice(PREFIX.length));
      hit.set(line, s);
    }
    for (const e of res.errors) rows.push(`  ${relative(dir, test)}: ${e}`);
    for (const l of labels(readFileSync(test, 'utf8'))) {
      for (const id of l.ids.filter((x) => ids.includes(x))) {
        const got = l.lines.some((n) => hit.get(n)?.has(id));
        if (l.vuln) {
          ft.vuln++;
          if (got) ft.found++;
          else misses.push(`MISS ${relative(dir, test)}:${l.lines[0]} ${id}  ${l.text.slice(0, 100)}`);
        } else {
          ft.safe++;
          if (got) {
            ft.flagged++;
            misses.push(`FP   ${relative(dir, test)}:${l.lines[0]} ${id}  ${l.text.slice(0, 100)}`);
          }
        }
      }
    }
  }
  rmSync(tmpRules, { recursive: true, force: true });
  const skipped = warnings.filter((m) => / skipped: /.test(m));
  ft.loaded = ft.rules - skipped.length;
  for (const s of skipped) skips.push(`${rel}: ${s.replace(/^.*?: rule /, 'rule ').replace(PREFIX, '')}`);
  for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += ft[k];
  rows.push(`${rel.padEnd(72)} ${`${ft.loaded}/${ft.rules}`.padStart(5)} ${`${ft.found}/${ft.vuln}`.padStart(7)} ${`${ft.flagged}/${ft.safe}`.padStart(7)}`);
}
const cpu = process.cpuUsage(t0);
const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
if (!quiet) {
  console.log(`${'rule file'.padEnd(72)} ${'load'.padStart(5)} ${'found'.padStart(7)} ${'flagged'.padStart(7)}`);
  for (const r of rows) console.log(r);
}
console.log(`skipped rules (${skips.length}):`);
for (const s of skips) console.log(`  ${s}`);
if (showMisses) for (const m of misses) console.log(m);
console.log(
  `TOTAL ${list.length} rule files: rules loaded ${total.loaded}/${total.rules} (${pct(total.loaded, total.rules)}), ` +
    `labelled lines found ${total.found}/${total.vuln} (${pct(total.found, total.vuln)}), ` +
    `safe lines flagged ${total.flagged}/${total.safe} (${pct(total.flagged, total.safe)}); CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
);
