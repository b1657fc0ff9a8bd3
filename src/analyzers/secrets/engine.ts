import { globMatcher } from '../../core/glob.js';
import { userRegExp } from '../../core/linear-regex.js';
import { lastAtOrBefore, LineIndex } from '../../core/lines.js';
import type { Confidence, Severity } from '../../core/types.js';
import { isPlaceholder, looksLikeCode, shannonEntropy } from './filters.js';
import { KeywordMatcher } from './keywords.js';
import { shapeOf, type RegexShape, type Stop } from './regex-shape.js';
import type { SecretRuleSpec } from './rule.js';
import { CHECKSUMS } from './validators.js';

/**
 * How a rule is searched once its keywords occur in a text:
 * - `anchored`: every match starts with one of a few literals (the regex's own prefixes, found by
 *   {@link shapeOf}), so the sticky regex is tried only where the automaton saw one: exact, and the cheapest;
 * - `window`: every match is at most `span` long and contains one of the rule's keywords, so the regex runs only
 *   within `span` of each keyword hit (plus `context` characters its assertions read): exact for built-in
 *   rules, whose examples are tested to contain a keyword;
 * - `whole`: the regex runs over the whole text (custom rules that are not anchored, rules without keywords).
 */
export type SearchMode = 'anchored' | 'window' | 'whole';

/** A rule ready to run. */
export interface CompiledRule {
  spec: SecretRuleSpec;
  id: string;
  severity: Severity;
  confidence: Confidence;
  /**
   * The regex as its {@link mode} runs it: sticky for an anchored search at a literal's offset, else global (for
   * windows and whole texts). Only that one is made, and a built-in rule's only when it first has a place to
   * search ({@link ruleRegex}): a regex costs its parse in every thread, and most rules never run on a tree (129
   * of the 564 on the 200 MB benchmark tree). Null until then.
   */
  regex: RegExp | null;
  /** The same for texts holding bytes (non-ASCII files): `\s` is ASCII white space there (see asciiSpaces). */
  bytesRegex: RegExp | null;
  /** The source and flags both are made from. */
  source: string;
  bytesSource: string;
  flags: string;
  mode: SearchMode;
  /** Longest match (window mode). */
  span: number;
  /** What a match's first characters may be ({@link RegexShape.lead}): checked at a literal before the regex runs. */
  lead: Uint32Array;
  /** A character a match holds after a stretch of others ({@link RegexShape.stop}): checked after the lead. */
  stop: Stop | undefined;
  /**
   * The spec's fields read for every match, copied here: rule specs are object literals of many shapes, and
   * reading them from one place in hot code would be slow; compiled rules all have one shape.
   */
  generic: boolean;
  /** 0 specific, 1 fallback (a widening of a stricter rule), 2 generic: an overlapping hit of a lower tier wins. */
  tier: number;
  minEntropy: number | undefined;
  secretGroup: number | undefined;
  checksum: SecretRuleSpec['checksum'];
  /** Characters an assertion reads outside a match (window mode). */
  context: number;
  allowSecret: RegExp[];
  /** Case-sensitive ones (allowlist.exactRegexes). */
  allowExact: RegExp[];
  allowMatch: RegExp[];
  stopwords: string[];
  pathAllowed: (path: string) => boolean;
}

/** A rule set with its keyword automaton. */
export interface RuleSet {
  rules: CompiledRule[];
  /** Finds the rules' keywords and their anchoring literals, case-insensitively. */
  matcher: KeywordMatcher;
  /** automaton literal -> rules that declared it as a keyword (it gates them in a text) */
  gates: number[][];
  /** automaton literal -> anchored rules whose matches may start with it */
  anchors: number[][];
  /** automaton literal -> window-mode rules that declared it as a keyword */
  windowGates: number[][];
  /** automaton literal -> its length */
  lengths: Int32Array;
  /** Per-text working arrays of {@link detect}, all zero / empty between calls. */
  scratch: { state: Uint8Array; seen: Uint8Array; spots: (number[] | undefined)[] };
  /** Rules without keywords: run on every text, whole. */
  always: number[];
  /** Automaton literal of the inline-ignore marker `pipeguard:`, whose presence {@link detect} reports. */
  marker: number;
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
  /**
   * The rule's checksum does not verify (a look-alike of the format, a test value or a typo): still reported, at
   * low confidence, so the gate can choose. Always set (false when the rule has no checksum).
   */
  checksumFailed: boolean;
}

/** Options of {@link compileRules}. */
export interface CompileOptions {
  /** Secrets matching one of these are dropped (config `allowlist.regexes`). */
  allowRegexes?: string[];
  /** Secrets containing one of these are dropped (config `allowlist.stopwords`). */
  stopwords?: string[];
  /**
   * Ids of user rules. Their keywords only say a text may hold a match (as in gitleaks), not that the match
   * contains one, so unless anchored they are searched over the whole text.
   */
  custom?: ReadonlySet<string>;
  /**
   * Search every rule over the whole text of any text holding one of its keywords: slow, and the reference the
   * anchored and window searches are tested against.
   */
  exhaustive?: boolean;
  /**
   * Make the regexes of rules that are not user rules when first needed ({@link ruleRegex}), not now: for the
   * built-in rules, whose regexes are tested to compile.
   */
  lazy?: boolean;
}

/** The marker of inline-ignore comments: the automaton notes it for free, so callers need not search again. */
export const MARKER = 'pipeguard:';

/** Anchoring literals shorter than this would hit too often to be worth it... */
const MIN_ANCHOR = 3;
/**
 * ...unless they are the rule's keywords already (so the automaton reports them anyway: no literal is added) and
 * the rule's first characters are known this far ({@link RegexShape.lead}): a hit of `ey` is then only searched
 * where 24 characters fit the JWT shape (most are dropped by the automaton's lead filter), instead of the rule
 * running over windows of 14,000 characters around every `key` and `they`, which merge into whole files.
 */
const SHORT_ANCHOR = 2;
const SHORT_ANCHOR_LEAD = 12;

/** How a rule is searched, from its regex's shape. */
function searchMode(spec: SecretRuleSpec, shape: RegexShape, custom: boolean): { mode: SearchMode; anchors: string[]; span: number; context: number } {
  const none = { anchors: [], span: shape.maxLength, context: shape.context };
  if (spec.keywords.length === 0) return { mode: 'whole', ...none };
  // Anchoring literals must be ASCII (the automaton's alphabet) and long enough to be selective. With `i` and `u`
  // together an ASCII letter also matches non-ASCII ones (`k` matches the Kelvin sign), which the automaton
  // would not see.
  const unicodeCase = /i/.test(spec.flags ?? '') && /[uv]/.test(spec.flags ?? '');
  // A user rule runs on the linear-time engine, whose sticky search cannot look behind.
  const keywords = new Set(spec.keywords.map((k) => k.toLowerCase()));
  const short = shape.lead.length >> 2 >= SHORT_ANCHOR_LEAD && shape.prefixes !== null && shape.prefixes.every((p) => keywords.has(p));
  const minAnchor = short ? SHORT_ANCHOR : MIN_ANCHOR;
  if (!(custom && /\(\?<[=!]/.test(spec.regex)) && !unicodeCase && shape.prefixes && shape.prefixes.every((p) => p.length >= minAnchor && /^[\x00-\x7f]+$/.test(p))) {
    return { mode: 'anchored', ...none, anchors: shape.prefixes };
  }
  if (!custom && shape.maxLength < Infinity && shape.context < Infinity) return { mode: 'window', ...none };
  return { mode: 'whole', ...none };
}

/**
 * A matcher of a rule's `paths` globs. Globs without a `/` match the file name; when every glob is `**\/` and a
 * file-name glob (`**\/.env.*`), the file name alone is matched too: the same answers as the whole path against
 * the whole globs, from a much simpler regex (this runs for every file that wakes the rule).
 */
function pathMatcher(globs: readonly string[]): (path: string) => boolean {
  const names = globs.map((g) => (g.startsWith('**/') ? g.slice(3) : g));
  if (names.some((n) => n.includes('/') || n.includes('**'))) return globMatcher(globs, { basename: !globs.some((p) => p.includes('/')) });
  const name = globMatcher(names);
  return (path) => name(path.slice(path.lastIndexOf('/') + 1));
}

/** Compiles rule data; throws on an invalid regex, naming the rule. */
export function compileRules(specs: readonly SecretRuleSpec[], opts: CompileOptions = {}): RuleSet {
  const literalIndex = new Map<string, number>();
  const gates: number[][] = [];
  const anchors: number[][] = [];
  const always: number[] = [];
  const literal = (raw: string): number => {
    const kw = raw.toLowerCase();
    let k = literalIndex.get(kw);
    if (k === undefined) {
      k = gates.length;
      literalIndex.set(kw, k);
      gates.push([]);
      anchors.push([]);
    }
    return k;
  };
  const rules = specs.map((spec, i): CompiledRule => {
    let regex: RegExp | null = null;
    let bytesRegex: RegExp | null = null;
    const shape = shapeOf(spec.regex, spec.flags ?? '');
    const custom = opts.custom?.has(spec.id) === true;
    const how = opts.exhaustive ? { mode: 'whole' as const, anchors: [], span: Infinity, context: Infinity } : searchMode(spec, shape, custom);
    const flags = (how.mode === 'anchored' ? 'y' : 'g') + (spec.flags ?? '').replace(/[gy]/g, '');
    // User rules and allowlists run in linear time; built-in rules (tested not to backtrack) on V8's engine, their
    // regexes made when first needed with `lazy` (ruleRegex). A user rule's are made now: an invalid one is an
    // error at start.
    const make = custom ? userRegExp : (src: string, f: string) => new RegExp(src, f);
    if (custom || opts.lazy !== true) {
      try {
        regex = make(spec.regex, flags);
        bytesRegex = shape.bytes === spec.regex ? regex : make(shape.bytes, flags);
      } catch (e) {
        throw new Error(`secret rule ${spec.id}: invalid regex: ${(e as Error).message}`);
      }
    }
    if (how.mode === 'whole' && spec.keywords.length === 0) always.push(i);
    for (const kw of spec.keywords) {
      const g = gates[literal(kw)]!;
      if (!g.includes(i)) g.push(i);
    }
    for (const a of how.anchors) {
      const list = anchors[literal(a)]!;
      if (!list.includes(i)) list.push(i);
    }
    const only = spec.paths?.length ? pathMatcher(spec.paths) : null;
    const skip = spec.allowlist?.paths?.length ? globMatcher(spec.allowlist.paths) : null;
    return {
      spec,
      id: spec.id,
      severity: spec.severity,
      confidence: spec.confidence ?? (spec.generic ? 'medium' : 'high'),
      regex,
      bytesRegex,
      source: spec.regex,
      bytesSource: shape.bytes,
      flags,
      mode: how.mode,
      span: how.span,
      lead: shape.lead,
      stop: shape.stop,
      generic: spec.generic === true,
      tier: spec.generic ? 2 : spec.fallback ? 1 : 0,
      minEntropy: spec.minEntropy,
      secretGroup: spec.secretGroup,
      checksum: spec.checksum,
      context: how.context,
      allowSecret: (spec.allowlist?.regexes ?? []).map((r) => make(r, 'i')),
      allowExact: (spec.allowlist?.exactRegexes ?? []).map((r) => make(r, '')),
      allowMatch: (spec.allowlist?.matchRegexes ?? []).map((r) => make(r, 'i')),
      stopwords: (spec.allowlist?.stopwords ?? []).map((w) => w.toLowerCase()),
      pathAllowed: (p) => (only === null || only(p)) && (skip === null || !skip(p)),
    };
  });
  const marker = literal(MARKER);
  const literals = [...literalIndex.keys()];
  const windowGates = gates.map((g) => g.filter((r) => rules[r]!.mode === 'window'));
  return {
    rules,
    matcher: new KeywordMatcher(literals, undefined, literalLeads(rules, gates, anchors, windowGates, marker)),
    gates,
    anchors,
    windowGates,
    lengths: Int32Array.from(literals, (l) => l.length),
    scratch: { state: new Uint8Array(rules.length), seen: new Uint8Array(literals.length), spots: new Array<number[] | undefined>(rules.length) },
    always,
    marker,
    globalAllow: (opts.allowRegexes ?? []).map((r) => userRegExp(r)),
    globalStopwords: (opts.stopwords ?? []).map((w) => w.toLowerCase()),
  };
}

/**
 * A rule's regex for texts (`bytes` false) or for texts holding bytes, made on first use (built-in rules; see
 * {@link CompiledRule.regex}).
 */
export function ruleRegex(rule: CompiledRule, bytes: boolean): RegExp {
  if (bytes) return rule.bytesRegex ?? makeBytesRegex(rule);
  return rule.regex ?? (rule.regex = new RegExp(rule.source, rule.flags));
}

function makeBytesRegex(rule: CompiledRule): RegExp {
  return (rule.bytesRegex = rule.bytesSource === rule.source ? ruleRegex(rule, false) : new RegExp(rule.bytesSource, rule.flags));
}

/**
 * Per automaton literal, the lead sets its hits must fit to matter (see KeywordMatcher), for literals where a
 * hit that fits none of its anchored rules' leads can be left out without changing any result: the literal only
 * anchors rules and gates anchored rules whose keywords are exactly their anchoring literals (so such a rule is
 * still searched wherever it can match, and only there), gates no window rule, and is not the inline-ignore
 * marker. The sets are the union of its anchored rules' leads, over the positions all of them have.
 */
function literalLeads(rules: readonly CompiledRule[], gates: readonly number[][], anchors: readonly number[][], windowGates: readonly number[][], marker: number): (Uint32Array | undefined)[] {
  const anchorsOf = rules.map(() => new Set<number>());
  anchors.forEach((list, k) => list.forEach((r) => anchorsOf[r]!.add(k)));
  const keywordsOf = rules.map(() => new Set<number>());
  gates.forEach((list, k) => list.forEach((r) => keywordsOf[r]!.add(k)));
  const anchoredBy = rules.map(
    (rule, r) => rule.mode === 'anchored' && keywordsOf[r]!.size === anchorsOf[r]!.size && [...keywordsOf[r]!].every((k) => anchorsOf[r]!.has(k)),
  );
  const selfAnchored = (r: number) => anchoredBy[r]!;
  return anchors.map((list, k) => {
    if (k === marker || list.length === 0 || windowGates[k]!.length > 0 || !gates[k]!.every(selfAnchored)) return undefined;
    const words = Math.min(...list.map((r) => rules[r]!.lead.length));
    if (words < 4) return undefined;
    const lead = new Uint32Array(words);
    for (const r of list) for (let i = 0; i < words; i++) lead[i]! |= rules[r]!.lead[i]!;
    return lead;
  });
}

/**
 * The strings regexes run on: the whole text, or (see {@link search}) strings of only the regions of it around the
 * places to search, made from its bytes. `at(a, b)` is the string holding text[a, b) and where it starts.
 */
interface Haystack {
  length: number;
  at(a: number, b: number): { s: string; base: number };
}

function wholeHaystack(text: string): Haystack {
  const all = { s: text, base: 0 };
  return { length: text.length, at: () => all };
}

/**
 * Strings of the regions `[starts[i], ends[i])` of the text `bytes` views (Latin-1, one character per byte),
 * each made when first asked for. Regions are sorted and disjoint; a range asked for lies within one.
 */
function regionHaystack(bytes: Uint8Array, starts: number[], ends: number[]): Haystack {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const made: ({ s: string; base: number } | undefined)[] = new Array(starts.length);
  return {
    length: bytes.length,
    at(a) {
      const i = lastAtOrBefore(starts, a);
      return (made[i] ??= { s: buf.toString('latin1', starts[i], ends[i]), base: starts[i]! });
    },
  };
}

/**
 * Runs a rule's global regex `re` on text[a, b) plus `context` characters either side, keeping the matches that lie
 * within [a, b): assertions see the same characters as in the whole text, so these are the whole text's matches.
 */
function searchWindow(rule: CompiledRule, re: RegExp, haystack: Haystack, a: number, b: number, record: (rule: CompiledRule, m: RegExpExecArray, base: number) => void): void {
  const ha = Math.max(0, a - rule.context);
  const hb = Math.min(haystack.length, b + rule.context);
  const { s, base } = haystack.at(ha, hb);
  const hay = ha === base && hb === base + s.length ? s : s.slice(ha - base, hb - base);
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(hay)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const start = ha + m.index;
    if (start < a || start + m[0].length > b) {
      // In the margin: not this window's match; look again from the next character.
      re.lastIndex = m.index + 1;
      continue;
    }
    record(rule, m, ha);
  }
}

function extractSecret(m: RegExpExecArray, rule: CompiledRule): { secret: string; offset: number } {
  let secret: string | undefined = m.groups?.['secret'];
  if (secret === undefined && rule.secretGroup !== undefined) secret = m[rule.secretGroup];
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

/** Checksums whose failure drops a match: a card number that fails Luhn is just a number. */
const DROP_ON_FAILED_CHECKSUM: ReadonlySet<string> = new Set(['luhn']);

/** 0: rejected; 1: accepted; 2: accepted, but the rule's checksum does not verify (reported at low confidence). */
function accepted(rule: CompiledRule, set: RuleSet, secret: string, match: string): 0 | 1 | 2 {
  if (secret.length < 4) return 0;
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return 0;
  if (isPlaceholder(secret)) return 0;
  if (rule.generic && looksLikeCode(secret)) return 0;
  const low = secret.toLowerCase();
  for (const w of rule.stopwords) if (low.includes(w)) return 0;
  for (const w of set.globalStopwords) if (low.includes(w)) return 0;
  for (const re of rule.allowSecret) if (re.test(secret)) return 0;
  for (const re of rule.allowExact) if (re.test(secret)) return 0;
  for (const re of set.globalAllow) if (re.test(secret)) return 0;
  for (const re of rule.allowMatch) if (re.test(match)) return 0;
  if (rule.checksum && !CHECKSUMS[rule.checksum](secret)) return DROP_ON_FAILED_CHECKSUM.has(rule.checksum) ? 0 : 2;
  return 1;
}

/** Options of {@link detect}. */
export interface DetectOptions {
  /** The text's path: rules limited to other paths are skipped. */
  path?: string | undefined;
  /**
   * Set when `text` holds bytes, one per character: turns a matched secret (and match) back into text before the
   * filters see it. Called on every match: it must return ASCII unchanged, and cheaply.
   */
  decode?: ((view: string) => string) | undefined;
  /**
   * The bytes the text is the Latin-1 view of (one character per byte): the keyword automaton then reads them,
   * and the text (passed as a function) is only made when a rule has to run.
   */
  bytes?: Uint8Array | undefined;
  /** Set to whether the text holds the inline-ignore marker {@link MARKER}. */
  found?: { marker: boolean } | undefined;
}

/**
 * No options, as an object of the same shape as the options every other caller passes (path, decode, found,
 * bytes): code that reads them then meets one kind of object only, and is not compiled again on meeting another.
 */
const NO_OPTIONS: DetectOptions = { path: undefined, decode: undefined, found: undefined, bytes: undefined };

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * UTF-8 bytes held one per character (Latin-1) back to text; ASCII as it is, without a copy: the `decode` of
 * texts made of bytes ({@link DetectOptions.decode}).
 */
export const utf8OfLatin1 = (view: string): string => (NON_ASCII.test(view) ? Buffer.from(view, 'latin1').toString('utf8') : view);

/** Ranges around places to search are shorter than this (else the text is searched whole; infinities included). */
const RANGE_LENGTHS = 2 ** 22;

/** Texts shorter than this are searched whole: regions would save little. */
const MIN_REGION_TEXT = 16 * 1024;

/**
 * The regions of a text of length `n` that hold every place to search (anchored rules' starts, window rules'
 * windows) with the characters their regexes' assertions read around them, merged; undefined when a rule to run
 * needs the whole text (searched whole, or with an unbounded match or assertion), or when the regions would
 * cover more than half of it (then making the whole text costs less than making them).
 */
function regionsOf(active: readonly number[], rules: readonly CompiledRule[], spots: readonly (number[] | undefined)[], n: number): { starts: number[]; ends: number[] } | undefined {
  let count = 0;
  for (const r of active) {
    const rule = rules[r]!;
    if (rule.mode === 'whole') return undefined;
    const list = spots[r];
    if (!list) continue;
    if (rule.span + 2 * rule.context >= RANGE_LENGTHS) return undefined;
    count += rule.mode === 'anchored' ? list.length : list.length >> 1;
  }
  if (n >= 2 ** 30) return undefined;
  // Each range as one number, start * 2^22 + length (exact in a double for texts under 2^30), so a typed array
  // sorts them by start without a comparator.
  const LEN = RANGE_LENGTHS;
  const ranges = new Float64Array(count);
  let k = 0;
  for (const r of active) {
    const rule = rules[r]!;
    const list = spots[r];
    if (!list) continue;
    const ctx = rule.context;
    const add = (a: number, b: number) => (ranges[k++] = Math.max(0, a) * LEN + (Math.min(n, b) - Math.max(0, a)));
    if (rule.mode === 'anchored') for (const at of list) add(at - ctx, at + rule.span + ctx);
    else for (let i = 0; i < list.length; i += 2) add(list[i]! - ctx, list[i + 1]! + ctx);
  }
  ranges.sort();
  const starts: number[] = [];
  const ends: number[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const a = Math.floor(ranges[i]! / LEN);
    const b = a + (ranges[i]! % LEN);
    const last = ends.length - 1;
    if (last >= 0 && a <= ends[last]!) {
      if (b > ends[last]!) {
        total += b - ends[last]!;
        ends[last] = b;
      }
    } else {
      starts.push(a);
      ends.push(b);
      total += b - a;
    }
    if (total * 2 > n) return undefined;
  }
  return { starts, ends };
}

/**
 * Whether a match may start at `at` of a text (or of the bytes it views), by its first characters: each ASCII one
 * must be in its position's set of `lead` ({@link RegexShape.lead}); the text must be long enough to hold them.
 */
function leads(lead: Uint32Array, view: Uint8Array | string, at: number): boolean {
  const n = lead.length >> 2;
  if (n === 0) return true;
  if (at + n > view.length) return false;
  if (typeof view === 'string') {
    for (let i = 0; i < n; i++) {
      const c = view.charCodeAt(at + i);
      if (c < 128 && ((lead[(i << 2) | (c >> 5)]! >>> (c & 31)) & 1) === 0) return false;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = view[at + i]!;
      if (c < 128 && ((lead[(i << 2) | (c >> 5)]! >>> (c & 31)) & 1) === 0) return false;
    }
  }
  return true;
}

/**
 * Whether the characters from `at + stop.from` on are some of `stop.chars` and then one of `stop.stop`, within
 * `stop.bound` of the first ({@link RegexShape.stop}): false when no match can start at `at`. Exported for tests.
 */
export function stops(stop: Stop | undefined, view: Uint8Array | string, at: number): boolean {
  if (stop === undefined) return true;
  const { chars, high } = stop;
  const from = at + stop.from;
  const end = Math.min(view.length, from + stop.bound + 1);
  let i = from;
  if (typeof view === 'string') {
    for (; i < end; i++) {
      const c = view.charCodeAt(i);
      // (The sets were worked out for characters up to 0xff, all a byte can be: beyond, say nothing.)
      if (c > 0xff) return true;
      if (c < 128 ? ((chars[c >> 5]! >>> (c & 31)) & 1) === 0 : !high) break;
    }
  } else {
    for (; i < end; i++) {
      const c = view[i]!;
      if (c < 128 ? ((chars[c >> 5]! >>> (c & 31)) & 1) === 0 : !high) break;
    }
  }
  if (i >= end) return false;
  const c = typeof view === 'string' ? view.charCodeAt(i) : view[i]!;
  return c < 128 && ((stop.stop[c >> 5]! >>> (c & 31)) & 1) === 1;
}

/**
 * Finds secrets in a text (or in the text a function makes, made only when a rule has to run): one pass of the
 * keyword automaton, then each rule whose keywords occur (and whose paths include the text's) is searched as its
 * {@link SearchMode} says; matches go through entropy, checksum, placeholder and allowlist filters. A generic rule's hit is dropped when a specific rule found an overlapping
 * secret. Results are ordered by offset, then rule id.
 */
export function detect(source: string | (() => string), set: RuleSet, opts: DetectOptions = NO_OPTIONS): Detection[] {
  const { hits, count } = opts.bytes ? set.matcher.collectBytes(opts.bytes) : set.matcher.collectText(typeof source === 'string' ? source : source());
  // Per-text state lives in the rule set's scratch arrays, reset on the way out: most texts are small, and
  // allocating these for each would cost more than searching them.
  const { state, seen, spots } = set.scratch;
  const touched: number[] = [];
  const seenList: number[] = [];
  try {
    return search(source, set, opts, hits, count, state, seen, spots, touched, seenList);
  } finally {
    for (const r of touched) {
      state[r] = 0;
      spots[r] = undefined;
    }
    for (const k of seenList) seen[k] = 0;
  }
}

function search(
  source: string | (() => string),
  set: RuleSet,
  opts: DetectOptions,
  hits: Int32Array,
  count: number,
  state: Uint8Array,
  seen: Uint8Array,
  spots: (number[] | undefined)[],
  touched: number[],
  seenList: number[],
): Detection[] {
  const active = activeRules(set, opts.path, hits, count, state, seen, touched, seenList);
  if (opts.found) opts.found.marker = seen[set.marker] === 1;
  if (active.length === 0) return [];
  // Read from the bytes when there are some: a text none of whose places is worth a regex is never made.
  const view = opts.bytes ?? (typeof source === 'string' ? source : source());
  if (placesOf(set, active, hits, count, state, spots, view) === 0) return [];
  return runRules(source, set, opts, active, spots, view);
}

/**
 * The rules a text's keyword hits wake (and that apply to its path), in `state` (1: to search, 2: not for this
 * path) and `touched`; the literals seen, in `seen` and `seenList`. The hot loops of {@link search} are functions
 * of their own, each small for the optimising compiler.
 */
function activeRules(set: RuleSet, path: string | undefined, hits: Int32Array, count: number, state: Uint8Array, seen: Uint8Array, touched: number[], seenList: number[]): number[] {
  const { rules, gates } = set;
  const active: number[] = [];
  const wake = (list: readonly number[]) => {
    for (let j = 0; j < list.length; j++) {
      const r = list[j]!;
      if (state[r] !== 0) continue;
      touched.push(r);
      if (path !== undefined && !rules[r]!.pathAllowed(path)) state[r] = 2;
      else {
        state[r] = 1;
        active.push(r);
      }
    }
  };
  wake(set.always);
  for (let i = 0; i < count; i++) {
    const k = hits[2 * i]!;
    if (seen[k]) continue;
    seen[k] = 1;
    seenList.push(k);
    wake(gates[k]!);
  }
  return active;
}

/**
 * Where to search, per rule, into `spots`: anchored rules get their literals' starts where the characters that
 * follow may begin a match, window rules their keywords' spans. Returns how many places there are (rules searched
 * whole count as one: they need the text whenever they are active).
 */
function placesOf(set: RuleSet, active: readonly number[], hits: Int32Array, count: number, state: Uint8Array, spots: (number[] | undefined)[], view: Uint8Array | string): number {
  const { rules, anchors, windowGates, lengths } = set;
  let places = 0;
  for (const r of active) if (rules[r]!.mode === 'whole') places++;
  for (let i = 0; i < count; i++) {
    const k = hits[2 * i]!;
    const an = anchors[k]!;
    const wg = windowGates[k]!;
    if (an.length === 0 && wg.length === 0) continue;
    const end = hits[2 * i + 1]!;
    const start = end - lengths[k]!;
    for (let j = 0; j < an.length; j++) {
      const r = an[j]!;
      if (state[r] === 1 && leads(rules[r]!.lead, view, start) && stops(rules[r]!.stop, view, start)) {
        (spots[r] ??= []).push(start);
        places++;
      }
    }
    for (let j = 0; j < wg.length; j++) {
      const r = wg[j]!;
      if (state[r] === 1) {
        (spots[r] ??= []).push(start, end);
        places++;
      }
    }
  }
  return places;
}

/** Runs the active rules at their places (see {@link search}) and filters what they match. */
function runRules(source: string | (() => string), set: RuleSet, opts: DetectOptions, active: readonly number[], spots: (number[] | undefined)[], view: Uint8Array | string): Detection[] {
  const { rules } = set;
  const n = view.length;
  // A match of a window rule holding the keyword [s, e) lies within [e - span, s + span]; hits come in order of
  // e, so the windows come in order of their start and merge as they come. They replace the keyword spans.
  for (const r of active) {
    const rule = rules[r]!;
    const pairs = spots[r];
    if (rule.mode !== 'window' || !pairs) continue;
    const merged: number[] = [];
    let a = -1;
    let b = -1;
    for (let i = 0; i < pairs.length; i += 2) {
      const wa = Math.max(0, pairs[i + 1]! - rule.span);
      const wb = Math.min(n, pairs[i]! + rule.span);
      if (a >= 0 && wa <= b) b = Math.max(b, wb);
      else {
        if (a >= 0) merged.push(a, b);
        a = wa;
        b = wb;
      }
    }
    if (a >= 0) merged.push(a, b);
    spots[r] = merged;
  }
  // From bytes, when every place to search (plus what its regex's assertions read around it) lies within a few
  // regions much smaller than the text, the regexes run on strings of those regions: the whole text is never made.
  const bytes = opts.bytes;
  const regions = bytes && n >= MIN_REGION_TEXT ? regionsOf(active, rules, spots, n) : undefined;
  const haystack = regions && bytes ? regionHaystack(bytes, regions.starts, regions.ends) : wholeHaystack(typeof source === 'string' ? source : source());
  const raw: (Detection & { generic: boolean; tier: number })[] = [];
  const lines = new LineIndex(view);
  const decode = opts.decode;
  const record = (rule: CompiledRule, m: RegExpExecArray, base: number) => {
    const { secret: found, offset } = extractSecret(m, rule);
    let secret = found;
    let match = m[0];
    // Called for every match, not only non-ASCII ones (rare): the call is then known to the optimising compiler
    // long before the first of those, which would otherwise make it start over.
    if (decode) {
      secret = decode(secret);
      match = decode(match);
    }
    const verdict = accepted(rule, set, secret, match);
    if (verdict === 0) return;
    const start = base + offset;
    const s = lines.at(start);
    const e = lines.at(start + found.length);
    raw.push({
      ruleId: rule.id,
      secret,
      match,
      start,
      end: start + found.length,
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
      checksumFailed: verdict === 2,
      generic: rule.generic,
      tier: rule.tier,
    });
  };
  for (const r of active) {
    const rule = rules[r]!;
    if (rule.mode === 'anchored') {
      const starts = spots[r];
      if (!starts) continue;
      // Literals of different lengths end in order but may start out of order.
      for (let i = 1; i < starts.length; i++) {
        if (starts[i]! < starts[i - 1]!) {
          starts.sort((x, y) => x - y);
          break;
        }
      }
      // As a global search would: the next match starts at the first literal at or after the previous match's end.
      const re = ruleRegex(rule, decode !== undefined);
      let after = 0;
      for (let i = 0; i < starts.length; i++) {
        const at = starts[i]!;
        if (at < after || (i > 0 && at === starts[i - 1])) continue;
        const { s: hay, base } = haystack.at(Math.max(0, at - rule.context), Math.min(n, at + rule.span + rule.context));
        re.lastIndex = at - base;
        const m = re.exec(hay);
        if (m === null || m[0].length === 0) continue;
        after = at + m[0].length;
        record(rule, m, base);
      }
    } else if (rule.mode === 'window') {
      const windows = spots[r];
      if (!windows) continue;
      const re = ruleRegex(rule, decode !== undefined);
      for (let i = 0; i < windows.length; i += 2) searchWindow(rule, re, haystack, windows[i]!, windows[i + 1]!, record);
    } else {
      searchWindow(rule, ruleRegex(rule, decode !== undefined), haystack, 0, n, record);
    }
  }
  if (raw.length === 0) return [];
  // A hit yields to an overlapping hit of a more specific tier (generic to fallback to specific).
  const ranked = raw.filter((d) => d.tier > 0);
  const kept = ranked.length === 0 ? raw : raw.filter((d) => d.tier === 0 || !raw.some((s) => s.tier < d.tier && s.start < d.end && d.start < s.end));
  kept.sort((x, y) => x.start - y.start || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0));
  // Two generic rules on the same secret: keep the first by id.
  const out: Detection[] = [];
  for (const d of kept) {
    const prev = out[out.length - 1];
    if (prev && d.generic && prev.start === d.start && prev.end === d.end) continue;
    const { generic: _g, tier: _t, ...det } = d;
    out.push(det);
  }
  return out;
}
