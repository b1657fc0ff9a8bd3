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
import { parsePomXml } from './maven.js';
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
}

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
  { name: /^(package-lock|npm-shrinkwrap)\.json$/, ecosystem: 'npm', description: 'npm lockfile v1, v2, v3', parse: parsePackageLock },
  {
    name: /^yarn\.lock$/,
    ecosystem: 'npm',
    description: 'yarn v1 and berry (v2+)',
    parse: async (t, p, read) => parseYarnLock(t, p, await packageJsonDeps(p, read)),
  },
  { name: /^pnpm-lock\.yaml$/, ecosystem: 'npm', description: 'pnpm lockfile 5.x, 6.x, 9.x', parse: parsePnpmLock },
  { name: /^bun\.lock$/, ecosystem: 'npm', description: 'Bun text lockfile', parse: parseBunLock },
  { name: /^requirements.*\.txt$/, ecosystem: 'PyPI', description: 'pip requirements (exact pins)', parse: (t, p, read) => parseRequirements(t, p, read) },
  {
    name: /^poetry\.lock$/,
    ecosystem: 'PyPI',
    description: 'Poetry',
    parse: async (t, p, read) => parsePoetryLock(t, p, await read(sibling(p, 'pyproject.toml'))),
  },
  { name: /^Pipfile\.lock$/, ecosystem: 'PyPI', description: 'Pipenv', parse: parsePipfileLock },
  { name: /^uv\.lock$/, ecosystem: 'PyPI', description: 'uv', parse: parseUvLock },
  { name: /^pdm\.lock$/, ecosystem: 'PyPI', description: 'PDM', parse: parsePdmLock },
  { name: /^go\.mod$/, ecosystem: 'Go', description: 'Go modules (require + replace)', parse: parseGoMod },
  { name: /^Cargo\.lock$/, ecosystem: 'crates.io', description: 'Cargo lockfile v1–v4', parse: parseCargoLock },
  { name: /^Gemfile\.lock$/, ecosystem: 'RubyGems', description: 'Bundler', parse: parseGemfileLock },
  { name: /^composer\.lock$/, ecosystem: 'Packagist', description: 'Composer', parse: parseComposerLock },
  { name: /^pom\.xml$/, ecosystem: 'Maven', description: 'Maven POM (properties, parents and BOMs in the repository, dependency management)', parse: parsePomXml },
  { name: /^gradle\.lockfile$/, ecosystem: 'Maven', description: 'Gradle dependency locking', parse: parseGradleLockfile },
  { name: /^packages\.lock\.json$/, ecosystem: 'NuGet', description: 'NuGet lock file', parse: parseNugetLock },
  {
    name: /(^(bom|sbom)\.json$|\.(cdx|cyclonedx|spdx)\.json$)/,
    ecosystem: 'any',
    description: 'SBOM input: CycloneDX JSON, SPDX 2.x JSON (components with purls)',
    parse: parseSbom,
  },
];

/** The format of a file by its path, or undefined. Files inside `node_modules/` or vendored trees are not lockfiles of the project. */
export function formatFor(path: string): LockfileFormat | undefined {
  if (/(^|\/)(node_modules|vendor|\.git|bower_components|site-packages|\.venv)\//.test(path)) return undefined;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return LOCKFILE_FORMATS.find((f) => f.name.test(base));
}
