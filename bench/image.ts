// Image SBOM speed and completeness: `pipeguard sbom IMAGE.tar` beside cdxgen on the same docker-archive tarball, and
// the OS packages found beside what dpkg itself says (dpkg-query on the root file system). The image is built here
// without a container engine: a Debian 12 minbase root file system (debootstrap, cached in .bench/image/) plus an
// application layer holding this repository's node_modules (real npm packages and a Go program, esbuild), as an OCI
// layout (umoci) copied to a docker-archive tarball (skopeo). Needs root, debootstrap, umoci, skopeo, dpkg-query.
// Cold CLI against cold CLI in paired alternating rounds (bench/util.ts); cdxgen pinned by bench/lock/cdxgen. No
// scaling table: a 2x or 4x image would need another Debian root file system, not copies of this one's layers.
// Run: node --import tsx bench/image.ts [--quick] [--runs N]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, CLI, ROOT, build, cold, type Contender, has, header, paired, pinned, printPaired, ratio, type Run, table } from './util.js';

const DIR = join(BENCH_DIR, 'image');
const ROOTFS = join(DIR, 'rootfs');
const LAYOUT = join(DIR, 'layout');
const TARBALL = join(DIR, 'bench.docker.tar');

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
  // realpath: in a git worktree node_modules is a link to the main checkout's
  cpSync(realpathSync(join(ROOT, 'node_modules')), join(b2, 'rootfs', 'app', 'node_modules'), { recursive: true, dereference: false, verbatimSymlinks: true });
  cpSync(join(ROOT, 'package.json'), join(b2, 'rootfs', 'app', 'package.json'));
  sh('umoci', ['repack', '--history.created_by', 'COPY . /app && npm ci', '--image', `${LAYOUT}:bench`, b2]);
  rmSync(b1, { recursive: true, force: true });
  rmSync(b2, { recursive: true, force: true });
  sh('skopeo', ['copy', '-q', `oci:${LAYOUT}:bench`, `docker-archive:${TARBALL}:bench/app:1`]);
}

function components(file: string): { purls: string[]; deb: Set<string>; npm: Set<string> } {
  const bom = JSON.parse(readFileSync(file, 'utf8')) as { components?: { purl?: string; name?: string; version?: string }[] };
  const purls = (bom.components ?? []).map((c) => decodeURIComponent(c.purl ?? '')).filter(Boolean);
  const base = (p: string) => p.replace(/\?.*$/, '');
  const deb = new Set(purls.filter((p) => p.startsWith('pkg:deb/')).map((p) => base(p).replace(/^pkg:deb\/[^/]+\//, '')));
  const npm = new Set(purls.filter((p) => p.startsWith('pkg:npm/')).map(base));
  return { purls, deb, npm };
}

function main(): void {
  const missing = ['umoci', 'skopeo', 'debootstrap', 'dpkg-query'].filter((t) => !has(t) && !(t === 'debootstrap' && existsSync(TARBALL)));
  if (missing.length) {
    console.log(`image benchmark skipped: needs ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    return;
  }
  image();
  build();
  header('image benchmark');
  const ours = join(DIR, 'pipeguard.cdx.json');
  const theirs = join(DIR, 'cdxgen.cdx.json');
  let cdxgen: string | undefined;
  try {
    cdxgen = join(pinned('cdxgen'), 'node_modules', '.bin', 'cdxgen');
  } catch (e) {
    console.log(`cdxgen could not be installed (${(e as Error).message}): pipeguard alone`);
  }
  const cdxEnv = { ...process.env, FETCH_LICENSE: 'false', CDXGEN_TELEMETRY: 'false', NODE_NO_WARNINGS: '1' };
  const contenders: Contender[] = [
    {
      name: 'pipeguard sbom',
      threads: '1 (layers read in one thread)',
      run: (): Run => {
        const s = cold(process.execPath, [CLI, 'sbom', TARBALL, '-o', ours]);
        if (s.status !== 0) throw new Error(`pipeguard sbom failed: ${s.stderr}`);
        return { ...s, files: '1 image', findings: components(ours).purls.length };
      },
    },
    ...(cdxgen
      ? [{
          name: 'cdxgen 12.8.4 -t docker',
          threads: '1 (Node; as it runs by default)',
          run: (): Run => {
            const s = cold(cdxgen!, ['-t', 'docker', '--no-install-deps', '-o', theirs, TARBALL], { env: cdxEnv });
            return { ...s, files: '1 image', findings: existsSync(theirs) ? components(theirs).purls.length : `failed (${s.status})` };
          },
        }]
      : []),
  ];
  const results = paired(contenders);
  printPaired(results, { findings: 'components' });
  const scan = cold(process.execPath, [CLI, 'scan', TARBALL, '--scanners', 'deps,image,secrets', '--format', 'json', '-o', join(DIR, 'scan.json'), '--fail-on', 'none']);
  // What dpkg says is installed, read from the same root file system.
  const q = spawnSync('dpkg-query', [`--admindir=${join(ROOTFS, 'var/lib/dpkg')}`, '-W', '-f', '${db:Status-Abbrev} ${Package} ${Version}\\n'], { encoding: 'utf8' });
  const dpkg = new Set(q.stdout.split('\n').filter((l) => l.startsWith('ii')).map((l) => l.split(/\s+/).slice(1, 3).join('@')));
  const mine = components(ours);
  const rows: (string | number)[][] = [['what', 'components', 'deb', 'npm']];
  rows.push(['pipeguard sbom', mine.purls.length, mine.deb.size, mine.npm.size]);
  let compare = '';
  if (results[1] && existsSync(theirs)) {
    const other = components(theirs);
    rows.push(['cdxgen 12.8.4 -t docker', other.purls.length, other.deb.size, other.npm.size]);
    const onlyThem = [...other.deb].filter((p) => !mine.deb.has(p));
    compare = `ratio: ${ratio(results[1], results[0]!)} (target 10x); deb packages only cdxgen found: ${onlyThem.length}${onlyThem.length ? ` (${onlyThem.slice(0, 5).join(', ')})` : ''}; npm only cdxgen: ${[...other.npm].filter((p) => !mine.npm.has(p)).length}, npm only pipeguard: ${[...mine.npm].filter((p) => !other.npm.has(p)).length}`;
  }
  rows.push(['dpkg-query -W (rootfs)', dpkg.size, dpkg.size, '-']);
  table(rows);
  console.log(`pipeguard scan --scanners deps,image,secrets (one cold run): wall ${scan.wallS.toFixed(2)} s, CPU ${scan.cpuS?.toFixed(2) ?? '-'} s, peak ${scan.rssMb?.toFixed(0) ?? '-'} MB`);
  const missed = [...dpkg].filter((p) => !mine.deb.has(p));
  console.log(`image: ${TARBALL} (${(readFileSync(TARBALL).length / 1048576).toFixed(0)} MiB); OS packages dpkg lists and pipeguard missed: ${missed.length}${missed.length ? ` (${missed.slice(0, 5).join(', ')})` : ''}`);
  if (compare) console.log(compare);
}

main();
