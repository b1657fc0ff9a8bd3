import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decryptAge, encryptAge, newIdentity, parseSecretsYaml } from '../../src/deliver/secrets/age-file.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { makeProject, testEnv } from './helpers/project.js';

const hasAge = spawnSync('age', ['--version']).status === 0 && spawnSync('age-keygen', ['--help']).status !== null;
const needsAge = hasAge ? false : 'needs age (apt-get install age)';

test('age interoperability: a file the age CLI encrypts decrypts here, and one written here decrypts with the age CLI', { skip: needsAge }, async () => {
  const dir = makeDir();
  const keyFile = join(dir, 'key.txt');
  execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
  const identity = readFileSync(keyFile, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
  const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim();
  // age CLI -> pipeguard, armored and binary
  const plain = 'DB_PASSWORD: "s3cr3t-from-age-cli"\nMULTI: |\n  line one of it\n  line two of it\n';
  for (const armor of [true, false]) {
    const out = join(dir, `cli${armor ? '.asc' : '.bin'}`);
    execFileSync('age', [...(armor ? ['-a'] : []), '-r', recipient, '-o', out], { input: plain });
    const text = await decryptAge(readFileSync(out), [identity], out);
    assert.equal(text, plain);
    assert.deepEqual([...parseSecretsYaml(text, out, 8)], [['DB_PASSWORD', 's3cr3t-from-age-cli'], ['MULTI', 'line one of it\nline two of it\n']]);
  }
  // pipeguard -> age CLI, to two recipients (either key decrypts)
  const other = await newIdentity();
  const file = join(dir, 'ours.age.yml');
  writeFileSync(file, await encryptAge('API_KEY: value-written-by-pipeguard\n', [recipient, other.recipient]));
  assert.match(readFileSync(file, 'utf8'), /^-----BEGIN AGE ENCRYPTED FILE-----\n/);
  assert.equal(execFileSync('age', ['-d', '-i', keyFile, file], { encoding: 'utf8' }), 'API_KEY: value-written-by-pipeguard\n');
  const otherKey = join(dir, 'other.txt');
  writeFileSync(otherKey, other.identity + '\n');
  assert.equal(execFileSync('age', ['-d', '-i', otherKey, file], { encoding: 'utf8' }), 'API_KEY: value-written-by-pipeguard\n');
});

test('secrets-file through the CLI: set, list, get (redacted unless asked), recipients add and remove re-encrypt', { skip: needsAge }, async () => {
  const { dir, home, identityFile, recipient } = await makeProject({ 'pipeguard.yml': 'pipeline:\n  env: staging\n' }, { staging: { FIRST_SECRET: 'first-value-123' } });
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile });
  const run = (argv: string[], stdin?: string) => cli(argv, { cwd: dir, env, ...(stdin !== undefined ? { stdin } : {}) });
  assert.equal((await run(['secrets-file', 'set', 'API_TOKEN'], 'api-token-value-42\n')).code, 0);
  assert.equal((await run(['secrets-file', 'list'])).stdout, 'API_TOKEN\nFIRST_SECRET\n');
  const got = await run(['secrets-file', 'get', 'API_TOKEN']);
  assert.equal(got.stdout, 'api-token-value-42'.slice(0, 2) + '********(18)  sha256:' + (await import('node:crypto')).createHash('sha256').update('api-token-value-42').digest('hex').slice(0, 16) + '\n');
  assert.equal((await run(['secrets-file', 'get', 'API_TOKEN', '--show-secrets'])).stdout, 'api-token-value-42\n');
  // the age CLI reads what pipeguard wrote
  assert.match(execFileSync('age', ['-d', '-i', identityFile, join(dir, 'secrets/staging.age.yml')], { encoding: 'utf8' }), /API_TOKEN: api-token-value-42/);
  // a new team member: the file is re-encrypted to both; removing the first leaves only the second
  const bob = await newIdentity();
  const bobFile = join(home, 'bob.txt');
  writeFileSync(bobFile, bob.identity + '\n');
  assert.equal((await run(['secrets-file', 'recipients', '--add', bob.recipient, '--comment', 'bob@example.com'])).code, 0);
  assert.equal((await run(['secrets-file', 'recipients'])).stdout, `${recipient}  # test\n${bob.recipient}  # bob@example.com\n`);
  assert.match(execFileSync('age', ['-d', '-i', bobFile, join(dir, 'secrets/staging.age.yml')], { encoding: 'utf8' }), /FIRST_SECRET: first-value-123/);
  const rm = await run(['secrets-file', 'recipients', '--remove', recipient]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stderr, /rotate the secrets they could read/);
  const old = spawnSync('age', ['-d', '-i', identityFile, join(dir, 'secrets/staging.age.yml')], { encoding: 'utf8' });
  assert.notEqual(old.status, 0, 'the removed key no longer decrypts the file');
  // rotate: new random values, no value printed
  const before = execFileSync('age', ['-d', '-i', bobFile, join(dir, 'secrets/staging.age.yml')], { encoding: 'utf8' });
  const rot = await cli(['secrets-file', 'rotate', 'API_TOKEN', '--length', '40'], { cwd: dir, env: testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: bobFile }) });
  assert.equal(rot.code, 0, rot.stderr);
  assert.ok(!rot.stdout.includes('API_TOKEN:'));
  const after = execFileSync('age', ['-d', '-i', bobFile, join(dir, 'secrets/staging.age.yml')], { encoding: 'utf8' });
  assert.notEqual(after, before);
  assert.match(after, /API_TOKEN: [A-Za-z0-9_-]{40}\n/);
  assert.match(after, /FIRST_SECRET: first-value-123/);
  // every change is in the audit log, by name only
  const log = readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8');
  assert.ok(!log.includes('api-token-value-42') && !log.includes('first-value-123'));
  assert.deepEqual(
    log.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type),
    ['secrets-file.set', 'secret.access', 'secret.access', 'secrets-file.recipients', 'secrets-file.recipients', 'secrets-file.rotate'],
  );
});

test('secrets-file edit: the editor sees the YAML in a private temporary file; invalid YAML changes nothing', async () => {
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': '' }, { dev: { KEEP_ME: 'keep-me-value-1' } });
  const editor = join(home, 'editor.sh');
  writeFileSync(editor, '#!/bin/sh\nls -l "$1" | cut -c1-10 > "$HOME/mode"\nprintf "KEEP_ME: keep-me-value-1\\nNEW_ONE: new-one-value-2\\n" > "$1"\n');
  chmodSync(editor, 0o755);
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile, EDITOR: editor });
  const r = await cli(['secrets-file', 'edit', '--env', 'dev'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /1 set, 0 removed/);
  assert.equal(readFileSync(join(home, 'mode'), 'utf8').trim(), '-rw-------');
  assert.equal((await cli(['secrets-file', 'list', '--env', 'dev'], { cwd: dir, env })).stdout, 'KEEP_ME\nNEW_ONE\n');
  const fileBefore = readFileSync(join(dir, 'secrets/dev.age.yml'));
  writeFileSync(editor, '#!/bin/sh\nprintf "BROKEN: [unclosed\\n" > "$1"\n');
  const bad = await cli(['secrets-file', 'edit', '--env', 'dev'], { cwd: dir, env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^pipeguard: secrets\/dev\.age\.yml \(edited\): decrypted content is not valid YAML/);
  assert.ok(readFileSync(join(dir, 'secrets/dev.age.yml')).equals(fileBefore), 'nothing half-written');
  writeFileSync(editor, '#!/bin/sh\nprintf "SHORT: abc\\n" > "$1"\n');
  const short = await cli(['secrets-file', 'edit', '--env', 'dev'], { cwd: dir, env });
  assert.equal(short.code, 2);
  assert.match(short.stderr, /secret SHORT is shorter than 8 characters/);
  assert.ok(!short.stderr.includes('abc'));
});

test('bad input is one line and exit 2: wrong key, damaged file, not age, no identity, short secret, bad recipient', async () => {
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': '' }, { prod: { A_SECRET: 'a-secret-value-1' } });
  const other = await newIdentity();
  const wrongKey = join(home, 'wrong.txt');
  writeFileSync(wrongKey, other.identity + '\n');
  const env = testEnv(home);
  const run = (argv: string[], extra: Record<string, string> = {}, stdin?: string) => cli(argv, { cwd: dir, env: { ...env, ...extra }, ...(stdin !== undefined ? { stdin } : {}) });
  const check = async (r: Promise<{ code: number; stderr: string; stdout: string }>, re: RegExp) => {
    const x = await r;
    assert.equal(x.code, 2, x.stderr);
    assert.match(x.stderr, re);
    assert.equal(x.stderr.trim().split('\n').length, 1, x.stderr);
    assert.ok(!x.stderr.includes('a-secret-value-1') && !/AGE-SECRET-KEY-1[0-9A-Z]{20}/.test(x.stderr));
    assert.equal(x.stdout, '');
  };
  await check(run(['secrets-file', 'list', '--env', 'prod'], { PIPEGUARD_AGE_IDENTITY_FILE: wrongKey }), /^pipeguard: secrets\/prod\.age\.yml: cannot decrypt: none of the given age identities is a recipient of this file \(wrong key\?\)$/m);
  await check(run(['secrets-file', 'list', '--env', 'prod']), /no age identity to decrypt the secrets file/);
  await check(run(['secrets-file', 'list', '--env', 'prod'], { PIPEGUARD_AGE_IDENTITY: 'AGE-SECRET-KEY-1NOTAKEY' }), /\$PIPEGUARD_AGE_IDENTITY:1: not an age identity/);
  const file = join(dir, 'secrets/prod.age.yml');
  const good = readFileSync(file, 'utf8');
  const lines = good.split('\n');
  // damage one character of the armored body (always a different one: a swap of two equal characters would not)
  lines[2] = (lines[2]![0] === 'A' ? 'B' : 'A') + lines[2]!.slice(1);
  writeFileSync(file, lines.join('\n'));
  await check(run(['secrets-file', 'list', '--env', 'prod'], { PIPEGUARD_AGE_IDENTITY_FILE: identityFile }), /secrets\/prod\.age\.yml: (cannot decrypt|damaged age armor)/);
  writeFileSync(file, 'A_SECRET: plain text\n');
  await check(run(['secrets-file', 'list', '--env', 'prod'], { PIPEGUARD_AGE_IDENTITY_FILE: identityFile }), /secrets\/prod\.age\.yml: not an age-encrypted file/);
  writeFileSync(file, good);
  await check(run(['secrets-file', 'set', 'TINY', '--env', 'prod'], { PIPEGUARD_AGE_IDENTITY_FILE: identityFile }, 'abc'), /secret TINY is shorter than 8 characters/);
  await check(run(['secrets-file', 'recipients', '--env', 'prod', '--add', 'age1notakey'], { PIPEGUARD_AGE_IDENTITY_FILE: identityFile }), /not a valid age public key|not an age public key/);
  await check(run(['secrets-file', 'get', 'NOPE', '--env', 'prod'], { PIPEGUARD_AGE_IDENTITY_FILE: identityFile }), /unknown secret NOPE: not in secrets\/prod\.age\.yml/);
  await check(run(['secrets-file', 'list', '--env', '../etc']), /--env "\.\.\/etc": use letters/);
  // a file the age CLI made with a short value: refused when read, naming the secret only
  writeFileSync(file, await encryptAge('SHORTY: 1234\n', [(await import('../../src/deliver/secrets/age-file.js')).parseRecipients(readFileSync(join(dir, 'secrets/prod.recipients'), 'utf8'), 'r')[0]!.key]));
  await check(run(['secrets-file', 'list', '--env', 'prod'], { PIPEGUARD_AGE_IDENTITY_FILE: identityFile }), /secret SHORTY is shorter than 8 characters: too short to mask/);
});

test('the identity is found in order: --identity, $PIPEGUARD_AGE_IDENTITY, its _FILE, secrets.identity (~/ is the home folder), the default file', async () => {
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': 'secrets:\n  identity: ~/identity.txt\n' }, { prod: { A_SECRET: 'a-secret-value-1' } });
  const list = (env: Record<string, string>, extra: string[] = []) => cli(['secrets-file', 'list', '--env', 'prod', ...extra], { cwd: dir, env: testEnv(home, env) });
  assert.equal((await list({})).stdout, 'A_SECRET\n', 'secrets.identity with ~/');
  const other = await newIdentity();
  const wrong = join(home, 'wrong.txt');
  writeFileSync(wrong, other.identity + '\n');
  // the environment comes before the config, --identity before both
  assert.equal((await list({ PIPEGUARD_AGE_IDENTITY_FILE: wrong })).code, 2);
  assert.equal((await list({ PIPEGUARD_AGE_IDENTITY: other.identity })).code, 2);
  assert.equal((await list({ PIPEGUARD_AGE_IDENTITY_FILE: wrong }, ['--identity', identityFile])).stdout, 'A_SECRET\n');
  assert.equal((await list({ PIPEGUARD_AGE_IDENTITY: readFileSync(identityFile, 'utf8') })).stdout, 'A_SECRET\n');
});
