/**
 * Checks a Rekor transparency-log entry offline, as Sigstore clients do: the signed entry timestamp (the log's
 * signature over the canonical JSON of body, integrated time, log id and index), the inclusion proof (RFC 6962
 * Merkle audit path from the entry's leaf hash to the root), the checkpoint (a signed note of tree size and root)
 * and that the body records this very signature over this very content.
 */
import { createHash } from 'node:crypto';
import type { TlogEntry } from './bundle.js';
import { verifyBytes } from './keys.js';
import { within, type TrustedLog } from './trusted-root.js';

/** JSON with sorted keys and no spaces (RFC 8785 for the simple values a log entry holds). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** The Merkle leaf hash of an entry body (RFC 6962: SHA-256 of 0x00 and the leaf). */
export function leafHash(body: Uint8Array): Buffer {
  return sha256(Buffer.from([0]), body);
}

/** The interior node hash (RFC 6962: SHA-256 of 0x01, left, right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(Buffer.from([1]), left, right);
}

/** The root an inclusion proof leads to (RFC 9162 2.1.3.2), or undefined when the proof has the wrong length. */
export function rootFromProof(index: bigint, size: bigint, leaf: Buffer, proof: Buffer[]): Buffer | undefined {
  if (index < 0n || index >= size) return undefined;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : undefined;
}

/** What the log entry must record: the signature and who made it, over what digest. */
export interface EntryExpectation {
  /** The signature bytes the bundle carries (message signature or the DSSE signature). */
  signature: Buffer;
  /** The PEM of the signing certificate (or public key). */
  verifierPem: string;
  /** hashedrekord: SHA-256 hex of the artifact; dsse: SHA-256 hex of the payload. */
  digest: string;
}

/** The time the log integrated the entry, once the entry checks out; or why it does not. */
export type TlogResult = { ok: true; integratedTime: Date; log: TrustedLog } | { ok: false; reason: string };

function bodyMatches(kind: string, body: Record<string, unknown>, want: EntryExpectation): string | undefined {
  const spec = (body.spec ?? {}) as Record<string, Record<string, unknown> | unknown[]>;
  const pem = (s: unknown) => Buffer.from(String(s ?? ''), 'base64').toString('utf8').trim();
  if (kind === 'hashedrekord') {
    const data = spec.data as { hash?: { algorithm?: string; value?: string } } | undefined;
    const sig = spec.signature as { content?: string; publicKey?: { content?: string } } | undefined;
    if (data?.hash?.algorithm !== 'sha256' || data.hash.value !== want.digest) return 'the log entry records another artifact digest';
    if (!sig?.content || !Buffer.from(sig.content, 'base64').equals(want.signature)) return 'the log entry records another signature';
    if (pem(sig.publicKey?.content) !== want.verifierPem.trim()) return 'the log entry records another signing certificate';
    return undefined;
  }
  if (kind === 'dsse') {
    const payloadHash = spec.payloadHash as { algorithm?: string; value?: string } | undefined;
    if (payloadHash?.algorithm !== 'sha256' || payloadHash.value !== want.digest) return 'the log entry records another payload digest';
    const sigs = (spec.signatures ?? []) as { signature?: string; verifier?: string }[];
    if (!sigs.some((s) => s.signature && Buffer.from(s.signature, 'base64').equals(want.signature) && pem(s.verifier) === want.verifierPem.trim())) return 'the log entry records another signature or signer';
    return undefined;
  }
  return `log entries of kind ${kind} are not supported`;
}

/** Checks one entry against the trusted logs and what it must record. */
export function verifyTlogEntry(entry: TlogEntry, logs: TrustedLog[], want: EntryExpectation): TlogResult {
  const logIdHex = Buffer.from(entry.logId.keyId, 'base64').toString('hex');
  const log = logs.find((l) => l.logId === logIdHex);
  if (!log) return { ok: false, reason: `the entry is from a log the trusted root does not list (${logIdHex.slice(0, 16)}…)` };
  const integratedTime = new Date(Number(entry.integratedTime) * 1000);
  if (!/^\d+$/.test(entry.integratedTime) || !within(log.validFor, integratedTime)) return { ok: false, reason: 'the entry was integrated outside the time the log key is trusted for' };
  const bodyBytes = Buffer.from(entry.canonicalizedBody, 'base64');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bodyBytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'the entry body is not JSON' };
  }
  const kind = String(body.kind ?? entry.kindVersion?.kind ?? '');
  if (entry.kindVersion && entry.kindVersion.kind !== kind) return { ok: false, reason: 'the entry body is of another kind than the bundle says' };
  const mismatch = bodyMatches(kind, body, want);
  if (mismatch) return { ok: false, reason: mismatch };
  if (!entry.inclusionPromise && !entry.inclusionProof) return { ok: false, reason: 'the entry has neither a signed entry timestamp nor an inclusion proof' };
  if (entry.inclusionPromise) {
    const payload = canonicalJson({ body: entry.canonicalizedBody, integratedTime: Number(entry.integratedTime), logID: logIdHex, logIndex: Number(entry.logIndex) });
    if (!verifyBytes(log.key, Buffer.from(payload), Buffer.from(entry.inclusionPromise.signedEntryTimestamp, 'base64'))) return { ok: false, reason: 'the signed entry timestamp does not verify with the log key' };
  }
  if (entry.inclusionProof) {
    const p = entry.inclusionProof;
    if (!/^\d+$/.test(p.logIndex) || !/^\d+$/.test(p.treeSize)) return { ok: false, reason: 'the inclusion proof has a malformed index or size' };
    const root = rootFromProof(BigInt(p.logIndex), BigInt(p.treeSize), leafHash(bodyBytes), p.hashes.map((h) => Buffer.from(h, 'base64')));
    if (!root || !root.equals(Buffer.from(p.rootHash, 'base64'))) return { ok: false, reason: 'the inclusion proof does not lead to the root hash' };
    const why = checkCheckpoint(p.checkpoint?.envelope ?? '', log, p.treeSize, root);
    if (why) return { ok: false, reason: why };
  }
  return { ok: true, integratedTime, log };
}

/**
 * A checkpoint is a signed note: `origin\nsize\nbase64(root)\n[extensions]\n\n— name base64(keyhint‖signature)\n`.
 * Its size and root must be the proof's, and one signature line must verify with the log key over the note text.
 */
function checkCheckpoint(envelope: string, log: TrustedLog, treeSize: string, root: Buffer): string | undefined {
  const split = envelope.indexOf('\n\n');
  if (split < 0) return 'the checkpoint is not a signed note';
  const text = envelope.slice(0, split + 1);
  const lines = text.split('\n');
  if (lines[1] !== treeSize || lines[2] !== root.toString('base64')) return 'the checkpoint names another tree size or root than the proof';
  const hint = Buffer.from(log.logId, 'hex').subarray(0, 4);
  for (const line of envelope.slice(split + 2).split('\n')) {
    const m = /^\u2014 (.+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) continue;
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.length > 4 && raw.subarray(0, 4).equals(hint) && verifyBytes(log.key, Buffer.from(text), raw.subarray(4))) return undefined;
  }
  return 'the checkpoint signature does not verify with the log key';
}
