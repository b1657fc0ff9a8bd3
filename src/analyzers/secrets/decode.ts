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
import { detect, utf8OfLatin1, type Detection, type RuleSet } from './engine.js';

/** Fewer characters encode too few bytes to hold a credential (24 base64 characters are 18 bytes). */
const MIN_RUN = 24;
const MAX_RUN = 8192;
/** A run of {@link MIN_RUN} may end in two padding characters (`=`), which are not encoding characters. */
const STRIDE = MIN_RUN - 2;
const MAX_RUNS = 256;
const MAX_DECODED = 256 * 1024;
/** Characters of base64, base64url, hex and percent-encoding (and base64 padding). */
const ENC = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_%-') ENC[c.charCodeAt(0)] = 1;
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

/** Per character: its class bits (below), or 0 for a character that is no encoding's. */
const LOWER = 1;
const UPPER = 2;
const DIGIT = 4;
const HEXDIGIT = 8;
const PCT = 16;
const PLUS_SLASH = 32;
const DASH_UNDERSCORE = 64;
const PAD = 128;
const CLASS = new Uint8Array(256);
/** The class table (per byte, the bits above), for the test that runs both scans for runs. */
export const RUN_CLASSES: Readonly<Uint8Array> = CLASS;
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  let k = 0;
  if (/[a-z]/.test(ch)) k |= LOWER;
  if (/[A-Z]/.test(ch)) k |= UPPER;
  if (/[0-9]/.test(ch)) k |= DIGIT;
  if (/[0-9a-fA-F]/.test(ch)) k |= HEXDIGIT;
  if (ch === '%') k |= PCT;
  if (ch === '+' || ch === '/') k |= PLUS_SLASH;
  if (ch === '-' || ch === '_') k |= DASH_UNDERSCORE;
  if (ch === '=') k |= PAD;
  CLASS[c] = k;
}
/** Base64 and base64url digit values (the two alphabets share all but two characters), 255 for others. */
const B64 = new Uint8Array(256).fill(255);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));
B64[43] = B64[45] = 62; // + -
B64[47] = B64[95] = 63; // / _
/** Whether a decoded byte may be in a text (see {@link TEXT}). */
const PRINTABLE = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) PRINTABLE[c] = 1;
PRINTABLE[9] = PRINTABLE[10] = PRINTABLE[13] = 1;
/** Where a run's bytes are decoded (a run is at most MAX_RUN characters, which decode to fewer bytes). */
const scratch = new Uint8Array(MAX_RUN);

/**
 * Decodes the run `bytes[start, end)` (whose characters' {@link CLASS} bits OR-ed are `any`, AND-ed `all`) if it
 * looks like an encoding and decodes to text (printable ASCII, at least 8
 * characters): returns the text and the encoding's name, or undefined. A run must mix classes as encodings do (a
 * digit, and for base64 both cases), which leaves out identifiers and words. The checks and the decoding read the
 * bytes and stop at the first byte that is not text, so the many runs that decode to binary (hashes, keys, data)
 * cost no allocation.
 */
function decodeRun(bytes: Uint8Array, start: number, end: number, any: number, all: number): { text: string; how: string } | undefined {
  if ((any & DIGIT) === 0) return undefined;
  const len = end - start;
  if ((all & HEXDIGIT) !== 0 && (len & 1) === 0) {
    if (len < 32) return undefined;
    let n = 0;
    for (let i = start; i < end; i += 2) {
      const c = (hexValue(bytes[i]!) << 4) | hexValue(bytes[i + 1]!);
      if (PRINTABLE[c] !== 1) return undefined;
      scratch[n++] = c;
    }
    return textOf(n, 'hex');
  }
  if ((any & PCT) !== 0) {
    const run = latin1(bytes, start, end);
    const escapes = run.match(PERCENT)?.length ?? 0;
    if (escapes < 3) return undefined;
    let text: string;
    try {
      text = decodeURIComponent(run);
    } catch {
      return undefined;
    }
    return text.length < 8 || !TEXT.test(text) ? undefined : { text, how: 'percent-encoding' };
  }
  if ((any & LOWER) === 0 || (any & UPPER) === 0) return undefined;
  const url = (any & DASH_UNDERSCORE) !== 0;
  if (url && (any & PLUS_SLASH) !== 0) return undefined;
  let bodyEnd = end;
  while (bodyEnd > start && bytes[bodyEnd - 1] === 61) bodyEnd--;
  const body = bodyEnd - start;
  // A base64 length that leaves one character over is not an encoding.
  if (body % 4 === 1) return undefined;
  // Four characters to three bytes; a last group of two or three characters to one or two.
  let n = 0;
  let i = start;
  for (; i + 4 <= bodyEnd; i += 4) {
    const v = (B64[bytes[i]!]! << 18) | (B64[bytes[i + 1]!]! << 12) | (B64[bytes[i + 2]!]! << 6) | B64[bytes[i + 3]!]!;
    const c0 = (v >> 16) & 0xff;
    const c1 = (v >> 8) & 0xff;
    const c2 = v & 0xff;
    if (PRINTABLE[c0]! & PRINTABLE[c1]! & PRINTABLE[c2]!) {
      scratch[n] = c0;
      scratch[n + 1] = c1;
      scratch[n + 2] = c2;
      n += 3;
    } else return undefined;
  }
  if (bodyEnd - i >= 2) {
    const v = (B64[bytes[i]!]! << 18) | (B64[bytes[i + 1]!]! << 12) | (bodyEnd - i === 3 ? B64[bytes[i + 2]!]! << 6 : 0);
    const c0 = (v >> 16) & 0xff;
    if (PRINTABLE[c0] !== 1) return undefined;
    scratch[n++] = c0;
    if (bodyEnd - i === 3) {
      const c1 = (v >> 8) & 0xff;
      if (PRINTABLE[c1] !== 1) return undefined;
      scratch[n++] = c1;
    }
  }
  return textOf(n, url ? 'base64url' : 'base64');
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** The first `n` bytes of {@link scratch} as text, when long enough to hold a credential. */
function textOf(n: number, how: string): { text: string; how: string } | undefined {
  if (n < 8) return undefined;
  return { text: Buffer.from(scratch.buffer, 0, n).toString('latin1'), how };
}

/**
 * Detections inside encoded runs of `view` (a text, or bytes read as Latin-1 characters, one per byte) that do not
 * overlap `taken` (spans already reported, which a decoded value would only repeat). `depth` 1 is the file; 2 a
 * decoded value.
 *
 * The runs tried are the maximal runs of encoding characters of {@link MIN_RUN} to {@link MAX_RUN} characters
 * holding a digit that another encoding character follows (with up to two `=` after). They are found by reading
 * windows of {@link STRIDE} characters from their last one backwards (as Boyer-Moore skips): about one character
 * in five of source text, where a regex for digits, or for runs, reads every one. From bytes the text is never
 * made: a run is copied out only when it passes the checks on its bytes and decodes to text.
 */
export function decodedDetections(view: string | Uint8Array, set: RuleSet, taken: readonly { start: number; end: number }[], budget: Budget = { runs: 0, bytes: 0 }, depth = 1): DecodedDetection[] {
  return scan(typeof view === 'string' ? bytesOf(view) : view, set, taken, budget, depth);
}

/** A text as one byte per character (encoding characters are ASCII: any character past 0xff becomes 0x80). */
function bytesOf(text: string): Uint8Array {
  if (!WIDE.test(text)) return Buffer.from(text, 'latin1');
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c > 0xff ? 0x80 : c;
  }
  return out;
}
const WIDE = /[^\x00-\xff]/;

/**
 * The runs to try in `bytes`, as triples (start, end, class bits OR-ed | AND-ed << 8): found by the keyword
 * automaton's WebAssembly module when there is one (the `runs` function of keywords.wat, over the bytes already in
 * its memory), else by {@link findRuns}, which is the same scan in JavaScript.
 */
function runsOf(bytes: Uint8Array, set: RuleSet): Int32Array | number[] {
  return set.matcher.encodedRuns(bytes, CLASS) ?? findRuns(bytes);
}

/**
 * The maximal runs of encoding characters of {@link MIN_RUN} to {@link MAX_RUN} characters (with up to two `=`
 * after) holding a digit that another encoding character follows, as triples (see {@link runsOf}). Exported for
 * the test that holds the WebAssembly scan to it.
 */
export function findRuns(bytes: Uint8Array): number[] {
  const found: number[] = [];
  const n = bytes.length;
  // Windows of STRIDE characters, from `w`: a run of STRIDE or more that starts at or after `w` holds the window's
  // last character, or starts after a non-encoding character in the window; so the next window starts after the
  // last such character, read backwards from the window's end. A window of encoding characters only lies in a
  // run long enough, read whole then.
  let w = 0;
  while (w + STRIDE <= n) {
    const q = w + STRIDE - 1;
    if (ENC[bytes[q]!] !== 1) {
      w = q + 1;
      continue;
    }
    let k = q - 1;
    while (k >= w && ENC[bytes[k]!] === 1) k--;
    if (k >= w) {
      w = k + 1;
      continue;
    }
    let start = w;
    while (start > 0 && ENC[bytes[start - 1]!] === 1) start--;
    let end = q + 1;
    while (end < n && ENC[bytes[end]!] === 1) end++;
    const runEnd = end;
    w = runEnd + 1;
    while (end < n && bytes[end] === 61 /* = */ && end - runEnd < 2) end++;
    if (end - start < MIN_RUN || end - start > MAX_RUN) continue;
    // A digit that an encoding character follows.
    let any = 0;
    let all = 0xff;
    let i = start;
    for (; i < runEnd - 1; i++) {
      const c = CLASS[bytes[i]!]!;
      any |= c;
      all &= c;
    }
    if ((any & DIGIT) === 0) continue;
    for (; i < end; i++) {
      const c = CLASS[bytes[i]!]!;
      any |= c;
      all &= c;
    }
    found.push(start, end, any | (all << 8));
  }
  return found;
}

function scan(bytes: Uint8Array, set: RuleSet, taken: readonly { start: number; end: number }[], budget: Budget, depth: number): DecodedDetection[] {
  let out: DecodedDetection[] | undefined;
  // Line numbers counted as the scan moves forward.
  let counted = 0;
  let line = 1;
  // All runs first: searching a decoded value below uses the module's memory (not the file's bytes in it).
  const runs = runsOf(bytes, set);
  for (let r = 0; r < runs.length; r += 3) {
    const start = runs[r]!;
    const end = runs[r + 1]!;
    if (taken.some((t) => t.start < end && start < t.end)) continue;
    const decoded = decodeRun(bytes, start, end, runs[r + 2]! & 0xff, runs[r + 2]! >>> 8);
    if (!decoded) continue;
    if (++budget.runs > MAX_RUNS || (budget.bytes += decoded.text.length) > MAX_DECODED) break;
    // As bytes, the way the file's are searched (a decoded value is ASCII text: the same detections as its text
    // gives), so the engine's code meets one kind of input and options; bytes this short are loaded apart from
    // the file's (see KeywordMatcher.encodedRuns).
    const text = decoded.text;
    const inner: (Detection & { decodedFrom?: string })[] = detect(() => text, set, { path: undefined, decode: utf8OfLatin1, found: undefined, bytes: Buffer.from(text, 'latin1') });
    if (depth < 2) {
      const nested = scan(Buffer.from(decoded.text, 'latin1'), set, inner, budget, depth + 1);
      for (const d of nested) inner.push({ ...d, decodedFrom: `${d.decodedFrom} in ${decoded.how}` });
    }
    if (inner.length === 0) continue;
    let lineStart = start;
    while (lineStart > 0 && bytes[lineStart - 1] !== 10) lineStart--;
    for (let i = counted; i < start; i++) if (bytes[i] === 10) line++;
    counted = start;
    for (const d of inner) {
      (out ??= []).push({
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
  return out ?? [];
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}
