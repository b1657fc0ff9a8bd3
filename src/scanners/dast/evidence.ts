/**
 * Request/response evidence for findings, with credentials taken out: Authorization, Cookie, Set-Cookie and
 * API-key headers, and every password, token and cookie value the scan knows, wherever they appear (URL, headers,
 * body). The secrets engine's redaction form is used (`eyJh********(154)`).
 */
import { analyzeText, redact } from '../../analyzers/secrets/analyze.js';
import { secretsConfigSchema } from '../../analyzers/secrets/config.js';
import type { RuleSet } from '../../analyzers/secrets/engine.js';
import { buildRuleSet, ruleSetInput } from '../../analyzers/secrets/ruleset.js';
import type { Res } from './http/client.js';

const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-access-token|x-csrf-token|x-xsrf-token)$/i;
const MAX_BODY = 2048;

/** Known secrets of this scan, replaced wherever they appear. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a value never to print (short values are ignored: they would redact ordinary words). */
  add(value: string | undefined): void {
    if (value && value.length >= 6) {
      this.secrets.add(value);
      try {
        const enc = encodeURIComponent(value);
        if (enc !== value) this.secrets.add(enc);
      } catch {
        // a lone surrogate: only the raw form
      }
    }
  }

  /** True when `value` is one of the scan's own credentials (a session token the login returned). */
  knows(value: string): boolean {
    return this.secrets.has(value);
  }

  /** `text` with every known secret redacted. */
  text(text: string): string {
    let out = text;
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) if (out.includes(s)) out = out.split(s).join(redact(s));
    return out;
  }

  /** `text` with known secrets and anything the secrets engine finds redacted (for bodies shown as evidence). */
  body(text: string): string {
    let out = this.text(text);
    for (const hit of analyzeText(out, secretRules(), { showSecrets: true })) {
      if (hit.secret && hit.secret.length >= 6) out = out.split(hit.secret).join(redact(hit.secret));
    }
    return out;
  }

  /** Headers with credential headers redacted whole (cookies keep their names). */
  headers(h: Record<string, string | string[]>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) {
      const val = Array.isArray(v) ? v.join(', ') : v;
      out[k] = SECRET_HEADERS.test(k) ? redactHeader(k, val) : this.text(val);
    }
    return out;
  }
}

function redactHeader(name: string, v: string): string {
  if (/^(cookie|set-cookie)$/i.test(name)) {
    return v.replace(/(^|;\s*|,\s*)([^=;,\s]+)=([^;,]*)/g, (_, pre: string, n: string, val: string) =>
      /^(path|domain|expires|max-age|samesite|secure|httponly)$/i.test(n) ? `${pre}${n}=${val}` : `${pre}${n}=${val ? redact(val) : ''}`,
    );
  }
  const m = /^(\w+)\s+(.+)$/.exec(v);
  return m ? `${m[1]} ${redact(m[2]!)}` : redact(v);
}

/** Evidence of one exchange, as finding data: what SARIF writes as `webRequest`/`webResponse`. */
export interface Exchange {
  request: { method: string; target: string; headers: Record<string, string>; body?: string };
  response: { statusCode: number; reasonPhrase: string; headers: Record<string, string>; body?: string };
}

/** The exchange of `res`, redacted, bodies cut to 2 KiB around `focus` when given. */
export function exchange(res: Res, r: Redactor, focus?: string): Exchange {
  const reqBody = res.sent.body;
  const out: Exchange = {
    request: { method: res.sent.method, target: r.text(res.sent.url), headers: r.headers(res.sent.headers) },
    response: { statusCode: res.status, reasonPhrase: res.statusText, headers: r.headers(res.headers) },
  };
  if (reqBody !== undefined) out.request.body = r.body(cut(reqBody));
  if (res.body) out.response.body = r.body(cut(res.body, focus));
  return out;
}

/** At most 2 KiB of `s`, around the first `focus` when given. */
export function cut(s: string, focus?: string): string {
  if (s.length <= MAX_BODY) return s;
  const at = focus ? s.indexOf(focus) : -1;
  const from = at < 0 ? 0 : Math.max(0, Math.min(at - 512, s.length - MAX_BODY));
  return `${from > 0 ? '…' : ''}${s.slice(from, from + MAX_BODY)}${from + MAX_BODY < s.length ? '…' : ''}`;
}

/** A short excerpt of `s` around `focus` (one line, at most `n` characters), for a finding's evidence. */
export function excerpt(s: string, focus: string, n = 120): string {
  const at = s.indexOf(focus);
  if (at < 0) return s.slice(0, n).replace(/\s+/g, ' ');
  const from = Math.max(0, at - Math.floor((n - focus.length) / 2));
  return s.slice(from, from + n).replace(/\s+/g, ' ');
}

let rules: RuleSet | undefined;

/** The secrets engine's built-in rules, compiled once. */
export function secretRules(): RuleSet {
  return (rules ??= buildRuleSet(ruleSetInput(secretsConfigSchema.parse({}))));
}
