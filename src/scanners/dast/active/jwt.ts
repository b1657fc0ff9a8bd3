/**
 * JWT flaws of the session token the login returned: a guessable HMAC secret (tried offline against the
 * bundled wordlist), `alg: none`, a `kid` pointing at /dev/null with an empty key, and a `jku` pointing at
 * pipeguard's callback listener serving its own key set. Acceptance is judged on the logged-in check URL: a forged
 * token counts as accepted when it gets the signed-in answer while a token with a wrong signature does not.
 */
import { createHmac, generateKeyPairSync, sign as rsaSign, timingSafeEqual } from 'node:crypto';
import { redact } from '../../../analyzers/secrets/analyze.js';
import type { DastRun } from '../context.js';
import type { Res } from '../http/client.js';
import { differs, same } from './compare.js';
import { JWT_SECRETS } from './jwt-secrets.js';

/** Where the session token travels and how to send a replacement. */
export interface JwtSlot {
  token: string;
  /** Headers that carry `t` in place of the session token. */
  headersWith(t: string): Record<string, string>;
}

const JWT = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** The decoded header and payload of a JWT, or undefined. */
export function decodeJwt(t: string): { header: Record<string, unknown>; payload: string; signingInput: string; signature: string } | undefined {
  if (!JWT.test(t)) return undefined;
  const [h, p, s] = t.split('.') as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof header !== 'object' || header === null || typeof header.alg !== 'string') return undefined;
    return { header, payload: p, signingInput: `${h}.${p}`, signature: s };
  } catch {
    return undefined;
  }
}

/** The secret of an HS256/384/512 token from the wordlist, or undefined. */
export function crackHmac(t: string, words: readonly string[] = JWT_SECRETS): string | undefined {
  const d = decodeJwt(t);
  if (!d) return undefined;
  const algo = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[String(d.header.alg)];
  if (!algo) return undefined;
  const sig = Buffer.from(d.signature, 'base64url');
  for (const w of words) {
    const mac = createHmac(algo, w).update(d.signingInput).digest();
    if (mac.length === sig.length && timingSafeEqual(mac, sig)) return w;
  }
  return undefined;
}

function forge(header: Record<string, unknown>, payload: string, key: string | null, alg = 'sha256'): string {
  const input = `${b64(JSON.stringify(header))}.${payload}`;
  if (key === null) return `${input}.`;
  return `${input}.${createHmac(alg, key).update(input).digest('base64url')}`;
}

/** The JWT checks, given where the session token is. */
export async function checkJwt(run: DastRun, slot: JwtSlot | undefined, checkUrl: string | undefined): Promise<void> {
  if (!slot || !run.any('dast-jwt-weak-secret', 'dast-jwt-none', 'dast-jwt-kid-injection', 'dast-jwt-jku')) return;
  const d = decodeJwt(slot.token);
  if (!d) return;
  const pathTemplate = checkUrl ? new URL(checkUrl).pathname : '/';
  if (run.enabled('dast-jwt-weak-secret')) {
    const secret = crackHmac(slot.token);
    if (secret !== undefined) {
      run.report('dast-jwt-weak-secret', {
        url: checkUrl ?? run.origin + '/',
        method: 'GET',
        pathTemplate: '/*',
        message: `The session token is an ${String(d.header.alg)} JWT signed with a secret from the common-secrets list (${redact(secret)}): anyone can forge tokens.`,
        evidence: `alg ${String(d.header.alg)}, secret ${redact(secret)} (${secret.length} characters)`,
      });
    }
  }
  if (!checkUrl) return;
  const get = (t: string) => run.send({ method: 'GET', url: checkUrl, as: null, headers: slot.headersWith(t), quiet: true });
  const good = await get(slot.token);
  const bad = await get(`${d.signingInput}.${b64('pipeguard-wrong-signature-0123456789')}`);
  if (!good || !bad || !differs(good, bad) || good.status >= 400) return;
  const accepted = (r: Res | undefined) => r !== undefined && same(r, good) && differs(r, bad);
  const report = (ruleId: string, res: Res, what: string) =>
    run.report(ruleId, { url: checkUrl, method: 'GET', pathTemplate, message: `${pathTemplate} accepted a forged session token (${what}): anyone can sign in as anyone.`, res, evidence: what });
  if (run.enabled('dast-jwt-none')) {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const r = await get(forge({ ...d.header, alg }, d.payload, null));
      if (accepted(r)) {
        report('dast-jwt-none', r!, `alg ${alg}, no signature`);
        break;
      }
    }
  }
  if (run.enabled('dast-jwt-kid-injection')) {
    for (const kid of ['../../../../../../../../../../dev/null', '/dev/null']) {
      const r = await get(forge({ ...d.header, alg: 'HS256', kid }, d.payload, ''));
      if (accepted(r)) {
        report('dast-jwt-kid-injection', r!, `kid ${kid}, HS256 with an empty key`);
        break;
      }
    }
  }
  if (run.enabled('dast-jwt-jku') && run.oob) {
    const { token, url } = run.oob.token();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: 'pipeguard', use: 'sig', alg: 'RS256' };
    run.oob.serve(token, JSON.stringify({ keys: [jwk] }), 'application/json');
    const header = { alg: 'RS256', typ: 'JWT', jku: url, kid: 'pipeguard' };
    const input = `${b64(JSON.stringify(header))}.${d.payload}`;
    const forged = `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    const r = await get(forged);
    const hits = await run.oob.waitFor(token, 1000);
    if (accepted(r)) report('dast-jwt-jku', r!, `jku ${url}, signed with pipeguard's own RSA key`);
    else if (hits.length && r) {
      run.report('dast-jwt-jku', { url: checkUrl, method: 'GET', pathTemplate, message: `${pathTemplate} fetched the key set a forged token pointed to in its jku header (${hits[0]!.path}); the token was not accepted, but the key URL is not pinned.`, res: r, confidence: 'medium' });
    }
  }
}
