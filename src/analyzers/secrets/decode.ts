/**
 * Secrets written encoded: base64, base64url, hex and percent-encoded runs anywhere in a file are decoded and
 * searched with the same rules; a detection is reported at the encoded run (its whole span) with the decoding
 * named (`base64`, `hex`, `percent-encoding`, `base64 in base64`).
 *
 * Bounded so that it cannot blow up: only runs of at least {@link MIN_RUN} characters that look like an encoding
 * (mixed classes, a digit) are tried, runs longer than {@link MAX_RUN} are skipped, at most {@link MAX_RUNS} runs and
 * {@link MAX_DECODED} decoded bytes per file, a decoded value must be text (printable ASCII), and a decoded value
 * is searched for encoded runs once more (depth 2) and no further. Files that are mostly encoded data by design
 * (source maps, lockfiles, minified bundles) are not decoded.
 */
import { detect, type Detection, type RuleSet } from './engine.js';

/** Fewer characters encode too few bytes to hold a credential (24 base64 characters are 18 bytes). */
const MIN_RUN = 24;
const MAX_RUN = 8192;
const MAX_RUNS = 256;
const MAX_DECODED = 256 * 1024;
/**
 * Where to look: a digit followed by encoding characters. Every run tried holds a digit (see decodeRun), and digits
 * are rare enough in text that finding them first, then reading the run around each by hand, costs a fraction of
 * a regex over every run of word characters (which V8 re-enters at each character of each word).
 */
const DIGIT = /[0-9](?=[A-Za-z0-9+/_%\-])/g;
/** Characters of base64, base64url, hex and percent-encoding (and base64 padding). */
const ENC = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_%-') ENC[c.charCodeAt(0)] = 1;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const PERCENT = /%[0-9A-Fa-f]{2}/g;
/** Printable ASCII, tab and line breaks: what a decoded credential (or a config holding one) is made of. */
const TEXT = /^[\x20-\x7e\t\r\n]+$/;
/** Paths whose content is encoded data by design. */
const SKIP_PATH = /(?:\.map|\.min\.js|(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|composer\.lock|Cargo\.lock|go\.sum|poetry\.lock|Gemfile\.lock))$/;

/** A detection found inside an encoded run, placed at the run. */
export type DecodedDetection = Detection & { decodedFrom: string };

interface Budget {
  runs: number;
  bytes: number;
}

/** Whether `path` holds encoded data by design (no decoding pass). */
export function skipDecoding(path: string | undefined): boolean {
  return path !== undefined && SKIP_PATH.test(path);
}

/**
 * Decodes `run` if it looks like an encoding: returns the text and the encoding's name, or undefined. A run must
 * mix classes as encodings do (a digit, and for base64 both cases), which leaves out identifiers and words.
 */
function decodeRun(run: string): { text: string; how: string } | undefined {
  if (!/[0-9]/.test(run)) return undefined;
  if (HEX.test(run)) {
    if (run.length < 32) return undefined;
    return { text: Buffer.from(run, 'hex').toString('latin1'), how: 'hex' };
  }
  if (run.includes('%')) {
    const escapes = run.match(PERCENT)?.length ?? 0;
    if (escapes < 3) return undefined;
    try {
      return { text: decodeURIComponent(run), how: 'percent-encoding' };
    } catch {
      return undefined;
    }
  }
  if (!/[a-z]/.test(run) || !/[A-Z]/.test(run)) return undefined;
  const url = /[\-_]/.test(run);
  if (url && /[+/]/.test(run)) return undefined;
  const body = run.replace(/=+$/, '');
  // A base64 length that leaves one character over is not an encoding.
  if (body.length % 4 === 1) return undefined;
  return { text: Buffer.from(body, url ? 'base64url' : 'base64').toString('latin1'), how: url ? 'base64url' : 'base64' };
}

/**
 * Detections inside encoded runs of `text` that do not overlap `taken` (spans already reported, which a decoded
 * value would only repeat). `depth` 1 is the file; 2 a decoded value.
 */
export function decodedDetections(text: string, set: RuleSet, taken: readonly { start: number; end: number }[], budget: Budget = { runs: 0, bytes: 0 }, depth = 1): DecodedDetection[] {
  const out: DecodedDetection[] = [];
  const re = new RegExp(DIGIT.source, 'g');
  // Line numbers counted as the scan moves forward.
  let counted = 0;
  let line = 1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let start = m.index;
    while (start > 0 && ENC[text.charCodeAt(start - 1)] === 1) start--;
    let end = m.index + 1;
    while (end < text.length && ENC[text.charCodeAt(end)] === 1) end++;
    re.lastIndex = end;
    while (text.charCodeAt(end) === 61 /* = */ && end - re.lastIndex < 2) end++;
    if (end - start < MIN_RUN || end - start > MAX_RUN) continue;
    const run = text.slice(start, end);
    if (taken.some((t) => t.start < end && start < t.end)) continue;
    const decoded = decodeRun(run);
    if (!decoded || decoded.text.length < 8 || !TEXT.test(decoded.text)) continue;
    if (++budget.runs > MAX_RUNS || (budget.bytes += decoded.text.length) > MAX_DECODED) break;
    const inner: (Detection & { decodedFrom?: string })[] = detect(decoded.text, set);
    if (depth < 2) {
      const nested = decodedDetections(decoded.text, set, inner, budget, depth + 1);
      for (const d of nested) inner.push({ ...d, decodedFrom: `${d.decodedFrom} in ${decoded.how}` });
    }
    if (inner.length === 0) continue;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    for (let i = text.indexOf('\n', counted); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++;
    counted = start;
    for (const d of inner) {
      out.push({
        ...d,
        start,
        end,
        line,
        column: start - lineStart + 1,
        endLine: line,
        endColumn: end - lineStart + 1,
        decodedFrom: d.decodedFrom ?? decoded.how,
      });
    }
  }
  return out;
}
