import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeHash, downloadLocation } from '../../src/sbom/inventory.js';
import { cli } from '../helpers/cli.js';
import { cyclonedxValidator } from '../helpers/sbom-schemas.js';
import { makeDir } from '../helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('../scanners/deps/fixtures', import.meta.url));

function copy(...names: string[]): string {
  const dir = makeDir();
  for (const n of names) cpSync(join(FIXTURES, n), join(dir, n), { recursive: true });
  return dir;
}

interface Bom {
  components: { purl: string; licenses?: unknown[]; hashes?: { alg: string; content: string }[]; scope: string }[];
  dependencies: { ref: string; dependsOn: string[] }[];
  metadata: { timestamp: string; component: { 'bom-ref': string } };
}

test('CycloneDX 1.6 from a real npm lockfile validates against the official schema and keeps every package', async () => {
  const dir = copy('npm3');
  const r = await cli(['sbom', 'npm3', '--format', 'cyclonedx'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const bom = JSON.parse(r.stdout) as Bom;
  const validate = cyclonedxValidator();
  assert.ok(validate(bom), JSON.stringify(validate.errors?.slice(0, 3)));
  const lock = JSON.parse(readFileSync(join(dir, 'npm3', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const expected = new Set(
    Object.entries(lock.packages)
      .filter(([k]) => k.startsWith('node_modules/'))
      .map(([k, v]) => `pkg:npm/${k.slice(k.lastIndexOf('node_modules/') + 13).replace('@', '%40')}@${v.version}`),
  );
  assert.deepEqual(new Set(bom.components.map((c) => c.purl)), expected);
  const lodash = bom.components.find((c) => c.purl === 'pkg:npm/lodash@4.17.15');
  assert.deepEqual(lodash?.licenses, [{ license: { id: 'MIT' } }]);
  assert.equal(lodash?.hashes?.[0]?.alg, 'SHA-512');
  assert.match(lodash?.hashes?.[0]?.content ?? '', /^[0-9a-f]{128}$/);
  assert.equal(bom.components.find((c) => c.purl === 'pkg:npm/json5@2.2.1')?.scope, 'optional', 'dev dependency');
  const root = bom.dependencies.find((d) => d.ref === bom.metadata.component['bom-ref']);
  assert.deepEqual(root?.dependsOn, ['pkg:npm/express@4.17.1', 'pkg:npm/json5@2.2.1', 'pkg:npm/lodash@4.17.15', 'pkg:npm/minimist@1.2.0']);
  assert.ok(bom.dependencies.find((d) => d.ref === 'pkg:npm/express@4.17.1')?.dependsOn.includes('pkg:npm/body-parser@1.19.0'));
  assert.equal(bom.metadata.timestamp, '2026-01-02T03:04:05Z');
  const again = await cli(['sbom', 'npm3'], { cwd: dir });
  assert.equal(again.stdout, r.stdout, 'deterministic');
});

test('CycloneDX for every other ecosystem fixture validates too', async () => {
  const dir = copy('y1', 'berry', 'pnpm9', 'pip', 'poetry', 'uv', 'go', 'cargo', 'ruby', 'composer', 'gradle', 'nuget', 'maven', 'bun');
  const r = await cli(['sbom', '.', '--no-dev'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const bom = JSON.parse(r.stdout) as Bom;
  const validate = cyclonedxValidator();
  assert.ok(validate(bom), JSON.stringify(validate.errors?.slice(0, 3)));
  const purls = bom.components.map((c) => c.purl);
  for (const p of [
    'pkg:pypi/django@3.2.0',
    'pkg:golang/golang.org/x/net@v0.1.0',
    'pkg:cargo/tokio@1.0.0',
    'pkg:gem/rack@2.0.7',
    'pkg:composer/guzzlehttp/guzzle@7.4.0',
    'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
    'pkg:nuget/Newtonsoft.Json@12.0.1',
  ]) {
    assert.ok(purls.includes(p), p);
  }
  assert.ok(!purls.includes('pkg:composer/phpunit/phpunit@9.5.10'), '--no-dev');
  assert.ok(!purls.includes('pkg:maven/junit/junit@4.12'), '--no-dev (test scope)');
});

test('SPDX 2.3: required fields, unique SPDXIDs, purl refs, relationships that resolve', async () => {
  const dir = copy('npm3');
  const out = join(dir, 'sbom.spdx.json');
  const r = await cli(['sbom', 'npm3', '--format', 'spdx', '-o', out], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote SPDX 2\.3 SBOM with 53 components/);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as {
    spdxVersion: string;
    dataLicense: string;
    SPDXID: string;
    documentNamespace: string;
    creationInfo: { created: string; creators: string[] };
    packages: { SPDXID: string; name: string; downloadLocation: string; versionInfo?: string; licenseDeclared: string; externalRefs?: { referenceType: string; referenceLocator: string }[]; checksums?: { algorithm: string; checksumValue: string }[] }[];
    relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
  };
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.equal(doc.dataLicense, 'CC0-1.0');
  assert.equal(doc.SPDXID, 'SPDXRef-DOCUMENT');
  assert.ok(new URL(doc.documentNamespace));
  assert.match(doc.creationInfo.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(doc.creationInfo.creators[0] ?? '', /^Tool: pipeguard-/);
  const ids = new Set(doc.packages.map((p) => p.SPDXID));
  assert.equal(ids.size, doc.packages.length);
  for (const p of doc.packages) {
    assert.match(p.SPDXID, /^SPDXRef-[a-zA-Z0-9.-]+$/);
    assert.ok(p.name && p.downloadLocation);
  }
  const lodash = doc.packages.find((p) => p.externalRefs?.some((x) => x.referenceLocator === 'pkg:npm/lodash@4.17.15'));
  assert.equal(lodash?.licenseDeclared, 'MIT');
  assert.equal(lodash?.checksums?.[0]?.algorithm, 'SHA512');
  for (const rel of doc.relationships) {
    assert.ok(rel.spdxElementId === 'SPDXRef-DOCUMENT' || ids.has(rel.spdxElementId), rel.spdxElementId);
    assert.ok(ids.has(rel.relatedSpdxElement), rel.relatedSpdxElement);
  }
  assert.equal(doc.relationships.filter((x) => x.spdxElementId === 'SPDXRef-Root').length, 4, 'four direct dependencies');
});

test('a malformed lockfile: one line naming file and line, exit 2, no output file', async () => {
  const dir = copy('npm3');
  writeFileSync(join(dir, 'npm3', 'package-lock.json'), '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": { "version": "1.0.0" },,\n  }\n}\n');
  const out = join(dir, 'out.json');
  const r = await cli(['sbom', 'npm3', '-o', out], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'pipeguard: npm3/package-lock.json:4: invalid JSON: expected a string key, found ","\n');
  assert.equal(existsSync(out), false);
  assert.equal(r.stdout, '');
});

test('hash decoding: SRI, hex with algorithm prefix, yarn berry checksum', () => {
  assert.deepEqual(decodeHash('sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA='), { alg: 'SHA-1', hex: '0'.repeat(40) });
  assert.deepEqual(decodeHash(`sha256:${'ab'.repeat(32)}`), { alg: 'SHA-256', hex: 'ab'.repeat(32) });
  assert.deepEqual(decodeHash(`10c0/${'cd'.repeat(64)}`), { alg: 'SHA-512', hex: 'cd'.repeat(64) });
  assert.equal(decodeHash('md5-xxxx'), undefined);
});

test('download locations: URLs without yarn\'s checksum fragment, git URLs as SPDX VCS locators, nothing else', () => {
  assert.equal(downloadLocation('https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c'), 'https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz');
  assert.equal(downloadLocation('git+ssh://git@github.com/acme/lib.git#9f0c1e2'), 'git+ssh://git@github.com/acme/lib.git@9f0c1e2');
  assert.equal(downloadLocation('git://github.com/acme/lib.git'), 'git+git://github.com/acme/lib.git');
  assert.equal(downloadLocation('lodash@npm:4.17.21'), undefined);
  assert.equal(downloadLocation('file:../local'), undefined);
  assert.equal(downloadLocation(undefined), undefined);
});

test('SPDX downloadLocation and CycloneDX distribution reference come from the lockfile\'s resolved URLs', async () => {
  const dir = copy('y1');
  for (const format of ['spdx', 'cyclonedx']) {
    const out = join(dir, `${format}.json`);
    const r = await cli(['sbom', 'y1', '--format', format, '-o', out], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      packages?: { name: string; downloadLocation: string }[];
      components?: { name: string; externalReferences?: { type: string; url: string }[] }[];
    };
    const want = 'https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz';
    if (format === 'spdx') {
      assert.equal(doc.packages?.find((p) => p.name === 'lodash')?.downloadLocation, want);
      assert.ok((doc.packages ?? []).filter((p) => p.downloadLocation === 'NOASSERTION').length <= 1, 'only the root has none');
    } else {
      assert.deepEqual(doc.components?.find((c) => c.name === 'lodash')?.externalReferences, [{ type: 'distribution', url: want }]);
      assert.ok(cyclonedxValidator()(doc), 'valid CycloneDX');
    }
  }
});

test('requirements no lockfile resolves (manifest ranges, unpinned names) are listed as unresolved, pinned ones as components', async () => {
  const dir = copy('pyproject-pep621', 'pip');
  const r = await cli(['sbom', '.'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const bom = JSON.parse(r.stdout) as { components: { purl: string; version?: string; properties: { name: string; value: string }[] }[] };
  const validate = cyclonedxValidator();
  assert.ok(validate(bom), JSON.stringify(validate.errors?.slice(0, 3)));
  const requests = bom.components.filter((c) => c.purl.startsWith('pkg:pypi/requests'));
  // pinned by pip/requirements-base.txt: the version wins over pyproject's range
  assert.deepEqual(requests.map((c) => c.purl), ['pkg:pypi/requests@2.25.0']);
  const click = bom.components.find((c) => c.purl === 'pkg:pypi/click');
  assert.equal(click?.version, undefined);
  assert.deepEqual(click?.properties.filter((p) => p.name.startsWith('pipeguard:') && p.name !== 'pipeguard:ecosystem'), [
    { name: 'pipeguard:unresolved', value: 'true' },
    { name: 'pipeguard:constraint', value: '*' },
    { name: 'pipeguard:lockfile', value: 'pyproject-pep621/pyproject.toml' },
  ]);
  const flask = bom.components.find((c) => c.purl === 'pkg:pypi/flask');
  assert.ok(flask?.properties.some((p) => p.name === 'pipeguard:constraint' && p.value === '>=2.0'));
  const spdx = await cli(['sbom', '.', '--format', 'spdx'], { cwd: dir });
  assert.equal(spdx.code, 0, spdx.stderr);
  const doc = JSON.parse(spdx.stdout) as { packages: { name: string; versionInfo?: string; comment?: string }[] };
  const numpyLike = doc.packages.find((p) => p.name === 'pillow');
  assert.equal(numpyLike?.versionInfo, undefined);
  assert.match(numpyLike?.comment ?? '', /unresolved requirement ==9\.\*/);
});

test('an npm alias is the real package in the SBOM, with the alias as a property', async () => {
  const dir = makeDir();
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { 'old-lodash': 'npm:lodash@4.17.15' } },
        'node_modules/old-lodash': { name: 'lodash', version: '4.17.15', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz' },
      },
    }),
  );
  const r = await cli(['sbom', '.'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const bom = JSON.parse(r.stdout) as { components: { purl: string; properties: { name: string; value: string }[] }[] };
  const lodash = bom.components.find((c) => c.purl === 'pkg:npm/lodash@4.17.15');
  assert.ok(lodash?.properties.some((p) => p.name === 'pipeguard:alias' && p.value === 'old-lodash'));
  assert.ok(!bom.components.some((c) => c.purl.includes('old-lodash')));
});
