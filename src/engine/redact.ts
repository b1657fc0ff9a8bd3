/**
 * The engine's last word on secrets: every text a finding carries from the scanned content (snippets, evidence,
 * messages, taint-path snippets) passes through here before a report is made, whatever scanner made it. Two
 * passes: values the built-in secret rules recognise are masked anywhere; and in findings about a hard-coded
 * credential (a Dockerfile ENV, a Kubernetes env value, a JWT signing key), the literal values of the snippet are
 * masked too, since the scanner flagged them precisely because they are secrets.
 */
import type { Finding, FlowStep, Location } from '../core/types.js';
import { redact } from '../analyzers/secrets/analyze.js';

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
    const out: F = { ...f, location: redactLocation(f.location, clean), message: mask(f.message) };
    if (f.evidence !== undefined) out.evidence = clean(f.evidence);
    if (f.flow) out.flow = f.flow.map((s): FlowStep => ({ ...s, location: redactLocation(s.location, clean), message: mask(s.message) }));
    return out;
  });
}

function redactLocation(loc: Location, clean: (t: string) => string): Location {
  if ('snippet' in loc && loc.snippet !== undefined) return { ...loc, snippet: clean(loc.snippet) };
  return loc;
}

/** Masks every literal value of a line (`KEY=value`, `"value"`), keeping names and structure readable. */
export function maskLiterals(text: string): string {
  return text.replace(LITERAL, (m, q: string | undefined, quoted: string | undefined, sep: string | undefined, bare: string | undefined) => {
    if (q !== undefined && quoted !== undefined) return quoted.includes('********(') ? m : `${q}${redact(quoted)}${q}`;
    if (bare === undefined || bare.includes('********(') || /^\$\{?[A-Za-z_]|^\{\{/.test(bare)) return m;
    return `${sep}${redact(bare)}`;
  });
}
