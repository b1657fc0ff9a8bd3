import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Report } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { readKeystore } from '../../src/analyzers/secrets/keystore.js';
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
