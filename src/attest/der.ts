/**
 * A small DER reader: enough of ASN.1 to read what signature verification needs from an X.509 certificate that
 * `node:crypto` does not expose (the extensions Fulcio adds: subject alternative names, the OIDC issuer).
 */

/** One DER element: its tag byte split into class and number, and its content bytes. */
export interface DerNode {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  tag: number;
  /** Content bytes (without tag and length). */
  value: Buffer;
  /** The whole element (tag, length and content). */
  raw: Buffer;
}

/** Thrown for bytes that are not well-formed DER. */
export class DerError extends Error {}

/** Reads one element at `offset`; returns it and the offset after it. */
export function readDer(buf: Buffer, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > buf.length) throw new DerError('DER cut short');
  const first = buf[offset]!;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  let p = offset + 1;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= buf.length || i > 4) throw new DerError('DER tag too long');
      const b = buf[p++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= buf.length) throw new DerError('DER cut short');
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw new DerError('DER length not supported');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > buf.length) throw new DerError('DER element runs past its end');
  return { node: { cls, constructed, tag, value: buf.subarray(p, p + len), raw: buf.subarray(offset, p + len) }, next: p + len };
}

/** The child elements of a constructed element. */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let p = 0;
  while (p < node.value.length) {
    const r = readDer(node.value, p);
    out.push(r.node);
    p = r.next;
  }
  return out;
}

/** The dotted text of an OBJECT IDENTIFIER's content bytes. */
export function oidText(value: Buffer): string {
  if (value.length === 0) throw new DerError('empty OID');
  const first = value[0]!;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let n = 0;
  for (let i = 1; i < value.length; i++) {
    const b = value[i]!;
    n = n * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

/** One extension of a certificate: its OID, whether it is critical, and the DER inside its OCTET STRING. */
export interface CertExtension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

/** The extensions of a DER certificate (empty when it has none). */
export function certificateExtensions(der: Buffer): CertExtension[] {
  const cert = readDer(der).node;
  const tbs = children(cert)[0];
  if (!tbs) throw new DerError('not a certificate');
  const ext = children(tbs).find((c) => c.cls === 2 && c.tag === 3);
  if (!ext) return [];
  const list = children(ext)[0];
  if (!list) return [];
  return children(list).map((e) => {
    const parts = children(e);
    const oid = oidText(parts[0]!.value);
    const critical = parts.length === 3 && parts[1]!.tag === 1 && parts[1]!.value[0] !== 0;
    return { oid, critical, value: parts[parts.length - 1]!.value };
  });
}

/** Subject alternative names of a certificate: e-mail addresses and URIs (what Fulcio puts there). */
export function subjectAltNames(exts: CertExtension[]): { emails: string[]; uris: string[] } {
  const out = { emails: [] as string[], uris: [] as string[] };
  const san = exts.find((e) => e.oid === '2.5.29.17');
  if (!san) return out;
  for (const n of children(readDer(san.value).node)) {
    if (n.cls !== 2) continue;
    if (n.tag === 1) out.emails.push(n.value.toString('latin1'));
    if (n.tag === 6) out.uris.push(n.value.toString('latin1'));
  }
  return out;
}

/** Extended key usages (OIDs) of a certificate. */
export function extendedKeyUsages(exts: CertExtension[]): string[] {
  const eku = exts.find((e) => e.oid === '2.5.29.37');
  return eku ? children(readDer(eku.value).node).map((n) => oidText(n.value)) : [];
}

/** A string-valued extension: DER-encoded (UTF8String and kin) or, for Fulcio's first OIDs, raw bytes. */
export function extensionText(exts: CertExtension[], oid: string): string | undefined {
  const e = exts.find((x) => x.oid === oid);
  if (!e) return undefined;
  try {
    const { node, next } = readDer(e.value);
    if (next === e.value.length && node.cls === 0 && [12, 19, 22, 26].includes(node.tag)) return node.value.toString('utf8');
  } catch {
    // raw bytes: the value itself
  }
  return e.value.toString('utf8');
}
