import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseSpdx } from '../../src/scanners/licenses/spdx.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';

const addFormats = addFormatsModule.default;
const FIXTURES = fileURLToPath(new URL('../scanners/deps/fixtures', import.meta.url));
// The official SPDX 2.3 JSON schema, verbatim; provenance in fixtures/README.md.
const SCHEMA = fileURLToPath(new URL('./fixtures/spdx-schema-2.3.json', import.meta.url));

interface SpdxDoc {
  SPDXID: string;
  spdxVersion: string;
  packages: {
    SPDXID: string;
    name: string;
    versionInfo?: string;
    downloadLocation: string;
    checksums?: { algorithm: string; checksumValue: string }[];
    externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
    [k: string]: unknown;
  }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
  [k: string]: unknown;
}

let compiled: ValidateFunction | undefined;
function spdxValidator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>;
  assert.equal(schema.$id, 'http://spdx.org/rdf/terms/2.3');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 5));
}

async function spdxFor(fixture: string, extra: string[] = []): Promise<SpdxDoc> {
  const dir = makeDir();
  cpSync(join(FIXTURES, fixture), join(dir, fixture), { recursive: true });
  const r = await cli(['sbom', fixture, '--format', 'spdx', ...extra], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SpdxDoc;
}

/** Checks the SPDX 2.3 rules the JSON schema cannot express: SPDXID syntax, uniqueness, resolvable relationships. */
function assertSpdxRules(doc: SpdxDoc): void {
  const ids = new Set<string>();
  for (const p of doc.packages) {
    assert.match(p.SPDXID, /^SPDXRef-[A-Za-z0-9.-]+$/, p.SPDXID);
    assert.ok(!ids.has(p.SPDXID), `duplicate ${p.SPDXID}`);
    ids.add(p.SPDXID);
    for (const c of p.checksums ?? []) assert.match(c.checksumValue, /^[0-9a-f]+$/, `${p.SPDXID} checksum is lower-case hex`);
    for (const r of p.externalRefs ?? []) assert.match(r.referenceLocator, /^\S+$/, `${p.SPDXID} referenceLocator has no spaces`);
    for (const field of ['licenseDeclared', 'licenseConcluded'] as const) {
      const v = p[field];
      assert.equal(typeof v, 'string', `${p.SPDXID} ${field}`);
      if (v !== 'NOASSERTION' && v !== 'NONE') assert.doesNotThrow(() => parseSpdx(v as string), `${p.SPDXID} ${field} is an SPDX expression: ${String(v)}`);
    }
  }
  for (const rel of doc.relationships) {
    assert.ok(rel.spdxElementId === doc.SPDXID || ids.has(rel.spdxElementId), rel.spdxElementId);
    assert.ok(ids.has(rel.relatedSpdxElement), rel.relatedSpdxElement);
  }
  assert.ok(doc.relationships.some((r) => r.spdxElementId === doc.SPDXID && r.relationshipType === 'DESCRIBES'), 'the document DESCRIBES its root');
}

const CASES: { fixture: string; purl: string; extra?: string[] }[] = [
  { fixture: 'npm3', purl: 'pkg:npm/lodash@4.17.15' },
  { fixture: 'npm1', purl: 'pkg:npm/lodash@4.17.15' },
  { fixture: 'y1', purl: 'pkg:npm/lodash@4.17.15' },
  { fixture: 'berry', purl: 'pkg:npm/lodash@4.17.15' },
  { fixture: 'pnpm9', purl: 'pkg:npm/lodash@4.17.15' },
  { fixture: 'poetry', purl: 'pkg:pypi/requests@2.31.0' },
  { fixture: 'cargo', purl: 'pkg:cargo/tokio@1.0.0' },
  { fixture: 'go', purl: 'pkg:golang/golang.org/x/net@v0.1.0' },
  { fixture: 'ruby', purl: 'pkg:gem/rack@2.0.7' },
  { fixture: 'composer', purl: 'pkg:composer/guzzlehttp/guzzle@7.4.0', extra: ['--no-dev'] },
  { fixture: 'maven', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' },
  { fixture: 'nuget', purl: 'pkg:nuget/Newtonsoft.Json@12.0.1' },
];

for (const { fixture, purl, extra } of CASES) {
  test(`SPDX 2.3 from the ${fixture} fixture validates against the official SPDX 2.3 JSON schema`, async () => {
    const doc = await spdxFor(fixture, extra);
    const validate = spdxValidator();
    assert.ok(validate(doc), errorsOf(validate));
    assert.equal(doc.spdxVersion, 'SPDX-2.3');
    assert.ok(doc.packages.length > 1, 'the root and at least one dependency');
    assert.ok(
      doc.packages.some((p) => p.externalRefs?.some((r) => r.referenceType === 'purl' && r.referenceLocator === purl)),
      `${purl} is listed with its purl`,
    );
    assertSpdxRules(doc);
  });
}

test('SPDX 2.3 merged from many lockfiles of every ecosystem validates too', async () => {
  const dir = makeDir();
  for (const f of ['npm3', 'y1', 'berry', 'pnpm9', 'pip', 'poetry', 'uv', 'go', 'cargo', 'ruby', 'composer', 'gradle', 'nuget', 'maven', 'bun']) {
    cpSync(join(FIXTURES, f), join(dir, f), { recursive: true });
  }
  const r = await cli(['sbom', '.', '--format', 'spdx'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as SpdxDoc;
  const validate = spdxValidator();
  assert.ok(validate(doc), errorsOf(validate));
  assertSpdxRules(doc);
  const purls = new Set(doc.packages.flatMap((p) => p.externalRefs?.map((x) => x.referenceLocator) ?? []));
  for (const c of CASES) if (c.fixture !== 'npm1') assert.ok(purls.has(c.purl), c.purl);
});

test('the schema check can fail: documents broken in typical ways are rejected', async () => {
  const good = await spdxFor('npm3');
  const validate = spdxValidator();
  assert.ok(validate(good), errorsOf(validate));
  const pkg = good.packages.find((p) => p.checksums?.length);
  assert.ok(pkg, 'a package with a checksum');
  const breakers: [string, (d: SpdxDoc) => void][] = [
    ['no spdxVersion', (d) => delete (d as Record<string, unknown>).spdxVersion],
    ['package without downloadLocation', (d) => delete (d.packages[1] as Record<string, unknown>).downloadLocation],
    ['unknown package property', (d) => ((d.packages[1] as Record<string, unknown>).purl = 'pkg:npm/x@1')],
    ['CycloneDX-style checksum algorithm', (d) => ((d.packages.find((p) => p.checksums?.length)?.checksums ?? [])[0] = { algorithm: 'SHA-512', checksumValue: 'ab' })],
    ['unknown relationship type', (d) => ((d.relationships[0] as { relationshipType: string }).relationshipType = 'USES')],
    ['no creators', (d) => ((d.creationInfo as { creators: string[] }).creators = [])],
  ];
  for (const [what, breakIt] of breakers) {
    const doc = structuredClone(good);
    breakIt(doc);
    assert.equal(validate(doc), false, what);
  }
});
