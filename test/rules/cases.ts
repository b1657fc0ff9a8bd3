/**
 * Whole-repository cases for the one rule tester: rules about what a tree holds or lacks, and files that cannot
 * carry expectation comments (JSON lockfiles). Each case names the rules that must fire and those its look-alikes
 * must not trigger.
 */
import type { TreeCase } from '../helpers/rule-tester.js';

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

/** A repository that neglects every posture practice (posture.test.ts checks each finding's place). */
export const NEGLECTED_REPO: Record<string, string | Uint8Array> = {
  'package.json': '{ "name": "shop", "dependencies": { "express": "^4.19.2" } }\n',
  'tools/legacy/Pipfile': '[packages]\nrequests = "*"\n',
  '.github/workflows/ci.yml': WORKFLOW_NO_PERMS,
  'CODEOWNERS': '# owners\n/src/ @shop/devs\n*.md @shop/docs\n',
  'bin/helper.exe': new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]),
  'lib/native/libfast.so.1': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02]),
  'app/__pycache__/x.cpython-312.pyc': new Uint8Array([0x42, 0x0d, 0x0d, 0x0a]),
  'scripts/install.sh': '#!/bin/sh\nset -eu\nnpm install -g pnpm\npip install --no-cache-dir requests==2.31.0\n',
  'Dockerfile': 'FROM node:20\nRUN npm install -g typescript@5.4.2\nUSER node\n',
};

/** A well-kept repository, with look-alikes of everything the posture rules look for. */
export const WELL_KEPT_REPO: Record<string, string | Uint8Array> = {
  'package.json': '{ "name": "shop", "workspaces": ["packages/*"], "devDependencies": { "typescript": "5.4.2" } }\n',
  'package-lock.json': '{ "lockfileVersion": 3 }\n',
  'packages/web/package.json': '{ "name": "web", "dependencies": { "react": "18.2.0" } }\n',
  'packages/empty/package.json': '{ "name": "empty", "version": "1.0.0" }\n',
  'pyproject.toml': '[project]\nname = "tool"\n',
  '.github/SECURITY.md': '# Reporting\nEmail security@example.test\n',
  '.github/CODEOWNERS': '* @shop/devs\n/.github/ @shop/security\n',
  '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: { interval: weekly }\n',
  '.github/workflows/ci.yml': 'name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n',
  '.github/workflows/scan.yml': 'name: scan\non: [push]\njobs:\n  scan:\n    permissions: { contents: read, security-events: write }\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: github/codeql-action/init@v3\n',
  'docs/binaries.md': 'We never commit .exe or .jar files.\n',
  'src/app.jar.txt': 'not a jar\n',
  'scripts/setup.sh': '#!/bin/sh\nnpm install -g pnpm@8.15.4\npip install --no-cache-dir -r requirements.txt\n',
  'Dockerfile': 'FROM node:20.11.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nUSER node\n',
};

const POSTURE = [
  'posture-no-security-policy', 'posture-no-codeowners', 'posture-codeowners-ci-uncovered', 'posture-no-dependency-updates',
  'posture-missing-lockfile', 'posture-binary-artifact', 'posture-ci-no-tests', 'posture-ci-no-security-scan',
  'posture-workflow-no-permissions', 'posture-unpinned-dependencies',
];

/** An npm v3 lockfile with these packages (name -> [version, licence or undefined]). */
function npmLock(pkgs: Record<string, [string, string | undefined]>): string {
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(Object.entries(pkgs).map(([n, [v]]) => [n, v])) } };
  for (const [n, [v, license]] of Object.entries(pkgs)) {
    packages[`node_modules/${n}`] = { version: v, resolved: `https://registry.npmjs.org/${n}/-/${n}-${v}.tgz`, ...(license ? { license } : {}) };
  }
  return JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n';
}

/** Every tree case. */
export const CASES: TreeCase[] = [
  {
    name: 'posture: a neglected repository',
    scanner: 'posture',
    git: true,
    files: NEGLECTED_REPO,
    positive: POSTURE.filter((id) => id !== 'posture-no-codeowners'),
    negative: [],
  },
  {
    name: 'posture: no CODEOWNERS at all (so nothing to say about its coverage)',
    scanner: 'posture',
    git: true,
    files: { '.github/workflows/ci.yml': WORKFLOW_NO_PERMS, 'docs/CODEOWNERS.md': 'How we assign code owners.\n' },
    positive: ['posture-no-codeowners'],
    negative: ['posture-codeowners-ci-uncovered'],
  },
  {
    name: 'posture: a well-kept repository with look-alikes',
    scanner: 'posture',
    git: true,
    files: WELL_KEPT_REPO,
    positive: [],
    negative: POSTURE,
  },
  {
    name: 'pipeline: an action version with a known advisory, and the fixed one',
    scanner: 'pipeline',
    files: {
      '.github/workflows/ci.yml': 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67 # v45.0.7\n',
      '.github/workflows/fixed.yml': 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: tj-actions/changed-files@ed68ef82c095e0d48ec87eccea555d944a631a4c # v46.0.5\n',
    },
    positive: ['gha-known-vulnerable-action'],
    negative: [],
  },
  {
    name: 'pipeline: a fixed action version is not reported',
    scanner: 'pipeline',
    files: { '.github/workflows/ci.yml': 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: tj-actions/changed-files@ed68ef82c095e0d48ec87eccea555d944a631a4c # v46.0.5\n      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8\n' },
    positive: [],
    negative: ['gha-known-vulnerable-action'],
  },
  {
    name: 'deps: a vulnerable lodash, and a fixed one',
    scanner: 'deps',
    files: { 'vulnerable/package-lock.json': npmLock({ lodash: ['4.17.15', 'MIT'] }) },
    positive: ['vulnerable-dependency'],
    negative: [],
  },
  {
    name: 'deps: the fixed version is not reported',
    scanner: 'deps',
    files: { 'fixed/package-lock.json': npmLock({ lodash: ['4.17.21', 'MIT'] }) },
    positive: [],
    negative: ['vulnerable-dependency'],
  },
  {
    name: 'licenses: denied, unknown, and not allowed',
    scanner: 'licenses',
    files: { 'package-lock.json': npmLock({ gplthing: ['1.0.0', 'GPL-3.0-only'], mystery: ['1.0.0', undefined], isc: ['1.0.0', 'ISC'] }) },
    config: { scanners: { licenses: { allow: ['MIT', 'Apache-2.0'], reportUnknown: true } } },
    positive: ['license-denied', 'license-unknown', 'license-not-allowed'],
    negative: [],
  },
  {
    name: 'licenses: permissive and dual licences pass',
    scanner: 'licenses',
    files: { 'package-lock.json': npmLock({ a: ['1.0.0', 'MIT'], b: ['1.0.0', '(MIT OR GPL-3.0-only)'], c: ['1.0.0', 'Apache-2.0'] }) },
    config: { scanners: { licenses: { allow: ['MIT', 'Apache-2.0'], reportUnknown: true } } },
    positive: [],
    negative: ['license-denied', 'license-unknown', 'license-not-allowed'],
  },
];
