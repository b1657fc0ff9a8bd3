import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findConfig, loadConfigFile, parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/core/errors.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { makeDir } from '../helpers/tmp.js';

function fails(text: string, re: RegExp, line?: number) {
  try {
    parseConfig(text, 'pipeguard.yml', ['secrets', 'deps']);
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.format(), re);
    if (line !== undefined) assert.equal(e.line, line, e.format());
    return;
  }
  assert.fail('config was accepted');
}

test('an empty file is a valid config with defaults', () => {
  const { config } = parseConfig('', 'p.yml');
  assert.equal(config.failOn, 'high');
  assert.equal(config.scanners.secrets.enabled, true);
});

test('errors name the file, the line and the key', () => {
  fails('version: 1\nfailOn: hihg\n', /^pipeguard\.yml:2: failOn: /, 2);
  fails('version: 1\nscanners:\n  secrets:\n    enabeld: true\n', /pipeguard\.yml:4: scanners\.secrets\.enabeld: Unrecognized key/, 4);
  fails('suppressions:\n  - rule: x\n    reason: ok fine\n    expires: tomorrow\n', /:4: suppressions\[0\]\.expires: expected a date/, 4);
  fails('suppressions:\n  - reason: no target given\n', /:2: suppressions\[0\]: a suppression needs/, 2);
  fails('scanners:\n  secrets:\n    rules:\n      - id: x\n        title: X\n        keywords: [xx]\n        regex: "(unclosed"\n', /:7: scanners\.secrets\.rules\.0\.regex: /, 7);
  fails('thresholds:\n  secretz: low\n', /:2: thresholds\.secretz: unknown scanner/, 2);
  fails('failOn: [high\n', /invalid YAML/);
  fails('- a\n- b\n', /must be a mapping/);
  fails('a: 1\na: 2\n', /:2: invalid YAML/, 2);
});

test('findConfig looks in the folder and up to the repository root', () => {
  const dir = makeDir({ 'pipeguard.yml': 'failOn: low\n', 'sub/deeper/x.txt': '', 'repo/.git/HEAD': '', 'repo/inner/y.txt': '' });
  assert.equal(findConfig(join(dir, 'sub/deeper')), join(dir, 'pipeguard.yml'));
  assert.equal(findConfig(join(dir, 'repo/inner')), undefined);
  assert.equal(loadConfigFile(join(dir, 'pipeguard.yml')).config.failOn, 'low');
  assert.throws(() => loadConfigFile(join(dir, 'missing.yml')), (e: InputError) => /missing\.yml: config file not found$/.test(e.format()));
});

test('the published JSON Schema is generated from the config schema (run npm run schema to update)', () => {
  const published = JSON.parse(readFileSync(new URL('../../schema/pipeguard.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(published, configJsonSchema());
});
