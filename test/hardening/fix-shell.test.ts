// `fix` rewrites `${{ github.event.pull_request.title }}` into an environment variable only where the shell
// context is understood: inside `$(...)` within double quotes and after a backslash it used to produce an
// unquoted expansion and an unclosed quote. Those are now skipped; a plain case is still fixed, parses with
// bash -n and behaves as before on a benign title and safely on hostile ones; CRLF is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';

const wf = (run: string): string => `on: pull_request_target\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          ${run}\n`;

test('expressions inside $(...) or after a backslash are left for the user, not rewritten', async () => {
  for (const run of [`echo "$(printf '%s' "\${{ github.event.pull_request.title }}")"`, 'echo \\${{ github.event.pull_request.title }}']) {
    const dir = makeDir({ '.github/workflows/ci.yml': wf(run) });
    const r = await cli(['fix', '.', '--rule', 'gha-template-injection'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8'), wf(run), `rewrote ${run}`);
    assert.match(r.stderr, /skipped/);
  }
});

test('a plain rewrite parses, keeps CRLF, and runs the same on benign and hostile titles', async (t) => {
  if (spawnSync('bash', ['--version']).error) return t.skip('needs bash');
  const run = 'echo "title: ${{ github.event.pull_request.title }}"';
  const dir = makeDir({ '.github/workflows/ci.yml': wf(run).replace(/\n/g, '\r\n') });
  const r = await cli(['fix', '.', '--rule', 'gha-template-injection'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const after = readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8');
  assert.ok(!/[^\r]\n/.test(after), 'a line lost its CR');
  const doc = parse(after.replace(/\r\n/g, '\n')) as { jobs: { t: { steps: { run: string; env?: Record<string, string> }[] } } };
  const step = doc.jobs.t.steps[0]!;
  const [name] = Object.keys(step.env ?? {});
  assert.ok(name, 'no env entry was added');
  assert.equal(spawnSync('bash', ['-n'], { input: step.run }).status, 0);
  for (const title of ['fix typo', 'a  b * ?', `it's "quoted"`, '$(touch /tmp/pwned-pipeguard)', '`id`']) {
    // The original, as GitHub would run it with a benign title substituted; the fix, with the title in the env.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    env[name!] = title;
    const fixed = spawnSync('bash', ['-c', step.run], { env, encoding: 'utf8' });
    assert.equal(fixed.stdout, `title: ${title}\n`, `title ${JSON.stringify(title)}`);
  }
  const benign = spawnSync('bash', ['-c', run.replace('${{ github.event.pull_request.title }}', 'fix typo')], { encoding: 'utf8' });
  assert.equal(benign.stdout, 'title: fix typo\n');
});
