import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { resolveImage } from '../../src/targets/image/manifest.js';
import { openImageTar } from '../../src/targets/image/source.js';
import { writeLayout } from '../helpers/oci.js';
import { keylessDsseBundle, keylessMessageBundle, LocalCa, LocalLog, writeTrustedRoot } from '../helpers/sigstore.js';
import { git, makeDir } from '../helpers/tmp.js';

const LOCK = {
  name: 'shop',
  version: '1.0.0',
  lockfileVersion: 3,
  packages: {
    '': { name: 'shop', version: '1.0.0', dependencies: { lodash: '4.17.21' }, devDependencies: { mocha: '10.0.0' } },
    'node_modules/lodash': { version: '4.17.21', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz', integrity: 'sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==' },
    'node_modules/mocha': { version: '10.0.0', dev: true },
  },
};

/** A committed source checkout with a remote whose URL carries a token, and a built artifact. */
function project(): string {
  const dir = makeDir({
    'package.json': JSON.stringify({ name: 'shop', version: '1.0.0', dependencies: { lodash: '4.17.21' }, devDependencies: { mocha: '10.0.0' } }),
    'package-lock.json': JSON.stringify(LOCK),
    'dist/shop-1.0.0.tgz': Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
  });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', 'package.json', 'package-lock.json']);
  git(dir, ['commit', '-q', '-m', 'release']);
  git(dir, ['remote', 'add', 'origin', 'https://ci-bot:glpat-SECRETTOKEN123@git.example.test/shop/app.git']);
  return dir;
}

const flip = (file: string, at = 10): void => {
  const b = readFileSync(file);
  b[at] = b[at]! ^ 1;
  writeFileSync(file, b);
};

for (const alg of ['ecdsa-p256', 'ed25519']) {
  test(`sign and verify with a new ${alg} key; one changed byte, another key and a bad bundle each fail`, async () => {
    const dir = project();
    const gen = await cli(['sign', '--generate-key', 'release.key', '--algorithm', alg], { cwd: dir });
    assert.equal(gen.code, 0, gen.stderr);
    assert.equal(statSync(join(dir, 'release.key')).mode & 0o777, 0o600);
    assert.equal(createPrivateKey(readFileSync(join(dir, 'release.key'))).asymmetricKeyType, alg === 'ed25519' ? 'ed25519' : 'ec');
    const s = await cli(['sign', 'dist/shop-1.0.0.tgz', '--key', 'release.key'], { cwd: dir });
    assert.equal(s.code, 0, s.stderr);
    const bundle = JSON.parse(readFileSync(join(dir, 'dist/shop-1.0.0.tgz.sigstore.json'), 'utf8'));
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.ok(bundle.messageSignature.signature && bundle.verificationMaterial.publicKey.hint);

    const v = await cli(['verify', 'dist/shop-1.0.0.tgz', '--key', 'release.key.pub'], { cwd: dir });
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^verified dist\/shop-1\.0\.0\.tgz \(sha256:[0-9a-f]{64}\), signed by key /);

    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(dir, 'other.pub'), other.publicKey.export({ type: 'spki', format: 'pem' }));
    const wrong = await cli(['verify', 'dist/shop-1.0.0.tgz', '--key', 'other.pub'], { cwd: dir });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /not verified: signed with another key/);

    // the hint says nothing: a signature made by another key fails on the signature itself
    delete bundle.verificationMaterial.publicKey.hint;
    writeFileSync(join(dir, 'nohint.json'), JSON.stringify(bundle));
    const nohint = await cli(['verify', 'dist/shop-1.0.0.tgz', '--key', 'other.pub', '--bundle', 'nohint.json'], { cwd: dir });
    assert.equal(nohint.code, 1);
    assert.match(nohint.stderr, /signature does not verify/);

    flip(join(dir, 'dist/shop-1.0.0.tgz'));
    const t = await cli(['verify', 'dist/shop-1.0.0.tgz', '--key', 'release.key.pub'], { cwd: dir });
    assert.equal(t.code, 1);
    assert.match(t.stderr, /^pipeguard: dist\/shop-1\.0\.0\.tgz: tampered: /);

    writeFileSync(join(dir, 'bad.json'), '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}');
    const bad = await cli(['verify', 'dist/shop-1.0.0.tgz', '--key', 'release.key.pub', '--bundle', 'bad.json'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /bad\.json.*not a Sigstore bundle/);
    assert.doesNotMatch(bad.stderr, /\bat \w+ \(/, 'no stack trace');
  });
}

test('an encrypted private key needs its passphrase from PIPEGUARD_KEY_PASSWORD', async () => {
  const dir = project();
  const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(dir, 'enc.key'), k.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2-long' }));
  writeFileSync(join(dir, 'enc.pub'), k.publicKey.export({ type: 'spki', format: 'pem' }));
  const no = await cli(['sign', 'dist/shop-1.0.0.tgz', '--key', 'enc.key'], { cwd: dir });
  assert.equal(no.code, 2);
  assert.match(no.stderr, /enc\.key.*no passphrase in PIPEGUARD_KEY_PASSWORD/);
  const wrong = await cli(['sign', 'dist/shop-1.0.0.tgz', '--key', 'enc.key'], { cwd: dir, env: { PIPEGUARD_KEY_PASSWORD: 'hunter3-long' } });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /wrong passphrase/);
  assert.doesNotMatch(wrong.stderr, /hunter3/);
  const yes = await cli(['sign', 'dist/shop-1.0.0.tgz', '--key', 'enc.key'], { cwd: dir, env: { PIPEGUARD_KEY_PASSWORD: 'hunter2-long' } });
  assert.equal(yes.code, 0, yes.stderr);
  assert.equal((await cli(['verify', 'dist/shop-1.0.0.tgz', '--key', 'enc.pub'], { cwd: dir })).code, 0);
});

test('attest writes SLSA provenance v1 in a signed DSSE envelope: subject, builder, source commit, command, lockfile packages', async () => {
  const dir = project();
  await cli(['sign', '--generate-key', 'k.pem'], { cwd: dir });
  const a = await cli(['attest', 'dist/shop-1.0.0.tgz', '--predicate', 'slsa', '--key', 'k.pem', '--build-command', 'npm pack --pack-destination dist'], { cwd: dir, env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'shop/app', GITHUB_RUN_ID: '42', GITHUB_SERVER_URL: 'https://github.com', GITHUB_WORKFLOW_REF: 'shop/app/.github/workflows/release.yml@refs/heads/main' } });
  assert.equal(a.code, 0, a.stderr);
  const bundle = JSON.parse(readFileSync(join(dir, 'dist/shop-1.0.0.tgz.intoto.sigstore.json'), 'utf8'));
  assert.equal(bundle.dsseEnvelope.payloadType, 'application/vnd.in-toto+json');
  const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
  assert.equal(st._type, 'https://in-toto.io/Statement/v1');
  assert.equal(st.predicateType, 'https://slsa.dev/provenance/v1');
  assert.equal(st.subject[0].name, 'shop-1.0.0.tgz');
  assert.match(st.subject[0].digest.sha256, /^[0-9a-f]{64}$/);
  const commit = git(dir, ['rev-parse', 'HEAD']).trim();
  const bd = st.predicate.buildDefinition;
  assert.equal(bd.externalParameters.buildCommand, 'npm pack --pack-destination dist');
  assert.deepEqual(bd.externalParameters.source, { uri: 'git+https://git.example.test/shop/app.git', ref: 'refs/heads/main', digest: { gitCommit: commit } });
  const uris = bd.resolvedDependencies.map((d: { uri: string }) => d.uri);
  assert.deepEqual(uris, ['git+https://git.example.test/shop/app.git@refs/heads/main', 'pkg:npm/lodash@4.17.21'], 'the dev-only mocha is not a build input');
  assert.match(bd.resolvedDependencies[1].digest.sha512, /^bf690311/);
  assert.equal(st.predicate.runDetails.builder.id, 'https://github.com/shop/app/.github/workflows/release.yml@refs/heads/main');
  assert.equal(st.predicate.runDetails.metadata.invocationId, 'https://github.com/shop/app/actions/runs/42/attempts/1');
  assert.equal(st.predicate.runDetails.metadata.finishedOn, '2026-01-02T03:04:05.000Z');
  const everything = readFileSync(join(dir, 'dist/shop-1.0.0.tgz.intoto.sigstore.json'), 'utf8') + JSON.stringify(st) + a.stderr + a.stdout;
  assert.doesNotMatch(everything, /SECRETTOKEN|ci-bot/, 'the remote URL is recorded without its credentials');

  const v = await cli(['verify', 'dist/shop-1.0.0.tgz', '--predicate', 'slsa', '--key', 'k.pem.pub'], { cwd: dir });
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /verified SLSA provenance of .*\n {2}builder: https:\/\/github\.com\/shop\/app\/\.github\/workflows\/release\.yml@refs\/heads\/main\n {2}source: {2}git\+https:\/\/git\.example\.test\/shop\/app\.git @ [0-9a-f]{40}\n/);

  // a plain signature is not provenance, and provenance of another artifact does not vouch for this one
  await cli(['sign', 'dist/shop-1.0.0.tgz', '--key', 'k.pem'], { cwd: dir });
  const plain = await cli(['verify', 'dist/shop-1.0.0.tgz', '--predicate', 'slsa', '--key', 'k.pem.pub', '--bundle', 'dist/shop-1.0.0.tgz.sigstore.json'], { cwd: dir });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /plain signature, not an attestation/);
  flip(join(dir, 'dist/shop-1.0.0.tgz'), 12);
  const t = await cli(['verify', 'dist/shop-1.0.0.tgz', '--predicate', 'slsa', '--key', 'k.pem.pub'], { cwd: dir });
  assert.equal(t.code, 1);
  assert.match(t.stderr, /tampered: the artifact .* is not a subject of the attestation/);
});

test('a changed byte in the signed envelope (the attestation itself tampered) fails its signature', async () => {
  const dir = project();
  await cli(['sign', '--generate-key', 'k.pem', '--algorithm', 'ed25519'], { cwd: dir });
  assert.equal((await cli(['attest', 'dist/shop-1.0.0.tgz', '-p', 'slsa', '-k', 'k.pem'], { cwd: dir })).code, 0);
  const file = join(dir, 'dist/shop-1.0.0.tgz.intoto.sigstore.json');
  const b = JSON.parse(readFileSync(file, 'utf8'));
  const payload = Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8').replace('"buildType"', '"buildTypf"');
  b.dsseEnvelope.payload = Buffer.from(payload).toString('base64');
  writeFileSync(file, JSON.stringify(b));
  const v = await cli(['verify', 'dist/shop-1.0.0.tgz', '--predicate', 'slsa', '--key', 'k.pem.pub'], { cwd: dir });
  assert.equal(v.code, 1);
  assert.match(v.stderr, /not verified: the signature does not verify/);
});

test('attest outside a git checkout records no source; --no-sign writes the bare statement', async () => {
  const dir = makeDir({ 'app.zip': 'PK\u0005\u0006' + '\0'.repeat(18) });
  const a = await cli(['attest', 'app.zip', '--predicate', 'slsa', '--no-sign'], { cwd: dir });
  assert.equal(a.code, 0, a.stderr);
  const st = JSON.parse(readFileSync(join(dir, 'app.zip.intoto.json'), 'utf8'));
  assert.equal(st._type, 'https://in-toto.io/Statement/v1');
  assert.deepEqual(st.predicate.buildDefinition.resolvedDependencies, []);
  assert.equal(st.predicate.runDetails.builder.id, 'https://github.com/pipeguard/pipeguard/blob/main/docs/attest.md#local-builder');
  assert.match(a.stderr, /no git source/);
});

test('an OCI image is signed by its manifest digest; a changed byte in a layer blob is tampered', async () => {
  const dir = makeDir();
  const written = writeLayout(join(dir, 'img'), [{ layers: [[{ name: 'app/server.js', content: 'console.log(1)\n' }]], tag: 'shop:1.0' }]);
  await cli(['sign', '--generate-key', 'k.pem'], { cwd: dir });
  const s = await cli(['sign', 'img', '--key', 'k.pem'], { cwd: dir });
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stderr, new RegExp(`manifest ${written.manifests[0]}`));
  const v = await cli(['verify', 'img', '--key', 'k.pem.pub'], { cwd: dir });
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, new RegExp(`verified image .* \\(manifest ${written.manifests[0]}\\)`));
  // the manifest digest is what cosign names an image by: it is the attestation's subject too
  assert.equal((await cli(['attest', 'img', '-p', 'slsa', '-k', 'k.pem'], { cwd: dir })).code, 0);
  const st = JSON.parse(Buffer.from(JSON.parse(readFileSync(join(dir, 'img.intoto.sigstore.json'), 'utf8')).dsseEnvelope.payload, 'base64').toString('utf8'));
  assert.equal(`sha256:${st.subject[0].digest.sha256}`, written.manifests[0]);

  flip(join(dir, 'img', 'blobs', 'sha256', written.layers[0]![0]!.slice(7)), 30);
  const t = await cli(['verify', 'img', '--key', 'k.pem.pub'], { cwd: dir });
  assert.equal(t.code, 1);
  assert.match(t.stderr, /tampered: layer 1 .* does not match its digest/);
  const again = await cli(['sign', 'img', '--key', 'k.pem'], { cwd: dir });
  assert.equal(again.code, 2, 'a broken image is not signed');
});

test('keyless: verify against a trusted root file, identity and issuer; recorded bundles of a local CA and log', async () => {
  const dir = makeDir({ 'app.tgz': 'release bytes\n' });
  const ca = new LocalCa();
  const log = new LocalLog();
  writeTrustedRoot(join(dir, 'trusted_root.json'), ca, log);
  const id = 'release@shop.example.test';
  const issuer = 'https://accounts.example.test';
  const at = new Date('2026-05-06T07:08:09Z');
  const cert = ca.leaf({ identity: id, issuer, at });
  writeFileSync(join(dir, 'app.tgz.sigstore.json'), JSON.stringify(keylessMessageBundle(readFileSync(join(dir, 'app.tgz')), cert, log, at)));
  const args = ['--trusted-root', 'trusted_root.json', '--certificate-identity', id, '--certificate-oidc-issuer', issuer];
  const v = await cli(['verify', 'app.tgz', ...args], { cwd: dir });
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /signed by release@shop\.example\.test \(https:\/\/accounts\.example\.test\)/);
  const other = await cli(['verify', 'app.tgz', '--trusted-root', 'trusted_root.json', '--certificate-identity', 'mallory@shop.example.test', '--certificate-oidc-issuer', issuer], { cwd: dir });
  assert.equal(other.code, 1);
  assert.match(other.stderr, /signed by release@shop\.example\.test, not mallory/);
  const half = await cli(['verify', 'app.tgz', '--trusted-root', 'trusted_root.json'], { cwd: dir });
  assert.equal(half.code, 2);
  assert.match(half.stderr, /identity and OIDC issuer/);

  const st = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'app.tgz', digest: { sha256: (await import('node:crypto')).createHash('sha256').update(readFileSync(join(dir, 'app.tgz'))).digest('hex') } }], predicateType: 'https://slsa.dev/provenance/v1', predicate: { buildDefinition: {}, runDetails: { builder: { id: 'https://ci.example.test' } } } };
  writeFileSync(join(dir, 'app.tgz.intoto.sigstore.json'), JSON.stringify(keylessDsseBundle(st, cert, log, at)));
  const p = await cli(['verify', 'app.tgz', '--predicate', 'slsa', ...args], { cwd: dir });
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /builder: https:\/\/ci\.example\.test/);
});

test('usage and input errors: exit 2, one line, no stack', async () => {
  const dir = makeDir({ 'a.bin': 'x' });
  for (const [argv, re] of [
    [['sign', 'a.bin'], /--key FILE/],
    [['sign', 'missing.bin', '--key', 'nokey.pem'], /nokey\.pem.*cannot read key/],
    [['verify', 'a.bin'], /public key, or a trusted root/],
    [['verify', 'a.bin', '--key', 'x.pub', '--trusted-root', 'r.json'], /not both/],
    [['verify', 'a.bin', '--key', 'a.bin'], /a\.bin.*not a PEM public key/],
    [['attest', 'a.bin', '--key', 'k'], /--predicate slsa/],
    [['attest', 'a.bin', '--predicate', 'spdx', '--key', 'k'], /unknown predicate spdx/],
    [['sign', '--generate-key', 'k', '--algorithm', 'rsa'], /unknown key algorithm rsa/],
  ] as const) {
    const r = await cli([...argv], { cwd: dir });
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, argv.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, argv.join(' '));
  }
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'rsa.pem'), k.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const rsa = await cli(['sign', 'a.bin', '--key', 'rsa.pem'], { cwd: dir });
  assert.equal(rsa.code, 2);
  assert.match(rsa.stderr, /unsupported key \(rsa\)/);
  const missing = await cli(['verify', 'a.bin', '--key', 'rsa.pem'], { cwd: dir });
  assert.equal(missing.code, 2);
});

test('an SBOM and an attestation bundle are signed and verified like any file', async () => {
  const dir = project();
  await cli(['sign', '--generate-key', 'k.pem'], { cwd: dir });
  assert.equal((await cli(['sbom', '.', '-o', 'sbom.cdx.json'], { cwd: dir })).code, 0);
  assert.equal((await cli(['sign', 'sbom.cdx.json', '--key', 'k.pem'], { cwd: dir })).code, 0);
  assert.equal((await cli(['verify', 'sbom.cdx.json', '--key', 'k.pem.pub'], { cwd: dir })).code, 0);
  assert.equal((await cli(['attest', 'dist/shop-1.0.0.tgz', '-p', 'slsa', '-k', 'k.pem'], { cwd: dir })).code, 0);
  assert.equal((await cli(['sign', 'dist/shop-1.0.0.tgz.intoto.sigstore.json', '--key', 'k.pem'], { cwd: dir })).code, 0);
  assert.equal((await cli(['verify', 'dist/shop-1.0.0.tgz.intoto.sigstore.json', '--key', 'k.pem.pub'], { cwd: dir })).code, 0);
  const sbom = join(dir, 'sbom.cdx.json');
  writeFileSync(sbom, readFileSync(sbom, 'utf8').replace('"lodash"', '"lodasz"'));
  const t = await cli(['verify', 'sbom.cdx.json', '--key', 'k.pem.pub'], { cwd: dir });
  assert.equal(t.code, 1);
  assert.match(t.stderr, /tampered/);
});

test('real images made with skopeo/umoci: an OCI archive and a docker save tarball are signed by manifest digest', async () => {
  const dir = makeDir();
  await cli(['sign', '--generate-key', 'k.pem'], { cwd: dir });
  const images = join(import.meta.dirname, '..', 'fixtures', 'images');
  for (const name of ['debian.oci.tar', 'debian.docker.tar']) {
    const image = join(images, name);
    const bundle = join(dir, `${name}.sigstore.json`);
    const s = await cli(['sign', image, '--key', 'k.pem', '-o', bundle], { cwd: dir });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stderr, /signed image .* \(manifest sha256:[0-9a-f]{64}\)/, name);
    const v = await cli(['verify', image, '--key', 'k.pem.pub', '--bundle', bundle], { cwd: dir });
    assert.equal(v.code, 0, `${name}: ${v.stderr}`);
    // the same bytes as a plain copy verify too; one changed byte inside a layer does not
    const copy = join(dir, name);
    const bytes = readFileSync(image);
    writeFileSync(copy, bytes);
    assert.equal((await cli(['verify', copy, '--key', 'k.pem.pub', '--bundle', bundle], { cwd: dir })).code, 0);
    const store = (await openImageTar(image))!;
    const layer = resolveImage(store, undefined).layers.at(-1)!.blob;
    store.close();
    const at = layer.offset + Math.floor(layer.size / 2);
    bytes[at] = bytes[at]! ^ 0x20;
    writeFileSync(copy, bytes);
    const t = await cli(['verify', copy, '--key', 'k.pem.pub', '--bundle', bundle], { cwd: dir });
    assert.equal(t.code, 1, `${name}: ${t.stderr}`);
    assert.match(t.stderr, /tampered: layer \d+ .* does not match its digest/);
  }
});
