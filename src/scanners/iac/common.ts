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
   * Records one hit (ignored when its rule is disabled). The objects are literals with their keys written out, in
   * the order the spreads they replace put them (the JSON report keeps it; every span is the four keys of `Span`,
   * core/lines.ts, in that order): spreading into a literal copies property by property.
   */
  add(hit: Hit): void {
    if (this.disabled.has(hit.rule)) return;
    const def = this.rules.get(hit.rule);
    if (!def) throw new Error(`undeclared rule ${hit.rule}`);
    const snippet = this.lines[hit.span.startLine - 1];
    const { startLine, startColumn, endLine, endColumn } = hit.span;
    // The usual fields in the literal, so they are stored in the object rather than in a second one added later.
    const location: FileLocation =
      snippet !== undefined
        ? { path: this.path, startLine, startColumn, endLine, endColumn, snippet: snippet.trim().slice(0, 200) }
        : { path: this.path, startLine, startColumn, endLine, endColumn };
    if (hit.logical) location.logical = hit.logical;
    const severity = this.severity[hit.rule] ?? hit.severity ?? def.severity;
    const confidence = def.confidence ?? 'high';
    const finding: RawFinding = def.cwe
      ? { scanner: this.scanner, ruleId: hit.rule, severity, confidence, message: hit.message, location, identity: hit.identity, cwe: def.cwe }
      : { scanner: this.scanner, ruleId: hit.rule, severity, confidence, message: hit.message, location, identity: hit.identity };
    if (hit.data) finding.data = hit.data;
    this.findings.push(finding);
  }
}

/** Indexes a rule table by id. */
export function ruleIndex(defs: RuleDef[]): Map<string, RuleDef> {
  return new Map(defs.map((d) => [d.id, d]));
}
