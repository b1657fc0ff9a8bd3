/**
 * A Sigstore trusted root (`trusted_root.json`, media type `application/vnd.dev.sigstore.trustedroot+json`): the
 * certificate authorities (Fulcio) whose certificates keyless signatures chain to, and the transparency logs
 * (Rekor) whose keys sign log entries, each with the time span it is trusted for. The public-good instance's file is
 * what `sigstore`'s TUF client fetches; pipeguard reads it from disk and never fetches it.
 */
import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** A time span (end open when absent). */
export interface ValidFor {
  start: Date;
  end?: Date;
}

/** One certificate authority: its chain, leaf-most first, root last. */
export interface TrustedCa {
  uri: string;
  chain: X509Certificate[];
  validFor: ValidFor;
}

/** One transparency log: its key, and the log id (SHA-256 of the key's DER) entries name it by. */
export interface TrustedLog {
  baseUrl: string;
  key: KeyObject;
  /** Hex. */
  logId: string;
  validFor: ValidFor;
}

/** The parsed trusted root. */
export interface TrustedRoot {
  cas: TrustedCa[];
  tlogs: TrustedLog[];
}

function validFor(v: unknown, what: string, file: string): ValidFor {
  const o = (v ?? {}) as { start?: unknown; end?: unknown };
  const start = typeof o.start === 'string' ? new Date(o.start) : new Date(0);
  const end = typeof o.end === 'string' ? new Date(o.end) : undefined;
  if (Number.isNaN(start.getTime()) || (end && Number.isNaN(end.getTime()))) throw new InputError(`${what}: validFor holds a date that does not parse`, file);
  return { start, ...(end ? { end } : {}) };
}

/** True when `t` falls in the span. */
export function within(v: ValidFor, t: Date): boolean {
  return t.getTime() >= v.start.getTime() && (!v.end || t.getTime() <= v.end.getTime());
}

/** Reads a trusted root file; a malformed one is an InputError naming it. */
export function loadTrustedRoot(file: string): TrustedRoot {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`cannot read the trusted root: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  if (typeof j !== 'object' || j === null || typeof j.mediaType !== 'string' || !j.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new InputError('not a Sigstore trusted root (mediaType application/vnd.dev.sigstore.trustedroot+json)', file);
  }
  const cas: TrustedCa[] = [];
  for (const [i, ca] of ((j.certificateAuthorities ?? []) as Record<string, unknown>[]).entries()) {
    const certs = ((ca.certChain as { certificates?: { rawBytes?: string }[] } | undefined)?.certificates ?? []).map((c, k) => {
      try {
        return new X509Certificate(Buffer.from(String(c.rawBytes), 'base64'));
      } catch {
        throw new InputError(`certificateAuthorities[${i}] certificate ${k} is not a DER certificate`, file);
      }
    });
    if (certs.length === 0) throw new InputError(`certificateAuthorities[${i}] has no certificates`, file);
    cas.push({ uri: String(ca.uri ?? ''), chain: certs, validFor: validFor(ca.validFor, `certificateAuthorities[${i}]`, file) });
  }
  const tlogs: TrustedLog[] = [];
  for (const [i, t] of ((j.tlogs ?? []) as Record<string, unknown>[]).entries()) {
    const pk = (t.publicKey ?? {}) as { rawBytes?: string; validFor?: unknown };
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(String(pk.rawBytes), 'base64'), format: 'der', type: 'spki' });
    } catch {
      throw new InputError(`tlogs[${i}] publicKey.rawBytes is not a DER public key`, file);
    }
    const logId = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
    tlogs.push({ baseUrl: String(t.baseUrl ?? ''), key, logId, validFor: validFor(pk.validFor, `tlogs[${i}]`, file) });
  }
  if (cas.length === 0) throw new InputError('the trusted root lists no certificate authority', file);
  if (tlogs.length === 0) throw new InputError('the trusted root lists no transparency log', file);
  return { cas, tlogs };
}
