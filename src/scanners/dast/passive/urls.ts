/**
 * Credentials in URLs: GET forms with a password field, and links or API parameters that put a password, token
 * or key in the query string (where server logs, browser history and Referer headers keep it).
 */
import type { DastRun } from '../context.js';
import type { Endpoint } from '../endpoints.js';

const SENSITIVE = /^(pass(word)?|passwd|pwd|pin|secret|client_secret|token|access_token|refresh_token|id_token|auth|auth_token|api[_-]?key|apikey|session(id)?|sid|ssn|credit_?card|card_?number|cvv)$/i;

/** Reports endpoints whose query carries credentials. */
export function checkSensitiveUrls(run: DastRun, endpoints: Endpoint[]): void {
  for (const e of endpoints) {
    if (e.method !== 'GET') continue;
    const p = e.params.find((x) => x.in === 'query' && ((e.password ?? []).includes(x.name) || SENSITIVE.test(x.name)));
    if (!p) continue;
    const form = (e.password ?? []).includes(p.name);
    run.report('dast-sensitive-data-in-url', {
      endpoint: e,
      param: p,
      message: form
        ? `The form sending to ${e.pathTemplate} puts its password field ${p.name} in the URL (method GET).`
        : `${e.pathTemplate} takes the credential ${p.name} in its query string.`,
    });
  }
}
