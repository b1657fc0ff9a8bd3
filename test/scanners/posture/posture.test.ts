import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRepo } from '../../helpers/tmp.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { runScan } from '../../../src/engine/run.js';
import { configSchema } from '../../../src/config/schema.js';
import { postureScanner } from '../../../src/scanners/posture/index.js';
import { codeownersCovers } from '../../../src/scanners/posture/codeowners.js';
import { fileLoc } from '../../helpers/fixtures.js';

async function scan(files: Record<string, string | Uint8Array>, posture: Record<string, unknown> = {}) {
  const dir = makeRepo([{ files, message: 'initial' }]);
  const report = await runScan({ target: await openDirectory(dir), config: configSchema.parse({ scanners: { posture } }), registry: [postureScanner] });
  return report;
}
const keys = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => `${f.ruleId}@${fileLoc(f.location).path}${fileLoc(f.location).startLine ? `:${fileLoc(f.location).startLine}` : ''}`).sort();

const WORKFLOW_NO_PERMS = `name: ci
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm run build
`;

test('a neglected repository gets every posture finding', async () => {
  const r = await scan({
    'package.json': '{ "name": "shop", "dependencies": { "express": "^4.19.2" } }\n',
    'tools/legacy/Pipfile': '[packages]\nrequests = "*"\n',
    '.github/workflows/ci.yml': WORKFLOW_NO_PERMS,
    'CODEOWNERS': '# owners\n/src/ @shop/devs\n*.md @shop/docs\n',
    'bin/helper.exe': new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]),
    'lib/native/libfast.so.1': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02]),
    'app/__pycache__/x.cpython-312.pyc': new Uint8Array([0x42, 0x0d, 0x0d, 0x0a]),
    'scripts/install.sh': '#!/bin/sh\nset -eu\nnpm install -g pnpm\npip install --no-cache-dir requests==2.31.0\n',
    'Dockerfile': 'FROM node:20\nRUN npm install -g typescript@5.4.2\nUSER node\n',
  });
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
  const r = await scan({
    'package.json': '{ "name": "shop", "workspaces": ["packages/*"], "devDependencies": { "typescript": "5.4.2" } }\n',
    'package-lock.json': '{ "lockfileVersion": 3 }\n',
    'packages/web/package.json': '{ "name": "web", "dependencies": { "react": "18.2.0" } }\n',
    'packages/empty/package.json': '{ "name": "empty", "version": "1.0.0" }\n',
    'pyproject.toml': '[project]\nname = "tool"\n',
    '.github/SECURITY.md': '# Reporting\nEmail security@example.test\n',
    '.github/CODEOWNERS': '* @shop/devs\n/.github/ @shop/security\n',
    '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: { interval: weekly }\n',
    '.github/workflows/ci.yml': `name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n`,
    '.github/workflows/scan.yml': `name: scan\non: [push]\njobs:\n  scan:\n    permissions: { contents: read, security-events: write }\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: github/codeql-action/init@v3\n`,
    'docs/binaries.md': 'We never commit .exe or .jar files.\n',
    'src/app.jar.txt': 'not a jar\n',
    'scripts/setup.sh': '#!/bin/sh\nnpm install -g pnpm@8.15.4\npip install --no-cache-dir -r requirements.txt\n',
    'Dockerfile': 'FROM node:20.11.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nUSER node\n',
  });
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
