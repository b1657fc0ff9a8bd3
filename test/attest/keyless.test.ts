import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Bundle } from '../../src/attest/bundle.js';
import { leafHash, rootFromProof } from '../../src/attest/tlog.js';
import { loadTrustedRoot } from '../../src/attest/trusted-root.js';
import { verifyBundle, type VerifyPolicy } from '../../src/attest/verify.js';
import type { Subject } from '../../src/attest/subject.js';
import { auditPath, keylessDsseBundle, keylessMessageBundle, LocalCa, LocalLog, treeHash, writeTrustedRoot } from '../helpers/sigstore.js';
import { makeDir } from '../helpers/tmp.js';

const ID = 'https://github.com/shop/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const AT = new Date('2026-03-04T05:06:07Z');

const ca = new LocalCa();
const log = new LocalLog();
const dir = makeDir();
writeTrustedRoot(join(dir, 'trusted_root.json'), ca, log);
const root = loadTrustedRoot(join(dir, 'trusted_root.json'));
const policy: VerifyPolicy = { kind: 'keyless', root, identity: ID, issuer: ISSUER };

const artifact = Buffer.from('the release tarball\n');
const subject = (bytes: Buffer): Subject => ({ kind: 'file', name: 'app.tgz', sha256: createHash('sha256').update(bytes).digest('hex'), bytes });
const cert = ca.leaf({ identity: ID, issuer: ISSUER, at: new Date(AT.getTime() - 60_000) });
const clone = (b: Bundle): Bundle => JSON.parse(JSON.stringify(b)) as Bundle;

test('inclusion proofs: every leaf of trees of 1 to 17 leaves leads to the tree hash, a wrong index does not', () => {
  for (let n = 1; n <= 17; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const want = treeHash(leaves);
    for (let i = 0; i < n; i++) {
      const got = rootFromProof(BigInt(i), BigInt(n), leaves[i]!, auditPath(i, leaves));
      assert.ok(got?.equals(want), `leaf ${i} of ${n}`);
      if (n > 2) assert.ok(!rootFromProof(BigInt((i + 1) % n), BigInt(n), leaves[i]!, auditPath(i, leaves))?.equals(want), `leaf ${i} of ${n} at the wrong index`);
    }
  }
});

test('a keyless message signature from the trusted CA, logged in the trusted log, verifies', () => {
  const r = verifyBundle(keylessMessageBundle(artifact, cert, log, AT), subject(artifact), policy);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.time?.toISOString(), AT.toISOString());
  assert.match(r.signer, /release\.yml/);
});

test('a keyless DSSE attestation verifies, and names its statement', () => {
  const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'app.tgz', digest: { sha256: subject(artifact).sha256 } }], predicateType: 'https://slsa.dev/provenance/v1', predicate: {} };
  const r = verifyBundle(keylessDsseBundle(statement, cert, log, AT), subject(artifact), policy);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.statement?.predicateType, 'https://slsa.dev/provenance/v1');
});

test('the artifact with one byte changed is tampered', () => {
  const changed = Buffer.from(artifact);
  changed[3] = changed[3]! ^ 1;
  const r = verifyBundle(keylessMessageBundle(artifact, cert, log, AT), subject(changed), policy);
  assert.ok(!r.ok && r.kind === 'tampered', JSON.stringify(r));
});

test('another identity or another OIDC issuer is refused', () => {
  const b = keylessMessageBundle(artifact, cert, log, AT);
  const r1 = verifyBundle(b, subject(artifact), { ...policy, identity: 'https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main' });
  assert.ok(!r1.ok && r1.kind === 'identity', JSON.stringify(r1));
  const r2 = verifyBundle(b, subject(artifact), { ...policy, issuer: 'https://accounts.google.com' });
  assert.ok(!r2.ok && r2.kind === 'identity' && /vouched for by https:\/\/token/.test(r2.reason), JSON.stringify(r2));
});

test('a certificate from a CA the trusted root does not list is refused', () => {
  const other = new LocalCa();
  const r = verifyBundle(keylessMessageBundle(artifact, other.leaf({ identity: ID, issuer: ISSUER, at: AT }), log, AT), subject(artifact), policy);
  assert.ok(!r.ok && r.kind === 'trust' && /chain/.test(r.reason), JSON.stringify(r));
});

test('a certificate that is not for code signing is refused', () => {
  const tls = ca.leaf({ identity: ID, issuer: ISSUER, at: AT, codeSigning: false });
  const r = verifyBundle(keylessMessageBundle(artifact, tls, log, AT), subject(artifact), policy);
  assert.ok(!r.ok && /code signing/.test(r.reason), JSON.stringify(r));
});

test('a signature logged after the certificate expired is refused', () => {
  const old = ca.leaf({ identity: ID, issuer: ISSUER, at: new Date(AT.getTime() - 3600_000) });
  const r = verifyBundle(keylessMessageBundle(artifact, old, log, AT), subject(artifact), policy);
  assert.ok(!r.ok && /not valid when the log integrated/.test(r.reason), JSON.stringify(r));
});

test('an entry from an untrusted log, a forged timestamp, a wrong proof or a forged checkpoint is refused', () => {
  const other = new LocalLog();
  const r0 = verifyBundle(keylessMessageBundle(artifact, cert, other, AT), subject(artifact), policy);
  assert.ok(!r0.ok && /log the trusted root does not list/.test(r0.reason), JSON.stringify(r0));

  const base = keylessMessageBundle(artifact, cert, log, AT);
  const later = clone(base);
  later.verificationMaterial.tlogEntries[0]!.integratedTime = String(Number(later.verificationMaterial.tlogEntries[0]!.integratedTime) + 60);
  const r1 = verifyBundle(later, subject(artifact), policy);
  assert.ok(!r1.ok && /signed entry timestamp/.test(r1.reason), JSON.stringify(r1));

  const proof = clone(base);
  const hashes = proof.verificationMaterial.tlogEntries[0]!.inclusionProof!.hashes;
  hashes[0] = Buffer.alloc(32, 7).toString('base64');
  const r2 = verifyBundle(proof, subject(artifact), policy);
  assert.ok(!r2.ok && /inclusion proof/.test(r2.reason), JSON.stringify(r2));

  const note = clone(base);
  const cp = note.verificationMaterial.tlogEntries[0]!.inclusionProof!.checkpoint;
  cp.envelope = cp.envelope.replace(/ ([A-Za-z0-9+/=]+)\n$/, (_m, sig: string) => {
    const raw = Buffer.from(sig, 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    return ` ${raw.toString('base64')}\n`;
  });
  const r3 = verifyBundle(note, subject(artifact), policy);
  assert.ok(!r3.ok && /checkpoint/.test(r3.reason), JSON.stringify(r3));
});

test('a log entry that records another artifact, or no log entry at all, is refused', () => {
  const r1 = verifyBundle(keylessMessageBundle(artifact, cert, log, AT, { logDigest: 'ab'.repeat(32) }), subject(artifact), policy);
  assert.ok(!r1.ok && /another artifact digest/.test(r1.reason), JSON.stringify(r1));
  const none = keylessMessageBundle(artifact, cert, log, AT);
  none.verificationMaterial.tlogEntries = [];
  const r2 = verifyBundle(none, subject(artifact), policy);
  assert.ok(!r2.ok && /no transparency-log entry/.test(r2.reason), JSON.stringify(r2));
});

test('a keyless bundle checked against a key, and a key bundle against a trusted root, say which to use', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const r = verifyBundle(keylessMessageBundle(artifact, cert, log, AT), subject(artifact), { kind: 'key', key: generateKeyPairSync('ed25519').publicKey });
  assert.ok(!r.ok && /--trusted-root/.test(r.reason));
});
