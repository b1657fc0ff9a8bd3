import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeDatabase } from '../../../src/advisories/db.js';
import { loadRecords } from '../../../src/advisories/load.js';
import { releaseMatches } from '../../../src/advisories/osv.js';
import { configSchema } from '../../../src/config/schema.js';
import type { Finding, PackageLocation, Scanner } from '../../../src/core/types.js';
import { DEFAULT_LIMITS, runScan } from '../../../src/engine/run.js';
import { depsScanner } from '../../../src/scanners/deps/index.js';
import { parseApkInstalled } from '../../../src/analyzers/inventory/installed/apk.js';
import { parseDpkgStatus } from '../../../src/analyzers/inventory/installed/dpkg.js';
import { goPackages, parseModInfo, readGoBuildInfo } from '../../../src/analyzers/inventory/installed/go.js';
import { parsePomProperties } from '../../../src/analyzers/inventory/installed/java.js';
import { parseNodePackage } from '../../../src/analyzers/inventory/installed/node.js';
import { distroEcosystem, parseOsRelease } from '../../../src/analyzers/inventory/installed/os-release.js';
import { parsePythonMetadata } from '../../../src/analyzers/inventory/installed/python.js';
import { parseRpmSqlite, sourceRpmName } from '../../../src/analyzers/inventory/installed/rpm.js';
import { licensesScanner } from '../../../src/scanners/licenses/index.js';
import { openImage } from '../../../src/targets/image/index.js';
import { makeDir } from '../../helpers/tmp.js';

const IMAGES = fileURLToPath(new URL('../../fixtures/images', import.meta.url));
const ADVISORIES = fileURLToPath(new URL('./fixtures/os-advisories', import.meta.url));
const ESBUILD = fileURLToPath(new URL('../../../node_modules/@esbuild/linux-x64/bin/esbuild', import.meta.url));

const dbDir = makeDir();
const db = join(dbDir, 'os.db');
writeDatabase(db, [{ name: 'import:os', origin: ADVISORIES, records: loadRecords(ADVISORIES) }], new Date());

async function imageFile(image: string, path: string): Promise<Uint8Array> {
  const t = (await openImage(join(IMAGES, image), true, { limits: DEFAULT_LIMITS }))!;
  try {
    for await (const f of t.files({ includeBinary: true, path: (p) => p === path })) if (!f.origin?.hidden) return f.bytes();
    throw new Error(`${path} not in ${image}`);
  } finally {
    await t.dispose();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function scanImage(image: string, registry: Scanner<any>[] = [depsScanner]) {
  const target = (await openImage(join(IMAGES, image), !image.endsWith('.tar'), { limits: DEFAULT_LIMITS }))!;
  try {
    const config = configSchema.parse({ scanners: { deps: { db, maxAgeDays: 100000 } } });
    return await runScan({ target, config, registry, scanners: registry.map((s) => s.id) });
  } finally {
    await target.dispose();
  }
}

const summary = (fs: Finding[]) => fs.map((f) => `${String(f.data?.package)}@${String(f.data?.version)} ${String(f.data?.advisoryId)}`).sort();

test('dpkg status: installed stanzas only, Source with and without its own version, line of each stanza', () => {
  const text = [
    'Package: libssl3',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: openssl',
    'Version: 3.0.11-1~deb12u2',
    'Description: Secure Sockets Layer toolkit',
    ' continuation: Version: 9.9 is not a field',
    '',
    'Package: removed-one',
    'Status: deinstall ok config-files',
    'Version: 1.0',
    '',
    'Package: half',
    'Status: install reinstreq half-installed',
    'Version: 1.0',
    '',
    'Package: libgcc-s1',
    'Status: install ok installed',
    'Source: gcc-12 (12.2.0-14)',
    'Version: 12.2.0-14+b1',
    '',
  ].join('\n');
  assert.deepEqual(parseDpkgStatus(text), [
    { name: 'libssl3', version: '3.0.11-1~deb12u2', arch: 'amd64', sourceName: 'openssl', line: 1 },
    { name: 'libgcc-s1', version: '12.2.0-14+b1', sourceName: 'gcc-12', sourceVersion: '12.2.0-14', line: 17 },
  ]);
  // a distroless status.d file has no Status line
  assert.equal(parseDpkgStatus('Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n').length, 1);
});

test('the real image status file (written from real .deb control data) lists every package', async () => {
  const pkgs = parseDpkgStatus(Buffer.from(await imageFile('debian', 'var/lib/dpkg/status')).toString('utf8'));
  assert.deepEqual(pkgs.map((p) => p.name), ['base-files', 'zlib1g', 'libssl3', 'python3-six', 'libcommons-lang3-java']);
  assert.equal(pkgs.find((p) => p.name === 'zlib1g')?.sourceName, 'zlib');
  assert.match(pkgs.find((p) => p.name === 'zlib1g')?.version ?? '', /^1:1\.2\.13/);
});

test('apk installed database: name, version, arch, origin and licence of each record', () => {
  const pkgs = parseApkInstalled('C:Q1abc=\nP:libcrypto3\nV:3.1.3-r0\nA:x86_64\nL:Apache-2.0\no:openssl\nF:lib\nR:libcrypto.so.3\n\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\nP:broken\n');
  assert.deepEqual(pkgs, [
    { name: 'libcrypto3', version: '3.1.3-r0', arch: 'x86_64', sourceName: 'openssl', license: 'Apache-2.0', line: 1 },
    { name: 'musl', version: '1.2.4-r2', arch: 'x86_64', sourceName: 'musl', line: 10 },
  ]);
});

test('rpmdb.sqlite written by the real rpm 4.18: name, epoch:version-release, arch, source rpm, licence from the header blobs', async () => {
  const pkgs = parseRpmSqlite(await imageFile('rocky', 'var/lib/rpm/rpmdb.sqlite')).sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(pkgs, [
    { name: 'openssl', version: '1:3.0.7-24.el9', epoch: 1, arch: 'x86_64', sourceName: 'openssl', license: 'ASL 2.0' },
    { name: 'openssl-libs', version: '1:3.0.7-24.el9', epoch: 1, arch: 'x86_64', sourceName: 'openssl', license: 'ASL 2.0' },
  ]);
  assert.equal(sourceRpmName('glibc-langpack-en-2.34-83.el9.src.rpm'), 'glibc-langpack-en');
  assert.throws(() => parseRpmSqlite(Buffer.from('not a database at all, not even close to one hundred bytes long.......................')), /not a SQLite database/);
});

test('os-release: distribution ecosystems with their release, unknown ones left out', () => {
  const os = (t: string) => parseOsRelease(t);
  assert.equal(distroEcosystem(os('ID=debian\nVERSION_ID="12"\n'), 'dpkg'), 'Debian:12');
  assert.equal(distroEcosystem(os('ID=ubuntu\nVERSION_ID="22.04"\n'), 'dpkg'), 'Ubuntu:22.04');
  assert.equal(distroEcosystem(os('ID=alpine\nVERSION_ID=3.18.4\n'), 'apk'), 'Alpine:v3.18');
  assert.equal(distroEcosystem(os('ID="rocky"\nVERSION_ID="9.3"\n'), 'rpm'), 'Rocky Linux:9');
  assert.equal(distroEcosystem(os('ID="rhel"\nVERSION_ID="9.4"\n'), 'rpm'), 'Red Hat:enterprise_linux:9');
  assert.equal(distroEcosystem(os('ID=debian\n'), 'dpkg'), 'Debian');
  assert.equal(distroEcosystem(os('ID=fedora\nVERSION_ID=39\n'), 'rpm'), undefined);
  assert.equal(distroEcosystem(undefined, 'dpkg'), 'Debian');
  assert.equal(os('NAME=x\n'), undefined);
});

test('advisory releases: a Debian 12 package takes Debian:12 records only; Ubuntu LTS suffixes and Red Hat streams line up; Pro does not', () => {
  assert.ok(releaseMatches('Debian:12', 'Debian:12'));
  assert.ok(!releaseMatches('Debian:11', 'Debian:12'));
  assert.ok(releaseMatches('Debian:11', 'Debian'));
  assert.ok(releaseMatches('Ubuntu:22.04:LTS', 'Ubuntu:22.04'));
  assert.ok(!releaseMatches('Ubuntu:Pro:22.04:LTS', 'Ubuntu:22.04'));
  assert.ok(!releaseMatches('Ubuntu:20.04:LTS', 'Ubuntu:22.04'));
  assert.ok(releaseMatches('Red Hat:enterprise_linux:9::appstream', 'Red Hat:enterprise_linux:9'));
  assert.ok(!releaseMatches('Red Hat:enterprise_linux:8::appstream', 'Red Hat:enterprise_linux:9'));
  assert.ok(releaseMatches('npm', 'npm'));
  assert.ok(!releaseMatches('Alpine:v3.17', 'Alpine:v3.18'));
});

test('language metadata: node_modules package.json, dist-info/egg-info METADATA, pom.properties', () => {
  assert.deepEqual(parseNodePackage('{"name":"@scope/x","version":"1.0.0","license":{"type":"MIT"}}'), { ecosystem: 'npm', name: '@scope/x', version: '1.0.0', license: 'MIT' });
  assert.equal(parseNodePackage('{"name":"nover"}'), undefined);
  assert.deepEqual(parsePythonMetadata('Metadata-Version: 2.1\nName: Django\nVersion: 4.2.1\nLicense: BSD-3-Clause\n\nName: not-a-header\n'), { ecosystem: 'PyPI', name: 'Django', version: '4.2.1', license: 'BSD-3-Clause' });
  assert.deepEqual(parsePythonMetadata('Name: x\nVersion: 1\nLicense: UNKNOWN\n'), { ecosystem: 'PyPI', name: 'x', version: '1' });
  assert.deepEqual(parsePomProperties('#Generated by Maven\ngroupId=org.x\nartifactId=y\nversion=1.2\n'), { ecosystem: 'Maven', name: 'org.x:y', version: '1.2' });
  assert.equal(parsePomProperties('artifactId=y\n'), undefined);
});

const UMOCI = '/usr/bin/umoci';

test('Go build information from a real Go binary (Debian\'s umoci, built in GOPATH mode: no modules): the toolchain as stdlib', { skip: existsSync(UMOCI) ? false : 'needs umoci (apt-get install umoci)' }, () => {
  const info = readGoBuildInfo(readFileSync(UMOCI));
  assert.ok(info);
  assert.match(info.goVersion, /^go1\.\d+/);
  const pkgs = goPackages(info);
  assert.equal(pkgs[0]?.name, 'stdlib');
  assert.equal(`go${pkgs[0]?.version}`, info.goVersion);
  assert.equal(pkgs.length, 1, pkgs.map((p) => `${p.name}@${p.version}`).join(', '));
});

test('Go module information without its header (esbuild\'s release binary, from node_modules): modules, no toolchain', { skip: existsSync(ESBUILD) ? false : 'needs the @esbuild/linux-x64 package (npm ci)' }, () => {
  const info = readGoBuildInfo(readFileSync(ESBUILD));
  assert.ok(info);
  assert.equal(info.goVersion, '');
  const pkgs = goPackages(info);
  assert.ok(!pkgs.some((p) => p.name === 'stdlib'));
  assert.ok(pkgs.some((p) => p.name === 'golang.org/x/sys'), pkgs.map((p) => p.name).join(', '));
  assert.equal(readGoBuildInfo(Buffer.from('\x7fELF not go at all')), undefined);
  // replacements: the module built in is the replacement; a local folder replacement keeps the original
  const mod = parseModInfo('path\tex.com/app\nmod\tex.com/app\t(devel)\t\ndep\tgithub.com/a/b\tv1.0.0\th1:x\n=>\tgithub.com/fork/b\tv1.0.1\th1:y\ndep\tgithub.com/c/d\tv0.1.0\th1:z\n=>\t../local\t\t\n');
  assert.deepEqual(mod, { main: { path: 'ex.com/app' }, deps: [{ path: 'github.com/fork/b', version: 'v1.0.1' }, { path: 'github.com/c/d', version: 'v0.1.0' }] });
});

test('deps on a real Debian image: OS packages by source package and release, language packages, each at its layer', async () => {
  const report = await scanImage('debian');
  assert.deepEqual(summary(report.findings), [
    'libcommons-lang3-java@3.12.0-2+deb12u1 undefined',
    'libssl3@3.0.22-1~deb12u2 CVE-2099-0002',
    'lodash@4.17.20 CVE-2021-23337',
    'org.apache.commons:commons-lang3@3.12.0 CVE-2025-48924',
    'six@1.16.0 CVE-2099-0008',
    'zlib1g@1:1.2.13.dfsg-1+deb12u1 DEBIAN-CVE-2023-45853',
  ].filter((s) => !s.includes('undefined')));
  const ssl = report.findings.find((f) => f.data?.package === 'libssl3')!;
  const loc = ssl.location as PackageLocation;
  assert.equal(loc.kind, 'package');
  assert.equal(loc.path, 'var/lib/dpkg/status');
  assert.equal(loc.purl, 'pkg:deb/debian/libssl3@3.0.22-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl');
  assert.equal(ssl.fix?.upgradeTo, '3.0.23-1~deb12u1');
  assert.equal(ssl.data?.sourcePackage, 'openssl');
  assert.match(ssl.message, /\(source package openssl\)/);
  const layers = new Map(report.findings.map((f) => [String(f.data?.package), (f.location as PackageLocation).layer]));
  assert.equal(layers.get('libssl3'), layers.get('zlib1g'), 'both from the base layer');
  assert.notEqual(layers.get('six'), layers.get('libssl3'));
  assert.equal(layers.get('six'), layers.get('lodash'));
  const pom = report.findings.find((f) => f.data?.package === 'org.apache.commons:commons-lang3')!;
  assert.equal((pom.location as PackageLocation).path, 'usr/share/java/commons-lang3.jar!META-INF/maven/org.apache.commons/commons-lang3/pom.properties');
});

test('deps on Alpine (origin keys) and Rocky Linux (binary packages, rpm order with epochs) images', async () => {
  assert.deepEqual(summary((await scanImage('alpine')).findings), ['libcrypto3@3.1.3-r0 CVE-2023-5678']);
  const rocky = await scanImage('rocky');
  assert.deepEqual(summary(rocky.findings), ['openssl-libs@1:3.0.7-24.el9 CVE-2023-5678']);
  assert.equal(rocky.findings[0]!.fix?.upgradeTo, '1:3.0.7-25.el9_3');
});

test('licences of OS packages are the distribution\'s business: the licenses scanner reads language packages only', async () => {
  const r = await scanImage('alpine', [licensesScanner]);
  // busybox is GPL-2.0-only (denied by default as strong copyleft) but it is an OS package
  assert.deepEqual(r.findings, []);
});
