import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cvss3BaseScore, cvss2BaseScore, recordSeverity } from '../../src/advisories/cvss.js';
import { matchPackage } from '../../src/advisories/group.js';
import { lowestFix, rangeAffects, recordAffects, upgradeKind } from '../../src/advisories/match.js';
import type { OsvRecord } from '../../src/advisories/osv.js';
import { TEST_DATA } from '../helpers/test-data.js';

const rec = (eco: string, id: string): OsvRecord => JSON.parse(readFileSync(join(TEST_DATA, 'osv', eco, `${id}.json`), 'utf8')) as OsvRecord;

test('ECOSYSTEM range introduced 0 / fixed (GHSA lodash CVE-2021-23337)', () => {
  const r = rec('npm', 'GHSA-35jh-r3h4-6jhm');
  const pkg = (version: string) => ({ ecosystem: 'npm', name: 'lodash', version });
  assert.equal(recordAffects(r, pkg('4.17.20')), true);
  assert.equal(recordAffects(r, pkg('0.1.0')), true);
  assert.equal(recordAffects(r, pkg('4.17.21')), false);
  assert.equal(recordAffects(r, pkg('5.0.0')), false);
  assert.equal(recordAffects(r, { ecosystem: 'npm', name: 'lodash-es', version: '4.17.20' }), true, 'second affected[] entry');
  assert.equal(recordAffects(r, { ecosystem: 'PyPI', name: 'lodash', version: '4.17.20' }), false, 'other ecosystem');
});

test('last_affected is inclusive (decode-uri-component)', () => {
  const r = rec('npm', 'GHSA-w573-4hg7-7wgq');
  const pkg = (version: string) => ({ ecosystem: 'npm', name: 'decode-uri-component', version });
  assert.equal(recordAffects(r, pkg('0.2.0')), true);
  assert.equal(recordAffects(r, pkg('0.1.9')), true);
  assert.equal(recordAffects(r, pkg('0.2.1')), false);
  assert.equal(lowestFix([r], pkg('0.2.0')), undefined, 'a last_affected range names no fix');
});

test('several introduced/fixed pairs in one range (json-patch, +incompatible)', () => {
  const r = rec('Go', 'GO-2021-0076');
  const pkg = (version: string) => ({ ecosystem: 'Go', name: 'github.com/evanphx/json-patch', version });
  assert.equal(recordAffects(r, pkg('v0.5.1')), true);
  assert.equal(recordAffects(r, pkg('v0.5.2')), false);
  assert.equal(recordAffects(r, pkg('v2.0.0')), false, 'between the two spans');
  assert.equal(recordAffects(r, pkg('v3.0.0+incompatible')), true);
  assert.equal(recordAffects(r, pkg('v4.0.0')), false);
});

test('a GIT range listed first does not hide the ECOSYSTEM range after it (PYSEC tensorflow-cpu)', () => {
  const r = rec('PyPI', 'PYSEC-2019-227');
  assert.equal(r.affected?.[0]?.ranges?.[0]?.type, 'GIT');
  const pkg = (version: string) => ({ ecosystem: 'PyPI', name: 'tensorflow_cpu', version });
  assert.equal(recordAffects(r, pkg('1.14.0')), true, 'PEP 503 name and ECOSYSTEM range');
  assert.equal(recordAffects(r, pkg('1.15.0')), false);
  assert.equal(recordAffects(r, pkg('0.12.0')), false);
});

test('withdrawn records never match (GO-2022-0617)', () => {
  const r = rec('Go', 'GO-2022-0617');
  assert.ok(r.withdrawn);
  assert.equal(recordAffects(r, { ecosystem: 'Go', name: 'k8s.io/kubernetes', version: 'v1.20.0' }), false);
  assert.equal(recordAffects({ ...r, withdrawn: undefined }, { ecosystem: 'Go', name: 'k8s.io/kubernetes', version: 'v1.20.0' }), true);
});

test('records without ranges (unconvertible NSWG range) match nothing', () => {
  const r = rec('npm', 'NSWG-ECO-49');
  assert.equal(recordAffects(r, { ecosystem: 'npm', name: 'mapbox.js', version: '1.0.0' }), false);
});

test('capitalised package name in an advisory still matches (GHSA Axios)', () => {
  const r = rec('npm', 'GHSA-8hc4-vh64-cxmj');
  const ranges = r.affected?.find((a) => a.package?.name === 'Axios')?.ranges ?? [];
  assert.ok(ranges.length > 0);
  const affectedVersion = ranges[0]?.events.find((e) => e.introduced)?.introduced as string;
  assert.equal(recordAffects(r, { ecosystem: 'npm', name: 'axios', version: affectedVersion === '0' ? '0.0.1' : affectedVersion }), true);
});

test('aliases merge: two RustSec records for one CVE are one vulnerability', () => {
  const a = rec('crates.io', 'RUSTSEC-2025-0000');
  const b = rec('crates.io', 'RUSTSEC-2025-0065');
  const m = matchPackage([a, b], { ecosystem: 'crates.io', name: 'matrix-sdk-base', version: '0.14.0' });
  assert.equal(m.vulnerabilities.length, 1);
  assert.equal(m.vulnerabilities[0]?.id, 'CVE-2025-59047');
  assert.deepEqual(m.vulnerabilities[0]?.recordIds, ['RUSTSEC-2025-0000', 'RUSTSEC-2025-0065']);
  assert.ok(m.vulnerabilities[0]?.aliases.includes('GHSA-qhj8-q5r6-8q6j'));
  assert.equal(m.fixedVersion, '0.14.1');
  assert.equal(m.upgrade, 'patch');
});

test('the fix is the lowest version that clears every advisory on the package (lodash 4.17.15)', () => {
  const recs = ['GHSA-35jh-r3h4-6jhm', 'GHSA-29mw-wpgm-hmr9', 'GHSA-p6mc-m468-83gw', 'NSWG-ECO-516'].map((id) => rec('npm', id));
  const m = matchPackage(recs, { ecosystem: 'npm', name: 'lodash', version: '4.17.15' });
  assert.deepEqual(
    m.vulnerabilities.map((v) => v.id),
    ['CVE-2020-28500', 'CVE-2020-8203', 'CVE-2021-23337', 'NSWG-ECO-516'],
  );
  assert.equal(m.fixedVersion, '4.17.21', '4.17.19 fixes NSWG-ECO-516 only, 4.17.20 leaves two');
  assert.equal(m.upgrade, 'patch');
  assert.equal(lowestFix([rec('npm', 'NSWG-ECO-516')], { ecosystem: 'npm', name: 'lodash', version: '4.17.15' }), '4.17.19');
});

test('SEMVER range events are sorted before evaluation', () => {
  const range = { type: 'SEMVER', events: [{ fixed: '2.0.0' }, { introduced: '1.5.0' }, { introduced: '0' }, { fixed: '1.0.0' }] };
  assert.equal(rangeAffects(range, 'npm', '0.9.0'), true);
  assert.equal(rangeAffects(range, 'npm', '1.2.0'), false);
  assert.equal(rangeAffects(range, 'npm', '1.5.0'), true);
  assert.equal(rangeAffects(range, 'npm', '2.0.0'), false);
  assert.equal(rangeAffects({ type: 'GIT', events: [{ introduced: '0' }] }, 'npm', '1.0.0'), false);
});

test('upgrade kind', () => {
  assert.equal(upgradeKind('1.2.3', '1.2.9'), 'patch');
  assert.equal(upgradeKind('1.2.3', '1.3.0'), 'minor');
  assert.equal(upgradeKind('v1.2.3', 'v2.0.0'), 'major');
});

test('CVSS scores from vectors (v3.1, v3.0 scope changed, v2)', () => {
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H'), 7.4);
  assert.equal(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'), 6.1);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H'), 7.2);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'), 0);
  assert.equal(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:U/A:U'), undefined, 'invalid metric values');
  assert.equal(cvss2BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P'), 7.5);
  assert.equal(cvss2BaseScore('AV:N/AC:M/Au:N/C:N/I:P/A:N'), 4.3);
  assert.deepEqual(recordSeverity({ severity: [], database_specific: { severity: 'MODERATE' } }), { severity: 'medium', source: 'label' });
  assert.deepEqual(recordSeverity({}), { source: 'none' });
});

test('Go placeholder ranges use ecosystem_specific.custom_ranges (pseudo-version fixes, GO-2023-2385)', () => {
  const r = rec('Go', 'GO-2023-2385');
  const v5 = (version: string) => ({ ecosystem: 'Go', name: 'github.com/pubnub/go/v5', version });
  assert.equal(recordAffects(r, v5('v5.0.3')), true);
  assert.equal(recordAffects(r, v5('v5.0.4-0.20231016150651-428517fef5b9')), false, 'the fixing pseudo-version');
  assert.equal(recordAffects(r, v5('v5.0.4')), false);
  assert.equal(lowestFix([r], v5('v5.0.3')), '5.0.4-0.20231016150651-428517fef5b9');
  // no custom range: the placeholder stands, every version is affected and no fix is known
  const v1 = (version: string) => ({ ecosystem: 'Go', name: 'github.com/pubnub/go', version });
  assert.equal(recordAffects(r, v1('v4.10.0+incompatible')), true);
  assert.equal(lowestFix([r], v1('v4.10.0+incompatible')), undefined);
  const v7 = (version: string) => ({ ecosystem: 'Go', name: 'github.com/pubnub/go/v7', version });
  assert.equal(recordAffects(r, v7('v7.1.2')), true);
  assert.equal(recordAffects(r, v7('v7.2.0')), false);
});
