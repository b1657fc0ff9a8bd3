// Copies the small subset of the frozen OSV sample (../shared/data) that the tests use into test/fixtures/, so a
// fresh clone runs every test with nothing beside it. Run once after changing the deps fixtures:
//   node --import tsx scripts/vendor-test-data.ts [SHARED_DATA_DIR]
// Picked: every record an id in a test names, every withdrawn record, and every record affecting a package of a
// deps test fixture; the
// version-ordering vectors are copied whole. The benchmarks keep using the full sample.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectInventory } from '../src/analyzers/inventory/inventory.js';
import { openDirectory } from '../src/targets/directory.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const shared = process.argv[2] ?? join(repo, '..', 'shared', 'data');
const out = join(repo, 'test', 'fixtures');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const ids = new Set<string>();
for (const f of walk(join(repo, 'test')).filter((p) => p.endsWith('.ts'))) {
  for (const m of readFileSync(f, 'utf8').matchAll(/\b(GHSA(?:-[a-z0-9]{4}){3}|PYSEC-\d{4}-\d+|GO-\d{4}-\d+|RUSTSEC-\d{4}-\d+|NSWG-ECO-\d+)\b/g)) ids.add(m[1]!);
}
const names = new Set<string>();
const inv = await collectInventory(await openDirectory(join(repo, 'test', 'scanners', 'deps', 'fixtures'), { gitignore: false }));
for (const l of inv.lockfiles) for (const d of l.packages) names.add(`${d.ecosystem}:${d.name}`.toLowerCase());

// only the ecosystems the shared sample has are regenerated: records of other ecosystems (Maven, NuGet, ...) were
// copied by hand from the GitHub Advisory Database and are listed in test/fixtures/README.md
let n = 0;
for (const eco of readdirSync(join(shared, 'osv'))) {
  rmSync(join(out, 'osv', eco), { recursive: true, force: true });
  for (const f of readdirSync(join(shared, 'osv', eco))) {
    const rec = JSON.parse(readFileSync(join(shared, 'osv', eco, f), 'utf8')) as { id: string; withdrawn?: string; affected?: { package?: { ecosystem: string; name: string } }[] };
    const affects = (rec.affected ?? []).some((a) => a.package && names.has(`${a.package.ecosystem}:${a.package.name}`.toLowerCase()));
    // withdrawn records are kept too: a matcher must skip them, and the tests check it does
    if (!ids.has(rec.id) && !affects && rec.withdrawn === undefined) continue;
    mkdirSync(join(out, 'osv', eco), { recursive: true });
    cpSync(join(shared, 'osv', eco, f), join(out, 'osv', eco, f));
    n++;
  }
}
rmSync(join(out, 'version-vectors'), { recursive: true, force: true });
cpSync(join(shared, 'version-vectors'), join(out, 'version-vectors'), { recursive: true });
console.log(`vendored ${n} OSV records and ${readdirSync(join(out, 'version-vectors')).length} version-vector files into test/fixtures/`);
