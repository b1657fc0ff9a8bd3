import type { Finding, Target, TargetFile } from '../core/types.js';

/**
 * Inline suppressions: a `pipeguard:ignore` comment on a finding's line or on the line above it.
 * Forms: `pipeguard:ignore`, `pipeguard: ignore`, `pipeguard:ignore[rule-a,rule-b]`, `pipeguard:ignore rule-a`.
 * Words after the marker that are not rule ids are taken as the reason.
 */
const MARKER = /pipeguard:\s?ignore(?:\[([^\]\n]*)\])?([^\n]*)/g;
const NEEDLE = 'pipeguard:';

/** One ignore comment: the rule ids it names (empty = every rule) and the rest of its text. */
interface Marker {
  ids: string[];
  words: string[];
}

/** Records ignore comments in the files scanners read, so findings can be matched against them afterwards. */
export class InlineIgnores {
  private readonly byFile = new Map<string, Map<number, Marker[]>>();

  /** Wraps a target so every file's text is checked for markers when a scanner reads it. */
  wrap(target: Target): Target {
    return { ...target, files: (filter) => this.wrapFiles(target.files(filter)), dispose: () => target.dispose() };
  }

  private async *wrapFiles(files: AsyncIterable<TargetFile>): AsyncIterable<TargetFile> {
    for await (const f of files) yield this.wrapFile(f);
  }

  private wrapFile(f: TargetFile): TargetFile {
    const key = fileKey(f.path, f.origin?.commit);
    const record = (text: string) => {
      if (!text.includes(NEEDLE) || this.byFile.has(key)) return;
      this.byFile.set(key, parseMarkers(text));
    };
    return {
      ...f,
      bytes: async () => {
        const b = await f.bytes();
        if (Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(NEEDLE)) record(await f.text());
        return b;
      },
      text: async () => {
        const t = await f.text();
        record(t);
        return t;
      },
    };
  }

  /** The reason a finding is suppressed inline, or undefined. */
  match(f: Finding, knownRules: ReadonlySet<string>): string | undefined {
    const line = f.location.startLine;
    if (line === undefined) return undefined;
    const markers = this.byFile.get(fileKey(f.location.path, f.origin?.commit));
    if (!markers) return undefined;
    for (const l of [line, line - 1]) {
      for (const m of markers.get(l) ?? []) {
        const named = [...m.ids, ...m.words.filter((w) => knownRules.has(w))];
        if (named.length === 0 || named.includes(f.ruleId)) {
          const reason = m.words.filter((w) => !knownRules.has(w)).join(' ').replace(/^[-:–—\s]+/, '');
          return reason ? `inline ignore: ${reason}` : 'inline ignore comment';
        }
      }
    }
    return undefined;
  }
}

function fileKey(path: string, commit: string | undefined): string {
  return commit ? `${commit}\0${path}` : path;
}

function parseMarkers(text: string): Map<number, Marker[]> {
  const out = new Map<number, Marker[]>();
  let line = 1;
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    for (let i = text.indexOf('\n', last); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    last = m.index;
    const ids = (m[1] ?? '').split(/[\s,]+/).filter(Boolean);
    const words = (m[2] ?? '')
      .replace(/(\*\/|-->|#}|%>)\s*$/, '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const list = out.get(line) ?? [];
    list.push({ ids, words });
    out.set(line, list);
  }
  return out;
}
