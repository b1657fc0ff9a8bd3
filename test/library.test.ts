import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { render, scan } from '../src/index.js';
import { makeDir } from './helpers/tmp.js';
import { awsKeyId } from './helpers/tokens.js';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the library: scan() returns a report and a gate decision', async () => {
  const dir = makeDir({ 'a.env': `AWS_ACCESS_KEY_ID=${awsKeyId(77)}\n`, 'pipeguard.yml': 'failOn: critical\n' });
  const { report, decision } = await scan(dir, { scanners: ['secrets'] });
  assert.equal(report.findings.length, 1);
  assert.equal(decision.outcome, 'pass', 'the config found next to the scanned folder sets failOn: critical');
  const strict = await scan(dir, { scanners: ['secrets'], failOn: 'low' });
  assert.equal(strict.decision.outcome, 'fail');
  assert.match(render('sarif', report, decision, { color: false }), /"version": "2.1.0"/);
});

test('the executable: exit codes and one-line errors through the real entry file', () => {
  const entry = ['--import', 'tsx', 'src/cli/main.ts'];
  const dir = makeDir({ 'a.env': `AWS_ACCESS_KEY_ID=${awsKeyId(78)}\n` });
  const run = (args: string[]) => spawnSync(process.execPath, [...entry, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const fail = run(['secrets', dir]);
  assert.equal(fail.status, 1, fail.stderr);
  const pass = run(['secrets', dir, '--fail-on', 'critical']);
  assert.equal(pass.status, 0, pass.stderr);
  const bad = run(['secrets', `${dir}/missing`]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const piped = spawnSync('sh', ['-c', `node ${entry.join(' ')} rules | head -n 1`], { cwd: root, encoding: 'utf8' });
  assert.equal(piped.status, 0);
  assert.doesNotMatch(piped.stderr, /EPIPE|Error/);
});
