import { type ParsedLockfile, type ReadSibling } from '../types.js';
import type * as All from './all.js';

/** The parsers (all.ts), loaded when the first lockfile or manifest is parsed. */
let loaded: Promise<typeof All> | undefined;
function parsers(): Promise<typeof All> {
  return (loaded ??= import('./all.js'));
}

/** The parser `name` of all.ts, called once that module is loaded. */
function lazy(name: { [K in keyof typeof All]: (typeof All)[K] extends LockfileFormat['parse'] ? K : never }[keyof typeof All]): LockfileFormat['parse'] {
  return async (text, path, read) => ((await parsers())[name] as LockfileFormat['parse'])(text, path, read);
}

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
    const { objectOr } = await parsers();
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
    parse: lazy('parsePackageLock'),
    lockedBy: (p, paths) => {
      const shrinkwrap = p.replace(/package-lock\.json$/, 'npm-shrinkwrap.json');
      return shrinkwrap !== p && paths.has(shrinkwrap) ? shrinkwrap : undefined;
    },
  },
  {
    name: /^yarn\.lock$/,
    ecosystem: 'npm',
    description: 'yarn v1 and berry (v2+)',
    parse: async (t, p, read) => (await parsers()).parseYarnLock(t, p, await packageJsonDeps(p, read)),
  },
  { name: /^pnpm-lock\.yaml$/, ecosystem: 'npm', description: 'pnpm lockfile 5.x, 6.x, 9.x', parse: lazy('parsePnpmLock') },
  { name: /^bun\.lock$/, ecosystem: 'npm', description: 'Bun text lockfile', parse: lazy('parseBunLock') },
  {
    name: /^package\.json$/,
    ecosystem: 'npm',
    description: 'package.json without a lockfile (here or in a workspace root above)',
    parse: lazy('parsePackageJson'),
    manifest: true,
    lockedBy: (p, paths) => foldersUp(p).flatMap((d) => NPM_LOCKS.map((n) => d + n)).find((l) => paths.has(l)),
  },
  { name: /^requirements.*\.txt$/, ecosystem: 'PyPI', description: 'pip requirements (exact pins)', parse: lazy('parseRequirements') },
  {
    name: /^poetry\.lock$/,
    ecosystem: 'PyPI',
    description: 'Poetry',
    parse: async (t, p, read) => (await parsers()).parsePoetryLock(t, p, await read(sibling(p, 'pyproject.toml'))),
  },
  { name: /^Pipfile\.lock$/, ecosystem: 'PyPI', description: 'Pipenv', parse: lazy('parsePipfileLock') },
  { name: /^Pipfile$/, ecosystem: 'PyPI', description: 'Pipfile without its Pipfile.lock', parse: lazy('parsePipfile'), manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['Pipfile.lock']) },
  { name: /^pyproject\.toml$/, ecosystem: 'PyPI', description: 'pyproject.toml without a lockfile (PEP 621, PEP 735, Poetry)', parse: lazy('parsePyproject'), manifest: true, lockedBy: pythonLock },
  { name: /^setup\.py$/, ecosystem: 'PyPI', description: 'setup.py literal install_requires (never executed)', parse: lazy('parseSetupPy'), manifest: true, lockedBy: pythonLock },
  { name: /^setup\.cfg$/, ecosystem: 'PyPI', description: 'setup.cfg install_requires', parse: lazy('parseSetupCfg'), manifest: true, lockedBy: pythonLock },
  { name: /^uv\.lock$/, ecosystem: 'PyPI', description: 'uv', parse: lazy('parseUvLock') },
  { name: /^pdm\.lock$/, ecosystem: 'PyPI', description: 'PDM', parse: lazy('parsePdmLock') },
  {
    name: /^go\.mod$/,
    ecosystem: 'Go',
    description: 'Go modules (require + replace, the toolchain as stdlib, go.sum for go <= 1.16)',
    parse: async (t, p, read) => (await parsers()).parseGoMod(t, p, await read(sibling(p, 'go.sum'))),
  },
  { name: /^modules\.txt$/, ecosystem: 'Go', description: 'Go vendor/modules.txt', parse: lazy('parseGoVendorModules') },
  { name: /^Cargo\.lock$/, ecosystem: 'crates.io', description: 'Cargo lockfile v1–v4', parse: lazy('parseCargoLock') },
  {
    name: /^Cargo\.toml$/,
    ecosystem: 'crates.io',
    description: 'Cargo manifest of a crate without a Cargo.lock (here or in a workspace root above)',
    parse: lazy('parseCargoToml'),
    manifest: true,
    lockedBy: (p, paths) => foldersUp(p).map((d) => `${d}Cargo.lock`).find((l) => paths.has(l)),
  },
  { name: /^(Gemfile\.lock|gems\.locked)$/, ecosystem: 'RubyGems', description: 'Bundler (Gemfile.lock, gems.locked)', parse: lazy('parseGemfileLock') },
  {
    name: /^(Gemfile|gems\.rb)$/,
    ecosystem: 'RubyGems',
    description: 'Gemfile without its Gemfile.lock (read as text, never evaluated)',
    parse: lazy('parseGemfile'),
    manifest: true,
    lockedBy: (p, paths) => besideOf(p, paths, [p.endsWith('gems.rb') ? 'gems.locked' : 'Gemfile.lock']),
  },
  { name: /^composer\.lock$/, ecosystem: 'Packagist', description: 'Composer', parse: lazy('parseComposerLock') },
  { name: /^pom\.xml$/, ecosystem: 'Maven', description: 'Maven POM (properties, parents and BOMs in the repository, dependency management)', parse: lazy('parsePomXml') },
  { name: /^(buildscript-)?gradle\.lockfile$/, ecosystem: 'Maven', description: 'Gradle dependency locking', parse: lazy('parseGradleLockfile') },
  { name: /^packages\.lock\.json$/, ecosystem: 'NuGet', description: 'NuGet lock file', parse: lazy('parseNugetLock') },
  { name: /^packages\.config$/, ecosystem: 'NuGet', description: 'NuGet packages.config', parse: lazy('parsePackagesConfig') },
  { name: /\.(cs|fs|vb)proj$/, ecosystem: 'NuGet', description: 'MSBuild PackageReference (central versions from Directory.Packages.props)', parse: lazy('parseProjectFile') },
  { name: /^Directory\.Packages\.props$/, ecosystem: 'NuGet', description: 'central package management (GlobalPackageReference)', parse: lazy('parseDirectoryPackagesProps') },
  { name: /\.deps\.json$/, ecosystem: 'NuGet', description: '.NET deps.json', parse: lazy('parseDepsJson') },
  { name: /^project\.assets\.json$/, ecosystem: 'NuGet', description: 'NuGet restore output', parse: lazy('parseProjectAssets') },
  { name: /^paket\.lock$/, ecosystem: 'NuGet', description: 'Paket', parse: lazy('parsePaketLock') },
  { name: /^paket\.dependencies$/, ecosystem: 'NuGet', description: 'Paket dependencies without a paket.lock', parse: lazy('parsePaketDependencies'), manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['paket.lock']) },
  { name: /^pubspec\.lock$/, ecosystem: 'Pub', description: 'Dart/Flutter pub', parse: lazy('parsePubspecLock') },
  {
    name: /^pubspec\.yaml$/,
    ecosystem: 'Pub',
    description: 'pubspec.yaml without a pubspec.lock (here or in a pub workspace root above)',
    parse: lazy('parsePubspecYaml'),
    manifest: true,
    lockedBy: (p, paths) => foldersUp(p).map((d) => `${d}pubspec.lock`).find((l) => paths.has(l)),
  },
  { name: /^mix\.lock$/, ecosystem: 'Hex', description: 'Elixir Mix (Hex and git)', parse: lazy('parseMixLock') },
  { name: /^rebar\.lock$/, ecosystem: 'Hex', description: 'Erlang rebar3', parse: lazy('parseRebarLock') },
  { name: /^manifest\.toml$/, ecosystem: 'Hex', description: 'Gleam manifest', parse: lazy('parseGleamManifest') },
  { name: /^gleam\.toml$/, ecosystem: 'Hex', description: 'Gleam project without its manifest.toml', parse: lazy('parseGleamToml'), manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['manifest.toml']) },
  { name: /^Package\.resolved$/, ecosystem: 'SwiftURL', description: 'SwiftPM v1–v3', parse: lazy('parsePackageResolved') },
  { name: /^Podfile\.lock$/, ecosystem: 'CocoaPods', description: 'CocoaPods', parse: lazy('parsePodfileLock') },
  { name: /^renv\.lock$/, ecosystem: 'CRAN', description: 'R renv', parse: lazy('parseRenvLock') },
  { name: /^conan\.lock$/, ecosystem: 'ConanCenter', description: 'Conan 1 and 2', parse: lazy('parseConanLock') },
  { name: /^(Julia)?Manifest(-v[\d.]+)?\.toml$/, ecosystem: 'Julia', description: 'Julia Pkg manifest 1.0 and 2.0', parse: lazy('parseJuliaManifest') },
  {
    name: /^(Julia)?Project\.toml$/,
    ecosystem: 'Julia',
    description: 'Julia project without a Manifest.toml',
    parse: lazy('parseJuliaProject'),
    manifest: true,
    lockedBy: (p, paths) => besideOf(p, paths, ['Manifest.toml', 'JuliaManifest.toml']) ?? [...paths].find((q) => q.startsWith(foldersUp(p)[0] as string) && /^(Julia)?Manifest-v[\d.]+\.toml$/.test(q.slice((foldersUp(p)[0] as string).length))),
  },
  { name: /^cabal\.project\.freeze$/, ecosystem: 'Hackage', description: 'cabal freeze file', parse: lazy('parseCabalFreeze') },
  { name: /^stack\.yaml\.lock$/, ecosystem: 'Hackage', description: 'Stack lock file', parse: lazy('parseStackLock') },
  { name: /^deno\.lock$/, ecosystem: 'npm', description: 'Deno lock file v3–v5 (npm and JSR)', parse: lazy('parseDenoLock') },
  { name: /^deno\.jsonc?$/, ecosystem: 'npm', description: 'Deno config imports (npm:, jsr:) without a deno.lock', parse: lazy('parseDenoJson'), manifest: true, lockedBy: (p, paths) => besideOf(p, paths, ['deno.lock']) },
  { name: /^pylock(\.[^./]+)?\.toml$/, ecosystem: 'PyPI', description: 'PEP 751 pylock.toml', parse: lazy('parsePylock') },
  { name: /\.versions\.toml$/, ecosystem: 'Maven', description: 'Gradle version catalog', parse: lazy('parseVersionCatalog') },
  { name: /^verification-metadata\.xml$/, ecosystem: 'Maven', description: 'Gradle dependency verification metadata', parse: lazy('parseGradleVerification') },
  {
    name: /(^(bom|sbom)\.json$|\.(cdx|cyclonedx|spdx)\.json$)/,
    ecosystem: 'any',
    description: 'SBOM input: CycloneDX JSON, SPDX 2.x JSON (components with purls)',
    parse: lazy('parseSbom'),
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
