import type { RuleInfo } from '../../core/rules.js';
import type { FileLocation, RawFinding, Severity } from '../../core/types.js';
import type { Hit } from '../../analyzers/iac/common.js';

/** One rule of a rule table: the shape every scanner uses (core/rules.ts). */
export type RuleDef = RuleInfo;

/** Collects hits for one file and builds RawFindings, honouring disabled rules and severity overrides. */
export class Reporter {
  readonly findings: RawFinding[] = [];
  private readonly lines: string[];
  constructor(
    private readonly scanner: string,
    private readonly rules: ReadonlyMap<string, RuleDef>,
    private readonly path: string,
    text: string,
    private readonly disabled: ReadonlySet<string>,
    private readonly severity: Record<string, Severity> = {},
  ) {
    this.lines = text.split(/\r?\n/);
  }

  /**
   * Records one hit (ignored when its rule is disabled). The location's keys are written out (every span is the
   * four of `Span` (core/lines.ts), in that order) and optional fields set after the object is made, in the order the spreads
   * this replaced put them (the JSON report keeps it): spreading into a literal copies property by property.
   */
  add(hit: Hit): void {
    if (this.disabled.has(hit.rule)) return;
    const def = this.rules.get(hit.rule);
    if (!def) throw new Error(`undeclared rule ${hit.rule}`);
    const snippet = this.lines[hit.span.startLine - 1];
    const span = hit.span;
    const location: FileLocation = { path: this.path, startLine: span.startLine, startColumn: span.startColumn, endLine: span.endLine, endColumn: span.endColumn };
    if (snippet !== undefined) location.snippet = snippet.trim().slice(0, 200);
    if (hit.logical) location.logical = hit.logical;
    const finding: RawFinding = {
      scanner: this.scanner,
      ruleId: hit.rule,
      severity: this.severity[hit.rule] ?? hit.severity ?? def.severity,
      confidence: def.confidence ?? 'high',
      message: hit.message,
      location,
      identity: hit.identity,
    };
    if (def.cwe) finding.cwe = def.cwe;
    if (hit.data) finding.data = hit.data;
    this.findings.push(finding);
  }
}

/** Indexes a rule table by id. */
export function ruleIndex(defs: RuleDef[]): Map<string, RuleDef> {
  return new Map(defs.map((d) => [d.id, d]));
}
