import type { RawFinding } from '../../core/types.js';
import type { PatternHit } from './patterns/run.js';

/** A pattern rule's hit as a finding. */
export function patternFinding(h: PatternHit): RawFinding {
  return {
    scanner: 'sast', ruleId: h.rule.id, severity: h.rule.severity, confidence: h.rule.confidence, message: h.message, cwe: h.rule.cwe,
    location: h.location, identity: `${h.rule.id}|${h.text}`, tags: ['pattern'],
  };
}
