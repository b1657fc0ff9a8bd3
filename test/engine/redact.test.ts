import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachText, redactFindings } from '../../src/engine/redact.js';
import type { Finding } from '../../src/core/types.js';

// The engine's redaction (src/engine/redact.ts) with a masker of one known value: every text a finding carries is
// masked, and a finding none of whose texts changes comes back as the same object (issue 24: a report of
// thousands of findings no longer copies each one).
const SECRET = 'hunter2hunter2hunter2';
const mask = (t: string) => t.split(SECRET).join('********');

function finding(over: Partial<Finding> = {}): Finding {
  return {
    scanner: 'iac',
    ruleId: 'docker-apt-unpinned',
    severity: 'low',
    message: 'apt package curl is not pinned to a version.',
    location: { path: 'svc/Dockerfile', startLine: 3, snippet: 'RUN apt-get install -y curl' },
    identity: 'x',
    fingerprint: 'f',
    ...over,
  };
}

test('a finding without anything to mask is returned as it is', () => {
  const f = finding({ origin: { commit: 'abc', author: 'dev' }, flow: [{ location: { path: 'a.js', startLine: 1 }, message: 'source' }] });
  const [out] = redactFindings([f], mask);
  assert.equal(out, f);
});

test('a secret in any text of a finding is masked, the rest left as it was', () => {
  const f = finding({
    message: `token ${SECRET} in the image`,
    location: { path: `svc/${SECRET}.txt`, startLine: 3, snippet: `ENV A=${SECRET}` },
    origin: { commit: 'abc', author: `me ${SECRET}` },
    evidence: SECRET,
    flow: [
      { location: { path: 'a.js', startLine: 1 }, message: 'source' },
      { location: { path: 'b.js', startLine: 2, snippet: `x = "${SECRET}"` }, message: `sink ${SECRET}` },
    ],
  });
  const [out] = redactFindings([f], mask);
  assert.notEqual(out, f);
  assert.ok(!JSON.stringify(out).includes(SECRET), JSON.stringify(out));
  assert.equal(out!.flow![0], f.flow![0], 'an unchanged step is kept');
  assert.equal(out!.origin!.commit, 'abc');
  assert.ok(JSON.stringify(f).includes(SECRET), 'the input is not changed');
});

test('a credential finding has the literals of its snippet masked even when the masker finds nothing', () => {
  const f = finding({ ruleId: 'docker-secret-env', cwe: ['CWE-798'], location: { path: 'Dockerfile', startLine: 1, snippet: 'ENV API_TOKEN=abc123def456' } });
  const [out] = redactFindings([f], (t) => t);
  assert.notEqual(out, f);
  assert.ok(!('snippet' in out!.location && out!.location.snippet?.includes('abc123def456')));
  assert.equal((out!.location as { path: string }).path, 'Dockerfile');
});

test('forEachText names every text redactFindings masks, and only those (the masker is prepared with them)', () => {
  const f = finding({
    cwe: ['CWE-798'],
    location: { path: 'svc/a.txt', startLine: 3, snippet: 'ENV A=b' },
    origin: { commit: 'abc', author: 'me', email: 'me@example.com', message: 'commit message', createdBy: 'RUN x', archive: ['a.zip', 'b/c.txt'] },
    evidence: 'evidence text',
    flow: [{ location: { path: 'a.js', startLine: 1 }, message: 'source' }, { location: { path: 'b.js', startLine: 2, snippet: 'x = 1' }, message: 'sink' }],
  });
  const g = finding({ location: { manifest: 'package-lock.json', package: { name: 'a', version: '1.0.0' } } as unknown as Finding['location'] });
  for (const findings of [[f], [g], [f, g]]) {
    const masked: string[] = [];
    redactFindings(findings, (t) => (masked.push(t), t));
    const named: string[] = [];
    forEachText(findings, (t) => named.push(t));
    assert.deepEqual(new Set(named), new Set(masked));
  }
});
