/** Installed npm packages: `node_modules/<name>/package.json` and `node_modules/@scope/<name>/package.json`. */

/** One installed language package. */
export interface InstalledPackage {
  /** OSV ecosystem: npm, PyPI, Maven, Go. */
  ecosystem: string;
  name: string;
  version: string;
  license?: string;
}

const NODE_PKG = /(^|\/|!)node_modules\/(@[^/!]+\/)?[^/!@][^/!]*\/package\.json$/;

/** True for the package.json of an installed npm package. */
export function isNodePackagePath(path: string): boolean {
  return NODE_PKG.test(path);
}

function licenseOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string') return (v as { type: string }).type;
  if (Array.isArray(v)) {
    const ids = v.map(licenseOf).filter((x): x is string => x !== undefined);
    return ids.length ? ids.join(' OR ') : undefined;
  }
  return undefined;
}

/** The package a node_modules package.json describes, or undefined when it names none (a stub, a fixture). */
export function parseNodePackage(text: string): InstalledPackage | undefined {
  const j = JSON.parse(text) as Record<string, unknown>;
  if (typeof j !== 'object' || j === null) return undefined;
  const name = j.name;
  const version = j.version;
  if (typeof name !== 'string' || typeof version !== 'string' || !name || !version) return undefined;
  const license = licenseOf(j.license ?? j.licenses);
  return { ecosystem: 'npm', name, version, ...(license ? { license } : {}) };
}
