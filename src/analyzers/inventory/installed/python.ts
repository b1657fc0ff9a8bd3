/**
 * Installed Python distributions: `*.dist-info/METADATA` (wheels, pip installs) and `*.egg-info/PKG-INFO` or an
 * `*.egg-info` file (setuptools, distutils). Both are RFC 822 headers: `Name`, `Version`, `License-Expression`
 * or `License`.
 */
import type { InstalledPackage } from './node.js';

const DIST = /(^|\/|!)[^/!]+\.dist-info\/METADATA$/;
const EGG = /(^|\/|!)[^/!]+\.egg-info(\/PKG-INFO)?$/;

/** True for Python distribution metadata. */
export function isPythonMetadataPath(path: string): boolean {
  return DIST.test(path) || EGG.test(path);
}

/** The distribution a METADATA / PKG-INFO file describes. */
export function parsePythonMetadata(text: string): InstalledPackage | undefined {
  const h = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the body (long description) follows the first blank line
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    if (m && !h.has(m[1]!.toLowerCase())) h.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  const name = h.get('name');
  const version = h.get('version');
  if (!name || !version) return undefined;
  const raw = h.get('license-expression') ?? h.get('license');
  const license = raw && raw !== 'UNKNOWN' && raw.length < 200 ? raw : undefined;
  return { ecosystem: 'PyPI', name, version, ...(license ? { license } : {}) };
}
