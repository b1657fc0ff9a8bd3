/**
 * The inline ignore comments pipeguard honours (the one place their syntax is written; the engine matches them to
 * findings, and a scanner that places comments itself reads them with {@link ignoreMarker}): pipeguard's own, and the forms of the tools teams migrate from,
 * so their accepted findings stay accepted (each shown as suppressed, with the comment as the reason).
 *
 * | comment                               | tool     | applies to                      | lines it covers                          |
 * |---------------------------------------|----------|---------------------------------|------------------------------------------|
 * | `pipeguard:ignore[ids] reason`        | pipeguard| every scanner                   | its own line and the next                |
 * | `gitleaks:allow`                      | gitleaks | secrets                         | its own line                             |
 * | `nosemgrep`, `nosemgrep: id, id`      | semgrep  | sast, secrets                   | its own line; the next when alone on its line |
 * | `trivy:ignore:ID`                     | trivy    | iac, deps, secrets, image       | its own line, the next statement, its block |
 * | `checkov:skip=ID:reason`              | checkov  | iac, pipeline, secrets          | the block it is written in               |
 * | `checkov.io/skip1: ID=reason` (annotation of a Kubernetes object) | checkov | iac | the object                |
 * | `hadolint ignore=DL3008,DL3009`       | hadolint | iac                             | the next instruction                     |
 * | `kics-scan ignore-line`               | kics     | iac, pipeline                   | its own line; the next when alone on its line |
 * | `kics-scan ignore-block`              | kics     | iac, pipeline                   | the next statement and its block         |
 * | `kics-scan ignore-file`               | kics     | iac, pipeline                   | the whole file                           |
 *
 * Blocks are found by parsing: in Terraform (`.tf`, `.hcl`, `.tofu`) the parsed blocks and attributes (a
 * `checkov:skip` inside a resource covers that resource, from its header to its closing brace; a `trivy:ignore`
 * above a block covers that block), in YAML the parsed keys and list items (`kics-scan ignore-block` above a key
 * covers its whole value). Other files, and files that do not parse, fall back to indentation.
 *
 * A peer's comment naming rule ids applies to those of pipeguard's rules it names; naming only ids pipeguard does
 * not have (the peer's own, such as `AVD-AWS-0086`), it applies to every finding of its scanners on the lines it
 * covers, as the peer's did to its own.
 */
import { lastAtOrBefore, lineStarts } from '../core/lines.js';
import { parseHcl, type Body } from './iac/hcl.js';
import { get, isMap, isSeq, pairs, parseYaml, str, type YamlFile } from './yaml.js';
import type { Node } from 'yaml';

/** One ignore comment: the rule ids it names (empty = every rule), the rest of its text, and where it applies. */
export interface Marker {
  ids: string[];
  words: string[];
  /** pipeguard's own comment: the text after the marker as written (the reason, less the rule ids it names). */
  rest?: string;
  /** The peer tool whose comment this is; undefined for pipeguard's own. */
  tool?: string;
  /** Scanners a peer's comment applies to. */
  scanners?: ReadonlySet<string>;
  /** The comment as written, for the suppression reason. */
  text: string;
  /** What it is, in the reason (default `ignore comment`; Checkov's Kubernetes annotations are `annotation`). */
  what?: string;
}

/**
 * `line`: its own line and the next; `own-or-next`: its own line, and the next when the comment stands alone on
 * its line; `same`: its own line; `next-block`: the next statement and what is indented under it;
 * `enclosing-block`: the block the comment is written in.
 */
type Scope = 'line' | 'own-or-next' | 'same' | 'next-block' | 'enclosing-block' | 'file';

interface Form {
  tool?: string;
  needle: string;
  re: RegExp;
  scanners?: ReadonlySet<string>;
  scope: Scope;
  /** Rule ids and reason words from a match. */
  read(m: RegExpMatchArray): { ids: string[]; words: string[]; rest?: string };
}

const split = (s: string | undefined): string[] => (s ?? '').split(/[\s,]+/).filter(Boolean);

const FORMS: Form[] = [
  {
    needle: 'pipeguard:',
    re: /pipeguard:[ \t]*ignore(?:\[([^\]\n]*)\])?([^\n]*)/g,
    scope: 'line',
    read: (m) => {
      const rest = (m[2] ?? '').replace(/(\*\/|-->|#}|%>)\s*$/, '');
      return { ids: split(m[1]), words: split(rest), rest };
    },
  },
  { tool: 'gitleaks', needle: 'gitleaks:allow', re: /gitleaks:allow\b/g, scanners: new Set(['secrets']), scope: 'same', read: () => ({ ids: [], words: [] }) },
  {
    tool: 'semgrep',
    needle: 'nosemgrep',
    re: /\bnosemgrep\b(?:[ \t]*:[ \t]*([\w.\-/]+(?:[ \t]*,[ \t]*[\w.\-/]+)*))?/g,
    scanners: new Set(['sast', 'secrets']),
    scope: 'own-or-next',
    read: (m) => ({ ids: split(m[1]), words: [] }),
  },
  {
    tool: 'trivy',
    needle: 'trivy:ignore:',
    re: /trivy:ignore:([\w.-]+)/g,
    scanners: new Set(['iac', 'deps', 'secrets', 'image']),
    scope: 'next-block',
    read: (m) => ({ ids: split(m[1]), words: [] }),
  },
  {
    tool: 'checkov',
    needle: 'checkov:skip=',
    re: /checkov:skip=([\w.-]+)(?::([^\n]*))?/g,
    scanners: new Set(['iac', 'pipeline', 'secrets']),
    scope: 'enclosing-block',
    read: (m) => ({ ids: split(m[1]), words: split(m[2]) }),
  },
  {
    tool: 'hadolint',
    needle: 'hadolint ignore=',
    re: /hadolint ignore=([\w,]+(?:[ \t]*,[ \t]*[\w]+)*)/g,
    scanners: new Set(['iac']),
    scope: 'next-block',
    read: (m) => ({ ids: split(m[1]), words: [] }),
  },
  { tool: 'kics', needle: 'kics-scan ignore-line', re: /kics-scan ignore-line\b/g, scanners: new Set(['iac', 'pipeline']), scope: 'own-or-next', read: () => ({ ids: [], words: [] }) },
  { tool: 'kics', needle: 'kics-scan ignore-block', re: /kics-scan ignore-block\b/g, scanners: new Set(['iac', 'pipeline']), scope: 'next-block', read: () => ({ ids: [], words: [] }) },
  { tool: 'kics', needle: 'kics-scan ignore-file', re: /kics-scan ignore-file\b/g, scanners: new Set(['iac', 'pipeline']), scope: 'file', read: () => ({ ids: [], words: [] }) },
];

/** Checkov's skip annotations of a Kubernetes object (`metadata.annotations`, `checkov.io/skip1: CKV_K8S_20=reason`). */
const CHECKOV_ANNOTATION = 'checkov.io/skip';
const CHECKOV_SCANNERS: ReadonlySet<string> = new Set(['iac']);

/**
 * pipeguard's own ignore comment in one comment's text (`pipeguard:ignore[ids] reason`), or undefined: for a scanner
 * that places comments itself (the pipeline scanner reads real YAML comments, which may stand above the step a
 * finding belongs to). Read with {@link markerReason}, as the engine reads every other.
 */
export function ignoreMarker(comment: string): Marker | undefined {
  const form = FORMS[0]!;
  const m = [...comment.matchAll(form.re)][0];
  if (!m) return undefined;
  return { ...form.read(m), text: m[0].trim() };
}

/** Strings whose presence in a file means it may hold an ignore comment (checked before parsing). */
export const NEEDLES: readonly string[] = [...FORMS.map((f) => f.needle), CHECKOV_ANNOTATION];

/** True when `text` may hold an ignore comment. */
export function mayHoldMarkers(text: string): boolean {
  return NEEDLES.some((n) => text.includes(n));
}

/**
 * The ignore comments of a file's text, by each line (1-based) they cover. `path` (the file's name) says how to
 * find blocks: by parsing Terraform and YAML, by indentation otherwise.
 */
export function parseMarkers(text: string, path = ''): Map<number, Marker[]> {
  const out = new Map<number, Marker[]>();
  const add = (l: number, marker: Marker): void => {
    const list = out.get(l) ?? [];
    list.push(marker);
    out.set(l, list);
  };
  let lines: string[] | undefined;
  let starts: number[] | undefined;
  let blocks: Blocks | null | undefined;
  for (const form of FORMS) {
    if (!text.includes(form.needle)) continue;
    lines ??= text.split('\n');
    starts ??= lineStarts(text);
    if (blocks === undefined && (form.scope === 'next-block' || form.scope === 'enclosing-block')) blocks = parsedBlocks(path, text, starts) ?? null;
    for (const m of text.matchAll(form.re)) {
      const line = lineAt(starts, m.index);
      const { ids, words, rest } = form.read(m);
      const marker: Marker = { ids, words, ...(rest !== undefined ? { rest } : {}), text: m[0].trim(), ...(form.tool ? { tool: form.tool, scanners: form.scanners! } : {}) };
      for (const l of (blocks && blockCovered(blocks, lines, line, form.scope)) || covered(lines, line, form.scope)) add(l, marker);
    }
  }
  if (text.includes(CHECKOV_ANNOTATION) && YAML_PATH.test(path)) {
    for (const { marker, from, to } of checkovAnnotations(text)) for (let l = from; l <= to; l++) add(l, marker);
  }
  return out;
}

const HCL_PATH = /\.(?:tf|hcl|tofu)$/i;
const YAML_PATH = /\.ya?ml$/i;

/** The statements of a parsed file, as 1-based line spans; `top` marks the outermost blocks (Terraform resources). */
interface Blocks {
  spans: { from: number; to: number; top: boolean }[];
}

/** The blocks and statements of a Terraform or YAML file, or undefined for other files and files that do not parse. */
function parsedBlocks(path: string, text: string, starts: number[]): Blocks | undefined {
  const line = (offset: number): number => lineAt(starts, offset);
  // The last character of a span, so a value that ends at a line break ends on its own line.
  const last = (end: number, start: number): number => line(Math.max(start, end - 1));
  const spans: Blocks['spans'] = [];
  if (HCL_PATH.test(path)) {
    let body: Body;
    try {
      body = parseHcl(text);
    } catch {
      return undefined;
    }
    const walk = (b: Body, depth: number): void => {
      for (const a of b.attributes) spans.push({ from: line(a.range[0]), to: last(a.range[1], a.range[0]), top: false });
      for (const k of b.blocks) {
        spans.push({ from: line(k.range[0]), to: last(k.range[1], k.range[0]), top: depth === 0 });
        if (depth < 32) walk(k.body, depth + 1);
      }
    };
    walk(body, 0);
    return { spans };
  }
  if (YAML_PATH.test(path)) {
    const y = parseYaml(text);
    if (y.error) return undefined;
    const walk = (n: unknown, depth: number): void => {
      if (depth > 64) return;
      if (isMap(n)) {
        for (const [, p] of pairs(n)) {
          const k = p.key as Node | null;
          const v = p.value as Node | null;
          const a = k?.range?.[0] ?? v?.range?.[0];
          const b = v?.range?.[1] ?? k?.range?.[1];
          if (a !== undefined && b !== undefined) spans.push({ from: line(a), to: last(b, a), top: false });
          walk(v, depth + 1);
        }
      } else if (isSeq(n)) {
        for (const it of n.items as Node[]) {
          if (it?.range) spans.push({ from: line(it.range[0]), to: last(it.range[1], it.range[0]), top: false });
          walk(it, depth + 1);
        }
      }
    };
    for (const d of y.docs) walk(d.contents, 0);
    return { spans };
  }
  return undefined;
}

/** The lines a block-scoped comment on `line` covers, from the parsed blocks; undefined to fall back to indentation. */
function blockCovered(blocks: Blocks, lines: string[], line: number, scope: Scope): number[] | undefined {
  const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  if (scope === 'enclosing-block') {
    // The outermost block the comment is written in (a Terraform resource), header to closing brace.
    const top = blocks.spans.filter((b) => b.top && b.from <= line && line <= b.to);
    if (!top.length) return undefined;
    const b = top.reduce((x, y) => (y.to - y.from > x.to - x.from ? y : x));
    return range(b.from, b.to);
  }
  if (scope !== 'next-block') return undefined;
  // Its own line (a trailing comment), and the statement that starts on the next line holding code, all of it.
  let n = line;
  if (commentOnly(lines[line - 1] ?? '')) {
    n = line + 1;
    while (n <= lines.length && (blank(lines[n - 1]) || commentOnly(lines[n - 1]!))) n++;
  }
  const starting = blocks.spans.filter((b) => b.from === n);
  if (!starting.length) return undefined;
  const to = Math.max(...starting.map((b) => b.to));
  return [...new Set([line, ...range(n, to)])];
}

/** Checkov's skip annotations of each Kubernetes object in a YAML stream, with the object's lines. */
function checkovAnnotations(text: string): { marker: Marker; from: number; to: number }[] {
  const y: YamlFile = parseYaml(text);
  if (y.error) return [];
  const out: { marker: Marker; from: number; to: number }[] = [];
  for (const d of y.docs) {
    const root = d.contents as Node | null;
    if (!root?.range) continue;
    for (const [key, p] of pairs(get(get(root, 'metadata'), 'annotations'))) {
      if (!/^checkov\.io\/skip\d*$/.test(key)) continue;
      const value = str(p.value) ?? '';
      const m = /^\s*([\w.-]+)\s*(?:=\s*(.*))?$/.exec(value);
      if (!m) continue;
      const marker: Marker = { ids: [m[1]!], words: split(m[2]), text: `${key}: ${value}`, tool: 'checkov', scanners: CHECKOV_SCANNERS, what: 'annotation' };
      out.push({ marker, from: y.lc.linePos(root.range[0]).line, to: y.lc.linePos(Math.max(root.range[0], root.range[1] - 1)).line });
    }
  }
  return out;
}

/** The 1-based line holding offset `at`. */
function lineAt(starts: number[], at: number): number {
  return lastAtOrBefore(starts, at) + 1;
}

const indentOf = (s: string): number => s.length - s.trimStart().length;
const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';
const commentOnly = (s: string): boolean => /^\s*(#|\/\/|--|\/\*|\*|<!--)/.test(s);

/** The lines (1-based) a comment on `line` covers. */
function covered(lines: string[], line: number, scope: Scope): number[] {
  if (scope === 'same') return [line];
  if (scope === 'file') return Array.from({ length: lines.length }, (_, i) => i + 1);
  if (scope === 'line') return [line, line + 1];
  const at = (n: number): string | undefined => lines[n - 1];
  if (scope === 'own-or-next') return commentOnly(at(line) ?? '') ? [line, line + 1] : [line];
  if (scope === 'next-block') {
    // its own line (a trailing comment), the next statement (past other comments), and what is indented under it
    const out = [line];
    let n = line + 1;
    while (n <= lines.length && (blank(at(n)) || commentOnly(at(n)!))) n++;
    if (n > lines.length) return out;
    const indent = indentOf(at(n)!);
    out.push(n);
    for (n++; n <= lines.length; n++) {
      const s = at(n)!;
      if (blank(s)) continue;
      if (indentOf(s) <= indent && !/^\s*[}\])]/.test(s)) break;
      out.push(n);
      if (indentOf(s) <= indent) break; // the closing brace ends the block
    }
    return out;
  }
  // enclosing-block: from the block's header (the nearest line above indented less) down to where it ends
  const indent = indentOf(at(line)!);
  let head = line;
  for (let n = line - 1; n >= 1; n--) {
    const s = at(n)!;
    if (blank(s)) continue;
    if (indentOf(s) < indent) {
      head = n;
      break;
    }
  }
  const out: number[] = [];
  for (let n = head; n <= line; n++) out.push(n);
  for (let n = line + 1; n <= lines.length; n++) {
    const s = at(n)!;
    if (!blank(s) && indentOf(s) < indent) break;
    out.push(n);
  }
  return out;
}

/**
 * Whether `marker` suppresses a finding of `scanner` and `ruleId`: pipeguard's own comment when it names no rule or
 * names this one; a peer's when the finding is one of its scanners' and it names no pipeguard rule or this one.
 * Returns the suppression reason, or undefined.
 */
export function markerReason(marker: Marker, scanner: string, ruleId: string, knownRules: ReadonlySet<string>): string | undefined {
  if (marker.tool === undefined) {
    const named = [...marker.ids, ...marker.words.filter((w) => knownRules.has(w))];
    if (named.length && !named.includes(ruleId)) return undefined;
    const reason = marker.rest !== undefined ? reasonText(marker.rest, knownRules) : marker.words.filter((w) => !knownRules.has(w)).join(' ').replace(/^[-:–—\s]+/, '');
    return reason ? `inline ignore: ${reason}` : 'inline ignore comment';
  }
  if (!marker.scanners?.has(scanner)) return undefined;
  const ours = marker.ids.filter((id) => knownRules.has(id));
  if (ours.length && !ours.includes(ruleId)) return undefined;
  return `${marker.tool} ${marker.what ?? 'ignore comment'}: ${marker.text}`;
}

/** The reason in the text after `pipeguard:ignore`, as written, less the rule ids it names and leading punctuation. */
function reasonText(rest: string, knownRules: ReadonlySet<string>): string {
  const parts = rest.split(/([\s,]+)/);
  let out = '';
  for (let i = 0; i < parts.length; i += 2) if (!knownRules.has(parts[i]!)) out += parts[i]! + (parts[i + 1] ?? '');
  return out.replace(/\s+/g, ' ').replace(/^[-:–—,\s]+/, '').replace(/[,\s]+$/, '');
}
