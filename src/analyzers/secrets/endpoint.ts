/**
 * True when a base URL may carry secrets: HTTPS, or plain HTTP to a loopback address. Apart from config.ts (its
 * schema) so that the verifier loads without zod.
 */
export function endpointAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (u.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(u.hostname));
  } catch {
    return false;
  }
}
