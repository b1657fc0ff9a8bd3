import picomatch from 'picomatch';
import type { Confidence, Severity } from '../../core/types.js';
import { isPlaceholder, looksLikeCode, shannonEntropy } from './filters.js';
import { KeywordMatcher } from './keywords.js';
import type { SecretRuleSpec } from './rule.js';
import { CHECKSUMS } from './validators.js';

/** A rule ready to run. */
export interface CompiledRule {
  spec: SecretRuleSpec;
  id: string;
  severity: Severity;
  confidence: Confidence;
  regex: RegExp;
  /** Characters before a keyword hit to start the regex window. */
  before: number;
  /** Characters after a keyword hit to end the regex window. */
  after: number;
  allowSecret: RegExp[];
  allowMatch: RegExp[];
  stopwords: string[];
  pathAllowed: (path: string) => boolean;
}

/** A rule set with its keyword automaton. */
export interface RuleSet {
  rules: CompiledRule[];
  matcher: KeywordMatcher;
  /** keyword index -> indices of rules that listed it */
  byKeyword: number[][];
  /** Rules without keywords: run on every file. */
  always: number[];
  /** Secrets matching one of these are ignored (config allowlist). */
  globalAllow: RegExp[];
  globalStopwords: string[];
}

/** One secret found in a text. `secret` is the raw value: callers must redact it before it leaves the scanner. */
export interface Detection {
  ruleId: string;
  secret: string;
  /** Whole regex match (may hold the secret). */
  match: string;
  /** Offsets of the secret in the text. */
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Options of {@link compileRules}. */
export interface CompileOptions {
  /** Secrets matching one of these are dropped (config `allowlist.regexes`). */
  allowRegexes?: string[];
  /** Secrets containing one of these are dropped (config `allowlist.stopwords`). */
  stopwords?: string[];
}

/** Window around keyword hits for single-line formats, and for formats that may span lines (PEM blocks). */
const WINDOW = 256;
const MULTILINE_WINDOW = 16384;
/** Texts up to this size are searched whole once one of a rule's keywords occurs. */
const SMALL_TEXT = 16384;

/** Compiles rule data; throws on an invalid regex, naming the rule. */
export function compileRules(specs: readonly SecretRuleSpec[], opts: CompileOptions = {}): RuleSet {
  const keywordIndex = new Map<string, number>();
  const byKeyword: number[][] = [];
  const always: number[] = [];
  const rules = specs.map((spec, i): CompiledRule => {
    let regex: RegExp;
    try {
      regex = new RegExp(spec.regex, 'g' + (spec.flags ?? '').replace(/g/g, ''));
    } catch (e) {
      throw new Error(`secret rule ${spec.id}: invalid regex: ${(e as Error).message}`);
    }
    const multiline = /s/.test(spec.flags ?? '') || /\\n|\\s|\[\\s\\S\]|\\r/.test(spec.regex);
    if (spec.keywords.length === 0) always.push(i);
    for (const raw of spec.keywords) {
      const kw = raw.toLowerCase();
      let k = keywordIndex.get(kw);
      if (k === undefined) {
        k = byKeyword.length;
        keywordIndex.set(kw, k);
        byKeyword.push([]);
      }
      if (!byKeyword[k]!.includes(i)) byKeyword[k]!.push(i);
    }
    const only = spec.paths?.length ? picomatch(spec.paths, { dot: true, basename: !spec.paths.some((p) => p.includes('/')) }) : null;
    const skip = spec.allowlist?.paths?.length ? picomatch(spec.allowlist.paths, { dot: true }) : null;
    return {
      spec,
      id: spec.id,
      severity: spec.severity,
      confidence: spec.confidence ?? (spec.generic ? 'medium' : 'high'),
      regex,
      before: multiline ? MULTILINE_WINDOW : WINDOW,
      after: multiline ? MULTILINE_WINDOW : WINDOW,
      allowSecret: (spec.allowlist?.regexes ?? []).map((r) => new RegExp(r, 'i')),
      allowMatch: (spec.allowlist?.matchRegexes ?? []).map((r) => new RegExp(r, 'i')),
      stopwords: (spec.allowlist?.stopwords ?? []).map((w) => w.toLowerCase()),
      pathAllowed: (p) => (only === null || only(p)) && (skip === null || !skip(p)),
    };
  });
  return {
    rules,
    matcher: new KeywordMatcher([...keywordIndex.keys()]),
    byKeyword,
    always,
    globalAllow: (opts.allowRegexes ?? []).map((r) => new RegExp(r)),
    globalStopwords: (opts.stopwords ?? []).map((w) => w.toLowerCase()),
  };
}

/** Windows [start, end) to search per rule, merged; `null` means the whole text. */
type Windows = Map<number, number[] | null>;

function collectWindows(text: string, set: RuleSet): Windows {
  const windows: Windows = new Map();
  for (const r of set.always) windows.set(r, null);
  const kws = set.matcher.keywords;
  if (text.length <= SMALL_TEXT) {
    // Only which keywords occur matters: the rules that listed them search the whole text.
    const seen = new Uint8Array(kws.length);
    set.matcher.scan(text, (k) => {
      seen[k] = 1;
    });
    for (let k = 0; k < seen.length; k++) if (seen[k]) for (const r of set.byKeyword[k]!) windows.set(r, null);
    return windows;
  }
  // Hit offsets per keyword first (the callback stays trivial), then windows per rule.
  const hits = new Map<number, number[]>();
  set.matcher.scan(text, (k, end) => {
    const h = hits.get(k);
    if (h) h.push(end);
    else hits.set(k, [end]);
  });
  for (const [k, ends] of hits) {
    const kwLen = kws[k]!.length;
    for (const r of set.byKeyword[k]!) {
      const prev = windows.get(r);
      if (prev === null) continue;
      const rule = set.rules[r]!;
      const spans = prev ?? [];
      for (const end of ends) spans.push(Math.max(0, end - kwLen - rule.before), Math.min(text.length, end + rule.after));
      windows.set(r, spans);
    }
  }
  // Merge each rule's spans (they come from several keywords, so sort first).
  for (const [r, spans] of windows) {
    if (spans === null || spans.length <= 2) continue;
    const pairs: [number, number][] = [];
    for (let i = 0; i < spans.length; i += 2) pairs.push([spans[i]!, spans[i + 1]!]);
    pairs.sort((x, y) => x[0] - y[0]);
    const merged: number[] = [];
    for (const [a, b] of pairs) {
      const n = merged.length;
      if (n && merged[n - 1]! >= a) merged[n - 1] = Math.max(merged[n - 1]!, b);
      else merged.push(a, b);
    }
    windows.set(r, merged);
  }
  return windows;
}

/** Widens a window to whole lines (at most 1 KiB further each way) so regex boundaries are not cut mid-token. */
function alignWindow(text: string, a: number, b: number): [number, number] {
  // Searches are bounded, so a multi-megabyte single line (minified code, base64) costs 1 KiB per hit, not the line.
  const lo = Math.max(0, a - ALIGN_MAX);
  const back = text.slice(lo, a).lastIndexOf('\n');
  const start = back < 0 ? (lo === 0 ? 0 : a) : lo + back + 1;
  const hi = Math.min(text.length, b + ALIGN_MAX);
  const fwd = text.slice(b, hi).indexOf('\n');
  const end = fwd < 0 ? (hi === text.length ? text.length : b) : b + fwd;
  return [start, end];
}

/** How far a window is widened to reach a line boundary. */
const ALIGN_MAX = 1024;

function extractSecret(m: RegExpExecArray, spec: SecretRuleSpec): { secret: string; offset: number } {
  let secret: string | undefined = m.groups?.['secret'];
  if (secret === undefined && spec.secretGroup !== undefined) secret = m[spec.secretGroup];
  if (secret === undefined) {
    for (let i = 1; i < m.length; i++) {
      if (m[i]) {
        secret = m[i];
        break;
      }
    }
  }
  if (!secret) return { secret: m[0], offset: m.index };
  const at = m[0].lastIndexOf(secret);
  return { secret, offset: m.index + Math.max(0, at) };
}

function accepted(rule: CompiledRule, set: RuleSet, secret: string, match: string): boolean {
  const spec = rule.spec;
  if (secret.length < 4) return false;
  if (spec.minEntropy !== undefined && shannonEntropy(secret) < spec.minEntropy) return false;
  if (isPlaceholder(secret)) return false;
  if (spec.generic && looksLikeCode(secret)) return false;
  const low = secret.toLowerCase();
  for (const w of rule.stopwords) if (low.includes(w)) return false;
  for (const w of set.globalStopwords) if (low.includes(w)) return false;
  for (const re of rule.allowSecret) if (re.test(secret)) return false;
  for (const re of set.globalAllow) if (re.test(secret)) return false;
  for (const re of rule.allowMatch) if (re.test(match)) return false;
  if (spec.checksum && !CHECKSUMS[spec.checksum](secret)) return false;
  return true;
}

/** Offsets of line starts, for turning offsets into 1-based line/column. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  /** 1-based line and column of an offset. */
  at(offset: number): { line: number; column: number } {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }
  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const starts = (this.starts ??= lineStarts(this.text));
    const a = starts[line - 1] ?? this.text.length;
    const b = line < starts.length ? starts[line]! - 1 : this.text.length;
    return this.text.slice(a, b).replace(/\r$/, '');
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/**
 * Finds secrets in a text: keyword prefilter, regex in windows around keyword hits, then entropy, checksum,
 * placeholder and allowlist filters. A generic rule's hit is dropped when a specific rule found an overlapping
 * secret. Results are ordered by offset, then rule id.
 */
export function detect(text: string, set: RuleSet, opts: { path?: string; lines?: LineIndex } = {}): Detection[] {
  const windows = collectWindows(text, set);
  if (windows.size === 0) return [];
  const raw: (Detection & { generic: boolean })[] = [];
  const lines = opts.lines ?? new LineIndex(text);
  for (const [r, spans] of windows) {
    const rule = set.rules[r]!;
    if (opts.path !== undefined && !rule.pathAllowed(opts.path)) continue;
    const ranges = spans === null ? [0, text.length] : spans;
    const seen = new Set<number>();
    for (let i = 0; i < ranges.length; i += 2) {
      const [a, b] = spans === null ? [0, text.length] : alignWindow(text, ranges[i]!, ranges[i + 1]!);
      const hay = a === 0 && b === text.length ? text : text.slice(a, b);
      const re = rule.regex;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(hay)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const { secret, offset } = extractSecret(m, rule.spec);
        const start = a + offset;
        if (seen.has(start)) continue;
        seen.add(start);
        if (!accepted(rule, set, secret, m[0])) continue;
        const s = lines.at(start);
        const e = lines.at(start + secret.length);
        raw.push({
          ruleId: rule.id,
          secret,
          match: m[0],
          start,
          end: start + secret.length,
          line: s.line,
          column: s.column,
          endLine: e.line,
          endColumn: e.column,
          generic: rule.spec.generic === true,
        });
      }
    }
  }
  const specific = raw.filter((d) => !d.generic);
  const kept = raw.filter((d) => !d.generic || !specific.some((s) => s.start < d.end && d.start < s.end));
  kept.sort((x, y) => x.start - y.start || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0));
  // Two generic rules on the same secret: keep the first by id.
  const out: Detection[] = [];
  for (const d of kept) {
    const prev = out[out.length - 1];
    if (prev && d.generic && prev.start === d.start && prev.end === d.end) continue;
    const { generic: _g, ...det } = d;
    out.push(det);
  }
  return out;
}
