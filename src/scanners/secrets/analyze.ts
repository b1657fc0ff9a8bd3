import { createHash } from 'node:crypto';
import { detect, LineIndex, type RuleSet } from './engine.js';

/** A secret found in one file, ready to leave the scanner: the raw value is gone unless asked for. */
export interface SecretHit {
  ruleId: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** `sha256:<hex>` of the secret: the finding's identity, and what lets users match a known leak. */
  hash: string;
  /** First characters and the length, e.g. `ghp_********(40)`. */
  redacted: string;
  /** The secret's line with every secret on it redacted (or raw with showSecrets), trimmed around the secret. */
  evidence: string;
  length: number;
  /** Only when the user asked for `--show-secrets`. */
  secret?: string;
}

/** `ghp_********(40)`: a few leading characters (none for short values) and the length. */
export function redact(secret: string): string {
  const n = secret.length;
  const keep = n >= 20 ? 4 : n >= 12 ? 2 : 0;
  return `${secret.slice(0, keep)}********(${n})`;
}

const MAX_EVIDENCE = 160;

/**
 * Runs the rules on a text and turns detections into hits. Every secret found on a line is redacted in that
 * line's evidence, so one finding's evidence never shows another finding's secret.
 */
export function analyzeText(
  text: string,
  set: RuleSet,
  opts: { path?: string; showSecrets?: boolean; changedLines?: ReadonlySet<number> },
): SecretHit[] {
  const lines = new LineIndex(text);
  let dets = detect(text, set, { path: opts.path, lines });
  if (opts.changedLines) {
    const changed = opts.changedLines;
    dets = dets.filter((d) => {
      for (let l = d.line; l <= d.endLine; l++) if (changed.has(l)) return true;
      return false;
    });
  }
  if (dets.length === 0) return [];
  const hashes = new Map<string, string>();
  const hashOf = (s: string) => {
    let h = hashes.get(s);
    if (!h) hashes.set(s, (h = 'sha256:' + createHash('sha256').update(s).digest('hex')));
    return h;
  };
  return dets.map((d) => {
    const lineText = lines.lineText(d.line);
    const lineStart = d.start - (d.column - 1);
    let ev = lineText;
    if (!opts.showSecrets) {
      // Redact every detection touching this line, right to left so offsets stay valid.
      const onLine = dets
        .filter((o) => o.line <= d.line && o.endLine >= d.line)
        .map((o) => [Math.max(0, o.start - lineStart), Math.min(lineText.length, o.end - lineStart), o.secret] as const)
        .sort((x, y) => y[0] - x[0]);
      for (const [a, b, s] of onLine) if (b > a) ev = ev.slice(0, a) + redact(s) + ev.slice(b);
    }
    const col = d.column - 1;
    if (ev.length > MAX_EVIDENCE) {
      const from = Math.max(0, Math.min(col - 40, ev.length - MAX_EVIDENCE));
      ev = (from > 0 ? '…' : '') + ev.slice(from, from + MAX_EVIDENCE) + (from + MAX_EVIDENCE < ev.length ? '…' : '');
    }
    const hit: SecretHit = {
      ruleId: d.ruleId,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      hash: hashOf(d.secret),
      redacted: redact(d.secret),
      evidence: ev.trim(),
      length: d.secret.length,
    };
    if (opts.showSecrets) hit.secret = d.secret;
    return hit;
  });
}
