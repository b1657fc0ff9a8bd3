// What the keyword-assignment (generic) rules leave alone besides the value's own shape: a name that says the value
// is a look-alike (`invalidToken`), a vendor's name whose rule judges the value, a vendor's mark at the start of
// a value that rule rejected, and namespace-qualified type names. Each case is a line preceded by `# ruleid: <id>`
// (that rule must report the line) or `# ok: <id>` (it must not). Synthetic values only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_RULES, vendorMarks } from '../../src/analyzers/secrets/rules/index.js';
import { checkSecretFixture } from '../helpers/secret-fixtures.js';


test('a name that says the value is a look-alike keeps the generic rules off; other names do not', () => {
  const fixture = [
    '# ok: generic-token',
    'nonMatchingToken := "kASAOsE1nYEZ9GlG"',
    '# ok: generic-token',
    'invalid_access_token = "HpYaax7LBejYWo6oScBVX4AN"',
    '# ok: generic-api-key',
    'const fakeApiKey = "Cc9vIFShP88xbjV0fhZ7bDkJUvzFjlQc"',
    '# ok: generic-password',
    'wrongPassword: "E30peXmnRZ5QW8W5LUehJEJ0ymv7j4"',
    '# ok: generic-secret',
    'MOCK_CLIENT_SECRET=E30peXmnRZ5QW8W5LUehJEJ0ymv7j4',
    // A word that only starts like one of them, and a test environment's real credential, are still read.
    '# ruleid: generic-token',
    'cache_invalidation_token = "kASAOsE1nYEZ9GlG"',
    '# ruleid: generic-token',
    'TEST_TOKEN=HpYaax7LBejYWo6oScBVX4AN',
    '# ruleid: generic-token',
    'matchingToken := "0gee26b2476yzeobd1cprz13pzyu5o"',
    '# ruleid: generic-api-key',
    'mockingbird_api_key = "Cc9vIFShP88xbjV0fhZ7bDkJUvzFjlQc"',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'src/settings_test.go'), []);
});

test("a value named for a vendor is judged by the vendor's rule alone", () => {
  const fixture = [
    // 64 hex digits and three letters: not a Meraki key (40 hex digits).
    '# ok: generic-token',
    'meraki_token = c8025f0f27a355bab973525db517d50bfc7752edf191891d75c2a44f184f06b4Q7z',
    '# ok: generic-api-key',
    'MerakiApiKey: "c8025f0f27a355bab973525db517d50bfc7752edf191891d75c2a44f184f06b4Q7z"',
    // The vendor's own format is the vendor's rule's.
    '# ruleid: cisco-meraki-api-key',
    'meraki_token = bdff94840c408a7d8c4443c350e423949acf7555',
    // Only the vendor's whole name: `blobToken` is not a Lob token, `nonlinear` not Linear.
    '# ruleid: generic-token',
    'blobToken = "HpYaax7LBejYWo6oScBVX4AN"',
    '# ruleid: generic-token',
    'nonlinear_token = "HpYaax7LBejYWo6oScBVX4AN"',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'src/settings_test.go'), []);
});

test("a value starting with a vendor's mark that the vendor's rule rejects is a look-alike", () => {
  const fixture = [
    '# ok: generic-token',
    '"token3": "xoxp-1234-1234-1234-c6110ce2c578a17c499f31a9962a6b2a"',
    '# ok: generic-token',
    'access_token = "sm_pat_IAsx9CGyuF"',
    // In the vendor's format, the vendor's rule reports it.
    '# ruleid: settlemint-access-token',
    'access_token = "sm_pat_kASAOsE1nYEZ9GlG"',
    // A plain word as a value's start is no vendor's mark.
    '# ruleid: generic-token',
    'auth_token = "live_HpYaax7LBejYWo6oScBVX4AN"',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'src/settings_test.go'), []);
  const marks = vendorMarks(BUILTIN_RULES);
  for (const m of ['xoxp-', 'glpat-', 'sm_pat_', 'sk_live_']) assert.ok(marks.includes(m), m);
  for (const m of ['api-', 'secret_', 'live_', 'ansible_']) assert.ok(!marks.includes(m), m);
});

test('a namespace-qualified type name is a name, not a token', () => {
  const fixture = [
    '# ok: generic-token',
    'token: "clm40944:AgencyIdentificationCodeContentType"',
    '# ok: generic-token',
    'token = "xsd2:NormalizedString"',
    '# ruleid: generic-token',
    'token: "clm40944:E30peXmnRZ5QW8W5LUehJEJ0ymv7j4"',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'src/settings_test.go'), []);
});
