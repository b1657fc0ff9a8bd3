/**
 * The engine's last word on secrets: every text a finding carries from the scanned content (snippets, evidence,
 * messages, taint-path snippets) passes through here before a report is made, whatever scanner made it. Two
 * passes: values the built-in secret rules recognise are masked anywhere; and in findings about a hard-coded
 * credential (a Dockerfile ENV, a Kubernetes env value, a JWT signing key), the literal values of the snippet are
 * masked too, since the scanner flagged them precisely because they are secrets.
 */
import type { Finding, FlowStep, Location, Origin } from '../core/types.js';
import { redact } from '../analyzers/secrets/redact-value.js';

/** CWEs of findings whose snippet holds a credential literal. */
const CREDENTIAL_CWES = new Set(['CWE-798', 'CWE-259', 'CWE-321', 'CWE-522', 'CWE-538', 'CWE-312', 'CWE-540', 'CWE-547']);

/** A value after `=`/`:`/`(`/`,` or in quotes, at least 4 characters: what a credential literal looks like. */
const LITERAL = /(["'`])((?:(?!\1)[^\\\n]|\\.){4,})\1|([=:]\s*)([^\s"'`,;)}\]]{4,})/g;

/** Masks the values a secret detector finds in `text`; returns it unchanged when there are none. */
export type SecretMasker = (text: string) => string;

/**
 * Returns the findings with their texts redacted. `mask` masks what the secret rules find (built by the caller
 * from the secrets engine, so this module does not load it when nothing needs it).
 */
export function redactFindings<F extends Finding>(findings: F[], mask: SecretMasker): F[] {
  return findings.map((f) => {
    const credential = (f.cwe ?? []).some((c) => CREDENTIAL_CWES.has(c.toUpperCase())) || (f.tags ?? []).includes('secret');
    const clean = (t: string): string => {
      const masked = mask(t);
      return credential && f.scanner !== 'secrets' ? maskLiterals(masked) : masked;
    };
    const out: F = { ...f, location: redactLocation(f.location, clean, mask), message: mask(f.message) };
    if (f.origin) out.origin = redactOrigin(f.origin, mask);
    if (f.evidence !== undefined) out.evidence = clean(f.evidence);
    if (f.flow) out.flow = f.flow.map((s): FlowStep => ({ ...s, location: redactLocation(s.location, clean, mask), message: mask(s.message) }));
    return out;
  });
}

/**
 * A location with its snippet cleaned and its names masked: a file may be named after a secret it holds
 * (`ghp_….txt`), and the name is printed in every format.
 */
function redactLocation(loc: Location, clean: (t: string) => string, mask: SecretMasker): Location {
  const out = { ...loc } as Location & Record<string, unknown>;
  if ('snippet' in loc && loc.snippet !== undefined) (out as { snippet?: string }).snippet = clean(loc.snippet);
  for (const key of ['path', 'manifest', 'url', 'file'] as const) {
    const v = out[key];
    if (typeof v === 'string') out[key] = mask(v);
  }
  return out;
}

/** Commit metadata (message, author, e-mail) and archive member names, masked: all come from the scanned content. */
function redactOrigin(o: Origin, mask: SecretMasker): Origin {
  const out: Origin = { ...o };
  if (o.message !== undefined) out.message = mask(o.message);
  if (o.author !== undefined) out.author = mask(o.author);
  if (o.email !== undefined) out.email = mask(o.email);
  if (o.createdBy !== undefined) out.createdBy = mask(o.createdBy);
  if (o.archive) out.archive = o.archive.map(mask);
  return out;
}

/** Masks every literal value of a line (`KEY=value`, `"value"`), keeping names and structure readable. */
export function maskLiterals(text: string): string {
  return text.replace(LITERAL, (m, q: string | undefined, quoted: string | undefined, sep: string | undefined, bare: string | undefined) => {
    if (q !== undefined && quoted !== undefined) return quoted.includes('********(') ? m : `${q}${redact(quoted)}${q}`;
    if (bare === undefined || bare.includes('********(') || /^\$\{?[A-Za-z_]|^\{\{/.test(bare)) return m;
    return `${sep}${redact(bare)}`;
  });
}
