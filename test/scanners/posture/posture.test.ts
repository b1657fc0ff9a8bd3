import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRepo } from '../../helpers/tmp.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { runScan } from '../../../src/engine/run.js';
import { configSchema } from '../../../src/config/schema.js';
import { postureScanner } from '../../../src/scanners/posture/index.js';
import { codeownersCovers } from '../../../src/scanners/posture/codeowners.js';
import { fileLoc } from '../../helpers/fixtures.js';
import { NEGLECTED_REPO, WELL_KEPT_REPO } from '../../rules/cases.js';

async function scan(files: Record<string, string | Uint8Array>, posture: Record<string, unknown> = {}) {
  const dir = makeRepo([{ files, message: 'initial' }]);
  const report = await runScan({ target: await openDirectory(dir), config: configSchema.parse({ scanners: { posture } }), registry: [postureScanner] });
  return report;
}
const keys = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => `${f.ruleId}@${fileLoc(f.location).path}${fileLoc(f.location).startLine ? `:${fileLoc(f.location).startLine}` : ''}`).sort();

test('a neglected repository gets every posture finding', async () => {
  const r = await scan(NEGLECTED_REPO);
  assert.deepEqual(keys(r), [
    'posture-binary-artifact@app/__pycache__/x.cpython-312.pyc',
    'posture-binary-artifact@bin/helper.exe',
    'posture-binary-artifact@lib/native/libfast.so.1',
    'posture-ci-no-security-scan@.',
    'posture-ci-no-tests@.',
    'posture-codeowners-ci-uncovered@CODEOWNERS',
    'posture-missing-lockfile@package.json',
    'posture-missing-lockfile@tools/legacy/Pipfile',
    'posture-no-dependency-updates@.',
    'posture-no-security-policy@.',
    'posture-unpinned-dependencies@Dockerfile:1',
    'posture-unpinned-dependencies@scripts/install.sh:3',
    'posture-workflow-no-permissions@.github/workflows/ci.yml:3',
  ]);
  assert.equal(new Set(r.findings.map((f) => f.fingerprint)).size, r.findings.length);
});

test('a well-kept repository (and look-alikes) gets none', async () => {
  const r = await scan(WELL_KEPT_REPO);
  assert.deepEqual(keys(r), []);
});

test('per-rule disable and extra scanner/test commands from config', async () => {
  const files = {
    '.github/workflows/ci.yml': `name: ci\non: [push]\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: ./ci/check-all\n      - run: our-internal-sast --strict\n`,
    'SECURITY.md': 'x\n',
    '.github/CODEOWNERS': '/.github/workflows/ @shop/sec\n',
  };
  assert.deepEqual(keys(await scan(files)), ['posture-ci-no-security-scan@.', 'posture-ci-no-tests@.']);
  assert.deepEqual(keys(await scan(files, { securityScanners: ['our-internal-sast'], testCommands: ['./ci/check-all'] })), []);
  assert.deepEqual(keys(await scan(files, { disable: ['posture-ci-no-tests'] })), ['posture-ci-no-security-scan@.']);
});

test('CODEOWNERS matching: last match wins, empty owners unassign', () => {
  const text = '* @all\n/.github/workflows/ \n';
  assert.equal(codeownersCovers(text, '.github/workflows/ci.yml'), false);
  assert.equal(codeownersCovers(text, 'src/a.ts'), true);
  assert.equal(codeownersCovers('.github/ @sec\n', '.github/workflows/ci.yml'), true);
  assert.equal(codeownersCovers('workflows/ @sec\n', '.github/workflows/ci.yml'), true);
  assert.equal(codeownersCovers('/workflows/ @sec\n', '.github/workflows/ci.yml'), false);
  assert.equal(codeownersCovers('*.yml @sec # yaml owners\n', '.github/workflows/ci.yml'), true);
});

test('CI tests and scans are found through repository scripts and package.json scripts the workflow runs', async () => {
  const base = {
    'SECURITY.md': 'x\n',
    'renovate.json': '{ "extends": ["config:recommended"] }\n',
    '.github/CODEOWNERS': '* @shop/devs\n',
    '.github/workflows/ci.yml': 'name: ci\non: [push]\npermissions: { contents: read }\njobs:\n  ci:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: bash .ci/run\n      - run: npm run audit-all\n',
  };
  assert.deepEqual(keys(await scan({ ...base, '.ci/run': '#!/bin/sh\nnpm ci\nnpm test\n', 'package.json': '{ "scripts": { "audit-all": "npm audit --audit-level=high" } }\n' })), []);
  assert.deepEqual(keys(await scan({ ...base, '.ci/run': '#!/bin/sh\nnpm ci\n', 'package.json': '{ "scripts": { "audit-all": "echo later" } }\n' })), ['posture-ci-no-security-scan@.', 'posture-ci-no-tests@.']);
});

test('CODEOWNERS must cover pipeguard.yml too: the gate\'s policy is as sensitive as the CI definitions', async () => {
  const wf = 'name: ci\non: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: npm test && npx pipeguard scan .\n';
  const base = { '.github/workflows/ci.yml': wf, 'SECURITY.md': 'mail security@example.test\n' };
  const uncovered = await scan({ ...base, 'pipeguard.yml': 'version: 1\n', '.github/CODEOWNERS': '/.github/ @org/sec\n' });
  assert.deepEqual(keys(uncovered), ['posture-codeowners-ci-uncovered@.github/CODEOWNERS']);
  assert.match(uncovered.findings[0]!.message, /pipeguard\.yml/);
  const covered = await scan({ ...base, 'pipeguard.yml': 'version: 1\n', '.github/CODEOWNERS': '/.github/ @org/sec\n/pipeguard.yml @org/sec\n' });
  assert.deepEqual(keys(covered), []);
  // A pipeguard.yml in a subfolder (a fixture, a vendored project) is not the gate's policy.
  const nested = await scan({ ...base, 'test/fixtures/pipeguard.yml': 'version: 1\n', '.github/CODEOWNERS': '/.github/ @org/sec\n' });
  assert.deepEqual(keys(nested), []);
  const none = await scan({ 'pipeguard.yml': 'version: 1\n', 'SECURITY.md': 'x\n' });
  assert.deepEqual(keys(none), ['posture-no-codeowners@.']);
});
