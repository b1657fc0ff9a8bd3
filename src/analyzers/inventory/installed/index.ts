/**
 * The installed-package inventory of an image or a build artifact: what the package managers recorded when they
 * installed things (dpkg, apk, rpm databases; node_modules package.json; Python dist-info/egg-info; jar
 * pom.properties; Go binaries' build information), as {@link ParsedLockfile}s so the deps, licenses and SBOM code
 * read them like lockfiles. Each parser is a pure function of one file in its own module; this one decides which
 * files are read and attributes every package to the layer that added it.
 */
import type { TargetFile } from '../../../core/types.js';
import { purlFor } from '../purl.js';
import type { Dependency, ParsedLockfile } from '../types.js';
import { isApkPath, parseApkInstalled } from './apk.js';
import { isDpkgPath, parseDpkgStatus } from './dpkg.js';
import { goPackages, isExecutable, readGoBuildInfo } from './go.js';
import { isPomPropertiesPath, parsePomProperties } from './java.js';
import { isNodePackagePath, parseNodePackage, type InstalledPackage } from './node.js';
import { distroEcosystem, OS_RELEASE_PATHS, parseOsRelease, purlDistro, purlNamespace, type OsRelease, type PackageDbKind } from './os-release.js';
import { isPythonMetadataPath, parsePythonMetadata } from './python.js';
import { isRpmPath, parseRpmSqlite } from './rpm.js';
import type { OsPackage } from './types.js';

/** True for a file the installed inventory reads by its path (binaries are told by {@link isGoCandidate}). */
export function isInstalledPath(path: string): boolean {
  return (
    OS_RELEASE_PATHS.includes(path) ||
    isDpkgPath(path) ||
    isApkPath(path) ||
    isRpmPath(path) ||
    isNodePackagePath(path) ||
    isPythonMetadataPath(path) ||
    isPomPropertiesPath(path)
  );
}

/** Smallest Go binary worth reading: a linked Go program is over a megabyte; 256 KiB leaves room. */
const MIN_GO_BINARY = 256 * 1024;
const NOT_PROGRAM = /\.(so(\.\d+)*|a|o|py|pyc|js|mjs|cjs|json|txt|md|html|css|map|ts|jar|class|png|jpg|gif|svg|gz|zip|xz|bz2|zst|db|sqlite|dat|pak|ttf|woff2?|mo|pem|crt|deb|rpm|apk|whl|tar|tgz)$/i;

/**
 * True for a file that may be a Go program: executable (when the target knows the mode), large enough, and not
 * named like a library or data file. Its first bytes are checked before the build information is looked for.
 */
export function isGoCandidate(file: TargetFile): boolean {
  if (file.size < MIN_GO_BINARY || NOT_PROGRAM.test(file.path)) return false;
  if (file.mode !== undefined) return (file.mode & 0o111) !== 0;
  return maybeProgramPath(file.path, false);
}

/** True for a path that may name a program: `image` files are told by their mode later, others by their name. */
export function maybeProgramPath(path: string, image: boolean): boolean {
  if (NOT_PROGRAM.test(path)) return false;
  if (image) return true;
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('!')) + 1);
  return !base.includes('.') || /\.exe$/i.test(base);
}

/** Where the layers are, to attribute packages: the index of a layer digest (undefined outside images). */
export type LayerOrder = (digest: string) => number | undefined;

/** What the caller is told about a file it could not read. */
export type InventoryNote = (path: string, message: string) => void;

/**
 * The inventory of installed packages among `files` (every version an image holds, hidden ones included: those
 * only serve to tell which layer added a package). Unreadable files are told to `note` and skipped.
 */
export async function collectInstalled(files: TargetFile[], layerOrder: LayerOrder, note: InventoryNote): Promise<ParsedLockfile[]> {
  const visible = files.filter((f) => !f.origin?.hidden);
  const out: ParsedLockfile[] = [];
  const os = await osRelease(visible);
  out.push(...(await osPackages(files, visible, os, layerOrder, note)));
  for (const f of visible) {
    if (isNodePackagePath(f.path) || isPythonMetadataPath(f.path) || isPomPropertiesPath(f.path)) {
      try {
        const text = await f.text();
        const pkg = isNodePackagePath(f.path) ? parseNodePackage(text) : isPythonMetadataPath(f.path) ? parsePythonMetadata(text) : parsePomProperties(text);
        if (pkg) out.push(languageLock(f, [pkg], isNodePackagePath(f.path) ? 'node_modules' : isPythonMetadataPath(f.path) ? 'python-metadata' : 'pom.properties'));
      } catch (e) {
        note(f.path, `cannot read installed package metadata: ${(e as Error).message}`);
      }
    } else if (isGoCandidate(f)) {
      const bytes = await f.bytes();
      if (!isExecutable(bytes)) continue;
      const info = readGoBuildInfo(bytes);
      if (info) out.push(languageLock(f, goPackages(info), 'go-binary'));
    }
  }
  return out;
}

async function osRelease(visible: TargetFile[]): Promise<OsRelease | undefined> {
  for (const p of OS_RELEASE_PATHS) {
    const f = visible.find((x) => x.path === p);
    if (f) {
      const os = parseOsRelease(await f.text());
      if (os) return os;
    }
  }
  return undefined;
}

function languageLock(f: TargetFile, pkgs: InstalledPackage[], format: string): ParsedLockfile {
  return {
    path: f.path,
    format,
    ecosystem: pkgs[0]?.ecosystem ?? 'any',
    packages: pkgs.map((p, i) => ({
      key: `${p.name}@${p.version}#${i}`,
      ecosystem: p.ecosystem,
      name: p.name,
      version: p.version,
      ...(p.license ? { license: p.license } : {}),
      ...(f.origin?.layer ? { layer: f.origin.layer } : {}),
    })),
  };
}

const DB_OF = (p: string): PackageDbKind | undefined => (isDpkgPath(p) ? 'dpkg' : isApkPath(p) ? 'apk' : isRpmPath(p) ? 'rpm' : undefined);

function parseDb(kind: PackageDbKind, path: string, f: TargetFile): Promise<OsPackage[] | undefined> {
  return (async () => {
    if (kind === 'dpkg') return parseDpkgStatus(await f.text());
    if (kind === 'apk') return parseApkInstalled(await f.text());
    if (!path.endsWith('rpmdb.sqlite')) return undefined;
    return parseRpmSqlite(await f.bytes());
  })();
}

/** The OS packages of every package database, each attributed to the layer that added it. */
async function osPackages(all: TargetFile[], visible: TargetFile[], os: OsRelease | undefined, layerOrder: LayerOrder, note: InventoryNote): Promise<ParsedLockfile[]> {
  const out: ParsedLockfile[] = [];
  for (const f of visible) {
    const kind = DB_OF(f.path);
    if (!kind) continue;
    let pkgs: OsPackage[] | undefined;
    try {
      pkgs = await parseDb(kind, f.path, f);
    } catch (e) {
      note(f.path, `cannot read the ${kind} database: ${(e as Error).message}`);
      continue;
    }
    if (!pkgs) {
      note(f.path, `rpm database in the BerkeleyDB or NDB format is not read (only rpmdb.sqlite): its packages are not listed`);
      continue;
    }
    // Earlier versions of the same database, newest first: a package is attributed to the oldest of the unbroken
    // run of versions that list it at this version.
    const older = all
      .filter((x) => x.origin?.hidden && x.path === f.path && x.origin.layer !== undefined)
      .map((x) => ({ file: x, layer: layerOrder(x.origin!.layer!) ?? -1 }))
      .sort((a, b) => b.layer - a.layer);
    const olderSets: { layer: string; has: Set<string> }[] = [];
    for (const o of older) {
      try {
        const ps = await parseDb(kind, f.path, o.file);
        if (ps) olderSets.push({ layer: o.file.origin!.layer!, has: new Set(ps.map((p) => `${p.name}\0${p.version}\0${p.arch ?? ''}`)) });
      } catch {
        // an older version that does not parse only ends the attribution there
        break;
      }
    }
    const ecosystem = distroEcosystem(os, kind);
    const packages: Dependency[] = pkgs.map((p, i) => {
      let layer = f.origin?.layer;
      const key = `${p.name}\0${p.version}\0${p.arch ?? ''}`;
      for (const s of olderSets) {
        if (!s.has.has(key)) break;
        layer = s.layer;
      }
      return osDependency(kind, p, i, ecosystem, os, layer);
    });
    out.push({ path: f.path, format: kind, ecosystem: ecosystem ?? kind, packages, os: true });
  }
  return out;
}

const PURL_TYPE: Record<PackageDbKind, string> = { dpkg: 'deb', apk: 'apk', rpm: 'rpm' };

function osDependency(kind: PackageDbKind, p: OsPackage, i: number, ecosystem: string | undefined, os: OsRelease | undefined, layer: string | undefined): Dependency {
  // Advisories name the source package (Debian, Alpine origin); rpm-based ones name the binary package.
  const advisoryName = kind === 'rpm' ? undefined : p.sourceName && p.sourceName !== p.name ? p.sourceName : undefined;
  const advisoryVersion = kind === 'dpkg' && p.sourceVersion && p.sourceVersion !== p.version ? p.sourceVersion : undefined;
  return {
    key: `${p.name}@${p.version}#${i}`,
    ecosystem: ecosystem ?? PURL_TYPE[kind],
    name: p.name,
    version: p.version,
    ...(p.line ? { line: p.line } : {}),
    ...(p.license ? { license: p.license } : {}),
    ...(advisoryName ? { advisoryName } : {}),
    ...(advisoryVersion ? { advisoryVersion } : {}),
    ...(layer ? { layer } : {}),
    purl: osPurl(kind, p, os),
  };
}

/** `pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12`, per the purl spec's deb/apk/rpm types. */
export function osPurl(kind: PackageDbKind, p: OsPackage, os: OsRelease | undefined): string {
  const q: [string, string][] = [];
  if (p.arch) q.push(['arch', p.arch]);
  const distro = purlDistro(os);
  if (distro) q.push(['distro', distro]);
  let version = p.version;
  if (kind === 'rpm' && p.epoch !== undefined) {
    version = version.replace(/^\d+:/, '');
    if (p.epoch > 0) q.push(['epoch', String(p.epoch)]);
  }
  if (p.sourceName && p.sourceName !== p.name) q.push(['upstream', p.sourceName]);
  q.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const qs = q.length ? `?${q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '';
  return `pkg:${PURL_TYPE[kind]}/${encodeURIComponent(purlNamespace(os, kind))}/${encodeURIComponent(p.name)}@${encodeURIComponent(version)}${qs}`;
}

/** The purl of any dependency: its own (OS packages) or the ecosystem's. */
export function dependencyPurl(d: Dependency): string | undefined {
  return d.purl ?? purlFor(d.ecosystem, d.name, d.version);
}
