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
 * | `hadolint ignore=DL3008,DL3009`       | hadolint | iac                             | the next instruction                     |
 * | `kics-scan ignore-line`               | kics     | iac, pipeline                   | its own line; the next when alone on its line |
 *
 * A peer's comment naming rule ids applies to those of pipeguard's rules it names; naming only ids pipeguard does
 * not have (the peer's own, such as `AVD-AWS-0086`), it applies to every finding of its scanners on the lines it
 * covers, as the peer's did to its own.
 */
import { lastAtOrBefore, lineStarts } from '../core/lines.js';

/** One ignore comment: the rule ids it names (empty = every rule), the rest of its text, and where it applies. */
export interface Marker {
  ids: string[];
  words: string[];
  /** The peer tool whose comment this is; undefined for pipeguard's own. */
  tool?: string;
  /** Scanners a peer's comment applies to. */
  scanners?: ReadonlySet<string>;
  /** The comment as written, for the suppression reason. */
  text: string;
}

/**
 * `line`: its own line and the next; `own-or-next`: its own line, and the next when the comment stands alone on
 * its line; `same`: its own line; `next-block`: the next statement and what is indented under it;
 * `enclosing-block`: the block the comment is written in.
 */
type Scope = 'line' | 'own-or-next' | 'same' | 'next-block' | 'enclosing-block';

interface Form {
  tool?: string;
  needle: string;
  re: RegExp;
  scanners?: ReadonlySet<string>;
  scope: Scope;
  /** Rule ids and reason words from a match. */
  read(m: RegExpMatchArray): { ids: string[]; words: string[] };
}

const split = (s: string | undefined): string[] => (s ?? '').split(/[\s,]+/).filter(Boolean);

const FORMS: Form[] = [
  {
    needle: 'pipeguard:',
    re: /pipeguard:[ \t]*ignore(?:\[([^\]\n]*)\])?([^\n]*)/g,
    scope: 'line',
    read: (m) => ({ ids: split(m[1]), words: split((m[2] ?? '').replace(/(\*\/|-->|#}|%>)\s*$/, '')) }),
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
];

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
export const NEEDLES: readonly string[] = FORMS.map((f) => f.needle);

/** True when `text` may hold an ignore comment. */
export function mayHoldMarkers(text: string): boolean {
  return NEEDLES.some((n) => text.includes(n));
}

/** The ignore comments of a file's text, by each line (1-based) they cover. */
export function parseMarkers(text: string): Map<number, Marker[]> {
  const out = new Map<number, Marker[]>();
  let lines: string[] | undefined;
  let starts: number[] | undefined;
  for (const form of FORMS) {
    if (!text.includes(form.needle)) continue;
    lines ??= text.split('\n');
    starts ??= lineStarts(text);
    for (const m of text.matchAll(form.re)) {
      const line = lineAt(starts, m.index);
      const { ids, words } = form.read(m);
      const marker: Marker = { ids, words, text: m[0].trim(), ...(form.tool ? { tool: form.tool, scanners: form.scanners! } : {}) };
      for (const l of covered(lines, line, form.scope)) {
        const list = out.get(l) ?? [];
        list.push(marker);
        out.set(l, list);
      }
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
    const reason = marker.words.filter((w) => !knownRules.has(w)).join(' ').replace(/^[-:–—\s]+/, '');
    return reason ? `inline ignore: ${reason}` : 'inline ignore comment';
  }
  if (!marker.scanners?.has(scanner)) return undefined;
  const ours = marker.ids.filter((id) => knownRules.has(id));
  if (ours.length && !ours.includes(ruleId)) return undefined;
  return `${marker.tool} ignore comment: ${marker.text}`;
}
