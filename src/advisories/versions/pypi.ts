import { compareDigits, compareIdentifiers, compareStrings } from './util.js';

/**
 * PyPI version order: PEP 440 (epoch, release, pre, post, dev, local), with versions that are not
 * valid PEP 440 ("legacy" versions) sorting before every valid one and among themselves by the old
 * setuptools key.
 */
export function comparePypi(a: string, b: string): number {
  const pa = parsePep440(a);
  const pb = parsePep440(b);
  if (pa && pb) return comparePep440(pa, pb);
  if (!pa && pb) return -1;
  if (pa && !pb) return 1;
  return compareLegacy(legacyKey(a), legacyKey(b));
}

const PEP440 =
  /^\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?)(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

/** A parsed PEP 440 version. */
export interface Pep440 {
  epoch: string;
  release: string[];
  /** [rank 0=a 1=b 2=rc, number] */
  pre?: [number, string];
  post?: string;
  dev?: string;
  local?: string[];
}

/** Parsed versions by text: an advisory's bounds are compared against many versions (fix candidates, lockfiles). */
const parsed = new Map<string, Pep440 | null>();

/** Parses a PEP 440 version, or undefined when it is not one (memoised; the result is shared, never mutate it). */
export function parsePep440(v: string): Pep440 | undefined {
  let p = parsed.get(v);
  if (p === undefined) {
    if (parsed.size >= 100_000) parsed.clear();
    parsed.set(v, (p = parseUncached(v) ?? null));
  }
  return p ?? undefined;
}

function parseUncached(v: string): Pep440 | undefined {
  const m = PEP440.exec(v);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const out: Pep440 = { epoch: g.epoch ?? '0', release: (g.release ?? '0').split('.') };
  if (g.pre_l) {
    const l = g.pre_l.toLowerCase();
    const rank = l === 'a' || l === 'alpha' ? 0 : l === 'b' || l === 'beta' ? 1 : 2;
    out.pre = [rank, g.pre_n ?? '0'];
  }
  if (g.post) out.post = g.post_n1 ?? g.post_n2 ?? '0';
  if (g.dev) out.dev = g.dev_n ?? '0';
  if (g.local) out.local = g.local.toLowerCase().split(/[-_.]/);
  return out;
}

function compareRelease(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

/** Pre-release sort key: dev-only releases sort before any pre-release; finals after. */
function preKey(v: Pep440): [number, number, string] {
  if (!v.pre && !v.post && v.dev !== undefined) return [-1, 0, '0'];
  if (!v.pre) return [1, 0, '0'];
  return [0, v.pre[0], v.pre[1]];
}

function comparePep440(a: Pep440, b: Pep440): number {
  let c = compareDigits(a.epoch, b.epoch);
  if (c) return c;
  c = compareRelease(a.release, b.release);
  if (c) return c;
  const ka = preKey(a);
  const kb = preKey(b);
  if (ka[0] !== kb[0]) return ka[0] < kb[0] ? -1 : 1;
  if (ka[1] !== kb[1]) return ka[1] < kb[1] ? -1 : 1;
  c = compareDigits(ka[2], kb[2]);
  if (c) return c;
  // post: absent sorts first
  if (a.post === undefined && b.post !== undefined) return -1;
  if (a.post !== undefined && b.post === undefined) return 1;
  if (a.post !== undefined && b.post !== undefined) {
    c = compareDigits(a.post, b.post);
    if (c) return c;
  }
  // dev: absent sorts last
  if (a.dev === undefined && b.dev !== undefined) return 1;
  if (a.dev !== undefined && b.dev === undefined) return -1;
  if (a.dev !== undefined && b.dev !== undefined) {
    c = compareDigits(a.dev, b.dev);
    if (c) return c;
  }
  return compareLocal(a.local, b.local);
}

function compareLocal(a: string[] | undefined, b: string[] | undefined): number {
  if (!a && !b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  // numeric segments sort after alphanumeric ones
  return compareIdentifiers(a, b, false);
}

const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** The old setuptools sort key for versions that are not PEP 440. */
function legacyKey(v: string): string[] {
  const raw: string[] = [];
  for (let part of v.toLowerCase().split(/(\d+|[a-z]+|\.|-)/)) {
    part = LEGACY_REPLACE[part] ?? part;
    if (!part || part === '.') continue;
    raw.push(/^[0-9]/.test(part) ? part.padStart(8, '0') : `*${part}`);
  }
  raw.push('*final');
  const out: string[] = [];
  for (const p of raw) {
    if (p.startsWith('*')) {
      if (p < '*final') while (out.length && out[out.length - 1] === '*final-') out.pop();
      while (out.length && out[out.length - 1] === '00000000') out.pop();
    }
    out.push(p);
  }
  return out;
}

function compareLegacy(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i] ?? '', b[i] ?? '');
    if (c) return c;
  }
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}
