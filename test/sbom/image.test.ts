import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { cli } from '../helpers/cli.js';
import { cyclonedxValidator } from '../helpers/sbom-schemas.js';
import { tarBytes } from '../helpers/oci.js';
import { makeDir } from '../helpers/tmp.js';

const addFormats = addFormatsModule.default;
const IMAGES = fileURLToPath(new URL('../fixtures/images', import.meta.url));
const SPDX_SCHEMA = fileURLToPath(new URL('./fixtures/spdx-schema-2.3.json', import.meta.url));
const ESBUILD = fileURLToPath(new URL('../../node_modules/@esbuild/linux-x64/bin/esbuild', import.meta.url));

function validators() {
  const spdx = new Ajv({ strict: false, allErrors: true });
  addFormats(spdx);
  return { cdx: cyclonedxValidator(), spdx: spdx.compile(JSON.parse(readFileSync(SPDX_SCHEMA, 'utf8')) as object) };
}

interface Bom {
  metadata: { component: { type: string; name: string; hashes?: { alg: string; content: string }[] } };
  components: { purl: string; properties: { name: string; value: string }[] }[];
}

const prop = (c: Bom['components'][number], name: string) => c.properties.filter((p) => p.name === name).map((p) => p.value);

test('sbom of an image: OS and language packages, each with the file that lists it and the layer that added it; both formats validate', async () => {
  const dir = makeDir();
  cpSync(join(IMAGES, 'debian.oci.tar'), join(dir, 'shop.oci.tar'));
  const { cdx, spdx } = validators();
  const r = await cli(['sbom', 'shop.oci.tar'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const bom = JSON.parse(r.stdout) as Bom;
  assert.ok(cdx(bom), JSON.stringify(cdx.errors?.slice(0, 3)));
  assert.equal(bom.metadata.component.type, 'container');
  assert.equal(bom.metadata.component.name, 'shop:latest');
  assert.equal(bom.metadata.component.hashes?.[0]?.alg, 'SHA-256');
  const purls = bom.components.map((c) => c.purl);
  assert.deepEqual(purls, [
    'pkg:deb/debian/base-files@12.4%2Bdeb12u15?arch=amd64&distro=debian-12',
    'pkg:deb/debian/libcommons-lang3-java@3.12.0-2%2Bdeb12u1?arch=all&distro=debian-12',
    'pkg:deb/debian/libssl3@3.0.22-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
    'pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12&upstream=six',
    'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=zlib',
    'pkg:maven/org.apache.commons/commons-lang3@3.12.0',
    'pkg:npm/lodash@4.17.20',
    'pkg:pypi/six@1.16.0',
  ]);
  const six = bom.components.find((c) => c.purl === 'pkg:pypi/six@1.16.0')!;
  assert.deepEqual(prop(six, 'pipeguard:lockfile'), ['usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO']);
  const ssl = bom.components.find((c) => c.purl.includes('libssl3'))!;
  assert.equal(prop(ssl, 'pipeguard:layer').length, 1);
  assert.notDeepEqual(prop(ssl, 'pipeguard:layer'), prop(six, 'pipeguard:layer'));
  assert.deepEqual(prop(ssl, 'pipeguard:source-package'), ['openssl']);
  const s = await cli(['sbom', 'shop.oci.tar', '--format', 'spdx'], { cwd: dir });
  const doc = JSON.parse(s.stdout) as { packages: { name: string; sourceInfo?: string; primaryPackagePurpose: string }[] };
  assert.ok(spdx(doc), JSON.stringify(spdx.errors?.slice(0, 3)));
  assert.equal(doc.packages[0]?.primaryPackagePurpose, 'CONTAINER');
  assert.match(doc.packages.find((p) => p.name === 'libssl3')?.sourceInfo ?? '', /^found in var\/lib\/dpkg\/status \(image layer sha256:[a-f0-9]{64}\)$/);
});

test('build artifacts: an npm tarball with bundled node_modules, a wheel, a fat jar; SCA of what is inside, the artifact digest', async () => {
  const dir = makeDir();
  // npm pack output with a bundled dependency (bundleDependencies)
  writeFileSync(
    join(dir, 'app-1.0.0.tgz'),
    gzipSync(
      tarBytes([
        { name: 'package/package.json', content: JSON.stringify({ name: 'app', version: '1.0.0', bundleDependencies: ['lodash'] }) },
        { name: 'package/index.js', content: 'module.exports = 1;\n' },
        { name: 'package/node_modules/lodash/package.json', content: JSON.stringify({ name: 'lodash', version: '4.17.20', license: 'MIT' }) },
        { name: 'package/node_modules/@types/node/package.json', content: JSON.stringify({ name: '@types/node', version: '20.1.0' }) },
      ]),
    ),
  );
  // a wheel: a zip with the distribution's own dist-info, and a fat jar holding a jar
  const work = join(dir, 'w');
  mkdirSync(join(work, 'demo-2.0.dist-info'), { recursive: true });
  writeFileSync(join(work, 'demo-2.0.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: demo\nVersion: 2.0\nLicense-Expression: MIT\n');
  execFileSync('zip', ['-qr', join(dir, 'demo-2.0-py3-none-any.whl'), 'demo-2.0.dist-info'], { cwd: work });
  const inner = join(dir, 'inner');
  mkdirSync(join(inner, 'META-INF', 'maven', 'org.yaml', 'snakeyaml'), { recursive: true });
  writeFileSync(join(inner, 'META-INF', 'maven', 'org.yaml', 'snakeyaml', 'pom.properties'), 'groupId=org.yaml\nartifactId=snakeyaml\nversion=1.33\n');
  execFileSync('zip', ['-qr', join(dir, 'snakeyaml-1.33.jar'), 'META-INF'], { cwd: inner });
  mkdirSync(join(dir, 'fat', 'BOOT-INF', 'lib'), { recursive: true });
  cpSync(join(dir, 'snakeyaml-1.33.jar'), join(dir, 'fat', 'BOOT-INF', 'lib', 'snakeyaml-1.33.jar'));
  execFileSync('zip', ['-qr0', join(dir, 'app.jar'), 'BOOT-INF'], { cwd: join(dir, 'fat') });
  const { cdx } = validators();
  const want: Record<string, string[]> = {
    'app-1.0.0.tgz': ['pkg:npm/%40types/node@20.1.0', 'pkg:npm/lodash@4.17.20'],
    'demo-2.0-py3-none-any.whl': ['pkg:pypi/demo@2.0'],
    'app.jar': ['pkg:maven/org.yaml/snakeyaml@1.33'],
  };
  for (const [file, purls] of Object.entries(want)) {
    const r = await cli(['sbom', file], { cwd: dir });
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
    const bom = JSON.parse(r.stdout) as Bom;
    assert.ok(cdx(bom), JSON.stringify(cdx.errors?.slice(0, 3)));
    assert.deepEqual(bom.components.map((c) => c.purl), purls, file);
    assert.equal(bom.metadata.component.type, 'file');
    assert.equal(bom.metadata.component.hashes?.[0]?.content.length, 64);
  }
  const jar = JSON.parse((await cli(['sbom', 'app.jar'], { cwd: dir })).stdout) as Bom;
  assert.deepEqual(prop(jar.components[0]!, 'pipeguard:lockfile'), ['app.jar!BOOT-INF/lib/snakeyaml-1.33.jar!META-INF/maven/org.yaml/snakeyaml/pom.properties']);
});

const hasUmoci = (() => {
  try {
    execFileSync('umoci', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('an image built here with umoci from a root file system holding a Go program: its modules, at its layer', { skip: !hasUmoci ? 'needs umoci (apt-get install umoci)' : !existsSync(ESBUILD) ? 'needs the @esbuild/linux-x64 package (npm ci)' : false }, async () => {
  const dir = makeDir();
  const layout = join(dir, 'layout');
  execFileSync('umoci', ['init', '--layout', layout]);
  execFileSync('umoci', ['new', '--image', `${layout}:v1`]);
  execFileSync('umoci', ['unpack', '--image', `${layout}:v1`, join(dir, 'b')]);
  mkdirSync(join(dir, 'b', 'rootfs', 'usr', 'local', 'bin'), { recursive: true });
  cpSync(ESBUILD, join(dir, 'b', 'rootfs', 'usr', 'local', 'bin', 'esbuild'));
  execFileSync('umoci', ['repack', '--history.created_by', 'COPY esbuild /usr/local/bin/', '--image', `${layout}:v1`, join(dir, 'b')]);
  const r = await cli(['sbom', 'layout'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const bom = JSON.parse(r.stdout) as Bom;
  const sys = bom.components.find((c) => c.purl.startsWith('pkg:golang/golang.org/x/sys@'));
  assert.ok(sys, bom.components.map((c) => c.purl).join(', '));
  assert.deepEqual(prop(sys, 'pipeguard:lockfile'), ['usr/local/bin/esbuild']);
  assert.match(prop(sys, 'pipeguard:layer')[0] ?? '', /^sha256:[a-f0-9]{64}$/);
});
