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
 * from the secrets engine, so this module does not load it when nothing needs it). A finding none of whose texts
 * changes is returned as it is (most findings: a report of thousands copied every one, location included).
 */
export function redactFindings<F extends Finding>(findings: F[], mask: SecretMasker): F[] {
  const out = new Array<F>(findings.length);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    // Nothing to mask but credential literals: the other findings stay as they are.
    const literals = holdsCredential(f);
    out[i] = mask === noSecrets && !literals ? f : redactFinding(f, mask, literals);
  }
  return out;
}

/** The masker for texts known to hold no secret the built-in rules find: {@link redactFindings} then masks only credential literals. */
export const noSecrets: SecretMasker = (text) => text;

/** Whether a finding's snippet and evidence hold a credential literal (their values are masked too). */
function holdsCredential(f: Finding): boolean {
  if (f.scanner === 'secrets') return false;
  if (f.cwe) for (const c of f.cwe) if (CREDENTIAL_CWES.has(c) || CREDENTIAL_CWES.has(c.toUpperCase())) return true;
  return f.tags !== undefined && f.tags.includes('secret');
}

/** One finding of {@link redactFindings} (`literals`: a credential finding, see {@link holdsCredential}): the same object when none of its texts changes. */
function redactFinding<F extends Finding>(f: F, mask: SecretMasker, literals: boolean): F {
  const location = redactLocation(f.location, literals, mask);
  const message = mask(f.message);
  const origin = f.origin ? redactOrigin(f.origin, mask) : undefined;
  const evidence = f.evidence !== undefined ? clean(f.evidence, literals, mask) : undefined;
  const flow = f.flow?.map((s): FlowStep => {
    const loc = redactLocation(s.location, literals, mask);
    const msg = mask(s.message);
    return loc === s.location && msg === s.message ? s : { ...s, location: loc, message: msg };
  });
  if (location === f.location && message === f.message && origin === f.origin && evidence === f.evidence && (!flow || flow.every((s, i) => s === f.flow![i]))) return f;
  const out: F = { ...f, location, message };
  if (origin) out.origin = origin;
  if (evidence !== undefined) out.evidence = evidence;
  if (flow) out.flow = flow;
  return out;
}

/** A snippet or evidence masked: secrets, and in a credential finding every literal value too. */
function clean(t: string, literals: boolean, mask: SecretMasker): string {
  const masked = mask(t);
  return literals ? maskLiterals(masked) : masked;
}

/**
 * Calls `fn` with every text {@link redactFindings} would mask in these findings (without making anything), so that
 * a masker can be prepared for all of them at once.
 */
export function forEachText(findings: readonly Finding[], fn: (text: string) => void): void {
  const location = (loc: Location) => {
    if ('snippet' in loc && loc.snippet !== undefined) fn(loc.snippet);
    // each name field read by its name (a loop over them read every location by a computed key)
    const fields = loc as Location & Record<LocationName, unknown>;
    if (typeof fields.path === 'string') fn(fields.path);
    if (typeof fields.manifest === 'string') fn(fields.manifest);
    if (typeof fields.url === 'string') fn(fields.url);
    if (typeof fields.file === 'string') fn(fields.file);
  };
  for (const f of findings) {
    location(f.location);
    fn(f.message);
    if (f.evidence !== undefined) fn(f.evidence);
    const o = f.origin;
    if (o) {
      for (const v of [o.message, o.author, o.email, o.createdBy]) if (v !== undefined) fn(v);
      o.archive?.forEach(fn);
    }
    for (const s of f.flow ?? []) {
      location(s.location);
      fn(s.message);
    }
  }
}

/**
 * A location with its snippet cleaned and its names masked: a file may be named after a secret it holds
 * (`ghp_….txt`), and the name is printed in every format. The same object when nothing changes.
 */
function redactLocation(loc: Location, literals: boolean, mask: SecretMasker): Location {
  let out: (Location & Record<string, unknown>) | undefined;
  const set = (key: string, value: string) => {
    out ??= { ...loc } as Location & Record<string, unknown>;
    out[key] = value;
  };
  if ('snippet' in loc && loc.snippet !== undefined) {
    const snippet = clean(loc.snippet, literals, mask);
    if (snippet !== loc.snippet) set('snippet', snippet);
  }
  const fields = loc as Location & Record<LocationName, unknown>;
  const name = (key: LocationName, v: unknown) => {
    if (typeof v !== 'string') return;
    const masked = mask(v);
    if (masked !== v) set(key, masked);
  };
  name('path', fields.path);
  name('manifest', fields.manifest);
  name('url', fields.url);
  name('file', fields.file);
  return out ?? loc;
}

/** The fields of a location that name something (a file, a manifest, a URL). */
type LocationName = 'path' | 'manifest' | 'url' | 'file';

/** Commit metadata (message, author, e-mail) and archive member names, masked: all come from the scanned content. */
function redactOrigin(o: Origin, mask: SecretMasker): Origin {
  const out: Origin = { ...o };
  let changed = false;
  const masked = (v: string): string => {
    const m = mask(v);
    if (m !== v) changed = true;
    return m;
  };
  if (o.message !== undefined) out.message = masked(o.message);
  if (o.author !== undefined) out.author = masked(o.author);
  if (o.email !== undefined) out.email = masked(o.email);
  if (o.createdBy !== undefined) out.createdBy = masked(o.createdBy);
  if (o.archive) {
    const archive = o.archive.map(masked);
    out.archive = archive;
  }
  return changed ? out : o;
}

/** Masks every literal value of a line (`KEY=value`, `"value"`), keeping names and structure readable. */
export function maskLiterals(text: string): string {
  return text.replace(LITERAL, (m, q: string | undefined, quoted: string | undefined, sep: string | undefined, bare: string | undefined) => {
    if (q !== undefined && quoted !== undefined) return quoted.includes('********(') ? m : `${q}${redact(quoted)}${q}`;
    if (bare === undefined || bare.includes('********(') || /^\$\{?[A-Za-z_]|^\{\{/.test(bare)) return m;
    return `${sep}${redact(bare)}`;
  });
}
