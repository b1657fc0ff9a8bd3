import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../../src/config/schema.js';
import type { Finding, Report } from '../../../src/core/types.js';
import { runScan } from '../../../src/engine/run.js';
import { depsScanner } from '../../../src/scanners/deps/index.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { testAdvisoryDb } from '../../helpers/advisories.js';
import { makeDir } from '../../helpers/tmp.js';

/** Folder of the lockfile fixtures. */
export const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

// built at import time so its clean-up runs when the test file ends, not after the first test
testAdvisoryDb();

/** A database holding every vendored OSV record (test/fixtures/osv), built once per test file. */
export const sampleDatabase = testAdvisoryDb;

/** A throwaway copy of fixture folders (so tests can add files). */
export function fixtureCopy(...names: string[]): string {
  const dir = makeDir();
  for (const n of names) cpSync(join(FIXTURES, n), join(dir, n), { recursive: true });
  return dir;
}

/** Runs the deps scanner through the engine on a directory with the given `scanners.deps` section. */
export async function scanDeps(root: string, deps: Record<string, unknown> = {}, registry = [depsScanner]): Promise<Report & { warnings?: string[] }> {
  const config = configSchema.parse({ scanners: { deps: { db: sampleDatabase(), ...deps } } });
  const target = await openDirectory(root, { gitignore: false });
  return runScan({ target, config, registry, scanners: registry.map((s) => s.id) });
}

/** `package@version advisory` of each finding, sorted, for set comparisons. */
export function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${String(f.data?.package)}@${String(f.data?.version)} ${String(f.data?.advisoryId)}`).sort();
}

/** `name@version` of each package of an inventory, with ` dev`, ` optional` and `:line` when set, in file order. */
export function inventoryRows(packages: { name: string; version: string; dev?: boolean; optional?: boolean; line?: number }[]): string[] {
  return packages.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}${p.optional ? ' optional' : ''}${p.line ? `:${p.line}` : ''}`);
}
