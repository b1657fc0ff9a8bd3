import type { RuleInfo } from '../../core/rules.js';
import type { RawFinding, Severity } from '../../core/types.js';
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

  /** Records one hit (ignored when its rule is disabled). */
  add(hit: Hit): void {
    if (this.disabled.has(hit.rule)) return;
    const def = this.rules.get(hit.rule);
    if (!def) throw new Error(`undeclared rule ${hit.rule}`);
    const snippet = this.lines[hit.span.startLine - 1];
    this.findings.push({
      scanner: this.scanner,
      ruleId: hit.rule,
      severity: this.severity[hit.rule] ?? hit.severity ?? def.severity,
      confidence: def.confidence ?? 'high',
      message: hit.message,
      location: {
        path: this.path,
        ...hit.span,
        ...(snippet !== undefined ? { snippet: snippet.trim().slice(0, 200) } : {}),
        ...(hit.logical ? { logical: hit.logical } : {}),
      },
      identity: hit.identity,
      ...(def.cwe ? { cwe: def.cwe } : {}),
      ...(hit.data ? { data: hit.data } : {}),
    });
  }
}

/** Indexes a rule table by id. */
export function ruleIndex(defs: RuleDef[]): Map<string, RuleDef> {
  return new Map(defs.map((d) => [d.id, d]));
}
