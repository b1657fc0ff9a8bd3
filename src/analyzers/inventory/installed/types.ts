/** A package as a distribution's package database records it. */
export interface OsPackage {
  name: string;
  /** Full version as the package manager writes it (`1:2.36-9+deb12u4`, `1.2.4-r2`, `1:3.0.7-25.el9`). */
  version: string;
  arch?: string;
  /** The source package, when advisories are keyed by it (dpkg `Source:`, apk origin, the rpm's source rpm). */
  sourceName?: string;
  /** The source package's version, when it differs from the binary's (dpkg `Source: name (version)`). */
  sourceVersion?: string;
  license?: string;
  /** rpm epoch, kept apart for the purl. */
  epoch?: number;
  /** 1-based line of the package's entry in a text database. */
  line?: number;
}
