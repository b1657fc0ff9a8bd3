/** What the IaC checks share: the hit a detector reports, and how a secret-looking variable is told from a reference. */
import type { Severity } from '../../core/types.js';
import type { Span } from '../../core/lines.js';

/** What one detector says about a file; {@link Reporter} turns it into a RawFinding. */
export interface Hit {
  rule: string;
  span: Span;
  /** Resource address plus what was matched; never a line number. */
  identity: string;
  message: string;
  /** Severity override for this hit (e.g. a public port is worse than a loopback one). */
  severity?: Severity;
  data?: Record<string, unknown>;
  logical?: string;
}

/** Secret-looking variable names: passwords, tokens, keys. */
export const SECRET_NAME = /(?:^|[_.-])(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token)(?:$|[_.-])|(?:password|secret|token|apikey)$/i;
/** Name suffixes that say the variable holds a reference, not the secret itself. */
const SECRET_NAME_REF = /(?:_|-|\.)(?:file|path|dir|url|uri|endpoint|host|length|len|ttl|expiry|expires|timeout|type|name|id|header|env|enabled|mode|policy)$/i;

/** True when a variable name says it holds a secret value (PASSWORD, API_KEY), not a reference to one. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !SECRET_NAME_REF.test(name);
}

/** True when a value is a placeholder or a reference rather than a literal secret. */
export function isPlaceholderValue(v: string): boolean {
  const s = v.trim();
  if (s === '') return true;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?[-=?][^}]*)?\}?$/.test(s)) return true;
  if (/^\$\{\{.*\}\}$/.test(s) || /^\{\{.*\}\}$/.test(s)) return true;
  if (/^(?:changeme|change-me|xxx+|\*+|<[^>]+>|example|dummy|placeholder|todo|none|null|false|true)$/i.test(s)) return true;
  if (/^\/(?:run|var\/run)\/secrets\//.test(s)) return true;
  return false;
}
