// SBOM generation speed: pipeguard sbom beside cdxgen (offline, --no-install-deps) on the same real npm lockfile.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, CLI, build, table, timed } from './util.js';

/** A real lockfile of a large project, generated once with npm (registry access needed the first time). */
export function bigLockfile(name: string, deps: Record<string, string>): string {
  const dir = join(BENCH_DIR, 'deps', name);
  if (!existsSync(join(dir, 'package-lock.json'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, dependencies: deps }, null, 2));
    const r = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps'], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm could not generate ${dir}/package-lock.json`);
  }
  return dir;
}

/** The projects the benchmarks use. */
export const BIG_PROJECTS: Record<string, Record<string, string>> = {
  big1: { 'react-scripts': '5.0.1', express: '4.18.2', lodash: '4.17.20', axios: '0.21.1' },
  big2: { '@angular/cli': '15.2.0', webpack: '5.75.0', jest: '29.4.0', eslint: '8.34.0', typescript: '4.9.5', '@babel/preset-env': '7.20.2' },
  big3: { gatsby: '5.6.0', next: '13.1.6', '@nestjs/cli': '9.2.0', sequelize: '6.28.0', mongoose: '6.9.1' },
  big4: { 'firebase-tools': '11.23.0', 'aws-cdk-lib': '2.66.0', '@vue/cli': '5.0.8', '@nrwl/workspace': '15.7.2', 'serverless': '3.28.1' },
};

function purls(file: string): Set<string> {
  const bom = JSON.parse(readFileSync(file, 'utf8')) as { components?: { purl?: string }[] };
  return new Set((bom.components ?? []).map((c) => decodeURIComponent(c.purl ?? '').replace(/\?.*$/, '')).filter(Boolean));
}

async function main(): Promise<void> {
  build();
  const dir = bigLockfile('big3', BIG_PROJECTS.big3 as Record<string, string>);
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const entries = Object.keys(lock.packages).filter((k) => k.includes('node_modules/')).length;
  const ours = join(BENCH_DIR, 'sbom-pipeguard.cdx.json');
  const us = timed(process.execPath, [CLI, 'sbom', dir, '-o', ours], {}, 3);
  if (us.status !== 0) throw new Error(`pipeguard sbom failed: ${us.stderr}`);
  const rows: (string | number)[][] = [['tool', 'seconds', 'max RSS MiB', 'components']];
  const mine = purls(ours);
  rows.push(['pipeguard sbom', us.seconds, us.maxRssMiB ?? 0, mine.size]);
  const cdxgen = join(BENCH_DIR, 'tools/node_modules/.bin/cdxgen');
  if (existsSync(cdxgen)) {
    const theirsFile = join(BENCH_DIR, 'sbom-cdxgen.cdx.json');
    const them = timed(cdxgen, ['-t', 'js', '--no-install-deps', '--no-recurse', '-o', theirsFile, dir], { env: { ...process.env, FETCH_LICENSE: 'false', CDXGEN_TELEMETRY: 'false', NODE_NO_WARNINGS: '1' } }, 1);
    const theirs = existsSync(theirsFile) ? purls(theirsFile) : new Set<string>();
    rows.push(['cdxgen 12.8.4 --no-install-deps', them.seconds, them.maxRssMiB ?? 0, theirs.size]);
    table(rows);
    const onlyUs = [...mine].filter((p) => !theirs.has(p));
    const onlyThem = [...theirs].filter((p) => !mine.has(p));
    console.log(`lockfile entries: ${entries}; same purls: ${[...mine].filter((p) => theirs.has(p)).length}; only pipeguard: ${onlyUs.length}; only cdxgen: ${onlyThem.length}`);
    if (onlyUs.length || onlyThem.length) console.log(`  e.g. ${onlyUs.slice(0, 3).join(', ')} | ${onlyThem.slice(0, 3).join(', ')}`);
    console.log(`ratio: pipeguard is ${(them.seconds / us.seconds).toFixed(1)}x faster (target: 10x)`);
  } else {
    table(rows);
    console.log(`cdxgen not installed: npm install --prefix ${join(BENCH_DIR, 'tools')} @cyclonedx/cdxgen@12.8.4 to compare`);
  }
}

// run only when executed, not when bench/deps.ts imports the helpers above
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
