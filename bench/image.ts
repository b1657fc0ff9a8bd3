// Image SBOM speed and completeness: `pipeguard sbom IMAGE.tar` beside cdxgen on the same docker-archive tarball, and
// the OS packages found beside what dpkg itself says (dpkg-query on the root file system). The image is built here
// without a container engine: a Debian 12 minbase root file system (debootstrap, cached in .bench/image/) plus an
// application layer holding this repository's node_modules (real npm packages and a Go program, esbuild), as an OCI
// layout (umoci) copied to a docker-archive tarball (skopeo). Needs root, debootstrap, umoci, skopeo, dpkg-query.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, CLI, ROOT, build, has, table } from './util.js';

const DIR = join(BENCH_DIR, 'image');
const ROOTFS = join(DIR, 'rootfs');
const LAYOUT = join(DIR, 'layout');
const TARBALL = join(DIR, 'bench.docker.tar');
const RUNS = 3;

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

/** The benchmark image, built once. */
function image(): void {
  if (existsSync(TARBALL)) return;
  mkdirSync(DIR, { recursive: true });
  if (!existsSync(join(ROOTFS, 'var/lib/dpkg/status'))) sh('debootstrap', ['--variant=minbase', 'bookworm', ROOTFS, 'http://deb.debian.org/debian']);
  rmSync(LAYOUT, { recursive: true, force: true });
  sh('umoci', ['init', '--layout', LAYOUT]);
  sh('umoci', ['new', '--image', `${LAYOUT}:bench`]);
  const b1 = join(DIR, 'b1');
  rmSync(b1, { recursive: true, force: true });
  sh('umoci', ['unpack', '--image', `${LAYOUT}:bench`, b1]);
  sh('cp', ['-a', `${ROOTFS}/.`, join(b1, 'rootfs')]);
  sh('umoci', ['repack', '--history.created_by', 'debootstrap --variant=minbase bookworm', '--image', `${LAYOUT}:bench`, b1]);
  const b2 = join(DIR, 'b2');
  rmSync(b2, { recursive: true, force: true });
  sh('umoci', ['unpack', '--image', `${LAYOUT}:bench`, b2]);
  mkdirSync(join(b2, 'rootfs', 'app'), { recursive: true });
  cpSync(join(ROOT, 'node_modules'), join(b2, 'rootfs', 'app', 'node_modules'), { recursive: true, dereference: false, verbatimSymlinks: true });
  cpSync(join(ROOT, 'package.json'), join(b2, 'rootfs', 'app', 'package.json'));
  sh('umoci', ['repack', '--history.created_by', 'COPY . /app && npm ci', '--image', `${LAYOUT}:bench`, b2]);
  rmSync(b1, { recursive: true, force: true });
  rmSync(b2, { recursive: true, force: true });
  sh('skopeo', ['copy', '-q', `oci:${LAYOUT}:bench`, `docker-archive:${TARBALL}:bench/app:1`]);
}

interface Run {
  wall: number;
  cpu: number;
  rssMiB: number;
  status: number | null;
  stderr: string;
}

/** One cold run under GNU time: wall, user+system CPU, peak RSS. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '__T__%e %U %S %M', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  const m = /__T__([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  return { wall: Number(m?.[1] ?? NaN), cpu: Number(m?.[2] ?? NaN) + Number(m?.[3] ?? NaN), rssMiB: Number(m?.[4] ?? NaN) / 1024, status: r.status, stderr: (r.stderr ?? '').replace(/__T__.*\n?/, '') };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function components(file: string): { purls: string[]; deb: Set<string>; npm: Set<string> } {
  const bom = JSON.parse(readFileSync(file, 'utf8')) as { components?: { purl?: string; name?: string; version?: string }[] };
  const purls = (bom.components ?? []).map((c) => decodeURIComponent(c.purl ?? '')).filter(Boolean);
  const base = (p: string) => p.replace(/\?.*$/, '');
  const deb = new Set(purls.filter((p) => p.startsWith('pkg:deb/')).map((p) => base(p).replace(/^pkg:deb\/[^/]+\//, '')));
  const npm = new Set(purls.filter((p) => p.startsWith('pkg:npm/')).map(base));
  return { purls, deb, npm };
}

function main(): void {
  for (const tool of ['umoci', 'skopeo', 'dpkg-query']) if (!has(tool)) throw new Error(`needs ${tool}`);
  image();
  build();
  const ours = join(DIR, 'pipeguard.cdx.json');
  const theirs = join(DIR, 'cdxgen.cdx.json');
  const cdxgen = join(BENCH_DIR, 'tools/node_modules/.bin/cdxgen');
  const cdxEnv = { ...process.env, FETCH_LICENSE: 'false', CDXGEN_TELEMETRY: 'false', NODE_NO_WARNINGS: '1' };
  const usRuns: Run[] = [];
  const themRuns: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    usRuns.push(run(process.execPath, [CLI, 'sbom', TARBALL, '-o', ours]));
    if (usRuns[i]!.status !== 0) throw new Error(`pipeguard sbom failed: ${usRuns[i]!.stderr}`);
    if (existsSync(cdxgen)) themRuns.push(run(cdxgen, ['-t', 'docker', '--no-install-deps', '-o', theirs, TARBALL], cdxEnv));
  }
  const scan = run(process.execPath, [CLI, 'scan', TARBALL, '--scanners', 'deps,image,secrets', '--format', 'json', '-o', join(DIR, 'scan.json'), '--fail-on', 'none']);
  // What dpkg says is installed, read from the same root file system.
  const q = spawnSync('dpkg-query', [`--admindir=${join(ROOTFS, 'var/lib/dpkg')}`, '-W', '-f', '${db:Status-Abbrev} ${Package} ${Version}\\n'], { encoding: 'utf8' });
  const dpkg = new Set(q.stdout.split('\n').filter((l) => l.startsWith('ii')).map((l) => l.split(/\s+/).slice(1, 3).join('@')));
  const mine = components(ours);
  const rows: (string | number)[][] = [['tool', 'wall s (median)', 'CPU s (median)', 'peak RSS MiB', 'components', 'deb', 'npm']];
  rows.push([`pipeguard sbom (${RUNS} runs)`, median(usRuns.map((r) => r.wall)), median(usRuns.map((r) => r.cpu)), Math.max(...usRuns.map((r) => r.rssMiB)), mine.purls.length, mine.deb.size, mine.npm.size]);
  let ratio = '';
  if (themRuns.length && existsSync(theirs)) {
    const other = components(theirs);
    rows.push([`cdxgen 12.8.4 -t docker (${themRuns.length} runs)`, median(themRuns.map((r) => r.wall)), median(themRuns.map((r) => r.cpu)), Math.max(...themRuns.map((r) => r.rssMiB)), other.purls.length, other.deb.size, other.npm.size]);
    const onlyThem = [...other.deb].filter((p) => !mine.deb.has(p));
    ratio = `ratio: pipeguard is ${(median(themRuns.map((r) => r.wall)) / median(usRuns.map((r) => r.wall))).toFixed(1)}x faster by wall time, ${(median(themRuns.map((r) => r.cpu)) / median(usRuns.map((r) => r.cpu))).toFixed(1)}x by CPU (target 10x); deb packages only cdxgen found: ${onlyThem.length}${onlyThem.length ? ` (${onlyThem.slice(0, 5).join(', ')})` : ''}; npm only cdxgen: ${[...other.npm].filter((p) => !mine.npm.has(p)).length}, npm only pipeguard: ${[...mine.npm].filter((p) => !other.npm.has(p)).length}`;
  } else {
    console.log(`cdxgen not installed: npm install --prefix ${join(BENCH_DIR, 'tools')} @cyclonedx/cdxgen@12.8.4 to compare`);
  }
  rows.push(['dpkg-query -W (rootfs)', '-', '-', '-', dpkg.size, dpkg.size, '-']);
  rows.push(['pipeguard scan --scanners deps,image,secrets', scan.wall, scan.cpu, scan.rssMiB, '-', '-', '-']);
  table(rows);
  const missed = [...dpkg].filter((p) => !mine.deb.has(p));
  console.log(`image: ${TARBALL} (${(readFileSync(TARBALL).length / 1048576).toFixed(0)} MiB); OS packages dpkg lists and pipeguard missed: ${missed.length}${missed.length ? ` (${missed.slice(0, 5).join(', ')})` : ''}`);
  if (ratio) console.log(ratio);
  console.log('threads: pipeguard sbom reads layers in one thread; cdxgen as it runs by default. Wall times are noisy on a shared 2-vCPU machine: compare CPU.');
}

main();
