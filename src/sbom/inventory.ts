import type { Dependency, ParsedLockfile } from '../analyzers/inventory/types.js';
import { formatSpdx, toSpdx } from '../scanners/licenses/spdx.js';
import { dependencyPurl } from '../analyzers/inventory/installed/index.js';
import { purlFor } from '../analyzers/inventory/purl.js';

/** A requirement declared without an exact version (a manifest's range or unpinned name): listed as unresolved. */
export interface SbomConstraint {
  /** The package's purl without a version. */
  purl: string;
  ecosystem: string;
  name: string;
  /** Each distinct requirement as written (`>=2,<3`), sorted. */
  specs: string[];
  dev: boolean;
  sources: string[];
}

/** The constraints of every lockfile/manifest, one per package name that no file resolves to a version. */
export function sbomConstraints(lockfiles: ParsedLockfile[], components: SbomComponent[]): SbomConstraint[] {
  const resolved = new Set(components.map((c) => c.purl.replace(/@[^@/]*$/, '')));
  const byPurl = new Map<string, SbomConstraint>();
  for (const lock of lockfiles) {
    for (const c of lock.constraints ?? []) {
      const purl = purlFor(c.ecosystem, c.name) ?? `pkg:generic/${encodeURIComponent(c.name)}`;
      if (resolved.has(purl)) continue; // another file pins it: the SBOM lists that version
      let e = byPurl.get(purl);
      if (!e) byPurl.set(purl, (e = { purl, ecosystem: c.ecosystem, name: c.name, specs: [], dev: c.dev === true, sources: [] }));
      if (!c.dev) e.dev = false;
      if (!e.specs.includes(c.spec)) e.specs.push(c.spec);
      if (!e.sources.includes(lock.path)) e.sources.push(lock.path);
    }
  }
  const out = [...byPurl.values()].sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
  for (const c of out) c.specs.sort();
  return out;
}

/** One component of an SBOM: a package version, merged across lockfiles. */
export interface SbomComponent {
  purl: string;
  ecosystem: string;
  name: string;
  version: string;
  /** SPDX expression when it parses and names only known ids; else the raw text in `licenseName`. */
  licenseExpression?: string;
  licenseName?: string;
  /** Hex digests by algorithm (`SHA-512`, `SHA-256`, `SHA-1`). */
  hashes: { alg: 'SHA-512' | 'SHA-256' | 'SHA-1'; hex: string }[];
  dev: boolean;
  direct: boolean;
  /** purls this component depends on. */
  dependsOn: string[];
  /** Lockfiles (or package databases, package.json files, binaries) that list it. */
  sources: string[];
  /** Digests of the image layers that added it (packages found in images). */
  layers: string[];
  /** Where the lockfile says it was downloaded from (a URL or a VCS locator), when it says so. */
  downloadLocation?: string;
  /** The ecosystem's own name advisories use, when not the package's: a Debian source package. */
  sourcePackage?: string;
  /** Names the project installs it under (npm aliases: `"old-lodash": "npm:lodash@4"`). */
  aliases: string[];
}

/** Decodes SRI (`sha512-<base64>`) and `sha256:<hex>` hashes to hex digests. */
export function decodeHash(h: string): { alg: 'SHA-512' | 'SHA-256' | 'SHA-1'; hex: string } | undefined {
  const sri = /^(sha512|sha256|sha1)-([A-Za-z0-9+/=]+)$/.exec(h);
  const algOf = (a: string) => (a === 'sha512' ? 'SHA-512' : a === 'sha256' ? 'SHA-256' : 'SHA-1') as 'SHA-512' | 'SHA-256' | 'SHA-1';
  const lens = { 'SHA-512': 128, 'SHA-256': 64, 'SHA-1': 40 };
  if (sri) {
    const alg = algOf(sri[1] as string);
    const hex = Buffer.from(sri[2] as string, 'base64').toString('hex');
    return hex.length === lens[alg] ? { alg, hex } : undefined;
  }
  const hexed = /^(sha512|sha256|sha1):([0-9a-fA-F]+)$/.exec(h);
  if (hexed) {
    const alg = algOf(hexed[1] as string);
    const hex = (hexed[2] as string).toLowerCase();
    return hex.length === lens[alg] ? { alg, hex } : undefined;
  }
  // yarn berry checksums are `<cacheKey>/<sha512 hex>`
  const berry = /^(?:\w+\/)?([0-9a-f]{128})$/.exec(h);
  if (berry) return { alg: 'SHA-512', hex: berry[1] as string };
  return undefined;
}

function licenseOf(raw: string | undefined): { licenseExpression?: string; licenseName?: string } {
  if (!raw) return {};
  // an SPDX expression (ids checked against the SPDX list, common names corrected), else the text as a name
  const node = toSpdx(raw);
  return node ? { licenseExpression: formatSpdx(node) } : { licenseName: raw };
}

/**
 * A lockfile's `resolved` as an SPDX download location: an http(s)/ftp URL (yarn's `#sha1` fragment dropped, it
 * is a checksum) or a VCS locator (`git+https://host/repo.git@commit`); undefined for anything else (yarn berry's
 * `name@npm:1.0.0` resolutions, local paths).
 */
export function downloadLocation(resolved: string | undefined): string | undefined {
  if (!resolved) return undefined;
  const vcs = /^((?:git|hg|svn|bzr)(?:\+[a-z]+)?):\/\/([^#\s]+)(?:#(\S+))?$/.exec(resolved);
  if (vcs) {
    const scheme = vcs[1] as string;
    return `${scheme.includes('+') ? scheme : `${scheme}+${scheme}`}://${vcs[2]}${vcs[3] ? `@${vcs[3]}` : ''}`;
  }
  const url = /^((?:https?|ftps?):\/\/[^#\s]+)(#\S*)?$/.exec(resolved);
  return url ? url[1] : undefined;
}

/** Merges the packages of every lockfile into SBOM components (one per purl), sorted by purl. */
export function sbomComponents(lockfiles: ParsedLockfile[]): { components: SbomComponent[]; roots: string[] } {
  const byPurl = new Map<string, SbomComponent>();
  const roots = new Set<string>();
  for (const lock of lockfiles) {
    const keyToPurl = new Map<string, string>();
    const purlOf = (d: Dependency): string => dependencyPurl(d) ?? `pkg:generic/${encodeURIComponent(d.name)}@${encodeURIComponent(d.version)}`;
    for (const d of lock.packages) keyToPurl.set(d.key, purlOf(d));
    for (const d of lock.packages) {
      if (!d.version) continue;
      const purl = purlOf(d);
      let c = byPurl.get(purl);
      if (!c) {
        c = {
          purl,
          ecosystem: d.ecosystem,
          name: d.name,
          version: d.version,
          hashes: [],
          dev: d.dev === true,
          direct: false,
          dependsOn: [],
          sources: [],
          layers: [],
          aliases: [],
          ...(d.advisoryName ? { sourcePackage: d.advisoryName } : {}),
          ...licenseOf(d.license),
        };
        byPurl.set(purl, c);
      }
      if (!d.dev) c.dev = false;
      if (d.direct) {
        c.direct = true;
        roots.add(purl);
      }
      if (!c.licenseExpression && !c.licenseName && d.license) Object.assign(c, licenseOf(d.license));
      c.downloadLocation ??= downloadLocation(d.resolved);
      for (const h of d.hashes ?? []) {
        const dh = decodeHash(h);
        if (dh && !c.hashes.some((x) => x.alg === dh.alg)) c.hashes.push(dh);
      }
      for (const k of d.dependsOn ?? []) {
        const p = keyToPurl.get(k);
        if (p && p !== purl && !c.dependsOn.includes(p)) c.dependsOn.push(p);
      }
      if (!c.sources.includes(lock.path)) c.sources.push(lock.path);
      if (d.layer && !c.layers.includes(d.layer)) c.layers.push(d.layer);
      if (d.alias && !c.aliases.includes(d.alias)) c.aliases.push(d.alias);
    }
  }
  const components = [...byPurl.values()].sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
  for (const c of components) c.dependsOn.sort();
  return { components, roots: [...roots].sort() };
}
