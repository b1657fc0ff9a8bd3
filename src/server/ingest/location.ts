/**
 * Reads a finding's location of any kind (file region, package, HTTP request, image layer, pipeline step,
 * repository) into the columns the server filters on, and the package and advisory ids a finding names.
 */

/** The columns kept beside the location JSON. */
export interface LocationColumns {
  kind: string;
  path: string;
  line: number | null;
}

/** The location kinds the UI renders. A location without `kind` is a file region. */
export const LOCATION_KINDS = ['file', 'package', 'http', 'image', 'step', 'repository'] as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Kind, filter path and line of a location (throws a message when it has none of what its kind needs). */
export function locationColumns(loc: Record<string, unknown>): LocationColumns {
  const kind = str(loc['kind']) ?? 'file';
  const line = typeof loc['startLine'] === 'number' && Number.isFinite(loc['startLine']) ? Math.trunc(loc['startLine']) : null;
  let path: string | undefined;
  switch (kind) {
    case 'http':
      path = str(loc['url']) ?? str(loc['pathTemplate']);
      break;
    case 'image':
      path = str(loc['path']) ? `${str(loc['image']) ?? ''}:${str(loc['path'])}` : str(loc['image']);
      break;
    case 'step':
      path = str(loc['path']) ?? [str(loc['pipeline']), str(loc['stage']), str(loc['step'])].filter(Boolean).join('/');
      break;
    case 'repository':
      path = str(loc['repository']);
      break;
    case 'package':
      path = str(loc['path']) ?? str(loc['purl']);
      break;
    default:
      path = str(loc['path']) ?? str(loc['logical']);
  }
  if (!path) throw new Error(kind === 'file' ? 'location has no path' : `${kind} location has none of what names it`);
  return { kind, path, line };
}

/** Name, version and ecosystem from a package URL (`pkg:npm/%40scope/name@1.2.3?x=y`). */
export function parsePurl(purl: string): { name: string; version?: string; ecosystem: string } | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^?#]+)/.exec(purl);
  if (!m) return undefined;
  let rest = m[2]!;
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > 0) {
    version = decodeURIComponent(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const name = rest.split('/').map(decodeURIComponent).join('/');
  return { name, ecosystem: m[1]!.toLowerCase(), ...(version ? { version } : {}) };
}

const ADVISORY = /^(?:CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d+|RUSTSEC-\d{4}-\d+|GO-\d{4}-\d+|OSV-\d{4}-\d+|[A-Z]+-\d{4}-[\w-]+)$/i;

/** Upper-cased advisory ids among `candidates` (CVE, GHSA, PYSEC, RUSTSEC, GO, ...), without repeats. */
export function advisoryIds(candidates: unknown[]): string[] {
  const out = new Set<string>();
  for (const c of candidates) {
    if (typeof c === 'string' && c.length <= 80 && ADVISORY.test(c)) out.add(c.toUpperCase());
  }
  return [...out];
}

/** Package, version and purl a finding names: from its data (dependency findings) or a package location. */
export function packageOf(loc: Record<string, unknown>, data: Record<string, unknown> | undefined): { package?: string; version?: string; purl?: string } {
  const purl = str(data?.['purl']) ?? str(loc['purl']);
  const parsed = purl ? parsePurl(purl) : undefined;
  const name = str(data?.['package']) ?? parsed?.name;
  const version = str(data?.['version']) ?? parsed?.version;
  return { ...(name ? { package: name } : {}), ...(version ? { version } : {}), ...(purl ? { purl } : {}) };
}
