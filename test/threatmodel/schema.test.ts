import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { threatModelJsonSchema, threatRulesJsonSchema } from '../../src/threatmodel/json-schema.js';

test('the published JSON Schemas are generated from the zod schemas (run npm run schema to update)', () => {
  assert.deepEqual(JSON.parse(readFileSync(new URL('../../schema/threatmodel.schema.json', import.meta.url), 'utf8')), threatModelJsonSchema());
  assert.deepEqual(JSON.parse(readFileSync(new URL('../../schema/threat-rules.schema.json', import.meta.url), 'utf8')), threatRulesJsonSchema());
});

test('the example models validate against the published schema, and a typo does not', () => {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  const validate = ajv.compile(threatModelJsonSchema());
  for (const f of ['../../examples/webshop/threatmodel.yml', '../../threatmodel.yml', '../../examples/threatmodel/peers/pytm/threatmodel.yml', '../../examples/threatmodel/peers/threagile/threatmodel.yml']) {
    const doc = parse(readFileSync(new URL(f, import.meta.url), 'utf8'));
    assert.ok(validate(doc), `${f}: ${JSON.stringify(validate.errors)}`);
  }
  assert.equal(validate({ elements: { a: { kind: 'process', internetFacng: true } } }), false);
});
