import { type ParsedLockfile, type ReadSibling } from '../types.js';
import { parseBunLock } from './bun.js';
import { parsePackageLock } from './npm.js';
import {
  parseCargoLock,
  parseComposerLock,
  parseGemfileLock,
  parseGoMod,
  parseGradleLockfile,
  parseNugetLock,
} from './other.js';
import { parseDepsJson, parseDirectoryPackagesProps, parsePackagesConfig, parsePaketLock, parseProjectAssets, parseProjectFile } from './dotnet.js';
import {
  parseCabalFreeze,
  parseConanLock,
  parseGleamManifest,
  parseJuliaManifest,
  parseMixLock,
  parsePackageResolved,
  parsePodfileLock,
  parsePubspecLock,
  parseRebarLock,
  parseRenvLock,
  parseStackLock,
} from './ecosystems.js';
import { parseCargoToml, parseDenoJson, parseGleamToml, parseJuliaProject, parsePyproject, parseSetupCfg, parseSetupPy } from './manifests.js';
import { parsePomXml } from './maven.js';
import { parseGemfile, parsePackageJson, parsePaketDependencies, parsePipfile, parsePubspecYaml } from './unlocked.js';
import { parseDenoLock, parseGoVendorModules, parseGradleVerification, parsePylock, parseVersionCatalog } from './more.js';
import { parsePnpmLock } from './pnpm.js';
import { parseSbom } from './sbom.js';
import { parsePdmLock, parsePipfileLock, parsePoetryLock, parseRequirements, parseUvLock } from './python.js';
import { parseYarnLock } from './yarn.js';
import { objectOr } from './text.js';

/** One supported file format, for the README table and detection. */
export interface LockfileFormat {
  /** Matches the file's base name. */
  name: RegExp;
  ecosystem: string;
  description: string;
  parse(text: string, path: string, read: ReadSibling): Promise<ParsedLockfile> | ParsedLockfile;
  /**
   * For a manifest: the lockfile among `paths` (every lockfile and manifest of the target) that records what it
   * resolves to; when there is one, the manifest is not read on its own (the lockfile wins, nothing counted twice).
   */
  lockedBy?(path: string, paths: ReadonlySet<string>): string | undefined;
  /** A manifest (what is wanted, not what is installed): one that declares nothing is not a dependency file. */
  manifest?: true;
}

/** The folder of `path` and every folder above it, nearest first (`a/b/x` → `a/b/`, `a/`, ``). */
function foldersUp(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf('/'); i >= 0; i = path.lastIndexOf('/', i - 1)) out.push(path.slice(0, i + 1));
  out.push('');
  return out;
}

/** The first of `names` in the folder of `path`, when the target has it. */
function besideOf(path: string, paths: ReadonlySet<string>, names: string[]): string | undefined {
  const dir = foldersUp(path)[0] as string;
  return names.map((n) => dir + n).find((p) => paths.has(p));
}

/** Python lockfiles that resolve a `pyproject.toml`/`setup.py`/`setup.cfg` beside them (uv: also a workspace root above). */
function pythonLock(path: string, paths: ReadonlySet<string>): string | undefined {
  const dir = foldersUp(path)[0] as string;
  for (const n of ['poetry.lock', 'uv.lock', 'pdm.lock', 'Pipfile.lock', 'pylock.toml']) if (paths.has(dir + n)) return dir + n;
  for (const p of paths) if (p.startsWith(dir) && !p.slice(dir.length).includes('/') && /^pylock\.[^./]+\.toml$/.test(p.slice(dir.length))) return p;
  return foldersUp(path).map((d) => `${d}uv.lock`).find((p) => paths.has(p));
}

/** The npm-ecosystem lockfiles that resolve a `package.json` in their folder or below. */
const NPM_LOCKS = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

function sibling(path: string, name: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? `${path.slice(0, i + 1)}${name}` : name;
}

async function packageJsonDeps(path: string, read: ReadSibling): Promise<{ prod: string[]; dev: string[] } | undefined> {
  const text = await read(sibling(path, 'package.json'));
  if (!text) return undefined;
  try {
    const pj = objectOr(JSON.parse(text));
    const specs = (f: string): string[] => Object.entries(objectOr(pj[f])).map(([n, r]) => `${n}@${String(r)}`);
    return { prod: [...specs('dependencies'), ...specs('optionalDependencies')], dev: specs('devDependencies') };
  } catch {
    return undefined;
  }
}

/** Every lockfile/manifest format pipeguard reads, most specific first. */
export const LOCKFILE_FORMATS: LockfileFormat[] = [
  {
    name: /^(package-lock|npm-shrinkwrap)\.json$/,
    ecosystem: 'npm',
    description: 'npm lockfile v1, v2, v3 (npm-shrinkwrap.json wins over package-lock.json beside it, as npm reads it)',
    parse: parsePackageLock,
    lockedBy: (p, paths) => {
      const shrinkwrap = p.replace(/package-lock\.json$/, 'npm-shrinkwrap.json');
      return shrinkwrap !== p && paths.has(shrinkwrap) ? shrinkwrap : undefined;
    },
  },
  {
    name: /^yarn\.lock$/,
    ecosystem: 'npm',
    description: 'yarn v1 and berry (v2+)',
    parse: async (t, p, read) => parseYarnLock(t, p, await packageJsonDeps(p, read)),
  },
  { name: /^pnpm-lock\.yaml$/, ecosystem: 'npm', description: 'pnpm lockfile 5.x, 6.x, 9.x', parse: parsePnpmLock },
  { name: /^bun\.lock$/, ecosystem: 'npm', description: 'Bun text lockfile', parse: parseBunLock },
  {
    name: /^package\.json$/,
    ecosystem: 'npm',
    description: 'package.json without a lockfile (here or in a workspace root above)',
    parse: parsePackageJson,
    manifest: true,
    lockedBy: (p, paths) => foldersUp(p).flatMap((d) => NPM_LOCKS.map((n) => d + n)).find((l) => paths.has(l)),
  },
  { name: /^requirements.*\.txt$/, ecosystem: 'PyPI', description: 'pip requirements (exact pins)', parse: (t, p, read) => parseRequirements(t, p, read) },
  {
    name: /^poetry\.lock$/,
    ecosystem: 'PyPI',
    description: 'Poetry',
    parse: async (t, p, read) => parsePoetryLock(t, p, await read(sibling(p, 'pyproject.toml'))),
  },
  { name: /^Pipfile\.lock$/, ecosystem: 'PyPI', description: 'Pipenv', parse: parsePipfileLock },
  { name: /^Pipfile$/, ecosystem: 'PyPI', description: 'Pipfile without its Pipfile.lock', parse: parsePipfile, manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['Pipfile.lock']) },
  { name: /^pyproject\.toml$/, ecosystem: 'PyPI', description: 'pyproject.toml without a lockfile (PEP 621, PEP 735, Poetry)', parse: parsePyproject, manifest: true, lockedBy: pythonLock },
  { name: /^setup\.py$/, ecosystem: 'PyPI', description: 'setup.py literal install_requires (never executed)', parse: parseSetupPy, manifest: true, lockedBy: pythonLock },
  { name: /^setup\.cfg$/, ecosystem: 'PyPI', description: 'setup.cfg install_requires', parse: parseSetupCfg, manifest: true, lockedBy: pythonLock },
  { name: /^uv\.lock$/, ecosystem: 'PyPI', description: 'uv', parse: parseUvLock },
  { name: /^pdm\.lock$/, ecosystem: 'PyPI', description: 'PDM', parse: parsePdmLock },
  {
    name: /^go\.mod$/,
    ecosystem: 'Go',
    description: 'Go modules (require + replace, the toolchain as stdlib, go.sum for go <= 1.16)',
    parse: async (t, p, read) => parseGoMod(t, p, await read(sibling(p, 'go.sum'))),
  },
  { name: /^modules\.txt$/, ecosystem: 'Go', description: 'Go vendor/modules.txt', parse: parseGoVendorModules },
  { name: /^Cargo\.lock$/, ecosystem: 'crates.io', description: 'Cargo lockfile v1–v4', parse: parseCargoLock },
  {
    name: /^Cargo\.toml$/,
    ecosystem: 'crates.io',
    description: 'Cargo manifest of a crate without a Cargo.lock (here or in a workspace root above)',
    parse: parseCargoToml,
    manifest: true,
    lockedBy: (p, paths) => foldersUp(p).map((d) => `${d}Cargo.lock`).find((l) => paths.has(l)),
  },
  { name: /^(Gemfile\.lock|gems\.locked)$/, ecosystem: 'RubyGems', description: 'Bundler (Gemfile.lock, gems.locked)', parse: parseGemfileLock },
  {
    name: /^(Gemfile|gems\.rb)$/,
    ecosystem: 'RubyGems',
    description: 'Gemfile without its Gemfile.lock (read as text, never evaluated)',
    parse: parseGemfile,
    manifest: true,
    lockedBy: (p, paths) => besideOf(p, paths, [p.endsWith('gems.rb') ? 'gems.locked' : 'Gemfile.lock']),
  },
  { name: /^composer\.lock$/, ecosystem: 'Packagist', description: 'Composer', parse: parseComposerLock },
  { name: /^pom\.xml$/, ecosystem: 'Maven', description: 'Maven POM (properties, parents and BOMs in the repository, dependency management)', parse: parsePomXml },
  { name: /^(buildscript-)?gradle\.lockfile$/, ecosystem: 'Maven', description: 'Gradle dependency locking', parse: parseGradleLockfile },
  { name: /^packages\.lock\.json$/, ecosystem: 'NuGet', description: 'NuGet lock file', parse: parseNugetLock },
  { name: /^packages\.config$/, ecosystem: 'NuGet', description: 'NuGet packages.config', parse: parsePackagesConfig },
  { name: /\.(cs|fs|vb)proj$/, ecosystem: 'NuGet', description: 'MSBuild PackageReference (central versions from Directory.Packages.props)', parse: parseProjectFile },
  { name: /^Directory\.Packages\.props$/, ecosystem: 'NuGet', description: 'central package management (GlobalPackageReference)', parse: parseDirectoryPackagesProps },
  { name: /\.deps\.json$/, ecosystem: 'NuGet', description: '.NET deps.json', parse: parseDepsJson },
  { name: /^project\.assets\.json$/, ecosystem: 'NuGet', description: 'NuGet restore output', parse: parseProjectAssets },
  { name: /^paket\.lock$/, ecosystem: 'NuGet', description: 'Paket', parse: parsePaketLock },
  { name: /^paket\.dependencies$/, ecosystem: 'NuGet', description: 'Paket dependencies without a paket.lock', parse: parsePaketDependencies, manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['paket.lock']) },
  { name: /^pubspec\.lock$/, ecosystem: 'Pub', description: 'Dart/Flutter pub', parse: parsePubspecLock },
  {
    name: /^pubspec\.yaml$/,
    ecosystem: 'Pub',
    description: 'pubspec.yaml without a pubspec.lock (here or in a pub workspace root above)',
    parse: parsePubspecYaml,
    manifest: true,
    lockedBy: (p, paths) => foldersUp(p).map((d) => `${d}pubspec.lock`).find((l) => paths.has(l)),
  },
  { name: /^mix\.lock$/, ecosystem: 'Hex', description: 'Elixir Mix (Hex and git)', parse: parseMixLock },
  { name: /^rebar\.lock$/, ecosystem: 'Hex', description: 'Erlang rebar3', parse: parseRebarLock },
  { name: /^manifest\.toml$/, ecosystem: 'Hex', description: 'Gleam manifest', parse: parseGleamManifest },
  { name: /^gleam\.toml$/, ecosystem: 'Hex', description: 'Gleam project without its manifest.toml', parse: parseGleamToml, manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['manifest.toml']) },
  { name: /^Package\.resolved$/, ecosystem: 'SwiftURL', description: 'SwiftPM v1–v3', parse: parsePackageResolved },
  { name: /^Podfile\.lock$/, ecosystem: 'CocoaPods', description: 'CocoaPods', parse: parsePodfileLock },
  { name: /^renv\.lock$/, ecosystem: 'CRAN', description: 'R renv', parse: parseRenvLock },
  { name: /^conan\.lock$/, ecosystem: 'ConanCenter', description: 'Conan 1 and 2', parse: parseConanLock },
  { name: /^(Julia)?Manifest(-v[\d.]+)?\.toml$/, ecosystem: 'Julia', description: 'Julia Pkg manifest 1.0 and 2.0', parse: parseJuliaManifest },
  {
    name: /^(Julia)?Project\.toml$/,
    ecosystem: 'Julia',
    description: 'Julia project without a Manifest.toml',
    parse: parseJuliaProject,
    manifest: true,
    lockedBy: (p, paths) => besideOf(p, paths, ['Manifest.toml', 'JuliaManifest.toml']) ?? [...paths].find((q) => q.startsWith(foldersUp(p)[0] as string) && /^(Julia)?Manifest-v[\d.]+\.toml$/.test(q.slice((foldersUp(p)[0] as string).length))),
  },
  { name: /^cabal\.project\.freeze$/, ecosystem: 'Hackage', description: 'cabal freeze file', parse: parseCabalFreeze },
  { name: /^stack\.yaml\.lock$/, ecosystem: 'Hackage', description: 'Stack lock file', parse: parseStackLock },
  { name: /^deno\.lock$/, ecosystem: 'npm', description: 'Deno lock file v3–v5 (npm and JSR)', parse: parseDenoLock },
  { name: /^deno\.jsonc?$/, ecosystem: 'npm', description: 'Deno config imports (npm:, jsr:) without a deno.lock', parse: parseDenoJson, manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['deno.lock']) },
  { name: /^pylock(\.[^./]+)?\.toml$/, ecosystem: 'PyPI', description: 'PEP 751 pylock.toml', parse: parsePylock },
  { name: /\.versions\.toml$/, ecosystem: 'Maven', description: 'Gradle version catalog', parse: parseVersionCatalog },
  { name: /^verification-metadata\.xml$/, ecosystem: 'Maven', description: 'Gradle dependency verification metadata', parse: parseGradleVerification },
  {
    name: /(^(bom|sbom)\.json$|\.(cdx|cyclonedx|spdx)\.json$)/,
    ecosystem: 'any',
    description: 'SBOM input: CycloneDX JSON, SPDX 2.x JSON (components with purls)',
    parse: parseSbom,
  },
];

/** The format of a file by its path, or undefined. Files inside `node_modules/` or vendored trees are not lockfiles of the project. */
export function formatFor(path: string): LockfileFormat | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  // Go's vendor/modules.txt is the one file inside vendor/ that describes the project itself
  if (base === 'modules.txt') return /(^|\/)vendor\/modules\.txt$/.test(path) && !/(^|\/)(node_modules|vendor)\/.+\/vendor\//.test(path) ? LOCKFILE_FORMATS.find((f) => f.name.test(base)) : undefined;
  if (/(^|\/)(node_modules|vendor|\.git|bower_components|site-packages|\.venv)\//.test(path)) return undefined;
  return LOCKFILE_FORMATS.find((f) => f.name.test(base));
}
