import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../core/errors.js';
import { readNamedFile } from '../../core/named-file.js';
import { standaloneContext } from '../../engine/run.js';
import { loadUserRules, sastScanner } from '../../scanners/sast/index.js';
import { openDirectory } from '../../targets/directory.js';

/*
 * `pipeguard fix` for SAST rules with `fix:` or `fix-regex:` (Semgrep format): the SAST scanner runs with the
 * configured and the given rule files, and every finding that carries an edit is applied to its file. Edits that
 * overlap an earlier one in the same file are skipped with the reason.
 */

/** One file's planned SAST fixes. */
export interface SastFilePlan {
  /** Path relative to the scanned folder (as shown). */
  path: string;
  abs: string;
  before: string;
  after: string;
  applied: { ruleId: string; line: number; description: string }[];
  skipped: { ruleId: string; line: number; description: string }[];
}

/** Rule files for SAST fixes: `--sast-rules` (relative to the working folder) and the config's `scanners.sast.rules` (relative to the scanned folder). */
export function sastRulePaths(given: string[], config: Config, scanRoot: string, cwd: string): string[] {
  const fromConfig = config.scanners.sast.rules.map((p) => (isAbsolute(p) ? p : resolve(scanRoot, p)));
  return [...given.map((p) => resolve(cwd, p)), ...fromConfig];
}

/** Ids of the rules in these files that have a fix. */
export async function fixableSastRules(paths: string[]): Promise<string[]> {
  if (!paths.length) return [];
  return (await loadUserRules(paths, undefined, () => undefined)).filter((r) => r.fix).map((r) => r.id);
}

function offsetOf(starts: number[], line: number, col: number): number {
  return (starts[line - 1] ?? 0) + col - 1;
}

/**
 * Runs the SAST scanner on `scanRoot` with `rulePaths` and plans the fixes of its findings (restricted to `only`
 * rules when given, and to the file `onlyFile` when the user named a file).
 */
export async function planSastFixes(
  scanRoot: string, rulePaths: string[], config: Config, only: Set<string> | undefined, onlyFile: string | undefined, warn: (m: string) => void,
): Promise<SastFilePlan[]> {
  const target = await openDirectory(scanRoot, { gitignore: true });
  const byFile = new Map<string, { ruleId: string; line: number; description: string; startLine: number; startColumn: number; endLine: number; endColumn: number; text: string }[]>();
  try {
    const ctx = standaloneContext(target, { ...config.scanners.sast, rules: rulePaths }, config, {
      log: { debug: () => {}, info: () => {}, warn },
    });
    for await (const f of sastScanner.scan(target, ctx)) {
      if (!f.fix?.edits?.length || (only && !only.has(f.ruleId))) continue;
      for (const e of f.fix.edits) {
        if (onlyFile && e.path !== onlyFile) continue;
        const l = byFile.get(e.path) ?? [];
        l.push({ ruleId: f.ruleId, line: e.startLine, description: f.fix.description, ...e });
        byFile.set(e.path, l);
      }
    }
  } finally {
    await target.dispose();
  }
  const plans: SastFilePlan[] = [];
  for (const [path, edits] of [...byFile].sort((a, b) => a[0].localeCompare(b[0]))) {
    const abs = resolve(scanRoot, path);
    const rel = relative(scanRoot, abs).split(sep).join('/');
    if (rel.startsWith('..')) throw new InputError('a fix points outside the scanned folder', path);
    const before = readNamedFile(abs, rel).toString('utf8');
    const starts = [0];
    for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) starts.push(i + 1);
    const plan: SastFilePlan = { path: rel, abs, before, after: before, applied: [], skipped: [] };
    const sorted = edits
      .map((e) => ({ ...e, start: offsetOf(starts, e.startLine, e.startColumn), end: offsetOf(starts, e.endLine, e.endColumn) }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
    let out = '';
    let pos = 0;
    for (const e of sorted) {
      if (e.start < pos || e.end > before.length) {
        plan.skipped.push({ ruleId: e.ruleId, line: e.line, description: 'overlaps another fix in this file: run fix again after this one' });
        continue;
      }
      out += before.slice(pos, e.start) + e.text;
      pos = e.end;
      plan.applied.push({ ruleId: e.ruleId, line: e.line, description: e.description });
    }
    plan.after = out + before.slice(pos);
    plans.push(plan);
  }
  return plans;
}

/** The folder a SAST fix scans for a named PATH: the folder itself, or a file's folder. */
export function sastScanRoot(root: string, isDir: boolean): string {
  return isDir ? root : dirname(root);
}
