import type { RawFinding } from '../../core/types.js';
import type { PatternHit } from './patterns/run.js';
import type { TaintFlowHit } from './patterns/taint.js';

/** A pattern rule's hit as a finding. */
export function patternFinding(h: PatternHit): RawFinding {
  return {
    scanner: 'sast', ruleId: h.rule.id, severity: h.rule.severity, confidence: h.rule.confidence, message: h.message, cwe: h.rule.cwe,
    location: h.location, identity: `${h.rule.id}|${h.text}`, tags: ['pattern'],
    ...(h.fix ? {
      fix: {
        description: `replace \`${h.text.slice(0, 60)}\` with \`${h.fix.text.replace(/\s+/g, ' ').slice(0, 60)}\` (the rule's fix)`,
        edits: [{ path: h.location.path, startLine: h.fix.startLine, startColumn: h.fix.startColumn, endLine: h.fix.endLine, endColumn: h.fix.endColumn, text: h.fix.text }],
      },
    } : {}),
  };
}

/** A `mode: taint` rule's flow on a Python, Go or Java file as a finding (the sink's location, the path in `flow`). */
export function taintFlowFinding(h: TaintFlowHit): RawFinding {
  return {
    ...patternFinding(h), message: `${h.message} (from ${h.source})`, flow: h.flow, tags: ['taint'],
    data: { source: h.source, sink: h.text.slice(0, 80), steps: h.flow.length },
  };
}
