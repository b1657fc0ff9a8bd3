import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli } from '../helpers/cli.js';
import { makeProject, running, testEnv } from './helpers/project.js';
import { startVaultDouble } from './helpers/vault-double.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
// prints the sha256 of each named variable's value, or "absent": what the child got, without printing it
const PROBE = `node -e 'for (const n of process.argv.slice(1)) { const v = process.env[n]; console.log(n + "=" + (v === undefined ? "absent" : require("crypto").createHash("sha256").update(v).digest("hex"))) }'`;

const SECRETS = { API_TOKEN: 'api-token-value-0001', OTHER_SECRET: 'other-secret-value-02' };

test('run gives only the named secrets, as environment variables; undeclared secrets and pipeguard credentials are absent', async () => {
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': '' }, { prod: SECRETS });
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile, OTHER_SECRET: 'inherited-from-ci', VAULT_TOKEN: 'vault-root-token' });
  const r = await cli(['run', '--env', 'prod', '--secret', 'API_TOKEN,OTHER_SECRET=RENAMED', '--', 'sh', '-c', `${PROBE} API_TOKEN RENAMED OTHER_SECRET PIPEGUARD_AGE_IDENTITY_FILE VAULT_TOKEN; echo "raw $API_TOKEN"`], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [`API_TOKEN=${sha(SECRETS.API_TOKEN)}`, `RENAMED=${sha(SECRETS.OTHER_SECRET)}`, 'OTHER_SECRET=absent', 'PIPEGUARD_AGE_IDENTITY_FILE=absent', 'VAULT_TOKEN=absent', 'raw ***', ''].join('\n'),
  );
  const only = await cli(['run', '--env', 'prod', '--secret', 'API_TOKEN', '--', 'sh', '-c', `${PROBE} OTHER_SECRET; echo "$API_TOKEN" | base64; printf %s "$API_TOKEN" | od -An -tx1 | tr -d ' \\n'; echo`], { cwd: dir, env });
  assert.equal(only.code, 0, only.stderr);
  assert.equal(only.stdout.split('\n')[0], 'OTHER_SECRET=absent');
  assert.ok(!only.stdout.includes(SECRETS.API_TOKEN) && !only.stdout.includes(Buffer.from(SECRETS.API_TOKEN).toString('hex')), only.stdout);
  assert.match(only.stdout, /\*\*\*/);
  // the audit log names what was given, never the value
  const log = readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8');
  assert.ok(!log.includes(SECRETS.API_TOKEN));
  const access = log.trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> }).filter((e) => e.type === 'secret.access');
  assert.deepEqual(access.map((e) => [e.data['name'], e.data['as'] ?? e.data['name']]), [['API_TOKEN', 'API_TOKEN'], ['OTHER_SECRET', 'RENAMED'], ['API_TOKEN', 'API_TOKEN']]);
});

test('a value written in two pieces by a real process is still masked', async () => {
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': '' }, { prod: SECRETS });
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile });
  const script = 'const s = process.env.API_TOKEN; process.stdout.write("a " + s.slice(0, 9)); setTimeout(() => { process.stdout.write(s.slice(9) + " b\\n"); process.stderr.write(encodeURIComponent(s) + "\\n"); }, 150);';
  const r = await cli(['run', '--env', 'prod', '--secret', 'API_TOKEN', '--', 'node', '-e', script], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'a *** b\n');
  assert.equal(r.stderr, '***\n');
});

test('run: the command\'s failure is exit 1 with its status; usage and unknown secrets are exit 2', async () => {
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': '' }, { prod: SECRETS });
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile });
  const fail = await cli(['run', '--env', 'prod', '--secret', 'API_TOKEN', '--', 'sh', '-c', 'exit 3'], { cwd: dir, env });
  assert.equal(fail.code, 1);
  assert.equal(fail.stderr, 'pipeguard: sh exited with status 3\n');
  const missing = await cli(['run', '--env', 'prod', '--secret', 'API_TOKEN', '--', 'no-such-program-xyz'], { cwd: dir, env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no-such-program-xyz failed: cannot start no-such-program-xyz/);
  const unknown = await cli(['run', '--env', 'prod', '--secret', 'NOPE', '--', 'true'], { cwd: dir, env });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'pipeguard: unknown secret NOPE: not in secrets/prod.age.yml\n');
  const none = await cli(['run', '--env', 'prod', '--', 'true'], { cwd: dir, env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /name the secrets the command may read with --secret NAME/);
  const nodash = await cli(['run', '--env', 'prod', '--secret', 'API_TOKEN', 'true'], { cwd: dir, env });
  assert.equal(nodash.code, 2);
  assert.match(nodash.stderr, /give the command after --/);
});

test('run --timeout stops the whole process group (SIGTERM, then SIGKILL after the grace time), background children included', async () => {
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': 'pipeline:\n  killGrace: 1\n' }, { prod: SECRETS });
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile });
  const t0 = Date.now();
  const r = await cli(['run', '--env', 'prod', '--secret', 'API_TOKEN', '--timeout', '1s', '--', 'sh', '-c', 'trap "" TERM; sleep 60 & echo $! > bg.pid; wait'], { cwd: dir, env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /sh timed out \(ended by SIGKILL\)/);
  assert.ok(Date.now() - t0 < 15_000);
  const pid = Number(readFileSync(join(dir, 'bg.pid'), 'utf8'));
  await sleep(100);
  assert.equal(running(pid), false, 'the background child is gone');
});

test('Vault KV v2: token and AppRole login; a step gets the value; permission and missing keys are clear errors', async () => {
  const vault = await startVaultDouble({
    kv: { 'app/prod/db': { password: 'db-password-from-vault', user: 'app' }, 'other/prod/x': { k: 'not-for-this-token' } },
    tokens: { 'root-token': ['app/', 'other/'], 'approle-token': ['app/'] },
    approles: { 'role-1': { secretId: 'secret-id-1', token: 'approle-token' } },
  });
  after(() => vault.close());
  const cfg = (auth: string) =>
    `secrets:\n  vault:\n    address: ${vault.address}\n    namespace: team-a\n    auth: ${auth}\n    secrets:\n      DB_PASSWORD: app/{env}/db#password\n      OTHER: other/{env}/x#k\n      NO_KEY: app/{env}/db#nope\n`;
  const token = await makeProject({ 'pipeguard.yml': cfg('{ method: token }') });
  const envT = testEnv(token.home, { VAULT_TOKEN: 'root-token' });
  const r = await cli(['run', '--env', 'prod', '--secret', 'DB_PASSWORD=PGPASSWORD', '--', 'sh', '-c', `${PROBE} PGPASSWORD VAULT_TOKEN; echo "$PGPASSWORD"`], { cwd: token.dir, env: envT });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `PGPASSWORD=${sha('db-password-from-vault')}\nVAULT_TOKEN=absent\n***\n`);
  assert.deepEqual(vault.requests.at(-1), { method: 'GET', path: '/v1/secret/data/app/prod/db', token: 'root-token', namespace: 'team-a' });
  const noKey = await cli(['run', '--env', 'prod', '--secret', 'NO_KEY', '--', 'true'], { cwd: token.dir, env: envT });
  assert.equal(noKey.code, 2);
  assert.equal(noKey.stderr, 'pipeguard: secret NO_KEY: vault has no key nope at secret/app/prod/db\n');
  const missingEnv = await cli(['run', '--env', 'staging', '--secret', 'DB_PASSWORD', '--', 'true'], { cwd: token.dir, env: envT });
  assert.equal(missingEnv.code, 2);
  assert.equal(missingEnv.stderr, `pipeguard: ${vault.address}: vault: no secret at secret/app/staging/db\n`);
  const noToken = await cli(['run', '--env', 'prod', '--secret', 'DB_PASSWORD', '--', 'true'], { cwd: token.dir, env: testEnv(token.home) });
  assert.equal(noToken.stderr, 'pipeguard: vault: no token: set VAULT_TOKEN\n');

  const role = await makeProject({ 'pipeguard.yml': cfg('{ method: approle, roleId: role-1 }') });
  const envA = testEnv(role.home, { VAULT_SECRET_ID: 'secret-id-1' });
  const a = await cli(['run', '--env', 'prod', '--secret', 'DB_PASSWORD', '--', 'sh', '-c', `${PROBE} DB_PASSWORD VAULT_SECRET_ID`], { cwd: role.dir, env: envA });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, `DB_PASSWORD=${sha('db-password-from-vault')}\nVAULT_SECRET_ID=absent\n`);
  assert.equal(vault.requests.filter((q) => q.path === '/v1/auth/approle/login').length, 1);
  const denied = await cli(['run', '--env', 'prod', '--secret', 'OTHER', '--', 'true'], { cwd: role.dir, env: envA });
  assert.equal(denied.code, 2);
  assert.equal(denied.stderr, `pipeguard: ${vault.address}: vault: permission denied reading secret/data/other/prod/x (the token's policies do not allow it)\n`);
  const badRole = await cli(['run', '--env', 'prod', '--secret', 'DB_PASSWORD', '--', 'true'], { cwd: role.dir, env: testEnv(role.home, { VAULT_SECRET_ID: 'wrong' }) });
  assert.equal(badRole.stderr, `pipeguard: ${vault.address}: vault: AppRole login refused (wrong role id or secret id): invalid role or secret ID\n`);
  await vault.close();
  const down = await cli(['run', '--env', 'prod', '--secret', 'DB_PASSWORD', '--', 'true'], { cwd: role.dir, env: envA });
  assert.equal(down.code, 2);
  assert.match(down.stderr, /^pipeguard: http:\/\/127\.0\.0\.1:\d+: vault: 127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
});
