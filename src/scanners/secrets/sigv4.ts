import { createHash, createHmac } from 'node:crypto';

/** A request to sign with AWS Signature Version 4 (header form). */
export interface SigV4Request {
  method: string;
  host: string;
  path: string;
  /** Already canonical (sorted, encoded) query string, or ''. */
  query: string;
  /** Headers to sign besides `host` and `x-amz-date` (names in any case). */
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  /** `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** `20150830T123600Z` from a date. */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Signs a request (AWS SigV4, as documented in "Create a signed AWS API request"): returns the signature and the
 * `Authorization` header value. The secret only enters HMAC keys; it is never part of the output.
 */
export function signV4(req: SigV4Request, keyId: string, secret: string): { signature: string; authorization: string; signedHeaders: string } {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers)) headers.set(k.toLowerCase(), v.trim().replace(/\s+/g, ' '));
  headers.set('host', req.host);
  headers.set('x-amz-date', req.amzDate);
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonical = [req.method, req.path, req.query, names.map((n) => `${n}:${headers.get(n)}\n`).join(''), signedHeaders, sha256(req.body)].join('\n');
  const day = req.amzDate.slice(0, 8);
  const scope = `${day}/${req.region}/${req.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', req.amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), req.region), req.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return { signature, signedHeaders, authorization: `AWS4-HMAC-SHA256 Credential=${keyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}
