/** What every lockfile parser produces: the installed packages and how they hang together. */

/** One installed package. `key` is unique within its lockfile and is what `dependsOn` refers to. */
export interface Dependency {
  key: string;
  /** OSV ecosystem name: npm, PyPI, Go, crates.io, RubyGems, Packagist, Maven, NuGet. */
  ecosystem: string;
  name: string;
  version: string;
  /** The name the project installs it under when that is an alias (`"my-lodash": "npm:lodash@4"`): `name` is the real package. */
  alias?: string;
  /** Declared by the project itself (or one of its workspaces). */
  direct?: boolean;
  /** Only needed for development (dev dependencies and what only they pull in). */
  dev?: boolean;
  optional?: boolean;
  /** 1-based line of the package's entry in the lockfile, when found cheaply. */
  line?: number;
  /** SPDX expression or licence name as the lockfile/manifest records it. */
  license?: string;
  /** Content hashes: `sha512-...` (SRI), `sha256:...`. */
  hashes?: string[];
  /** Where it was downloaded from. */
  resolved?: string;
  /** Keys of the packages this one depends on. */
  dependsOn?: string[];
  /** Shortest chain of `name@version` from a direct dependency down to this one (filled by the graph step). */
  path?: string[];
  /** Its package URL when the ecosystem's generic one does not fit (OS packages: `pkg:deb/debian/...`). */
  purl?: string;
  /** The name advisories key it by, when not its own (a Debian source package, an Alpine origin). */
  advisoryName?: string;
  /** The version advisories compare, when not its own (a Debian source package's version). */
  advisoryVersion?: string;
  /** Digest of the image layer that added it (packages found in images). */
  layer?: string;
}

/**
 * A requirement a manifest declares without one exact version (`requests>=2`, `serde = "1.0"`, unpinned): not a
 * package (nothing says which version is installed), kept so an SBOM can list it as unresolved.
 */
export interface Constraint {
  ecosystem: string;
  name: string;
  /** The requirement as written (`>=2.0,<3`, `^1.2`, `*` when unpinned, `git <url>`). */
  spec: string;
  line?: number;
  dev?: boolean;
  optional?: boolean;
}

/** A parsed lockfile or manifest. */
export interface ParsedLockfile {
  /** Path relative to the target root. */
  path: string;
  /** Format name: `package-lock@3`, `yarn@1`, `pnpm@9`, `requirements`, `Cargo.lock`... */
  format: string;
  ecosystem: string;
  packages: Dependency[];
  /** Keys of the direct dependencies, when the format records them. */
  roots?: string[];
  /** Keys of direct dependencies declared for development only; what only they pull in is dev. */
  devRoots?: string[];
  /** Declared requirements without an exact version (manifests, requirements files): unresolved, never matched. */
  constraints?: Constraint[];
  /** Problems that did not stop the parse (a missing `-r` include): file notes at a line, the packages still count. */
  notes?: { line?: number; message: string }[];
  /** An operating system's package database (dpkg, apk, rpm): distribution packages, not application ones. */
  os?: boolean;
}

/** A parse failure at a line. Parsers throw it; the scanner records it per file, `sbom` exits 2. */
export class LockfileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'LockfileError';
  }
}

/**
 * Other files of the same target a parser may read (sibling manifests, `-r` includes, parent POMs); undefined when
 * absent. `paths`, when given, lists every lockfile and manifest of the target (a parent or BOM found by coordinates).
 */
export type ReadSibling = ((path: string) => Promise<string | undefined>) & { paths?: () => string[] };
