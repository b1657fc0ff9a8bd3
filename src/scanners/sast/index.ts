import type { RawFinding, RuleMeta, Scanner, ScanContext, Target } from '../../core/types.js';
import type { SastConfig } from './config.js';
import { TAINT_RULES, type SinkClass } from './js/classes.js';
import { AST_RULES, nodeLocation, runAstRules } from './js/ast-rules.js';
import { Analyser, type SourceUnit } from './js/interp.js';
import { MODEL_ROWS, indexModels, parseModelRows, type ModelIndex } from './js/models.js';
import { parseSource } from './js/parse.js';
import { skipReason } from './skip.js';

/** Paths the SAST scanner reads. */
export const SAST_FILES = /\.(c|m)?[jt]sx?$|\.py$|\.go$|\.java$/;
const JS_FILES = /\.(c|m)?[jt]sx?$/;

let defaultModels: ModelIndex | undefined;
function models(): ModelIndex {
  return (defaultModels ??= indexModels(parseModelRows(MODEL_ROWS)));
}

/** Every built-in JS/TS rule's metadata. */
export function jsRuleMetas(): RuleMeta[] {
  const out: RuleMeta[] = [];
  for (const r of Object.values(TAINT_RULES)) {
    out.push({ id: r.ruleId, scanner: 'sast', title: r.title, help: r.help, severity: r.severity, cwe: r.cwe, tags: ['security', 'taint', 'javascript', 'typescript'] });
  }
  for (const r of AST_RULES) out.push({ id: r.id, scanner: 'sast', title: r.title, help: r.help, severity: r.severity, cwe: r.cwe, tags: ['security', 'javascript', 'typescript'] });
  return out;
}

/** The SAST scanner: inter-file taint tracking and structural rules for JS/TS. */
export const sastScanner: Scanner<SastConfig> = {
  id: 'sast',
  title: 'Static analysis: inter-file taint tracking for JS/TS, structural rules',
  targets: ['directory', 'archive', 'stdin', 'file', 'staged'],
  rules(config) {
    const disabled = new Set(config?.disable ?? []);
    return jsRuleMetas().filter((r) => !disabled.has(r.id));
  },
  scan(target, ctx) {
    return scanSast(target, ctx);
  },
};

async function* scanSast(target: Target, ctx: ScanContext<SastConfig>): AsyncIterable<RawFinding> {
  const cfg = ctx.config;
  const disabled = new Set(cfg.disable);
  const units: SourceUnit[] = [];
  for await (const file of target.files({ path: (p) => SAST_FILES.test(p) })) {
    if (ctx.signal.aborted) return;
    if (!SAST_FILES.test(file.path)) continue;
    let text: string;
    try {
      text = await file.text();
    } catch (e) {
      ctx.fileError(file.path, `cannot read: ${(e as Error).message}`);
      continue;
    }
    const why = skipReason(file.path, text, cfg);
    if (why) {
      ctx.count('filesSkipped');
      ctx.log.debug(`sast: skipped ${file.path}: ${why}`);
      continue;
    }
    ctx.count('files');
    ctx.count('bytes', text.length);
    if (JS_FILES.test(file.path)) {
      const r = parseSource(file.path, text);
      if (r.error) {
        ctx.fileError(file.path, r.error);
        continue;
      }
      units.push({ path: file.path, sf: r.sf });
    }
  }
  const findings: RawFinding[] = [];
  const analyser = new Analyser(units, { models: models(), libraryMode: cfg.libraryMode, envIsInput: cfg.envIsInput, signal: ctx.signal });
  analyser.run();
  for (const h of analyser.hits) {
    if (disabled.has(h.ruleId)) continue;
    const meta = TAINT_RULES[h.cls as SinkClass];
    findings.push({
      scanner: 'sast',
      ruleId: h.ruleId,
      severity: meta.severity,
      confidence: meta.confidence,
      message: meta.message.replace('{source}', h.sourceLabel).replace('{sink}', h.sinkName),
      location: h.loc,
      cwe: meta.cwe,
      identity: h.identity,
      flow: h.flow,
      tags: ['taint'],
      data: { source: h.sourceLabel, sink: h.sinkName, steps: h.flow.length },
    });
  }
  const astRules = AST_RULES.filter((r) => !disabled.has(r.id));
  for (const u of units) {
    if (ctx.signal.aborted) return;
    for (const h of runAstRules(u.sf, astRules)) {
      const r = AST_RULES.find((x) => x.id === h.ruleId)!;
      const loc = nodeLocation(u.sf, u.path, h.node);
      const snippet = (u.sf.text.split('\n', loc.startLine ?? 1)[(loc.startLine ?? 1) - 1] ?? '').trim().slice(0, 300);
      findings.push({
        scanner: 'sast', ruleId: r.id, severity: r.severity, confidence: r.confidence, message: h.message, cwe: r.cwe,
        location: { ...loc, snippet },
        identity: `${r.id}|${h.node.getText(u.sf).replace(/\s+/g, ' ').slice(0, 240)}|${enclosingName(h.node)}`,
      });
    }
  }
  yield* findings;
}

function enclosingName(n: import('typescript').Node): string {
  for (let p = n.parent; p; p = p.parent) {
    const name = (p as { name?: { getText(): string } }).name;
    if (name && 'body' in p) return name.getText();
  }
  return '<module>';
}
