import { compareAlpine } from './alpine.js';
import { compareDebian } from './debian.js';
import { compareMaven } from './maven.js';
import { compareNuget } from './nuget.js';
import { comparePackagist } from './packagist.js';
import { comparePypi } from './pypi.js';
import { compareRpm } from './rpm.js';
import { compareRubygems } from './rubygems.js';
import { compareSemver } from './semver.js';

/** Compares two versions: negative, zero or positive. Never throws. */
export type VersionComparator = (a: string, b: string) => number;

const BY_ECOSYSTEM: Record<string, VersionComparator> = {
  npm: compareSemver,
  'crates.io': compareSemver,
  Go: compareSemver,
  Hex: compareSemver,
  Pub: compareSemver,
  PyPI: comparePypi,
  Maven: compareMaven,
  NuGet: compareNuget,
  Packagist: comparePackagist,
  RubyGems: compareRubygems,
  Debian: compareDebian,
  Ubuntu: compareDebian,
  Alpine: compareAlpine,
  Wolfi: compareAlpine,
  Chainguard: compareAlpine,
  'Rocky Linux': compareRpm,
  AlmaLinux: compareRpm,
  'Red Hat': compareRpm,
  openSUSE: compareRpm,
  SUSE: compareRpm,
  'Photon OS': compareRpm,
  Mageia: compareRpm,
  'Azure Linux': compareRpm,
};

/**
 * The version order of an OSV ecosystem (`Debian:12` uses `Debian`), or undefined when pipeguard
 * has none: ranges in such ecosystems are not evaluated (only exact `versions[]` entries match).
 */
export function comparatorFor(ecosystem: string): VersionComparator | undefined {
  const base = ecosystem.split(':')[0] ?? ecosystem;
  return BY_ECOSYSTEM[base];
}

/** Ecosystems with a version order. */
export const ORDERED_ECOSYSTEMS = Object.keys(BY_ECOSYSTEM);

export { compareAlpine, compareDebian, compareMaven, compareNuget, comparePackagist, comparePypi, compareRpm, compareRubygems, compareSemver };
