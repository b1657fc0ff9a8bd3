import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../../src/config/schema.js';
import { runScan } from '../../../src/engine/run.js';
import { categoryOf, classifiedIds } from '../../../src/scanners/licenses/categories.js';
import { licensesScanner } from '../../../src/scanners/licenses/index.js';
import { judgeLicense } from '../../../src/scanners/licenses/policy.js';
import { formatSpdx, parseSpdx, spdxDeprecatedIds, spdxLicenseIds } from '../../../src/scanners/licenses/spdx.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { makeDir } from '../../helpers/tmp.js';
import { FIXTURES } from '../deps/helpers.js';
import { fileLoc } from '../../helpers/fixtures.js';

async function scanLicenses(root: string, section: Record<string, unknown>) {
  const config = configSchema.parse({ scanners: { licenses: section } });
  return runScan({ target: await openDirectory(root, { gitignore: false }), config, registry: [licensesScanner], scanners: ['licenses'] });
}

function copy(...names: string[]): string {
  const dir = makeDir();
  for (const n of names) cpSync(join(FIXTURES, n), join(dir, n), { recursive: true });
  return dir;
}

test('SPDX expressions: precedence, WITH, +, parentheses, case-insensitive operators', () => {
  assert.deepEqual(parseSpdx('MIT'), { license: 'MIT' });
  assert.equal(formatSpdx(parseSpdx('MIT or Apache-2.0 AND BSD-3-Clause')), 'MIT OR Apache-2.0 AND BSD-3-Clause');
  assert.deepEqual(parseSpdx('(MIT OR Apache-2.0) AND ISC'), {
    conjunction: 'and',
    left: { conjunction: 'or', left: { license: 'MIT' }, right: { license: 'Apache-2.0' } },
    right: { license: 'ISC' },
  });
  assert.deepEqual(parseSpdx('GPL-2.0-or-later WITH Classpath-exception-2.0'), { license: 'GPL-2.0-or-later', exception: 'Classpath-exception-2.0' });
  assert.deepEqual(parseSpdx('LGPL-2.1+'), { license: 'LGPL-2.1', plus: true });
  for (const bad of ['MIT OR', '(MIT', 'MIT AND AND ISC', 'WITH x', 'MIT / ISC']) assert.throws(() => parseSpdx(bad), /./, bad);
});

test('policy: OR passes if either side passes, AND needs both; categories and ids both work', () => {
  const policy = { allow: [], deny: ['strong-copyleft', 'network-copyleft'] };
  assert.equal(judgeLicense('MIT OR GPL-3.0-only', policy).kind, 'ok');
  assert.equal(judgeLicense('MIT AND GPL-3.0-only', policy).kind, 'denied');
  assert.equal(judgeLicense('AGPL-3.0-or-later', policy).kind, 'denied');
  assert.equal(judgeLicense('GPL-2.0-only WITH Classpath-exception-2.0', policy).kind, 'denied');
  assert.equal(judgeLicense('LGPL-2.1-only', policy).kind, 'ok');
  const allow = { allow: ['permissive', 'MPL-2.0'], deny: [] };
  assert.equal(judgeLicense('(MIT OR Apache-2.0)', allow).kind, 'ok');
  assert.equal(judgeLicense('MPL-2.0', allow).kind, 'ok');
  const v = judgeLicense('EPL-2.0 AND MIT', allow);
  assert.equal(v.kind, 'not-allowed');
  assert.deepEqual(v.kind === 'not-allowed' ? v.offending : [], ['EPL-2.0']);
  assert.equal(judgeLicense('Apache 2.0', allow).kind, 'ok', 'common names are mapped to SPDX ids');
  assert.equal(judgeLicense(undefined, allow).kind, 'unknown');
  assert.equal(judgeLicense('SEE LICENSE IN LICENSE.txt', allow).kind, 'unknown');
  assert.equal(judgeLicense('Proprietary-Thing', policy).kind, 'unknown');
  assert.equal(categoryOf('mit'), 'permissive');
  assert.equal(categoryOf('AGPL-3.0-only'), 'network-copyleft');
});

test('licenses from a real npm lockfile: allow list of ids flags the others, per package, once', async () => {
  const report = await scanLicenses(copy('npm3'), { allow: ['MIT'] });
  const byPkg = new Map(report.findings.map((f) => [String(f.data?.package), f]));
  assert.ok(byPkg.size > 0);
  assert.equal(byPkg.get('lodash'), undefined, 'lodash is MIT');
  const inherits = byPkg.get('inherits');
  assert.equal(inherits?.ruleId, 'license-not-allowed');
  assert.equal(inherits?.data?.license, 'ISC');
  assert.equal(inherits?.data?.licenseSource, 'lockfile');
  assert.equal(fileLoc(inherits?.location).path, 'npm3/package-lock.json');
  assert.ok(fileLoc(inherits?.location).startLine);
  assert.equal(byPkg.get('json5'), undefined, 'dev dependencies are skipped by default');
  assert.equal(new Set(report.findings.map((f) => f.identity)).size, report.findings.length);
});

test('the default policy denies strong and network copyleft; a package exception accepts one', async () => {
  const dir = copy('composer');
  const base = await scanLicenses(dir, { includeDev: true, deny: ['BSD-3-Clause'] });
  assert.deepEqual(base.findings.map((f) => [f.ruleId, f.data?.package, f.severity]), [['license-denied', 'phpunit/phpunit', 'high']]);
  const excepted = await scanLicenses(dir, { includeDev: true, deny: ['BSD-3-Clause'], exceptions: [{ package: 'phpunit/phpunit', reason: 'test tool, not shipped' }] });
  assert.equal(excepted.findings.length, 0);
  const defaults = await scanLicenses(dir, { includeDev: true });
  assert.equal(defaults.findings.length, 0, 'MIT and BSD pass the default policy');
});

test('npm packages without a license in the lockfile use the installed node_modules package.json', async () => {
  const dir = copy('y1');
  const nm = join(dir, 'y1', 'node_modules');
  mkdirSync(join(nm, 'lodash'), { recursive: true });
  writeFileSync(join(nm, 'lodash', 'package.json'), JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'AGPL-3.0-only' }));
  mkdirSync(join(nm, 'minimist'), { recursive: true });
  writeFileSync(join(nm, 'minimist', 'package.json'), JSON.stringify({ name: 'minimist', version: '9.9.9', license: 'GPL-3.0-only' }));
  mkdirSync(join(nm, 'express'), { recursive: true });
  writeFileSync(join(nm, 'express', 'package.json'), JSON.stringify({ name: 'express', version: '4.17.1', licenses: [{ type: 'MIT' }] }));
  const report = await scanLicenses(dir, { reportUnknown: true });
  const byPkg = new Map(report.findings.map((f) => [String(f.data?.package), f]));
  assert.equal(byPkg.get('lodash')?.ruleId, 'license-denied');
  assert.equal(byPkg.get('lodash')?.data?.licenseSource, 'node_modules');
  assert.equal(byPkg.get('minimist')?.ruleId, 'license-unknown', 'installed version differs from the lockfile: not used');
  assert.equal(byPkg.get('express'), undefined, 'legacy licenses[] field read');
  assert.equal(byPkg.get('debug')?.ruleId, 'license-unknown');
});

test('categories come from the SPDX list and the Blue Oak list; no id pipeguard classifies is made up', () => {
  const valid = new Set([...spdxLicenseIds(), ...spdxDeprecatedIds()]);
  const made = classifiedIds().filter(([id]) => !valid.has(id));
  assert.deepEqual(made, [], 'every classified id is on the SPDX license list');
  assert.equal(categoryOf('CC-BY-NC-4.0'), 'non-commercial');
  assert.equal(categoryOf('CC-BY-NC-SA-4.0'), 'non-commercial', 'non-commercial even when share-alike');
  assert.equal(categoryOf('PolyForm-Noncommercial-1.0.0'), 'non-commercial');
  assert.equal(categoryOf('CC-BY-SA-4.0'), 'weak-copyleft');
  assert.equal(categoryOf('BlueOak-1.0.0'), 'permissive');
  assert.equal(categoryOf('BSD-2-Clause-Patent'), 'permissive', 'rated gold by Blue Oak');
  assert.equal(categoryOf('GPL-2.0+'), 'strong-copyleft');
  assert.equal(categoryOf('AGPL-3.0-or-later'), 'network-copyleft');
  assert.equal(categoryOf('BUSL-1.1'), 'proprietary');
  assert.equal(categoryOf('LicenseRef-Acme-Proprietary'), 'proprietary');
  assert.equal(categoryOf('OSL-3.0-network'), 'unknown', 'not an SPDX id');
  assert.equal(categoryOf('CC0-1.0'), 'public-domain');
});

test('licence texts: ids checked against the SPDX list, common names corrected, npm UNLICENSED is proprietary', () => {
  const policy = { allow: [], deny: ['strong-copyleft', 'network-copyleft', 'non-commercial'] };
  const nc = judgeLicense('CC-BY-NC-4.0', policy);
  assert.equal(nc.kind, 'denied');
  assert.deepEqual(nc.kind === 'denied' ? nc.categories : [], ['non-commercial']);
  assert.equal(judgeLicense('CC-BY-NC-4.0', { allow: [], deny: ['strong-copyleft', 'network-copyleft'] }).kind, 'ok', 'not copyleft');
  const corrected = judgeLicense('The Apache Software License, Version 2.0', policy);
  assert.equal(corrected.kind === 'ok' ? corrected.expression : '', 'Apache-2.0');
  const lower = judgeLicense('mit or apache-2.0', policy);
  assert.equal(lower.kind === 'ok' ? lower.expression : '', 'MIT OR Apache-2.0');
  const gpl = judgeLicense('GPLv2', policy);
  assert.equal(gpl.kind === 'denied' ? gpl.expression : '', 'GPL-2.0-only');
  const unl = judgeLicense('UNLICENSED', { allow: [], deny: ['proprietary'] });
  assert.equal(unl.kind, 'denied');
  assert.equal(judgeLicense('UNLICENSED', { allow: [], deny: ['UNLICENSED'] }).kind, 'denied');
  const bogus = judgeLicense('MIT AND Frobnicator-9.9', policy);
  assert.equal(bogus.kind, 'unknown');
  assert.match(bogus.kind === 'unknown' ? bogus.reason : '', /not an SPDX license expression/);
  assert.throws(() => parseSpdx('GPL-2.0-only WITH Not-An-Exception'), /not an SPDX license expression/);
});
