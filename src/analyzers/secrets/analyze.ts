import { createHash } from 'node:crypto';
import { LineIndex } from '../../core/lines.js';
import { decodedDetections, skipDecoding } from './decode.js';
import type { KeystoreInfo } from './keystore.js';
import { detect, utf8OfLatin1, type Detection, type RuleSet } from './engine.js';
import { redact } from './redact-value.js';

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
  /** The rule's checksum does not verify: reported at low confidence (see Detection.checksumFailed). */
  checksumFailed: boolean;
  /** How the secret was encoded where it was found (`''` when written as it is): `base64 in a Kubernetes Secret`. */
  decodedFrom: string;
  /** Only when the user asked for `--show-secrets` (or `--verify`, which needs it and never reports it). */
  secret?: string;
}

/** `ghp_********(40)` (redact-value.ts). */
export { redact };

const MAX_EVIDENCE = 160;

/** Options of {@link analyzeText} and {@link analyzeBytes}. */
export interface AnalyzeOptions {
  path?: string;
  showSecrets?: boolean;
  /** Keep the raw secret on the hit (for `--verify`) while the evidence stays redacted. */
  keepSecret?: boolean;
  /** Keep only secrets on these 1-based lines (the added lines of a staged diff). */
  changedLines?: ReadonlySet<number> | undefined;
  /** Set to whether the text holds the inline-ignore marker (found by the keyword automaton's pass). */
  found?: { marker: boolean } | undefined;
  /** Decode base64, hex and percent-encoded runs and search them too (default true; see decode.ts). */
  decode?: boolean;
}

/** UTF-8 bytes held one per character (Latin-1) back to text; ASCII as it is, without a copy. */
const utf8Of = utf8OfLatin1;
// At load, both ways, so both are known to the optimising compiler before the first non-ASCII secret (rare)
// would make it start over on the code it was inlined in: a few times, since V8 only starts recording what a
// function meets after its first calls.
for (let i = 0; i < 16; i++) utf8Of(i & 1 ? 'ascii' : '\u00c3\u00a9');
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Runs the rules on a file's bytes. Rules read the bytes as Latin-1 characters, one per byte: decoding costs a
 * copy, not a UTF-8 decode (which is slow for large files with a few non-ASCII characters), and the rules only
 * look for ASCII. Secrets, columns and evidence are turned back into text for the report.
 */
export function analyzeBytes(bytes: Uint8Array, set: RuleSet, opts: AnalyzeOptions): SecretHit[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A UTF-8 byte-order mark is not part of the text (as in decodeText).
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const view = bom ? buf.subarray(bom) : buf;
  // Decoding is only applied to matched text holding bytes >= 0x80, and on ASCII the byte-view regexes match
  // what the text ones do: no need to check the whole file for ASCII first.
  return analyze(() => view.toString('latin1'), set, opts, utf8Of, view);
}

/** Runs the rules on a text and turns detections into hits. */
export function analyzeText(text: string, set: RuleSet, opts: AnalyzeOptions): SecretHit[] {
  return analyze(() => text, set, opts);
}

/**
 * Detections to hits. Every secret found on a line is redacted in that line's evidence, so one finding's
 * evidence never shows another finding's secret. With `decode`, `text` holds UTF-8 bytes as Latin-1 and columns
 * are counted in the decoded line.
 */
function analyze(source: () => string, set: RuleSet, opts: AnalyzeOptions, decode?: (view: string) => string, bytes?: Uint8Array): SecretHit[] {
  let made: string | undefined;
  const getText = () => (made ??= source());
  // One object shape for every file (no conditional spreads: this runs once per file).
  let dets: (Detection & { decodedFrom?: string })[] = detect(getText, set, { path: opts.path, decode, found: opts.found, bytes });
  if (opts.path && YAML_PATH.test(opts.path)) {
    const decoded = kubernetesSecretData(getText(), set);
    if (decoded.length) {
      // A secret found inside a data value says more than the manifest rule at the same place: it replaces it.
      const inside = (d: Detection) => decoded.some((x) => x.start < d.end && d.start < x.end);
      dets = dets.filter((d) => d.ruleId !== 'kubernetes-secret-data' || !inside(d)).concat(decoded);
    }
  }
  if (opts.decode !== false && !skipDecoding(opts.path)) {
    // Encoded runs already reported by a specific rule (a base64 PEM, a Kubernetes value) are not decoded again;
    // a generic rule's hit on the encoded text yields to what its decoding holds.
    const generic = (d: Detection) => genericIds(set).has(d.ruleId);
    // From the bytes when there are some: the text is not made for it.
    const decoded = decodedDetections(bytes ?? getText(), set, dets.filter((d) => !generic(d)));
    if (decoded.length) {
      const inside = (d: Detection) => decoded.some((x) => x.start < d.end && d.start < x.end);
      dets = dets.filter((d) => !generic(d) || !inside(d)).concat(decoded);
    }
  }
  dets = pairSecrets(dets, set, getText);
  if (opts.changedLines) {
    const changed = opts.changedLines;
    dets = dets.filter((d) => {
      for (let l = d.line; l <= d.endLine; l++) if (changed.has(l)) return true;
      return false;
    });
  }
  if (dets.length === 0) return [];
  const text = getText();
  const lines = new LineIndex(text);
  if (decode) {
    // Byte columns to character columns: the length of the decoded line up to the offset.
    const column = (line: number, offset: number) => {
      const before = text.slice(lines.lineStart(line), offset);
      return (ASCII.test(before) ? before.length : decode(before).length) + 1;
    };
    // In place (the detections are this call's own): new objects would have another shape than the ones the
    // code after this sees for texts without a detection to decode.
    for (const d of dets) {
      d.column = column(d.line, d.start);
      d.endColumn = column(d.endLine, d.end);
    }
  }
  const hashes = new Map<string, string>();
  const hashOf = (s: string) => {
    let h = hashes.get(s);
    if (!h) hashes.set(s, (h = 'sha256:' + createHash('sha256').update(s).digest('hex')));
    return h;
  };
  return dets.map((d) => {
    const raw = lines.lineText(d.line);
    const lineText = decode && !ASCII.test(raw) ? decode(raw) : raw;
    let ev = lineText;
    if (!opts.showSecrets) {
      // Redact every detection touching this line, right to left so offsets stay valid.
      const onLine = dets
        .filter((o) => o.line <= d.line && o.endLine >= d.line)
        .map((o) => [o.line < d.line ? 0 : o.column - 1, o.endLine > d.line ? lineText.length : Math.min(lineText.length, o.endColumn - 1), o.secret] as const)
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
      checksumFailed: d.checksumFailed,
      decodedFrom: d.decodedFrom ?? '',
    };
    if (opts.showSecrets || opts.keepSecret) hit.secret = d.secret;
    return hit;
  });
}

/**
 * The finding for a key store file holding a key (see keystore.ts): on the whole file, identified by the SHA-256
 * of its bytes, saying whether an empty or trivial password opens it (never which one). The raw value kept with
 * `keep` is the file as base64.
 */
export function keystoreHit(info: KeystoreInfo, bytes: Uint8Array, keep: boolean): SecretHit {
  const keys = info.sealed
    ? 'entries encrypted as a whole'
    : [info.privateKeys ? `${info.privateKeys} private key${info.privateKeys > 1 ? 's' : ''}` : '', info.secretKeys ? `${info.secretKeys} secret key${info.secretKeys > 1 ? 's' : ''}` : ''].filter(Boolean).join(' and ');
  const password = info.sealed
    ? 'its password was not checked (Twofish encryption)'
    : info.opensWith === undefined
      ? 'its password is not one of the trivial ones tried'
      : info.opensWith === ''
        ? 'it opens with an empty password'
        : 'it opens with a trivial default password';
  const hit: SecretHit = {
    ruleId: info.format === 'PKCS #12' ? 'pkcs12-private-key' : info.format === 'BKS' || info.format === 'UBER' ? 'bouncy-castle-keystore' : 'java-keystore-private-key',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    hash: 'sha256:' + createHash('sha256').update(bytes).digest('hex'),
    redacted: `${info.format}(${bytes.length} bytes)`,
    evidence: info.sealed ? `${info.format} key store, ${keys}; ${password}` : `${info.format} key store with ${keys}; ${password}`,
    length: bytes.length,
    checksumFailed: false,
    decodedFrom: '',
  };
  if (keep) hit.secret = Buffer.from(bytes).toString('base64');
  return hit;
}

/** Rules whose match holds both parts of a key pair (rules/cloud.ts `pair`), and the single-part rules they replace. */
const PAIRS: Record<string, readonly string[]> = {
  'aws-access-key-pair': ['aws-access-key-id', 'aws-secret-access-key'],
  'alibaba-access-key-pair': ['alibaba-access-key-id', 'alibaba-access-key-secret', 'alibaba-secret-key'],
  'twilio-account-pair': ['twilio-account-sid', 'twilio-auth-token'],
  'azure-ad-client-credentials': ['azure-ad-client-secret'],
  'exoscale-api-key-pair': ['exoscale-api-key'],
};

/**
 * A key pair found together is one finding: its secret becomes `id:secret` (so its hash identifies the pair and
 * its redaction shows the ID's prefix), and the findings of either part alone, or of a generic rule, inside the
 * pair's match are dropped. An Entra ID client pair takes in the tenant ID written within five lines of it
 * (`tenant:client:secret`): the three together are what signs in.
 */
function pairSecrets<D extends Detection>(dets: D[], set: RuleSet, text: () => string): D[] {
  for (const d of dets) if (d.ruleId in STORAGE_KEYS) withStorageAccount(d, text);
  if (!dets.some((d) => d.ruleId in PAIRS)) return dets;
  const regions: { start: number; end: number; drops: readonly string[] }[] = [];
  for (const d of dets) {
    const drops = PAIRS[d.ruleId];
    if (!drops) continue;
    const rule = set.rules.find((r) => r.id === d.ruleId)!;
    const m = new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')).exec(d.match);
    const id = m?.groups?.['secret'] ?? m?.groups?.['id2'];
    const key = m?.groups?.['key'] ?? m?.groups?.['key2'];
    if (!id || !key) continue;
    const start = d.start - d.match.lastIndexOf(d.secret);
    regions.push({ start, end: start + d.match.length, drops });
    d.secret = `${id}:${key}`;
    if (d.ruleId === 'azure-ad-client-credentials') {
      const tenant = tenantNear(text(), start, start + d.match.length);
      if (tenant) d.secret = `${tenant}:${d.secret}`;
    }
  }
  const generic = genericIds(set);
  return dets.filter((d) => !regions.some((g) => d.start >= g.start && d.end <= g.end && (g.drops.includes(d.ruleId) || generic.has(d.ruleId))));
}

const UUID_SRC = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** A tenant (directory) ID as a setting's value, or in a sign-in URL. */
const TENANT = new RegExp(
  `(?:tenant|directory)[_\\-.]?id[\\w.\\-]{0,30}?["'\\]]{0,3}[ \\t]{0,4}(?:[:?+]{0,3}=>?|:|>)[ \\t]{0,4}["'\`]{0,3}(${UUID_SRC})(?![0-9A-Za-z])|login\\.microsoftonline\\.com/(${UUID_SRC})`,
  'i',
);

/** The tenant ID written within five lines before `start` or after `end`, if any. */
function tenantNear(text: string, start: number, end: number): string | undefined {
  const m = TENANT.exec(linesAround(text, start, end, 5).text);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The text from `lines` lines before `start` to `lines` lines after `end` (0: the lines holding them), and its offset. */
function linesAround(text: string, start: number, end: number, lines: number): { from: number; text: string } {
  let from = start;
  for (let k = 0; k <= lines && from > 0; k++) from = text.lastIndexOf('\n', from - 2) + 1;
  let to = end;
  for (let k = 0; k <= lines && to >= 0 && to < text.length; k++) {
    const nl = text.indexOf('\n', to + 1);
    to = nl < 0 ? text.length : nl;
  }
  return { from, text: text.slice(from, Math.min(text.length, to)) };
}

/**
 * Azure storage account keys and where their account's name is written: in the connection string itself
 * (`AccountName=…;AccountKey=…`, on the key's line), or as a setting within five lines (`AZURE_STORAGE_ACCOUNT`,
 * `storage_account_name`, `accountName`). A storage account name is 3 to 24 lower-case letters and digits.
 */
const STORAGE_KEYS: Record<string, { lines: number; name: RegExp }> = {
  'azure-storage-connection-string': { lines: 0, name: /AccountName=([a-z0-9]{3,24})(?=[;"'`\s]|$)/g },
  'azure-storage-account-key': {
    lines: 5,
    name: /(?:storage[_\-.]?account(?:[_\-.]?name)?(?![_\-.]?key)|account[_\-.]?name)["'\]]{0,3}[ \t]{0,4}(?:[:?+]{0,3}=>?|:|>)[ \t]{0,4}["'`]{0,3}([a-z0-9]{3,24})(?![A-Za-z0-9_\-.])/gi,
  },
};

/**
 * An Azure storage key with its account's name written near it is a pair: its secret becomes `account:key` (what
 * signs a request), as the key pairs of rules/cloud.ts are. The name nearest to the key is taken.
 */
function withStorageAccount(d: Detection, text: () => string): void {
  const how = STORAGE_KEYS[d.ruleId]!;
  const around = linesAround(text(), d.start, d.end, how.lines);
  let best: { name: string; distance: number } | undefined;
  for (const m of around.text.matchAll(how.name)) {
    const pos = around.from + m.index;
    const distance = pos < d.start ? d.start - pos : pos - d.end;
    if (pos >= d.start && pos < d.end) continue;
    if (!best || distance < best.distance) best = { name: m[1]!.toLowerCase(), distance };
  }
  if (best) d.secret = `${best.name}:${d.secret}`;
}

const GENERIC_IDS = new WeakMap<RuleSet, Set<string>>();
/** Ids of the set's generic rules (computed once per rule set). */
function genericIds(set: RuleSet): Set<string> {
  let ids = GENERIC_IDS.get(set);
  if (!ids) GENERIC_IDS.set(set, (ids = new Set(set.rules.filter((r) => r.generic).map((r) => r.id))));
  return ids;
}

const YAML_PATH = /\.ya?ml$/i;
/** `kind: Secret` at the start of a line (a Kubernetes manifest, possibly one document of several). */
const SECRET_KIND = /^kind:[ \t]*["']?Secret["']?[ \t]*$/m;
/** A `key: value` line under `data:` whose value is base64 (indented, so it belongs to the mapping). */
const DATA_ENTRY = /^([ \t]+)[\w.\-]+:[ \t]*["']?([A-Za-z0-9+/]{8,}={0,2})["']?[ \t]*$/;

/**
 * Secrets inside the base64 `data:` values of Kubernetes `Secret` manifests: each value is decoded and searched
 * with the same rules; a detection is reported at the encoded value (its whole span), with the decoded secret.
 * Values that do not decode to text are skipped.
 */
function kubernetesSecretData(text: string, set: RuleSet): (Detection & { decodedFrom: string })[] {
  if (!SECRET_KIND.test(text)) return [];
  const out: (Detection & { decodedFrom: string })[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let inData: string | undefined; // the indentation of the `data:` key, while inside its mapping
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = offset;
    offset += line.length + 1;
    const data = /^([ \t]*)(?:data|binaryData):[ \t]*$/.exec(line);
    if (data) {
      inData = data[1]!;
      continue;
    }
    if (inData === undefined || line.trim() === '' || line.trimStart().startsWith('#')) continue;
    // A line indented no deeper than `data:` ends its mapping.
    if (/^[ \t]*/.exec(line)![0].length <= inData.length) {
      inData = undefined;
      continue;
    }
    const m = DATA_ENTRY.exec(line);
    if (!m) continue;
    const value = m[2]!;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (!decoded || /[\x00-\x08\x0e-\x1f\ufffd]/.test(decoded)) continue;
    const at = start + line.indexOf(value);
    for (const d of detect(decoded, set)) {
      out.push({
        ...d,
        start: at,
        end: at + value.length,
        line: i + 1,
        column: line.indexOf(value) + 1,
        endLine: i + 1,
        endColumn: line.indexOf(value) + value.length + 1,
        decodedFrom: 'base64 in a Kubernetes Secret',
      });
    }
  }
  return out;
}
