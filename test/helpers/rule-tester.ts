/**
 * The one rule tester: runs a registered scanner through the real engine on fixture files whose inline comments
 * say what must be found (`ruleid: <id>` before the line) and what must not (`ok: <id>`), and checks that
 * fingerprints survive a line shift. Every scanner's fixtures are a {@link FixtureSuite} in test/rules/suites.ts.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { locationPath, startLineOf } from '../../src/core/location.js';
import type { Finding, Report } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { loadScanners } from '../../src/scanners/index.js';
import { openDirectory } from '../../src/targets/directory.js';
import { diffFixture, parseExpectations, type FixtureDiff } from './fixtures.js';
import { makeDir } from './tmp.js';

/** A scanner's fixtures: a folder of annotated files and how to scan them. */
export interface FixtureSuite {
  /** A name for test titles. */
  name: string;
  /** The registered scanner the fixtures are for. */
  scanner: string;
  /** Absolute folder of fixture files. */
  dir: string;
  /**
   * `tree`: the folder is one project, scanned once as it is (files keep their relative paths; files may use each
   * other). `place`: each file is scanned on its own, in a folder of its own, at the path this returns (a workflow
   * must sit in `.github/workflows/`), with any files that must sit beside it (a `.gitlab-ci.yml` including it);
   * `undefined` leaves a file out.
   */
  layout: { kind: 'tree' } | { kind: 'place'; place(rel: string): Placement | string | undefined };
  /** pipeguard.yml of the run, as an object (default: an empty config). */
  config?: Record<string, unknown>;
  /** Or a pipeguard.yml of the fixture folder (relative to `dir`); it may hold expectations too. */
  configFile?: string;
  /**
   * True when every finding in a file must be annotated; false when only findings of the rules the file names
   * are checked (focused fixtures that show one rule). Default: true.
   */
  strict?(rel: string): boolean;
  /** Files of the folder that are not fixtures (support files without expectations). */
  support?(rel: string): boolean;
}

/** Where a fixture file is scanned, and the files that must sit beside it. */
export interface Placement {
  path: string;
  beside?: Record<string, string>;
}

/** One fixture file's result. */
export interface FileResult {
  rel: string;
  text: string;
  diff: FixtureDiff;
  expectations: number;
}

/** What a suite run gives: each file's diff, the rules shown positively and negatively, anything else wrong. */
export interface SuiteResult {
  files: FileResult[];
  positive: Set<string>;
  negative: Set<string>;
  /** File errors, undeclared rules, fingerprints that moved with a line shift: each a sentence. */
  problems: string[];
}

/** Every file below `dir`, relative, `/`-separated, sorted. */
export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, base));
    else out.push(relative(base, p).split('\\').join('/'));
  }
  return out;
}

/** Runs a suite: the scans, then the comparisons. */
export async function runSuite(suite: FixtureSuite): Promise<SuiteResult> {
  const [scanner] = await loadScanners([suite.scanner]);
  if (!scanner) throw new Error(`no scanner ${suite.scanner}`);
  const config = suite.configFile ? loadConfigFile(join(suite.dir, suite.configFile)).config : configSchema.parse(suite.config ?? {});
  const declared = new Set(scanner.rules((config.scanners as Record<string, unknown>)[scanner.id]).map((r) => r.id));
  const rels = listFiles(suite.dir).filter((rel) => !suite.support?.(rel));
  const result: SuiteResult = { files: [], positive: new Set(), negative: new Set(), problems: [] };
  const scan = async (root: string): Promise<Report> => runScan({ target: await openDirectory(root, { gitignore: false }), config, registry: [scanner] });

  /** Scans `root` (holding `files`: scanned path -> fixture rel) and compares; with `shifted`, again with blank lines on top. */
  const check = async (root: string, files: Map<string, string>): Promise<void> => {
    const report = await scan(root);
    for (const s of report.statuses) {
      for (const e of s.fileErrors) result.problems.push(`${suite.name}: ${e.path}: ${e.message}`);
      if (s.status === 'failed' || s.status === 'skipped') result.problems.push(`${suite.name}: ${s.scanner} ${s.status}: ${s.reason ?? ''}`);
    }
    for (const f of report.findings) if (!declared.has(f.ruleId)) result.problems.push(`${suite.name}: rule ${f.ruleId} is not declared by rules()`);
    // A suppressed finding (an ignore comment, a config ignore rule) is not reported: `ok:` may annotate its line.
    const suppressed = new Set([...Object.keys(report.inlineIgnored ?? {}), ...Object.keys(report.configIgnored ?? {})]);
    const byPath = groupByPath(report.findings.filter((f) => !suppressed.has(f.fingerprint)));
    for (const [path, rel] of files) {
      const text = readFileSync(join(suite.dir, rel), 'utf8');
      const exp = parseExpectations(text);
      const strict = suite.strict?.(rel) ?? true;
      if (exp.length === 0) {
        const stray = byPath.get(path) ?? [];
        if (strict && stray.length) result.problems.push(`${suite.name}: ${rel} has findings (${stray.map((f) => f.ruleId).join(', ')}) but no expectations`);
        continue;
      }
      for (const e of exp) (e.kind === 'ruleid' ? result.positive : result.negative).add(e.ruleId);
      for (const e of exp) if (!declared.has(e.ruleId)) result.problems.push(`${suite.name}: ${rel} names unknown rule ${e.ruleId}`);
      const hits = (byPath.get(path) ?? []).map((f) => ({ ruleId: f.ruleId, line: startLineOf(f.location) ?? 0 }));
      const diff = diffFixture(rel, text, hits, strict ? {} : { rules: new Set(exp.map((e) => e.ruleId)) });
      result.files.push({ rel, text, diff, expectations: exp.length });
    }
    // Fingerprints are line-independent: the same files with three blank lines on top give the same set.
    const shifted = makeDir();
    cpSync(root, shifted, { recursive: true });
    for (const path of files.keys()) {
      const p = join(shifted, path);
      writeFileSync(p, '\n\n\n' + readFileSync(p, 'utf8'));
    }
    const again = await scan(shifted);
    const before = report.findings.map((f) => `${f.ruleId} ${f.fingerprint}`).sort();
    const after = again.findings.map((f) => `${f.ruleId} ${f.fingerprint}`).sort();
    if (before.join('\n') !== after.join('\n')) result.problems.push(`${suite.name}: fingerprints changed when lines moved in ${[...files.values()].join(', ')}`);
  };

  if (suite.layout.kind === 'tree') {
    await check(suite.dir, new Map(rels.map((r) => [r, r])));
  } else {
    for (const rel of rels) {
      const placed = suite.layout.place(rel);
      if (placed === undefined) continue;
      const { path, beside = {} } = typeof placed === 'string' ? { path: placed } : placed;
      const root = makeDir(beside);
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), readFileSync(join(suite.dir, rel)));
      await check(root, new Map([[path, rel]]));
    }
  }
  return result;
}

function groupByPath(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const p = locationPath(f.location);
    if (p === undefined) continue;
    const list = out.get(p);
    if (list) list.push(f);
    else out.set(p, [f]);
  }
  return out;
}

/** A fixture file's mismatches as lines, or an empty array. */
export function mismatches(f: FileResult): string[] {
  return [
    ...f.diff.missing.map((e) => `missing    ${e.ruleId} at ${f.rel}:${e.line}`),
    ...f.diff.unexpected.map((h) => `unexpected ${h.ruleId} at ${f.rel}:${h.line}`),
  ];
}

/**
 * A whole-repository case, for rules about what a tree holds or lacks (no SECURITY.md, a manifest without its
 * lockfile) or about files that cannot carry comments: the files, and the rules that must and must not fire.
 */
export interface TreeCase {
  name: string;
  scanner: string;
  files: Record<string, string | Uint8Array>;
  /** pipeguard.yml of the run, as an object. */
  config?: Record<string, unknown>;
  /** Rules that must report at least one finding. */
  positive: string[];
  /** Rules that must report none: the look-alikes in the tree are there to tempt them. */
  negative: string[];
  /** Make the folder a git repository (posture reads what is committed). */
  git?: boolean;
}

/** Runs a case; returns the problems (empty when it holds). */
export async function runCase(c: TreeCase, makeTree: (c: TreeCase) => string): Promise<string[]> {
  const [scanner] = await loadScanners([c.scanner]);
  if (!scanner) return [`${c.name}: no scanner ${c.scanner}`];
  const config = configSchema.parse(c.config ?? {});
  const report = await runScan({ target: await openDirectory(makeTree(c)), config, registry: [scanner] });
  const problems: string[] = [];
  for (const s of report.statuses) {
    if (s.status !== 'succeeded') problems.push(`${c.name}: ${s.scanner} ${s.status}${s.reason ? `: ${s.reason}` : ''} ${s.fileErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  const fired = new Set(report.findings.map((f) => f.ruleId));
  for (const id of c.positive) if (!fired.has(id)) problems.push(`${c.name}: ${id} did not fire`);
  for (const id of c.negative) if (fired.has(id)) problems.push(`${c.name}: ${id} fired on a look-alike`);
  return problems;
}
