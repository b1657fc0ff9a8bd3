import type { Fix, RawFinding } from '../../core/types.js';
import type { PatternHit } from './patterns/run.js';
import type { TaintFlowHit } from './patterns/taint.js';

/** A rule's `fix:` made concrete for one match, as a finding's fix (a description and one text edit). */
export function ruleFix(path: string, matched: string, fix: NonNullable<PatternHit['fix']>): Fix {
  return {
    description: `replace \`${matched.replace(/\s+/g, ' ').slice(0, 60)}\` with \`${fix.text.replace(/\s+/g, ' ').slice(0, 60)}\` (the rule's fix)`,
    edits: [{ path, startLine: fix.startLine, startColumn: fix.startColumn, endLine: fix.endLine, endColumn: fix.endColumn, text: fix.text }],
  };
}

/** A pattern rule's hit as a finding. */
export function patternFinding(h: PatternHit): RawFinding {
  return {
    scanner: 'sast', ruleId: h.rule.id, severity: h.rule.severity, confidence: h.rule.confidence, message: h.message, cwe: h.rule.cwe,
    location: h.location, identity: `${h.rule.id}|${h.text}`, tags: ['pattern'],
    ...(h.fix ? { fix: ruleFix(h.location.path, h.text, h.fix) } : {}),
  };
}

/** A `mode: taint` rule's flow on a Python, Go or Java file as a finding (the sink's location, the path in `flow`). */
export function taintFlowFinding(h: TaintFlowHit): RawFinding {
  return {
    ...patternFinding(h), message: `${h.message} (from ${h.source})`, flow: h.flow, tags: ['taint'],
    data: { source: h.source, sink: h.text.slice(0, 80), steps: h.flow.length },
  };
}
