import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '../../src/deliver/audit/canonical-json.js';
import type { RunRecord } from '../../src/deliver/runner/record.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { githubToken } from '../helpers/tokens.js';
import { testEnv } from './helpers/project.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/pipeline/', import.meta.url));

/** The example copied to a fresh folder and set up as its README says, through the CLI. */
async function setUp() {
  const dir = makeDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  const home = makeDir();
  const identity = join(home, 'age-identity.txt');
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identity });
  const run = (argv: string[], stdin?: string) => cli(argv, { cwd: dir, env, ...(stdin !== undefined ? { stdin } : {}) });
  const keygen = await run(['secrets-file', 'keygen', '-o', identity]);
  assert.equal(keygen.code, 0, keygen.stderr);
  const recipient = keygen.stdout.trim();
  assert.match(recipient, /^age1[0-9a-z]{58}$/);
  assert.equal((await run(['secrets-file', 'recipients', '--env', 'production', '--add', recipient, '--comment', 'ci'])).code, 0);
  const token = githubToken(17);
  assert.equal((await run(['secrets-file', 'set', 'GH_TOKEN'], `${token}\n`)).code, 0);
  assert.equal((await run(['secrets-file', 'set', 'DEPLOY_KEY'], 'deploy-key-0123456789')).code, 0);
  const keyFile = join(home, 'audit.pem');
  assert.equal((await run(['audit', 'keygen', '-o', keyFile])).code, 0);
  const set = await run(['secrets-file', 'set', 'AUDIT_SIGNING_KEY', '--from-file', keyFile]);
  assert.equal(set.code, 0, set.stderr);
  return { dir, home, env, run, token, pub: `${keyFile}.pub` };
}

test('the example pipeline runs end to end: gates pass, secrets reach only their steps, output is masked, the log verifies', async () => {
  const { dir, run, token, pub } = await setUp();
  const r = await run(['pipeline', 'run']);
  assert.equal(r.code, 0, r.stderr);
  const all = r.stdout + r.stderr;
  // the build step printed the token raw and base64-encoded: neither shows
  assert.ok(!all.includes(token));
  assert.ok(!all.includes(Buffer.from(`ci:${token}`).toString('base64').slice(4, 40)));
  assert.match(r.stdout, /\[build\/compile\] fetching dependencies with token \*\*\*\n/);
  assert.match(r.stdout, /\[build\/compile\] Authorization: Basic Y2k6\*\*\*/);
  // least privilege: the build step has no deploy key, the deploy step no token, the test step nothing
  assert.match(r.stdout, /\[build\/compile\] deploy key visible here\? no/);
  assert.match(r.stdout, /\[deploy\/release\] deploying with key \*\*\* \(GH_TOKEN given: no\)/);
  assert.match(r.stdout, /\[test\/unit\] tests passed/);
  assert.match(r.stderr, /<-- gate build\/compile: PASS/);
  assert.match(r.stderr, /run \S+ PASSED/);

  const show = await run(['pipeline', 'show', '--json']);
  const rec = JSON.parse(show.stdout) as RunRecord;
  assert.equal(rec.status, 'passed');
  assert.deepEqual(rec.stages.map((s) => s.status), ['passed', 'passed', 'passed', 'passed']);
  assert.deepEqual(rec.stages[1]!.steps[0]!.secrets, ['GH_TOKEN']);
  assert.equal(rec.stages[1]!.steps[0]!.gate!.outcome, 'pass');
  assert.ok(!JSON.stringify(rec).includes(token), 'the run record holds no secret');

  const log = readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8');
  assert.ok(!log.includes(token) && !log.includes('deploy-key-0123456789'), 'the audit log holds no secret');
  const types = log.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
  for (const t of ['run.started', 'step.started', 'secret.access', 'step.finished', 'gate.decision', 'run.finished', 'checkpoint']) assert.ok(types.includes(t), t);
  const access = log.trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> }).filter((e) => e.type === 'secret.access');
  assert.deepEqual(access.map((e) => [e.data['step'], e.data['name']]), [['compile', 'GH_TOKEN'], ['release', 'DEPLOY_KEY']]);
  const v = await run(['audit', 'verify', '--public-key', pub]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /intact: \d+ entries, 1 signed checkpoint/);
  // every line of the log is in canonical form
  for (const l of log.trim().split('\n')) assert.equal(canonicalize(JSON.parse(l)), l);
});

test('the example with a token baked into the artifact: the build gate fails the run (exit 1); an override lets it through, recorded', async () => {
  const { dir, run, token } = await setUp();
  const cfg = join(dir, 'pipeguard.yml');
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('secrets: [GH_TOKEN]', 'secrets: [GH_TOKEN]\n          env: { LEAK_TOKEN: "1" }'));
  const r = await run(['pipeline', 'run']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /<-- gate build\/compile: FAIL \(1 finding\(s\), 1 at or above low\)/);
  assert.match(r.stderr, /critical github-pat app\/dist\/config\.js:1: GitHub personal access token/);
  assert.match(r.stderr, /FAILED: build\/compile: gate build\/compile failed/);
  assert.ok(!(r.stdout + r.stderr).includes(token));
  assert.ok(!existsSync(join(dir, 'deployed')));
  const rec = JSON.parse((await run(['pipeline', 'show', '--json'])).stdout) as RunRecord;
  assert.equal(rec.status, 'failed');
  assert.deepEqual(rec.stages.map((s) => s.status), ['passed', 'failed', 'skipped', 'skipped']);
  assert.equal(rec.stages[1]!.steps[0]!.gate!.violations[0]!.ruleId, 'github-pat');
  assert.ok(!JSON.stringify(rec).includes(token));

  const bad = await run(['pipeline', 'run', '--override', 'build/compile']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--override needs --reason/);
  const o = await run(['pipeline', 'run', '--override', 'build/compile', '--reason', 'revoked test token, ticket SEC-12']);
  assert.equal(o.code, 0, o.stderr);
  assert.match(o.stderr, /gate build\/compile: OVERRIDDEN .*: overridden: revoked test token, ticket SEC-12/);
  const log = readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
  const ov = log.filter((e) => e.type === 'override');
  assert.equal(ov.length, 1);
  assert.equal(ov[0]!.data['reason'], 'revoked test token, ticket SEC-12');
});
