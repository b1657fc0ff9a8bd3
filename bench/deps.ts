// Dependency matching speed: lockfiles of ~5,000 real npm packages (pinned: bench/lock/deps-big*/package-lock.json)
// and one of every lockfile format pipeguard reads (the test fixtures), matched against the whole frozen OSV sample.
// Cold CLI runs (no peer is installable here: osv-scanner is not on npm, npm audit needs the network), the
// in-process steps beside them (labelled), and the CLI at 1x, 2x and 4x the lockfiles (copies side by side).
// Run: node --import tsx bench/deps.ts [--quick] [--runs N] [--scales 1,2,4]   (PIPEGUARD_SHARED_DATA: the shared data folder)
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AdvisoryDb, writeDatabase } from '../src/advisories/db.js';
import { matchPackage } from '../src/advisories/group.js';
import { loadRecords } from '../src/advisories/load.js';
import { collectInventory } from '../src/analyzers/inventory/inventory.js';
import { openDirectory } from '../src/targets/directory.js';
import { BIG_PROJECTS, bigLockfile } from './sbom.js';
import { BENCH_DIR, ROOT, build, header, inputDigest, paired, pipeguardRun, printPaired, QUICK, reportStats, type Run, scaling, sideBySide, table } from './util.js';

// the frozen sample beside the clone (CI lays shared/ there) or beside the worktrees' folder; PIPEGUARD_SHARED_DATA points elsewhere
const SHARED = [process.env['PIPEGUARD_SHARED_DATA'], join(ROOT, '..', 'shared', 'data'), join(ROOT, '..', '..', 'shared', 'data')]
  .filter((d): d is string => !!d)
  .map((d) => join(d, 'osv'))
  .find((d) => existsSync(d));

/** pipeguard scan --scanners deps, cold, against the imported database. */
function ours(dir: string, db: string, out: string): Run {
  const r = pipeguardRun(['scan', dir, '--scanners', 'deps'], out, 'deps', { env: { ...process.env, PIPEGUARD_DB: db }, filesStat: 'lockfiles' });
  return { ...r, findings: `${r.findings} (${reportStats(out, 'deps').stats['packages'] ?? '?'} packages)` };
}

async function main(): Promise<void> {
  if (!SHARED) {
    console.log('needs the OSV sample (shared/data/osv beside the clone, or PIPEGUARD_SHARED_DATA)');
    return;
  }
  build();
  header('deps benchmark');
  const projects = QUICK ? ['big1'] : Object.keys(BIG_PROJECTS);
  // the input: the pinned big projects and a mixed monorepo (one of every lockfile and manifest format pipeguard reads)
  const corpus = join(BENCH_DIR, QUICK ? 'deps-input-quick' : 'deps-input');
  rmSync(corpus, { recursive: true, force: true });
  for (const name of projects) cpSync(bigLockfile(name, BIG_PROJECTS[name]!), join(corpus, name), { recursive: true });
  cpSync(join(ROOT, 'test', 'scanners', 'deps', 'fixtures'), join(corpus, 'mixed-monorepo'), { recursive: true });
  const db = join(BENCH_DIR, 'advisories.db');
  mkdirSync(BENCH_DIR, { recursive: true });
  let t0 = performance.now();
  const records = loadRecords(SHARED);
  writeDatabase(db, [{ name: 'import:sample', origin: SHARED, records }], new Date());
  const importSec = (performance.now() - t0) / 1000;
  console.log(`input: ${relative(ROOT, corpus)} (${projects.join(', ')} from bench/lock, and test/scanners/deps/fixtures), digest ${inputDigest(corpus)}; advisories: ${records.length} OSV records from ${SHARED}`);

  // cold CLI runs: the figure to compare
  const out = (name: string, i: number) => join(BENCH_DIR, `deps-${name}-${i}.json`);
  const cli = paired([{ name: 'pipeguard scan --scanners deps', threads: '1 (the deps scanner runs on the main thread)', run: (i) => ours(corpus, db, out('cli', i)) }]);
  printPaired(cli);

  // in process, labelled: parse every lockfile and match every package (CPU time too: wall time means little on a loaded machine)
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  t0 = performance.now();
  let c0 = cpu();
  const target = await openDirectory(corpus, { gitignore: false });
  const { lockfiles } = await collectInventory(target);
  const parseSec = (performance.now() - t0) / 1000;
  const parseCpu = cpu() - c0;
  const packages = lockfiles.reduce((n, l) => n + l.packages.length, 0);
  t0 = performance.now();
  c0 = cpu();
  const adv = AdvisoryDb.open(db);
  let vulns = 0;
  for (const l of lockfiles) for (const p of l.packages) vulns += matchPackage(adv.lookup(p.ecosystem, p.name), p).vulnerabilities.length;
  adv.close();
  const matchSec = (performance.now() - t0) / 1000;
  const matchCpu = cpu() - c0;
  console.log('\n[in-process, not a CLI run] the steps, one run each:');
  table([
    ['step', 'wall s', 'CPU s', 'notes'],
    [`db import (${records.length} OSV records)`, importSec, '', 'once, before the runs'],
    ['parse lockfiles', parseSec, parseCpu, `${lockfiles.length} lockfiles, ${packages} packages`],
    ['match all packages', matchSec, matchCpu, `${vulns} vulnerabilities`],
  ]);
  console.log(`target: < 1 s from the CLI; parse + match = ${(parseSec + matchSec).toFixed(2)} s in-process (${(parseCpu + matchCpu).toFixed(2)} s CPU)`);
  console.log('peer: osv-scanner is not installable offline here (not on npm); npm audit needs the network, so no peer ratio is printed');

  scaling({
    tool: 'pipeguard scan --scanners deps; the input copied side by side n times (identical lockfiles)',
    input: (n) => ({ path: n === 1 ? corpus : sideBySide(corpus, n, join(BENCH_DIR, `deps-scale-${QUICK ? 'quick-' : ''}${n}`)) }),
    run: (input, n, i) => ours(input.path, db, out(`scale${n}`, i)),
    done: (n) => n > 1 && rmSync(join(BENCH_DIR, `deps-scale-${QUICK ? 'quick-' : ''}${n}`), { recursive: true, force: true }),
  });
}

await main();
