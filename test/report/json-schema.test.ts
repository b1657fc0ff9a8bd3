// The published JSON Schema of the JSON report (schema/pipeguard-report.schema.json) holds for real reports:
// the sample run and a scan of a flawed project through the CLI; and it rejects reports that break the layout.
/* eslint-disable @typescript-eslint/no-explicit-any -- mutating parsed JSON */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { renderJson, JSON_REPORT_VERSION } from '../../src/report/json.js';
import { cli } from '../helpers/cli.js';
import { testAdvisoryDb } from '../helpers/advisories.js';
import { makeDir } from '../helpers/tmp.js';
import { SAMPLE_SECRETS, sampleProject } from '../helpers/sample-project.js';
import { sampleDecision, sampleReport } from './sample.js';

const addFormats = addFormatsModule.default;
const schema = JSON.parse(readFileSync(new URL('../../schema/pipeguard-report.schema.json', import.meta.url), 'utf8')) as { properties: { version: { const: number } } };
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const db = testAdvisoryDb();

function check(doc: unknown): void {
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

test('the schema is strict-mode valid and its version is the reporter\'s', () => {
  assert.equal(schema.properties.version.const, JSON_REPORT_VERSION);
});

test('the sample report validates', () => {
  check(JSON.parse(renderJson(sampleReport(), sampleDecision())));
});

test('a real scan of a flawed project validates, with findings of every file scanner and a taint path', async () => {
  const dir = makeDir({ ...sampleProject(), 'pipeguard.yml': `scanners:\n  deps:\n    db: ${JSON.stringify(db)}\n` });
  const r = await cli(['scan', '.', '-f', 'json', '--no-progress'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { version: number; findings: { scanner: string; flow?: unknown[] }[] };
  check(doc);
  assert.equal(doc.version, 1);
  const scanners = new Set(doc.findings.map((f) => f.scanner));
  for (const s of ['secrets', 'sast', 'deps', 'pipeline', 'iac']) assert.ok(scanners.has(s), `a ${s} finding`);
  assert.ok(doc.findings.some((f) => f.flow?.length), 'a finding with a taint path');
  for (const s of SAMPLE_SECRETS) assert.ok(!r.stdout.includes(s));
});

test('the validator rejects a report that breaks the layout', () => {
  const good = JSON.parse(renderJson(sampleReport(), sampleDecision())) as Record<string, unknown>;
  for (const [name, mutate] of [
    ['no version', (d: Record<string, any>) => delete d.version],
    ['another version', (d: Record<string, any>) => (d.version = 2)],
    ['an unknown severity', (d: Record<string, any>) => (d.findings[0].severity = 'severe')],
    ['a finding without a fingerprint', (d: Record<string, any>) => delete d.findings[1].fingerprint],
    ['a location of no kind we know', (d: Record<string, any>) => (d.findings[0].location = { kind: 'moon', path: 'x' })],
    ['a stray field in a finding', (d: Record<string, any>) => (d.findings[0].secretValue = 'x')],
  ] as const) {
    const d = structuredClone(good);
    mutate(d);
    assert.equal(validate(d), false, name);
  }
});
