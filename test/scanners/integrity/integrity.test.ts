import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { configSchema } from '../../../src/config/schema.js';
import { integrityScanner } from '../../../src/scanners/integrity/index.js';
import { cli, type CliResult } from '../../helpers/cli.js';
import { tarBytes, writeLayout } from '../../helpers/oci.js';
import { keylessMessageBundle, LocalCa, LocalLog, writeTrustedRoot } from '../../helpers/sigstore.js';
import { makeDir } from '../../helpers/tmp.js';

interface Scenario {
  require: string[];
  signature?: 'key' | 'other' | 'none';
  provenance?: 'key' | 'other' | 'none' | 'plain';
  change?: boolean;
}

const ARTIFACT = gzipSync(tarBytes([{ name: 'package/package.json', content: '{"name":"shop","version":"1.0.0"}' }, { name: 'package/index.js', content: 'module.exports = 1;\n' }]));

/** A project with a release key, another key, pipeguard.yml requiring `require`, and dist/shop.tgz. */
async function project(require: string[], extra = ''): Promise<string> {
  const dir = makeDir({ 'pipeguard.yml': `build:\n  require: [${require.join(', ')}]\n  key: keys/release.key.pub\n${extra}`, 'dist/shop.tgz': ARTIFACT });
  for (const k of ['keys/release.key', 'keys/other.key']) assert.equal((await cli(['sign', '--generate-key', k], { cwd: dir })).code, 0);
  return dir;
}

async function arrange(dir: string, s: Scenario): Promise<void> {
  const keyOf = (who: string) => (who === 'other' ? 'keys/other.key' : 'keys/release.key');
  if (s.signature && s.signature !== 'none') assert.equal((await cli(['sign', 'dist/shop.tgz', '--key', keyOf(s.signature)], { cwd: dir })).code, 0);
  if (s.provenance === 'plain') assert.equal((await cli(['sign', 'dist/shop.tgz', '--key', keyOf('key'), '-o', 'dist/shop.tgz.intoto.sigstore.json'], { cwd: dir })).code, 0);
  else if (s.provenance && s.provenance !== 'none') assert.equal((await cli(['attest', 'dist/shop.tgz', '--predicate', 'slsa', '--key', keyOf(s.provenance)], { cwd: dir })).code, 0);
  if (s.change) {
    const f = join(dir, 'dist/shop.tgz');
    const b = readFileSync(f);
    b[b.length - 5] = b[b.length - 5]! ^ 0x01;
    writeFileSync(f, b);
  }
}

async function scan(dir: string, path = 'dist/shop.tgz'): Promise<CliResult & { rules: string[]; messages: string[] }> {
  const r = await cli(['scan', path, '--scanners', 'integrity', '--format', 'json'], { cwd: dir });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[] };
  return { ...r, rules: doc.findings.map((f) => f.ruleId), messages: doc.findings.map((f) => f.message) };
}

test('every rule\'s own examples: each positive scenario is flagged by that rule, each look-alike is not', async () => {
  const config = configSchema.parse({});
  for (const r of integrityScanner.rules(config.scanners.integrity)) {
    assert.ok(r.examples?.positive.length && r.examples.negative.length, r.id);
    for (const [kind, list] of [['positive', r.examples.positive], ['negative', r.examples.negative]] as const) {
      for (const e of list) {
        const s = JSON.parse(e) as Scenario;
        const dir = await project(s.require);
        await arrange(dir, s);
        const got = await scan(dir);
        assert.equal(got.rules.includes(r.id), kind === 'positive', `${r.id} ${kind} ${e}: ${got.rules.join(', ')}`);
        if (kind === 'positive') assert.equal(got.code, 1, `${r.id}: the gate fails`);
      }
    }
  }
});

test('the gate: unsigned, wrongly signed, tampered each fail; signed and attested passes', async () => {
  const both = ['signed', 'provenance'];
  const unsigned = await project(both);
  const u = await scan(unsigned);
  assert.equal(u.code, 1);
  assert.deepEqual(u.rules.sort(), ['artifact-unsigned', 'provenance-missing']);
  assert.match(u.messages.join('\n'), /shop\.tgz has no signature bundle \(shop\.tgz\.sigstore\.json\)/);

  const wrong = await project(both);
  await arrange(wrong, { require: both, signature: 'other', provenance: 'other' });
  const w = await scan(wrong);
  assert.equal(w.code, 1);
  assert.deepEqual(w.rules.sort(), ['artifact-signature-invalid', 'provenance-invalid']);
  assert.match(w.messages.join('\n'), /signed with another key/);

  const tampered = await project(both);
  await arrange(tampered, { require: both, signature: 'key', provenance: 'key', change: true });
  const t = await scan(tampered);
  assert.equal(t.code, 1);
  assert.deepEqual(t.rules, ['artifact-tampered', 'artifact-tampered']);

  const good = await project(both);
  await arrange(good, { require: both, signature: 'key', provenance: 'key' });
  const g = await scan(good);
  assert.equal(g.code, 0, g.stderr);
  assert.deepEqual(g.rules, []);
});

test('without build.require the scanner says nothing; a folder is not an artifact it reads', async () => {
  const dir = makeDir({ 'dist/shop.tgz': ARTIFACT });
  const r = await scan(dir);
  assert.equal(r.code, 0);
  assert.deepEqual(r.rules, []);
  const idle = (JSON.parse(r.stdout) as { statuses: { scanner: string; status: string; reason?: string }[] }).statuses.find((s) => s.scanner === 'integrity');
  assert.deepEqual([idle?.status, idle?.reason], ['skipped', 'nothing to check: build.require is empty'], 'a run that checked nothing is not evidence');
  const folder = await cli(['scan', '.', '--scanners', 'integrity', '--format', 'json'], { cwd: dir });
  const st = (JSON.parse(folder.stdout) as { statuses: { scanner: string; status: string; reason?: string }[] }).statuses.find((s) => s.scanner === 'integrity');
  assert.equal(st?.status, 'skipped');
});

test('config: build.require without a key, or a trusted root without identity, is a config error naming the line', async () => {
  const dir = makeDir({ 'pipeguard.yml': 'version: 1\nbuild:\n  require: [signed]\n', 'a.tgz': ARTIFACT });
  const r = await cli(['scan', 'a.tgz'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pipeguard\.yml:3.*build\.require needs build\.key/);
  writeFileSync(join(dir, 'pipeguard.yml'), 'build:\n  require: [signed]\n  trustedRoot: root.json\n');
  const k = await cli(['scan', 'a.tgz'], { cwd: dir });
  assert.equal(k.code, 2);
  assert.match(k.stderr, /needs build\.identity and build\.issuer/);
  writeFileSync(join(dir, 'pipeguard.yml'), 'build:\n  require: [sgned]\n  key: k.pub\n');
  const typo = await cli(['scan', 'a.tgz'], { cwd: dir });
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /pipeguard\.yml:2/);
});

test('an image: signed by manifest digest passes; the image rebuilt with one changed byte is tampered', async () => {
  const dir = await project(['signed']);
  const layer = (content: string) => [{ layers: [[{ name: 'app/server.js', content }]], tag: 'shop:1.0' }];
  writeLayout(join(dir, 'img'), layer('console.log("v1")\n'));
  assert.equal((await cli(['sign', 'img', '--key', 'keys/release.key'], { cwd: dir })).code, 0);
  const ok = await scan(dir, 'img');
  assert.equal(ok.code, 0, ok.stderr);
  // someone rebuilds the image with a changed file (every digest consistent again): it is no longer what was signed
  rmSync(join(dir, 'img'), { recursive: true });
  writeLayout(join(dir, 'img'), layer('console.log("v2")\n'));
  const t = await scan(dir, 'img');
  assert.equal(t.code, 1);
  assert.deepEqual(t.rules, ['artifact-tampered']);
});

test('keyless: build.trustedRoot with identity and issuer checks a certificate-signed bundle', async () => {
  const dir = makeDir({ 'dist/shop.tgz': ARTIFACT });
  const ca = new LocalCa();
  const log = new LocalLog();
  writeTrustedRoot(join(dir, 'trusted_root.json'), ca, log);
  const at = new Date('2026-02-03T04:05:06Z');
  const id = 'https://github.com/shop/app/.github/workflows/release.yml@refs/tags/v1.0.0';
  const issuer = 'https://token.actions.githubusercontent.com';
  writeFileSync(join(dir, 'dist/shop.tgz.sigstore.json'), JSON.stringify(keylessMessageBundle(ARTIFACT, ca.leaf({ identity: id, issuer, at }), log, at)));
  writeFileSync(join(dir, 'pipeguard.yml'), `build:\n  require: [signed]\n  trustedRoot: trusted_root.json\n  identity: ${id}\n  issuer: ${issuer}\n`);
  const ok = await scan(dir);
  assert.equal(ok.code, 0, ok.stdout);
  writeFileSync(join(dir, 'pipeguard.yml'), `build:\n  require: [signed]\n  trustedRoot: trusted_root.json\n  identity: https://github.com/fork/app/.github/workflows/release.yml@refs/tags/v1.0.0\n  issuer: ${issuer}\n`);
  const other = await scan(dir);
  assert.equal(other.code, 1);
  assert.deepEqual(other.rules, ['artifact-signature-invalid']);
  // the config's paths are relative to the config file, wherever the scan runs from
  renameSync(join(dir, 'dist/shop.tgz.sigstore.json'), join(dir, 'dist/moved.json'));
  const missing = await cli(['scan', 'shop.tgz', '--scanners', 'integrity', '--format', 'json'], { cwd: join(dir, 'dist') });
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /artifact-unsigned/);
});

test('the library: scan() of an artifact applies build.require with the key path relative to pipeguard.yml', async () => {
  const { scan } = await import('../../../src/index.js');
  const dir = await project(['signed']);
  const unsigned = await scan(join(dir, 'dist/shop.tgz'), { scanners: ['integrity'] });
  assert.deepEqual(unsigned.report.findings.map((f) => f.ruleId), ['artifact-unsigned']);
  assert.equal(unsigned.decision.outcome, 'fail');
  await arrange(dir, { require: ['signed'], signature: 'key' });
  const signed = await scan(join(dir, 'dist/shop.tgz'), { scanners: ['integrity'] });
  assert.deepEqual(signed.report.findings, []);
  assert.equal(signed.decision.outcome, 'pass');
});
