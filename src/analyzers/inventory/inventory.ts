import { errorMessage } from '../../core/errors.js';
import type { ScanContext, Target, TargetAnalyzer, TargetFile, TargetKind } from '../../core/types.js';
import { targetFiles } from '../../core/types.js';
import { linkGraph } from './graph.js';
import { collectInstalled, isInstalledPath, maybeProgramPath } from './installed/index.js';
import { formatFor } from './parsers/index.js';
import { LockfileError, type ParsedLockfile, type ReadSibling } from './types.js';

/** A lockfile that could not be parsed. */
export interface InventoryError {
  path: string;
  line?: number;
  message: string;
}

/** Extra files parsers may read besides lockfiles (sibling manifests, requirement includes). */
const SIBLINGS = /(^|\/)(package\.json|pyproject\.toml|go\.sum|[^/]*\.txt|[^/]*\.in)$/;

/** The packages a target declares or holds: one entry per lockfile (or installed-package database), and parse failures. */
export interface Inventory {
  lockfiles: ParsedLockfile[];
  errors: InventoryError[];
}

/**
 * Reads every lockfile/manifest of a target and parses it: one entry per file, parse failures as
 * errors (naming the line) so the caller decides whether they end the run. Scanners ask for
 * {@link inventoryAnalyzer} instead, so a scan parses the lockfiles once for all of them.
 */
export function collectInventory(target: Target, signal?: AbortSignal): Promise<Inventory> {
  return readInventory(target, signal);
}

/** The target kinds whose packages the inventory reads: lockfiles in trees, installed packages in images and archives. */
export const INVENTORY_TARGETS: readonly TargetKind[] = ['directory', 'staged', 'archive', 'file', 'image'];

/** The lockfiles of the scan's inventory, each one that failed to parse recorded as a file error of the asking scanner. */
export async function scanInventory(ctx: ScanContext): Promise<ParsedLockfile[]> {
  const { lockfiles, errors } = await ctx.analyses.target(inventoryAnalyzer);
  for (const e of errors) ctx.fileError(e.path, formatInventoryError(e));
  return lockfiles;
}

/** The package inventory as a per-scan analysis: deps and licenses (and the SBOM) share one parse per scan. */
export const inventoryAnalyzer: TargetAnalyzer<Inventory> = {
  id: 'inventory',
  analyze: (target, _analyses, ctx) => readInventory(target, ctx.signal),
};

/**
 * Installed packages are read in images (instead of lockfiles, as Trivy and Syft do: what is installed is what
 * runs) and inside archives met anywhere (a bundled node_modules, a jar's pom.properties, a wheel's METADATA).
 */
function readsInstalled(image: boolean, path: string): boolean {
  return (image || path.includes('!')) && (isInstalledPath(path) || maybeProgramPath(path, image));
}

async function readInventory(target: Target, signal?: AbortSignal): Promise<Inventory> {
  const lockfiles: TargetFile[] = [];
  const others = new Map<string, TargetFile>();
  const installed: TargetFile[] = [];
  const image = target.kind === 'image';
  const wanted = (p: string) => (!image && (formatFor(p) !== undefined || SIBLINGS.test(p))) || readsInstalled(image, p);
  for await (const f of targetFiles(target, { path: wanted, includeLarge: true, includeBinary: true })) {
    if (signal?.aborted) break;
    if (readsInstalled(image, f.path)) installed.push(f);
    else if (f.origin?.hidden) continue;
    else if (formatFor(f.path)) lockfiles.push(f);
    else others.set(f.path, f);
  }
  const byPath = new Map(lockfiles.map((f) => [f.path, f]));
  const read: ReadSibling = async (p: string): Promise<string | undefined> => {
    const f = others.get(p) ?? byPath.get(p);
    return f ? f.text() : undefined;
  };
  read.paths = () => [...byPath.keys()];
  const out: ParsedLockfile[] = [];
  const errors: InventoryError[] = [];
  lockfiles.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const paths = new Set(byPath.keys());
  for (const f of lockfiles) {
    if (signal?.aborted) break;
    const fmt = formatFor(f.path);
    if (!fmt) continue;
    // a manifest whose lockfile is in the target: the lockfile says what is installed, the manifest adds nothing
    if (fmt.lockedBy?.(f.path, paths)) continue;
    try {
      const parsed = await fmt.parse(await f.text(), f.path, read);
      // a manifest that declares nothing (a pyproject.toml holding only tool settings) is not a dependency file
      if (fmt.manifest && !parsed.packages.length && !parsed.constraints?.length && !parsed.notes?.length) continue;
      linkGraph(parsed);
      out.push(parsed);
      for (const n of parsed.notes ?? []) errors.push({ path: f.path, ...(n.line ? { line: n.line } : {}), message: n.message });
    } catch (e) {
      if (e instanceof LockfileError) errors.push({ path: f.path, ...(e.line ? { line: e.line } : {}), message: e.message });
      else errors.push({ path: f.path, message: errorMessage(e) });
    }
  }
  if (installed.length) {
    const order = new Map((target.image?.layers ?? []).map((l) => [l.digest, l.index]));
    const found = await collectInstalled(installed, (d) => order.get(d), (path, message) => errors.push({ path, message }));
    for (const lock of found) {
      linkGraph(lock);
      out.push(lock);
    }
  }
  return { lockfiles: out, errors };
}

/** `line N: message` or the message alone. */
export function formatInventoryError(e: InventoryError): string {
  return e.line ? `line ${e.line}: ${e.message}` : e.message;
}
