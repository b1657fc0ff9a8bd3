import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { recordSeverity, severityFromScore } from '../../src/advisories/cvss.js';
import { cvss4Score } from '../../src/advisories/cvss4.js';
import { matchPackage } from '../../src/advisories/group.js';
import type { OsvRecord } from '../../src/advisories/osv.js';
import { TEST_DATA } from '../helpers/test-data.js';

// Official scores. Unless noted, each [vector, score] pair is a line of the test vectors published with the
// Red Hat `cvss` library, github.com/RedHatProductSecurity/cvss, file `tests/vectors_simple4` (scores
// produced by the FIRST CVSS v4.0 reference calculator, github.com/FIRSTdotorg/cvss-v4-calculator).
const SIMPLE4: [string, number][] = [
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L', 9.2],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L', 7.8],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N', 6.9],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H', 7.9],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N', 8.3],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L', 5.3],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.6],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N', 5.1],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:L/SC:N/SI:L/SA:N', 7.1],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:H/SI:L/SA:L', 6.4],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H', 9.3],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:N', 5.1],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N', 4.8],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H', 9.5],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:L/VA:L/SC:H/SI:L/SA:L', 7.0],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:N/SC:H/SI:N/SA:N', 4.9],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N', 2.1],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N', 2.3],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N', 1.8],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L', 9.4],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:L/VA:L/SC:H/SI:H/SA:L', 5.0],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N', 4.0],
  ['CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N', 9.5],
  ['CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:P/VC:L/VI:H/VA:L/SC:L/SI:L/SA:L', 4.4],
  ['CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:P/VC:L/VI:L/VA:L/SC:N/SI:L/SA:N', 1.0],
  ['CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:A/VC:H/VI:H/VA:L/SC:N/SI:N/SA:H', 6.7],
  ['CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:A/VC:L/VI:L/VA:N/SC:H/SI:N/SA:L', 2.0],
  ['CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:N', 6.9],
  ['CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L', 5.4],
  ['CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:L/SI:H/SA:H', 2.3],
  ['CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:P/VC:L/VI:N/VA:N/SC:H/SI:H/SA:H', 2.4],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H', 7.2],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:N/VC:L/VI:N/VA:N/SC:H/SI:N/SA:N', 1.8],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:H/SI:H/SA:L', 2.3],
  // Every impact None: the specification's shortcut to 0.0 (same file).
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0.0],
];

// Threat metric E (tests/vectors_threat4 of the same repository).
const THREAT4: [string, number][] = [
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A', 7.3],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P', 5.9],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U', 4.1],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U', 0.0],
];

// Security requirements CR/IR/AR (tests/vectors_security4 of the same repository).
const SECURITY4: [string, number][] = [
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H', 7.3],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L', 7.1],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M', 5.5],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L', 5.4],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:H/AR:M', 7.1],
];

test('CVSS v4.0 maximum: every metric at its worst is 10.0 (FIRST specification, MacroVector 000000)', () => {
  assert.equal(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H'), 10);
});

test('CVSS v4.0 highest-severity vectors score exactly their MacroVector (specification lookup table)', () => {
  // VC/VI/VA:H with no subsequent impact is MacroVector 000200, 9.3 in the FIRST lookup table
  // (cvss_lookup.js of github.com/FIRSTdotorg/cvss-v4-calculator); it is that MacroVector's highest vector.
  assert.equal(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), 9.3);
  // Documented example of the polycvss library (github.com/pablotron/polycvss, src/v4.rs), 6.9.
  assert.equal(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N'), 6.9);
});

test('CVSS v4.0 base vectors score as the reference calculator does', () => {
  for (const [vector, score] of SIMPLE4) assert.equal(cvss4Score(vector), score, vector);
});

test('CVSS v4.0 threat metric E lowers the score; E:X and a missing E are E:A', () => {
  for (const [vector, score] of THREAT4) assert.equal(cvss4Score(vector), score, vector);
  const base = 'CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H';
  assert.equal(cvss4Score(base), 7.3);
  assert.equal(cvss4Score(`${base}/E:X`), 7.3);
});

test('CVSS v4.0 security requirements; X means High', () => {
  for (const [vector, score] of SECURITY4) assert.equal(cvss4Score(vector), score, vector);
  const base = 'CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H';
  assert.equal(cvss4Score(`${base}/CR:X/IR:X/AR:X`), 7.3);
  assert.equal(cvss4Score(`${base}/CR:M/IR:X/AR:L`), cvss4Score(`${base}/CR:M/IR:H/AR:L`));
});

test('CVSS v4.0 modified metrics override the base value; M*:X and supplemental metrics change nothing', () => {
  const base = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
  assert.equal(cvss4Score(`${base}/MAV:X/MVC:X/MSI:X`), 9.3);
  assert.equal(cvss4Score(`${base}/S:P/AU:Y/R:U/V:C/RE:H/U:Red`), 9.3);
  // Modified to the physical/low vector of the simple4 list, which scores 1.0 there.
  assert.equal(
    cvss4Score(`${base}/MAV:P/MAT:P/MPR:H/MUI:P/MVC:L/MVI:L/MVA:L/MSC:N/MSI:L/MSA:N`),
    cvss4Score('CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:P/VC:L/VI:L/VA:L/SC:N/SI:L/SA:N'),
  );
  assert.equal(cvss4Score(`${base}/MVC:N/MVI:N/MVA:N`), 0);
  // MSI:S (safety) moves the vector to EQ4 level 0, above the 9.3 of its base-only MacroVector.
  assert.ok((cvss4Score(`${base}/MSI:S`) ?? 0) > 9.3);
});

test('CVSS v4.0 scores map to the severity bands', () => {
  assert.equal(severityFromScore(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H') ?? -1), 'critical');
  assert.equal(severityFromScore(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N') ?? -1), 'high');
  assert.equal(severityFromScore(cvss4Score('CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N') ?? -1), 'medium');
  assert.equal(severityFromScore(cvss4Score('CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:P/VC:L/VI:L/VA:L/SC:N/SI:L/SA:N') ?? -1), 'low');
  assert.equal(severityFromScore(cvss4Score('CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N') ?? -1), 'info');
});

test('malformed CVSS v4.0 vectors give undefined, never throw', () => {
  const good = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
  const bad = [
    '',
    'CVSS:4.0',
    'CVSS:4.0/',
    good.replace('CVSS:4.0', 'CVSS:3.1'),
    good.replace('CVSS:4.0/', ''),
    good.replace('/SA:N', ''), // missing base metric
    good.replace('AV:N', 'AV:X'), // base metrics have no X
    good.replace('VC:H', 'VC:S'), // S is only for MSI/MSA
    `${good}/SA:N`, // repeated metric
    `${good}/E:Z`,
    `${good}/FOO:N`,
    `${good}/`,
    `${good}/E`,
    good.replace('/AC:L', '/AC:L:L'),
    good.toLowerCase(),
    `${good}/MSC:S`,
    `${good}/U:red`,
    '  junk  ',
  ];
  for (const v of bad) assert.equal(cvss4Score(v), undefined, JSON.stringify(v));
  assert.equal(cvss4Score(42 as unknown as string), undefined);
});

test('recordSeverity scores CVSS_V4 vectors and prefers v4 over v3', () => {
  const v4 = 'CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N'; // 4.0
  const v3 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
  assert.deepEqual(recordSeverity({ severity: [{ type: 'CVSS_V4', score: v4 }], database_specific: { severity: 'LOW' } }), {
    severity: 'medium',
    score: 4,
    vector: v4,
    source: 'cvss_v4',
  });
  assert.equal(recordSeverity({ severity: [{ type: 'CVSS_V3', score: v3 }, { type: 'CVSS_V4', score: v4 }] }).source, 'cvss_v4');
  assert.equal(recordSeverity({ severity: [{ type: 'CVSS_V4', score: v4 }, { type: 'CVSS_V3', score: v3 }] }).score, 4);
  // An unparsable v4 vector does not hide a valid v3 one.
  const broken = recordSeverity({ severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' }, { type: 'CVSS_V3', score: v3 }] });
  assert.equal(broken.source, 'cvss_v3');
  assert.equal(broken.score, 9.8);
  // ...nor the label when it is the only vector.
  assert.deepEqual(recordSeverity({ severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' }], database_specific: { severity: 'HIGH' } }), {
    severity: 'high',
    source: 'label',
  });
});

test('deps matching: a CVSS_V4-only record gets a computed severity', () => {
  const vector = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N'; // 8.3 (simple4)
  const record: OsvRecord = {
    id: 'GHSA-test-v4only',
    modified: '2026-01-01T00:00:00Z',
    aliases: ['CVE-2099-0001'],
    severity: [{ type: 'CVSS_V4', score: vector }],
    database_specific: { severity: 'LOW' },
    affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.1' }] }] }],
  } as OsvRecord;
  const m = matchPackage([record], { ecosystem: 'npm', name: 'left-pad', version: '1.3.0' });
  assert.equal(m.vulnerabilities.length, 1);
  const sev = m.vulnerabilities[0]?.severity;
  assert.deepEqual(sev, { severity: 'high', score: 8.3, vector, source: 'cvss_v4' });
  assert.equal(m.fixedVersion, '1.3.1');
});

test('deps matching: a real RustSec record with only a CVSS v4 vector (time, CVE-2026-25727)', () => {
  const record = JSON.parse(readFileSync(join(TEST_DATA, 'osv', 'crates.io', 'RUSTSEC-2026-0009.json'), 'utf8')) as OsvRecord;
  const vector = record.severity?.find((s) => s.type === 'CVSS_V4')?.score ?? '';
  const m = matchPackage([record], { ecosystem: 'crates.io', name: 'time', version: '0.3.46' });
  assert.equal(m.vulnerabilities.length, 1);
  const sev = m.vulnerabilities[0]?.severity;
  assert.equal(sev?.source, 'cvss_v4');
  assert.equal(sev?.vector, vector);
  assert.equal(typeof sev?.score, 'number');
  assert.equal(sev?.score, cvss4Score(vector));
  assert.equal(sev?.severity, severityFromScore(sev?.score ?? -1));
});
