// Dependency matching speed: lockfiles of ~5,000 real npm packages matched against the whole frozen OSV sample.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AdvisoryDb, writeDatabase } from '../src/advisories/db.js';
import { matchPackage } from '../src/advisories/group.js';
import { loadRecords } from '../src/advisories/load.js';
import { collectInventory } from '../src/analyzers/inventory/inventory.js';
import { openDirectory } from '../src/targets/directory.js';
import { BIG_PROJECTS, bigLockfile } from './sbom.js';
import { BENCH_DIR, CLI, ROOT, build, table, timed } from './util.js';

// the frozen sample beside the clone (CI lays shared/ there); PIPEGUARD_SHARED_DATA points elsewhere (a worktree)
const SHARED = join(process.env.PIPEGUARD_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data'), 'osv');

async function main(): Promise<void> {
  if (!existsSync(SHARED)) {
    console.log(`needs the OSV sample at ${SHARED}`);
    return;
  }
  build();
  for (const [name, deps] of Object.entries(BIG_PROJECTS)) bigLockfile(name, deps);
  const db = join(BENCH_DIR, 'advisories.db');
  mkdirSync(BENCH_DIR, { recursive: true });
  let t0 = performance.now();
  const records = loadRecords(SHARED);
  writeDatabase(db, [{ name: 'import:sample', origin: SHARED, records }], new Date());
  const importSec = (performance.now() - t0) / 1000;

  // a mixed monorepo beside the big npm projects: one of every lockfile and manifest format pipeguard reads
  const corpus = join(BENCH_DIR, 'deps');
  const mixed = join(corpus, 'mixed-monorepo');
  rmSync(mixed, { recursive: true, force: true });
  cpSync(join(ROOT, 'test', 'scanners', 'deps', 'fixtures'), mixed, { recursive: true });

  // in-process: parse every lockfile and match every package (CPU time too: wall time means little on a loaded machine)
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

  // end to end: the CLI a user runs
  const cli = timed(process.execPath, [CLI, 'scan', corpus, '--scanners', 'deps', '--format', 'json', '--fail-on', 'none'], { env: { ...process.env, PIPEGUARD_DB: db } }, 3);
  table([
    ['step', 'seconds', 'CPU s', 'notes'],
    ['db import (8,698 OSV records)', importSec, '', `${records.length} records`],
    ['parse lockfiles', parseSec, parseCpu, `${lockfiles.length} lockfiles, ${packages} packages`],
    ['match all packages', matchSec, matchCpu, `${vulns} vulnerabilities`],
    ['pipeguard scan --scanners deps (CLI)', cli.seconds, cli.cpuSeconds ?? '', `exit ${cli.status}, max RSS ${(cli.maxRssMiB ?? 0).toFixed(0)} MiB`],
  ]);
  console.log(
    `target: ${packages} packages scanned in under 1 s: parse + match = ${(parseSec + matchSec).toFixed(2)} s in-process (${(parseCpu + matchCpu).toFixed(2)} s CPU), ` +
      `${cli.seconds.toFixed(2)} s with Node start-up (${(cli.cpuSeconds ?? 0).toFixed(2)} s CPU)`,
  );
  console.log('peer: osv-scanner is not installable offline here (not on npm); npm audit needs the network, so no peer ratio is printed');
}

await main();
