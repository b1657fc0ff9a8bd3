/** Package URLs (purl spec) for the ecosystems pipeguard reads. */

const TYPES: Record<string, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  RubyGems: 'gem',
  Packagist: 'composer',
  Maven: 'maven',
  NuGet: 'nuget',
  Hex: 'hex',
  Pub: 'pub',
  SwiftURL: 'swift',
  CocoaPods: 'cocoapods',
  CRAN: 'cran',
  Bioconductor: 'bioconductor',
  ConanCenter: 'conan',
  Hackage: 'hackage',
  Julia: 'julia',
  JSR: 'jsr',
};

const enc = (s: string): string => encodeURIComponent(s).replace(/%2F/gi, '/');

/** `pkg:<type>/<namespace>/<name>@<version>` for a package, or undefined for an unknown ecosystem. */
export function purlFor(ecosystem: string, name: string, version?: string): string | undefined {
  const type = TYPES[ecosystem];
  if (!type) return undefined;
  let path: string;
  if (type === 'npm' && name.startsWith('@')) {
    const [scope, n] = name.split('/');
    path = `${encodeURIComponent(scope as string)}/${encodeURIComponent(n ?? '')}`;
  } else if (type === 'pypi') {
    path = encodeURIComponent(name.toLowerCase().replace(/[-_.]+/g, '-'));
  } else if (type === 'maven') {
    const [g, a] = name.split(':');
    path = `${encodeURIComponent(g as string)}/${encodeURIComponent(a ?? '')}`;
  } else if (type === 'golang' || type === 'composer') {
    path = name
      .split('/')
      .map((s) => encodeURIComponent(type === 'composer' ? s.toLowerCase() : s))
      .join('/');
  } else {
    path = encodeURIComponent(name);
  }
  return `pkg:${type}/${path}${version ? `@${enc(version)}` : ''}`;
}

/** Parses a purl into type, namespace/name and version (qualifiers and subpath dropped). */
export function parsePurl(purl: string): { type: string; name: string; version?: string } | undefined {
  const m = /^pkg:([a-zA-Z.+-]+)\/([^@?#]+)(?:@([^?#]+))?/.exec(purl.trim());
  if (!m) return undefined;
  return { type: (m[1] as string).toLowerCase(), name: decodeURIComponent(m[2] as string), ...(m[3] ? { version: decodeURIComponent(m[3]) } : {}) };
}

/** The OSV ecosystem and package name of a purl, or undefined. */
export function ecosystemOfPurl(purl: string): { ecosystem: string; name: string; version?: string } | undefined {
  const p = parsePurl(purl);
  if (!p) return undefined;
  const eco = Object.entries(TYPES).find(([, t]) => t === p.type)?.[0];
  if (!eco) return undefined;
  const name = eco === 'Maven' ? p.name.replace('/', ':') : p.name;
  return { ecosystem: eco, name, ...(p.version ? { version: p.version } : {}) };
}
