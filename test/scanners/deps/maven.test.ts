import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectInventory } from '../../../src/analyzers/inventory/inventory.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { FIXTURES, fixtureCopy, inventoryRows, scanDeps } from './helpers.js';

async function inventory(dir: string) {
  return collectInventory(await openDirectory(dir, { gitignore: false }));
}

test('Maven multi-module: parents, BOMs, properties, dependency management', async () => {
  const inv = await inventory(join(FIXTURES, 'maven-multi'));
  assert.deepEqual(inv.errors, []);
  const by = new Map(inv.lockfiles.map((l) => [l.path, inventoryRows(l.packages)]));
  // the parent pins log4j-core 2.14.1 in dependencyManagement: a managed version is not a dependency
  assert.deepEqual(by.get('pom.xml'), ['junit:junit@4.13.1 dev:54']);
  assert.deepEqual(by.get('bom/pom.xml'), []);
  assert.deepEqual(by.get('lib/pom.xml'), [
    'junit:junit@4.13.1 dev:4', // inherited from the parent: reported at <parent>
    'com.fasterxml.jackson.core:jackson-databind@2.13.4.2:13', // property naming a property
    'org.yaml:snakeyaml@1.26:17', // from the BOM the parent imports
    'org.apache.commons:commons-text@1.9:21', // the parent's explicit entry wins over the BOM's 1.8
  ]);
  assert.deepEqual(by.get('app/pom.xml'), [
    'junit:junit@4.13.1 dev:4',
    'com.example.shop:shop-lib@3.2.0-SNAPSHOT:17',
    'org.apache.logging.log4j:log4j-core@2.14.1:22', // used here, so the managed version applies
    'com.google.code.gson:gson@2.8.8:26', // [2.8.8] is a hard pin
    // guava [30.0-jre,) is a range: not resolvable offline, a constraint (below)
    'org.slf4j:slf4j-api@1.7.36:41', // declared twice: the last declaration wins
    'org.mockito:mockito-core@4.8.0 dev optional:46',
    // profile and plugin dependencies are not the project's
  ]);
  const app = inv.lockfiles.find((l) => l.path === 'app/pom.xml');
  assert.deepEqual(app?.constraints, [{ ecosystem: 'Maven', name: 'com.google.guava:guava', spec: '[30.0-jre,)', line: 31 }]);
});

test('Maven: log4j-core pinned only in dependencyManagement raises nothing; used by a module, it is Log4Shell', async () => {
  const dir = fixtureCopy('maven-multi');
  const report = await scanDeps(dir);
  const log4j = report.findings.filter((f) => f.data?.package === 'org.apache.logging.log4j:log4j-core');
  assert.deepEqual(log4j.map((f) => `${String(f.data?.advisoryId)} ${String((f.location as { manifest?: string }).manifest ?? '')}`.trim()).length, 1);
  assert.equal(log4j[0]?.data?.advisoryId, 'CVE-2021-44228');
  assert.equal(log4j[0]?.data?.version, '2.14.1');
  assert.equal(log4j[0]?.data?.fixedVersion, '2.15.0');
  assert.equal(log4j[0]?.severity, 'critical');
});

test('Maven: a relativePath to a folder, a parent found by coordinates, and a parent cycle', async () => {
  const dir = fixtureCopy('maven-multi');
  const child = (parent: string, rel: string) => `<project><modelVersion>4.0.0</modelVersion>
<parent><groupId>com.example.shop</groupId><artifactId>${parent}</artifactId><version>1</version>${rel}</parent>
<artifactId>x</artifactId>
<dependencies><dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId></dependency></dependencies>
</project>`;
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'maven-multi/deep/a'), { recursive: true });
  writeFileSync(join(dir, 'maven-multi/deep/a/pom.xml'), child('shop-parent', '<relativePath>../..</relativePath>'));
  mkdirSync(join(dir, 'maven-multi/elsewhere'), { recursive: true });
  writeFileSync(join(dir, 'maven-multi/elsewhere/pom.xml'), child('shop-parent', '')); // ../pom.xml is not there: found by coordinates
  mkdirSync(join(dir, 'maven-multi/cycle'), { recursive: true });
  writeFileSync(
    join(dir, 'maven-multi/cycle/pom.xml'),
    '<project><groupId>c</groupId><artifactId>self</artifactId><version>1</version><parent><groupId>c</groupId><artifactId>self</artifactId><version>1</version><relativePath>pom.xml</relativePath></parent></project>',
  );
  const inv = await inventory(dir);
  const rows = (p: string) => inventoryRows(inv.lockfiles.find((l) => l.path === p)?.packages ?? []);
  assert.ok(rows('maven-multi/deep/a/pom.xml').includes('org.apache.logging.log4j:log4j-core@2.14.1:4'));
  assert.ok(rows('maven-multi/elsewhere/pom.xml').includes('org.apache.logging.log4j:log4j-core@2.14.1:4'));
  assert.deepEqual(rows('maven-multi/cycle/pom.xml'), []);
});

test('Maven: a POM that is not well-formed XML names the line; unresolved versions are skipped', async () => {
  const dir = fixtureCopy('maven');
  writeFileSync(join(dir, 'maven/pom.xml'), '<project>\n  <dependencies>\n    <dependency>\n      <groupId>a</groupId>\n  </dependencies>\n</project>\n');
  const inv = await inventory(dir);
  assert.equal(inv.errors.length, 1);
  assert.equal(inv.errors[0]?.path, 'maven/pom.xml');
  assert.equal(inv.errors[0]?.line, 5);
  assert.match(inv.errors[0]?.message ?? '', /^invalid XML: /);
  writeFileSync(join(dir, 'maven/pom.xml'), '<project><dependencies><dependency><groupId>a</groupId><artifactId>b</artifactId><version>${nowhere}</version></dependency></dependencies></project>');
  const ok = await inventory(dir);
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.lockfiles[0]?.packages, []);
  writeFileSync(join(dir, 'maven/pom.xml'), '<?xml version="1.0"?>\n<settings><dependencies/></settings>');
  const wrong = await inventory(dir);
  assert.match(`${wrong.errors[0]?.line}: ${wrong.errors[0]?.message}`, /^2: root element is <settings>/);
});
