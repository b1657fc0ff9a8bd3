/**
 * Request signing of the providers whose credential signs requests instead of being sent: Azure Storage Shared Key
 * and Exoscale API v2 (AWS SigV4 is sigv4.ts). The secret only enters HMAC keys; it is never part of the output.
 */
import { createHmac } from 'node:crypto';

/** The Azure Storage service version the verifier speaks (`x-ms-version`). */
export const AZURE_STORAGE_VERSION = '2021-08-06';

/** A Blob service request to sign with Shared Key. */
export interface SharedKeyRequest {
  method: string;
  account: string;
  /** The URL path as sent (`/` for the service). */
  path: string;
  /** Query parameters, decoded. */
  query: Record<string, string>;
  /** Headers, names in any case; `x-ms-*` ones are signed. */
  headers: Record<string, string>;
  /** Body length; 0 signs as an empty Content-Length, as the service expects. */
  contentLength?: number;
}

/** The standard headers of the Shared Key string to sign, in order, after the verb. */
const STANDARD = ['content-encoding', 'content-language', 'content-length', 'content-md5', 'content-type', 'date', 'if-modified-since', 'if-match', 'if-none-match', 'if-unmodified-since', 'range'];

/** The string Shared Key signs for the Blob, Queue and File services (version 2009-09-19 and later). */
export function sharedKeyStringToSign(req: SharedKeyRequest): string {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers)) headers.set(k.toLowerCase(), v.trim());
  if (req.contentLength) headers.set('content-length', String(req.contentLength));
  const standard = STANDARD.map((h) => headers.get(h) ?? '');
  const msHeaders = [...headers.keys()]
    .filter((h) => h.startsWith('x-ms-'))
    .sort()
    .map((h) => `${h}:${headers.get(h)!.replace(/\s+/g, ' ')}\n`)
    .join('');
  const query = Object.keys(req.query)
    .map((k) => k.toLowerCase())
    .sort()
    .map((k) => `\n${k}:${Object.entries(req.query).find(([q]) => q.toLowerCase() === k)![1]}`)
    .join('');
  return [req.method.toUpperCase(), ...standard].join('\n') + '\n' + msHeaders + `/${req.account}${req.path}` + query;
}

/**
 * The Shared Key signature of a request (base64 HMAC-SHA256 of the string to sign, keyed with the decoded account
 * key), for `Authorization: SharedKey <account>:<signature>`; undefined when the key is not base64.
 */
export function sharedKeySignature(req: SharedKeyRequest, accountKey: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(accountKey)) return undefined;
  return createHmac('sha256', Buffer.from(accountKey, 'base64')).update(sharedKeyStringToSign(req), 'utf8').digest('base64');
}

/** An Exoscale API v2 request to sign (no query arguments: the verifier sends none). */
export interface ExoscaleRequest {
  method: string;
  /** The URL path, as sent. */
  path: string;
  body: string;
  /** Unix time (seconds) after which the signature is refused. */
  expires: number;
  /** Query arguments to sign, by name: their values are signed in the order of their sorted names. */
  query?: Record<string, string>;
}

/**
 * The `Authorization` header of an Exoscale API v2 request: `EXO2-HMAC-SHA256 credential=<key>[,signed-query-args=
 * <names>],expires=<t>,signature=<s>`, where the signature is the base64 HMAC-SHA256 (keyed with the API secret)
 * of `<METHOD> <path>`, the body, the signed arguments' values concatenated, the signed headers (none) and the
 * expiry, one a line.
 */
export function exoscaleAuthorization(req: ExoscaleRequest, apiKey: string, secret: string): string {
  const names = Object.keys(req.query ?? {}).sort();
  const values = names.map((n) => req.query![n]).join('');
  const message = [`${req.method.toUpperCase()} ${req.path}`, req.body, values, '', String(req.expires)].join('\n');
  const signature = createHmac('sha256', secret).update(message, 'utf8').digest('base64');
  return `EXO2-HMAC-SHA256 credential=${apiKey}${names.length ? `,signed-query-args=${names.join(';')}` : ''},expires=${req.expires},signature=${signature}`;
}
