// `fix` rewrites `${{ github.event.pull_request.title }}` into an environment variable only where the shell
// context is understood. It used to produce an unquoted expansion inside `"$(... "${{ }}")"` and an unclosed quote
// after a backslash; the context is now judged on a tree-sitter-bash parse of the script: inside `$(...)`, `<(...)`
// and `${V:-...}` the nearest quoting decides, and backquotes, single quotes, `$'...'`, arithmetic, variable names,
// patterns, case patterns, here-documents and a preceding backslash are still left to the user. Every rewrite parses
// with bash -n, behaves as the original on benign titles and prints hostile ones as data; CRLF is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';

const wf = (run: string): string => `on: pull_request_target\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          ${run}\n`;
const EXPR = '${{ github.event.pull_request.title }}';

/** Runs `fix` on a workflow whose script is `run`; the file after, the fixed step, and what was said. */
async function fixScript(run: string): Promise<{ changed: boolean; stderr: string; script: string; name: string | undefined }> {
  const dir = makeDir({ '.github/workflows/ci.yml': wf(run) });
  const r = await cli(['fix', '.', '--rule', 'gha-template-injection'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const after = readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8');
  const step = (parse(after) as { jobs: { t: { steps: { run: string; env?: Record<string, string> }[] } } }).jobs.t.steps[0]!;
  return { changed: after !== wf(run), stderr: r.stderr, script: step.run, name: Object.keys(step.env ?? {})[0] };
}

/** Runs a script with bash in a fresh folder; its stdout and whether it created a file named `pwned`. */
function bash(script: string, env: Record<string, string> = {}): { stdout: string; pwned: boolean } {
  const cwd = makeDir();
  const r = spawnSync('bash', ['-c', script], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { stdout: r.stdout, pwned: existsSync(join(cwd, 'pwned')) };
}

const BENIGN = ['fix-typo', 'v1.2.3'];
const HOSTILE = ['a  b * ?', `it's "quoted"`, '$(touch pwned)', '`touch pwned`', '; touch pwned', '"; touch pwned; echo "'];

test('contexts the parse understands are rewritten, parse with bash -n, and behave as before on benign titles', async (t) => {
  if (spawnSync('bash', ['--version']).error) return t.skip('needs bash');
  const cases = [
    // the example: the inner double quotes decide, not the outer ones
    `echo "$(printf '%s' "${EXPR}")"`,
    // unquoted inside $(...) within double quotes: quotes nest afresh there
    `echo "$(printf '%s' ${EXPR})"`,
    `cat <(printf '%s\\n' ${EXPR})`,
    `X=\${UNSET:-${EXPR}}; echo "$X"`,
    `echo "\${UNSET:-${EXPR}}"`,
    `[[ ${EXPR} == x ]] || echo ${EXPR}`,
    `V=${EXPR}; echo "$V"`,
  ];
  for (const run of cases) {
    const f = await fixScript(run);
    assert.ok(f.changed, `not rewritten: ${run}\n${f.stderr}`);
    assert.ok(f.name, `no env entry for ${run}`);
    assert.equal(spawnSync('bash', ['-n'], { input: f.script }).status, 0, `does not parse: ${f.script}`);
    for (const title of BENIGN) {
      const before = bash(run.split(EXPR).join(title));
      const after = bash(f.script, { [f.name!]: title });
      assert.equal(after.stdout, before.stdout, `${run} with title ${title}: ${f.script}`);
    }
    for (const title of HOSTILE) {
      const after = bash(f.script, { [f.name!]: title });
      assert.equal(after.pwned, false, `${f.script} ran a command from the title ${title}`);
      assert.ok(after.stdout.includes(title), `${f.script} did not print the title ${JSON.stringify(title)} as data: ${JSON.stringify(after.stdout)}`);
    }
  }
});

test('contexts whose quoting cannot be kept are left for the user, with the reason', async () => {
  const cases: [string, RegExp][] = [
    [`echo \\${EXPR}`, /after a backslash/],
    [`echo "\\${EXPR}"`, /after a backslash/],
    ['echo `echo ' + EXPR + '`', /inside backquotes/],
    [`echo "$(echo \`echo ${EXPR}\`)"`, /inside backquotes/],
    [`python3 -c 'print("${EXPR}")'`, /inside single quotes/],
    [`echo $'${EXPR}'`, /\$'\.\.\.' string/],
    [`echo $(( ${EXPR} + 1 ))`, /arithmetic/],
    [`echo $${EXPR}`, /variable name/],
    [`echo "\${HOME#${EXPR}}"`, /pattern/],
    [`case "$x" in ${EXPR}) echo hit;; esac`, /case pattern/],
    [`[[ $x == ${EXPR} ]] && echo same`, /right of a \[\[ \]\] match/],
    [`echo "$(echo ${EXPR}"`, /would not parse/],
  ];
  for (const [run, reason] of cases) {
    const f = await fixScript(run);
    assert.equal(f.changed, false, `rewrote ${run}: ${f.script}`);
    assert.match(f.stderr, /skipped/, run);
    assert.match(f.stderr, reason, `${run}: ${f.stderr}`);
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
