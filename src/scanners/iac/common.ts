import type { RuleInfo } from '../../core/rules.js';
import type { RawFinding, Severity } from '../../core/types.js';

/** A region of a file: 1-based lines and columns, end column exclusive. */
export interface Span {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** One rule of a rule table: the shape every scanner uses (core/rules.ts). */
export type RuleDef = RuleInfo;

/** What one detector says about a file; {@link Reporter} turns it into a RawFinding. */
export interface Hit {
  rule: string;
  span: Span;
  /** Resource address plus what was matched; never a line number. */
  identity: string;
  message: string;
  /** Severity override for this hit (e.g. a public port is worse than a loopback one). */
  severity?: Severity;
  data?: Record<string, unknown>;
  logical?: string;
}

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

/** Maps offsets of a text to 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** 1-based line and column of an offset. */
  pos(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
  /** The span between two offsets (end exclusive). */
  span(start: number, end: number): Span {
    const a = this.pos(start);
    const b = this.pos(Math.max(start, end));
    return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
  }
}

/** Secret-looking variable names: passwords, tokens, keys. */
export const SECRET_NAME = /(?:^|[_.-])(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token)(?:$|[_.-])|(?:password|secret|token|apikey)$/i;
/** Name suffixes that say the variable holds a reference, not the secret itself. */
const SECRET_NAME_REF = /(?:_|-|\.)(?:file|path|dir|url|uri|endpoint|host|length|len|ttl|expiry|expires|timeout|type|name|id|header|env|enabled|mode|policy)$/i;

/** True when a variable name says it holds a secret value (PASSWORD, API_KEY), not a reference to one. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !SECRET_NAME_REF.test(name);
}

/** True when a value is a placeholder or a reference rather than a literal secret. */
export function isPlaceholderValue(v: string): boolean {
  const s = v.trim();
  if (s === '') return true;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?[-=?][^}]*)?\}?$/.test(s)) return true;
  if (/^\$\{\{.*\}\}$/.test(s) || /^\{\{.*\}\}$/.test(s)) return true;
  if (/^(?:changeme|change-me|xxx+|\*+|<[^>]+>|example|dummy|placeholder|todo|none|null|false|true)$/i.test(s)) return true;
  if (/^\/(?:run|var\/run)\/secrets\//.test(s)) return true;
  return false;
}
