import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectInventory } from '../../../src/analyzers/inventory/inventory.js';
import { formatFor } from '../../../src/analyzers/inventory/parsers/index.js';
import { LockfileError, type ParsedLockfile } from '../../../src/analyzers/inventory/types.js';
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

/** The files an inventory of a fixture folder (or an absolute folder) read, by path, and its file errors. */
export async function inventory(dir: string): Promise<{ files: Map<string, ParsedLockfile>; errors: string[] }> {
  const inv = await collectInventory(await openDirectory(isAbsolute(dir) ? dir : join(FIXTURES, dir), { gitignore: false }));
  return { files: new Map(inv.lockfiles.map((l) => [l.path, l])), errors: inv.errors.map((e) => `${e.path}:${e.line ?? '?'}: ${e.message}`) };
}

/** `name@version:line [dev] [optional] [as alias]` of the packages, `name spec:line ...` of the constraints. */
export function rows(l: ParsedLockfile | undefined): { packages: string[]; constraints: string[] } {
  assert.ok(l, 'file not read');
  const flags = (d: { dev?: boolean; optional?: boolean; alias?: string }) => `${d.dev ? ' dev' : ''}${d.optional ? ' optional' : ''}${d.alias ? ` as ${d.alias}` : ''}`;
  return {
    packages: l.packages.map((p) => `${p.name}@${p.version}:${p.line ?? '?'}${flags(p)}`),
    constraints: (l.constraints ?? []).map((c) => `${c.name} ${c.spec}:${c.line ?? '?'}${flags(c)}`),
  };
}

/** `line: message` of the error a format's parser throws on `text` (fails when it parses). */
export async function parseError(name: string, text: string): Promise<string> {
  const fmt = formatFor(name);
  assert.ok(fmt, `no format for ${name}`);
  try {
    await fmt.parse(text, name, async () => undefined);
  } catch (e) {
    assert.ok(e instanceof LockfileError, `not a LockfileError: ${String(e)}`);
    return `${e.line ?? '?'}: ${e.message}`;
  }
  assert.fail(`${name} parsed`);
}
