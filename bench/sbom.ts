// SBOM generation speed: pipeguard sbom beside cdxgen (offline, --no-install-deps; pinned by bench/lock/cdxgen) on
// the same real npm lockfile (pinned by bench/lock/deps-big3), cold CLI against cold CLI in paired alternating
// rounds, then pipeguard at 1x, 2x and 4x the input (the project copied side by side).
// Run: node --import tsx bench/sbom.ts [--quick] [--runs N] [--scales 1,2,4] [--no-peer]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, CLI, ROOT, build, cold, type Contender, header, inputDigest, paired, pinned, printPaired, QUICK, ratio, type Run, scaling, sideBySide } from './util.js';

/**
 * A real lockfile of a large project: the one pinned in bench/lock/deps-<name> when there is one (reproducible),
 * else generated once with npm (registry access needed).
 */
export function bigLockfile(name: string, deps: Record<string, string>): string {
  const dir = join(BENCH_DIR, 'deps', name);
  const lock = join(ROOT, 'bench', 'lock', `deps-${name}`);
  if (existsSync(join(lock, 'package-lock.json'))) {
    const want = readFileSync(join(lock, 'package-lock.json'), 'utf8');
    if (!existsSync(join(dir, 'package-lock.json')) || readFileSync(join(dir, 'package-lock.json'), 'utf8') !== want) {
      mkdirSync(dir, { recursive: true });
      cpSync(join(lock, 'package.json'), join(dir, 'package.json'));
      writeFileSync(join(dir, 'package-lock.json'), want);
    }
    return dir;
  }
  if (!existsSync(join(dir, 'package-lock.json'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, dependencies: deps }, null, 2));
    const r = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps'], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm could not generate ${dir}/package-lock.json`);
  }
  return dir;
}

/** The projects the benchmarks use (their lockfiles are pinned under bench/lock/deps-<name>). */
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

/** pipeguard sbom, cold; "files" is the lockfiles under the folder, "findings" the distinct purls. */
function ours(dir: string, out: string, lockfiles: number): Run {
  const s = cold(process.execPath, [CLI, 'sbom', dir, '-o', out]);
  if (s.status !== 0) throw new Error(`pipeguard sbom failed (${s.status}): ${s.stderr.slice(0, 500)}`);
  return { ...s, files: `${lockfiles} lockfile${lockfiles === 1 ? '' : 's'}`, findings: purls(out).size };
}

async function main(): Promise<void> {
  build();
  header('sbom benchmark');
  const project = QUICK ? 'big1' : 'big3';
  const dir = bigLockfile(project, BIG_PROJECTS[project]!);
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  const entries = Object.keys(lock.packages).filter((k) => k.includes('node_modules/')).length;
  console.log(`input: ${relative(ROOT, dir)} (bench/lock/deps-${project}), ${entries} lockfile entries, digest ${inputDigest(dir)}`);
  let cdxgen: string | undefined;
  if (!process.argv.includes('--no-peer')) {
    try {
      cdxgen = join(pinned('cdxgen'), 'node_modules', '.bin', 'cdxgen');
    } catch (e) {
      console.log(`cdxgen could not be installed (${(e as Error).message}): pipeguard alone`);
    }
  }
  const mine = join(BENCH_DIR, 'sbom-pipeguard.cdx.json');
  const theirs = join(BENCH_DIR, 'sbom-cdxgen.cdx.json');
  const contenders: Contender[] = [
    { name: 'pipeguard sbom', threads: '1', run: () => ours(dir, mine, 1) },
    ...(cdxgen
      ? [{
          name: 'cdxgen 12.8.4 -t js --no-install-deps',
          threads: '1 (Node)',
          run: (): Run => {
            const s = cold(cdxgen!, ['-t', 'js', '--no-install-deps', '--no-recurse', '-o', theirs, dir], { env: { ...process.env, FETCH_LICENSE: 'false', CDXGEN_TELEMETRY: 'false', NODE_NO_WARNINGS: '1' } });
            return { ...s, files: '1 lockfile', findings: existsSync(theirs) ? purls(theirs).size : `failed (${s.status})` };
          },
        }]
      : []),
  ];
  const results = paired(contenders);
  printPaired(results, { findings: 'components (purls)' });
  if (cdxgen && existsSync(theirs)) {
    const a = purls(mine);
    const b = purls(theirs);
    const onlyUs = [...a].filter((p) => !b.has(p));
    const onlyThem = [...b].filter((p) => !a.has(p));
    console.log(`lockfile entries: ${entries}; same purls: ${[...a].filter((p) => b.has(p)).length}; only pipeguard: ${onlyUs.length}; only cdxgen: ${onlyThem.length}`);
    if (onlyUs.length || onlyThem.length) console.log(`  e.g. ${onlyUs.slice(0, 3).join(', ')} | ${onlyThem.slice(0, 3).join(', ')}`);
    console.log(`ratio: ${ratio(results[1]!, results[0]!)} (target: 10x)`);
  }
  scaling({
    tool: 'pipeguard sbom; the project copied side by side n times (identical lockfiles: the purls stay the same)',
    input: (n) => ({ path: n === 1 ? dir : sideBySide(dir, n, join(BENCH_DIR, `sbom-scale-${project}-${n}`)) }),
    run: (input, n, i) => ours(input.path, join(BENCH_DIR, `sbom-scale-${n}-${i}.cdx.json`), n),
  });
}

// run only when executed, not when bench/deps.ts imports the helpers above
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
