import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Report } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { pkcs12Kdf, readKeystore } from '../../src/analyzers/secrets/keystore.js';
import { secretsScanner } from '../../src/scanners/secrets/scanner.js';
import { openDirectory } from '../../src/targets/directory.js';
import { makeDir } from '../helpers/tmp.js';
import { fileLoc } from '../helpers/fixtures.js';

const has = (cmd: string) => spawnSync(cmd, ['-help'], { stdio: 'ignore' }).error === undefined;
const run = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
};

async function scanDir(dir: string): Promise<Report> {
  return runScan({ target: await openDirectory(dir), registry: [secretsScanner], now: () => new Date('2026-01-01T00:00:00Z'), options: { threads: 1 } });
}

test('PKCS #12 files with a private key are reported, saying whether an empty password opens them', { skip: !has('openssl') && 'needs openssl (apt-get install openssl)' }, async () => {
  const dir = makeDir({ 'README.md': 'certs\n' });
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=test'], dir);
  run('openssl', ['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'empty.p12', '-passout', 'pass:'], dir);
  run('openssl', ['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'strong.pfx', '-passout', 'pass:Zq8-vN1pL4kR7tY2'], dir);
  // A trust store: certificates only, no key.
  run('openssl', ['pkcs12', '-export', '-nokeys', '-in', 'c.pem', '-out', 'trust.p12', '-passout', 'pass:'], dir);
  assert.deepEqual(readKeystore(readFileSync(join(dir, 'empty.p12'))), { format: 'PKCS #12', privateKeys: 1, secretKeys: 0, opensWith: '' });
  assert.equal(readKeystore(readFileSync(join(dir, 'strong.pfx')))?.opensWith, undefined);
  assert.equal(readKeystore(readFileSync(join(dir, 'trust.p12'))), undefined);
  const r = await scanDir(dir);
  const ks = r.findings.filter((f) => f.ruleId === 'pkcs12-private-key');
  assert.deepEqual(ks.map((f) => fileLoc(f.location).path).sort(), ['empty.p12', 'strong.pfx']);
  assert.match(ks.find((f) => fileLoc(f.location).path === 'empty.p12')!.message, /PKCS #12/);
  const ev = JSON.stringify(r);
  assert.ok(ev.includes('opens with an empty password') && ev.includes('not one of the trivial ones tried'), ev.slice(0, 400));
  // The PEM key the bundle was made from is found by the text rules.
  assert.ok(r.findings.some((f) => fileLoc(f.location).path === 'k.pem'));
});

test('Java key stores (JKS, JCEKS) with a key entry are reported, with keytool default passwords recognised', { skip: !has('keytool') && 'needs keytool (a JDK: apt-get install default-jdk-headless)' }, async () => {
  const dir = makeDir({ 'README.md': 'stores\n' });
  const gen = (store: string, type: string, pass: string) =>
    run('keytool', ['-genkeypair', '-alias', 'app', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=test', '-storetype', type, '-keystore', store, '-storepass', pass, '-keypass', pass], dir);
  gen('default.jks', 'JKS', 'changeit');
  gen('strong.jceks', 'JCEKS', 'Zq8-vN1pL4kR7tY2');
  assert.deepEqual(readKeystore(readFileSync(join(dir, 'default.jks'))), { format: 'JKS', privateKeys: 1, secretKeys: 0, opensWith: 'changeit' });
  assert.equal(readKeystore(readFileSync(join(dir, 'strong.jceks')))?.opensWith, undefined);
  // A key store under another name is still binary, not analysed as text.
  copyFileSync(join(dir, 'default.jks'), join(dir, 'store.bin'));
  const r = await scanDir(dir);
  const ks = r.findings.filter((f) => f.ruleId === 'java-keystore-private-key');
  assert.deepEqual(ks.map((f) => fileLoc(f.location).path).sort(), ['default.jks', 'strong.jceks']);
  assert.ok(JSON.stringify(r).includes('opens with a trivial default password'));
  assert.ok(!JSON.stringify(r).includes('changeit'), 'the password is not printed');
});

test('the PKCS #12 key derivation gives the published test vectors (RFC 7292 appendix B.2, SHA-1)', () => {
  const hex = (s: string) => Buffer.from(s, 'hex');
  assert.equal(pkcs12Kdf('smeg', hex('0A58CF64530D823F'), 1, 1, 24).toString('hex').toUpperCase(), '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3');
  assert.equal(pkcs12Kdf('smeg', hex('0A58CF64530D823F'), 1, 2, 8).toString('hex').toUpperCase(), '79993DFE048D3B76');
  assert.equal(pkcs12Kdf('queeg', hex('05DEC959ACFF72F7'), 1000, 1, 24).toString('hex').toUpperCase(), 'ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4');
  assert.equal(pkcs12Kdf('smeg', hex('3D83C0E4546AC140'), 1, 3, 20).toString('hex').toUpperCase(), '8D967D88F6CAA9D714800AB3D48051D63F73A312');
});

/**
 * A BKS store written byte by byte as Bouncy Castle's BcKeyStoreSpi.engineStore does: version, salt length, salt,
 * iteration count; the entries (type, alias, date, certificate chain, then the entry's own data), the NULL type;
 * the HMAC-SHA1 of the entries keyed by the PKCS #12 derivation (20 bytes; version 1 asked for 20 bits, 2 bytes).
 */
function bks(entries: Buffer[], password: string, version = 2): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const salt = randomBytes(20);
  const iterations = 1024 + (salt[0]! & 0x3ff);
  const body = Buffer.concat([...entries, Buffer.from([0])]);
  const mac = createHmac('sha1', pkcs12Kdf(password, salt, iterations, 3, version < 2 ? 2 : 20)).update(body).digest();
  return Buffer.concat([u32(version), u32(salt.length), salt, u32(iterations), body, mac]);
}
const utf = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s, 'utf8')]);
const blob = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
const date = Buffer.from('0000019a4f7dd77b', 'hex');
/** A certificate as encodeCertificate writes one: its type, then its DER (synthetic bytes: the reader skips them). */
const cert = () => Buffer.concat([utf('X.509'), blob(Buffer.concat([Buffer.from('3082', 'hex'), randomBytes(300)]))]);
/** A SEALED entry (4): a private key encrypted with its own password, with a chain of one certificate. */
const sealedKey = (alias: string) => Buffer.concat([Buffer.from([4]), utf(alias), date, Buffer.from([0, 0, 0, 1]), cert(), blob(randomBytes(160))]);
/** A CERTIFICATE entry (1): no chain, the certificate. */
const certEntry = (alias: string) => Buffer.concat([Buffer.from([1]), utf(alias), date, Buffer.from([0, 0, 0, 0]), cert()]);
/** A KEY entry (2) holding a secret key (key type 2), unencrypted. */
const secretKey = (alias: string) => Buffer.concat([Buffer.from([2]), utf(alias), date, Buffer.from([0, 0, 0, 0]), Buffer.from([2]), utf('RAW'), utf('AES'), blob(randomBytes(32))]);

test('Bouncy Castle key stores (BKS) built from the format: key entries counted, trivial passwords recognised', async () => {
  const dir = makeDir({ 'README.md': 'stores\n' });
  const files: Record<string, Buffer> = {
    'app.bks': bks([sealedKey('app'), certEntry('ca')], 'changeit'),
    'strong.bks': bks([sealedKey('app')], 'Zq8-vN1pL4kR7tY2'),
    'empty.bks': bks([secretKey('aes')], ''),
    'old.bks': bks([sealedKey('app')], 'password', 1),
    'trust.bks': bks([certEntry('ca'), certEntry('ca2')], 'changeit'),
  };
  for (const [name, b] of Object.entries(files)) writeFileSync(join(dir, name), b);
  // Cut short, or with bytes after the MAC, it is not a store.
  writeFileSync(join(dir, 'cut.bks'), files['app.bks']!.subarray(0, 200));
  writeFileSync(join(dir, 'noise.bks'), Buffer.concat([files['app.bks']!, Buffer.from([1])]));
  assert.deepEqual(readKeystore(files['app.bks']!), { format: 'BKS', privateKeys: 1, secretKeys: 0, opensWith: 'changeit' });
  assert.deepEqual(readKeystore(files['strong.bks']!), { format: 'BKS', privateKeys: 1, secretKeys: 0, opensWith: undefined });
  assert.deepEqual(readKeystore(files['empty.bks']!), { format: 'BKS', privateKeys: 0, secretKeys: 1, opensWith: '' });
  assert.equal(readKeystore(files['old.bks']!)?.opensWith, 'password');
  assert.equal(readKeystore(files['trust.bks']!), undefined);
  const r = await scanDir(dir);
  const ks = r.findings.filter((f) => f.ruleId === 'bouncy-castle-keystore');
  assert.deepEqual(ks.map((f) => fileLoc(f.location).path).sort(), ['app.bks', 'empty.bks', 'old.bks', 'strong.bks']);
  const text = JSON.stringify(r);
  assert.ok(text.includes('BKS key store with 1 private key; it opens with a trivial default password'), text.slice(0, 400));
  assert.ok(text.includes('it opens with an empty password') && text.includes('not one of the trivial ones tried'));
  assert.ok(!text.includes('changeit'), 'the password is not printed');
});

const BCPROV = '/usr/share/java/bcprov.jar';
test(
  'BKS and UBER stores made by keytool with the Bouncy Castle provider',
  { skip: (!has('keytool') && 'needs keytool (a JDK: apt-get install default-jdk-headless)') || (!existsSync(BCPROV) && 'needs libbcprov-java (apt-get install libbcprov-java)') },
  async () => {
    const dir = makeDir({ 'README.md': 'stores\n' });
    const bc = ['-providerclass', 'org.bouncycastle.jce.provider.BouncyCastleProvider', '-providerpath', BCPROV];
    const gen = (store: string, type: string, pass: string) =>
      run('keytool', ['-genkeypair', '-alias', 'app', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=test', '-storetype', type, '-keystore', store, '-storepass', pass, '-keypass', pass, ...bc], dir);
    gen('default.bks', 'BKS', 'changeit');
    gen('strong.bks', 'BKS', 'Zq8-vN1pL4kR7tY2');
    gen('store.uber', 'UBER', 'changeit');
    run('keytool', ['-exportcert', '-alias', 'app', '-keystore', 'default.bks', '-storetype', 'BKS', '-storepass', 'changeit', '-file', 'app.crt', ...bc], dir);
    run('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'app.crt', '-keystore', 'trust.bks', '-storetype', 'BKS', '-storepass', 'changeit', ...bc], dir);
    assert.deepEqual(readKeystore(readFileSync(join(dir, 'default.bks'))), { format: 'BKS', privateKeys: 1, secretKeys: 0, opensWith: 'changeit' });
    assert.equal(readKeystore(readFileSync(join(dir, 'strong.bks')))?.opensWith, undefined);
    assert.equal(readKeystore(readFileSync(join(dir, 'trust.bks'))), undefined);
    assert.equal(readKeystore(readFileSync(join(dir, 'store.uber')))?.format, 'UBER');
    const r = await scanDir(dir);
    const ks = r.findings.filter((f) => f.ruleId === 'bouncy-castle-keystore');
    assert.deepEqual(ks.map((f) => fileLoc(f.location).path).sort(), ['default.bks', 'store.uber', 'strong.bks']);
    assert.ok(JSON.stringify(r).includes('UBER key store, entries encrypted as a whole'));
    assert.ok(!JSON.stringify(r).includes('changeit'), 'the password is not printed');
  },
);
