import type { RawFinding, ScanContext, TargetFile } from '../../core/types.js';
import type { SastConfig } from './config.js';
import { patternFinding, taintFlowFinding } from './pattern-finding.js';
import { usesTypes, type YamlRule } from './patterns/rules.js';
import { runSearchRules } from './patterns/run.js';
import { runTaintRules } from './patterns/taint.js';
import { parseWith, type TsLang } from './patterns/tree-sitter.js';

/** A Python, Go or Java file to match the pattern rules on, or any text file a `generic` rule reads. */
export interface OtherFile {
  path: string;
  lang: TsLang | 'generic';
  file: TargetFile;
}

/**
 * Python, Go, Java: pattern rules on tree-sitter trees, one file at a time (its text is read again here, so the
 * scan does not hold every file's text to the end). Loaded by scan.ts only when there are such files.
 */
export async function* scanOthers(others: OtherFile[], rules: YamlRule[], ctx: ScanContext<SastConfig>): AsyncIterable<RawFinding> {
  // declared types are read only when a rule has a typed metavariable (a walk of every tree otherwise wasted)
  const typed = rules.some(usesTypes);
  for (const o of others) {
    if (ctx.signal.aborted) return;
    let text: string;
    try {
      text = await o.file.text();
    } catch (e) {
      ctx.fileError(o.path, `cannot read: ${(e as Error).message}`);
      continue;
    }
    let out: RawFinding[];
    if (o.lang === 'generic') {
      try {
        yield* runSearchRules(rules, o.path, 'generic', undefined, text).map(patternFinding);
      } catch (e) {
        ctx.fileError(o.path, `rules stopped on this file: ${(e as Error).message}`);
      }
      continue;
    }
    try {
      const r = parseWith(o.lang, text, typed, true);
      // a syntax error is recorded, and the rules still run on the rest of the tree (tree-sitter recovers around the
      // error), as Semgrep reports the matches of a partly parsed file
      if (r.errorLine !== undefined) ctx.fileError(o.path, `line ${r.errorLine}: parse error (${o.lang})`);
      out = runSearchRules(rules, o.path, o.lang, r.root, text).map(patternFinding);
      if (r.root) out.push(...runTaintRules(rules, o.path, o.lang, r.root, text).map(taintFlowFinding));
    } catch (e) {
      ctx.fileError(o.path, `rules stopped on this file: ${(e as Error).message}`);
      continue;
    }
    yield* out;
  }
}
