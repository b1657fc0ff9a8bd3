/**
 * A live URL as a target (DAST): it offers the `http` capability and no files. Opening checks only that the URL
 * is an absolute http(s) URL without credentials; whether it answers is the scanner's first request.
 */
import { InputError } from '../core/errors.js';
import type { Target } from '../core/types.js';

/** Opens `url` as a target of kind `url`. */
export function openUrl(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`not a URL: ${JSON.stringify(url)} (give e.g. http://127.0.0.1:3000/)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InputError(`only http and https URLs can be scanned, not ${u.protocol}`);
  if (u.username || u.password) throw new InputError('the URL holds credentials: give them in an auth file (--auth) instead');
  u.hash = '';
  const baseUrl = u.href;
  return {
    kind: 'url',
    id: baseUrl,
    http: { baseUrl },
    async dispose() {},
  };
}
