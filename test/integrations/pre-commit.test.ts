// The pre-commit framework hooks (.pre-commit-hooks.yaml): each hook's entry is run the way pre-commit runs it
// (the entry's words as the command line, no file names, in the repository, unstaged changes stashed away) on a
// real git repository with staged files. Where the pre-commit tool is installed, it validates the manifest too.
/* eslint-disable @typescript-eslint/no-explicit-any -- reading parsed YAML */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { cli } from '../helpers/cli.js';
import { git, makeRepo } from '../helpers/tmp.js';
import { awsKeyId } from '../helpers/tokens.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MANIFEST = join(ROOT, '.pre-commit-hooks.yaml');
const hooks = parseYaml(readFileSync(MANIFEST, 'utf8')) as any[];
const hook = (id: string): any => hooks.find((h) => h.id === id);
const KEY = awsKeyId(777);

/** Runs a hook's entry in `repo` as pre-commit would; only the `pipeguard` word becomes the in-process CLI. */
async function runHook(id: string, repo: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const h = hook(id);
  const [cmd, ...args] = (h.entry as string).split(/\s+/);
  assert.equal(cmd, 'pipeguard');
  assert.equal(h.pass_filenames, false, 'the entry is complete without file names');
  return cli([...args, ...(h.args ?? [])], { cwd: repo });
}

/** Whether pre-commit would run the hook for these staged paths. */
function triggers(id: string, paths: string[]): boolean {
  const h = hook(id);
  const re = h.files ? new RegExp(h.files) : /.*/;
  return paths.some((p) => re.test(p));
}

test('the manifest: two node hooks with names, descriptions and complete entries', () => {
  assert.deepEqual(hooks.map((h) => h.id), ['pipeguard-secrets', 'pipeguard-workflows']);
  for (const h of hooks) {
    assert.equal(h.language, 'node');
    assert.ok(h.name && h.description && h.entry);
  }
  assert.ok(triggers('pipeguard-workflows', ['.github/workflows/ci.yml']));
  assert.ok(triggers('pipeguard-workflows', ['.gitlab-ci.yml']));
  assert.ok(triggers('pipeguard-workflows', ['tools/deploy/action.yaml']));
  assert.ok(!triggers('pipeguard-workflows', ['src/app.ts', 'docs/workflows.md', '.github/dependabot.yml']));
  // The README's config snippet names the same hooks.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const h of hooks) assert.ok(readme.includes(`- id: ${h.id}`), `README shows ${h.id}`);
});

test('pipeguard-secrets blocks a commit that stages a key, and only for the lines the commit adds', async () => {
  const repo = makeRepo([{ files: { 'README.md': '# app\n', 'old.env': `# legacy, reviewed\nAWS_ACCESS_KEY_ID=${KEY}\n` } }]);
  // A clean staged change passes, even though an older commit holds a key.
  writeFileSync(join(repo, 'README.md'), '# app\n\nHow to run it.\n');
  git(repo, ['add', 'README.md']);
  const clean = await runHook('pipeguard-secrets', repo);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  // Staging a key fails the hook, names the file and line, and never prints the key.
  writeFileSync(join(repo, 'config.js'), `export const id = '${awsKeyId(778)}';\n`);
  git(repo, ['add', 'config.js']);
  const bad = await runHook('pipeguard-secrets', repo);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /config\.js/);
  assert.ok(!bad.stdout.includes(awsKeyId(778)) && !bad.stderr.includes(awsKeyId(778)));
  // A key only in the work tree, not staged, is not this commit's business.
  git(repo, ['reset', '-q', 'config.js']);
  const unstaged = await runHook('pipeguard-secrets', repo);
  assert.equal(unstaged.code, 0, unstaged.stdout);
});

test('pipeguard-workflows fails on an injectable workflow and passes a hardened one', async () => {
  const repo = makeRepo([{ files: { 'README.md': '# app\n' } }]);
  const bad = [
    'name: ci',
    'on: pull_request_target',
    'permissions:',
    '  contents: read',
    'jobs:',
    '  greet:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo "${{ github.event.pull_request.title }}"',
    '',
  ].join('\n');
  writeFileSync(join(repo, 'ci.yml'), bad);
  git(repo, ['add', '.']);
  // Staged elsewhere than a workflow folder: the hook does not trigger.
  assert.ok(!triggers('pipeguard-workflows', ['ci.yml']));
  const { mkdirSync, renameSync } = await import('node:fs');
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  renameSync(join(repo, 'ci.yml'), join(repo, '.github/workflows/ci.yml'));
  git(repo, ['add', '-A']);
  assert.ok(triggers('pipeguard-workflows', ['.github/workflows/ci.yml']));
  const r = await runHook('pipeguard-workflows', repo);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /gha-template-injection/);
  const good = [
    'name: ci',
    'on: pull_request',
    'permissions:',
    '  contents: read',
    'jobs:',
    '  greet:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - env:',
    '          TITLE: ${{ github.event.pull_request.title }}',
    '        run: echo "$TITLE"',
    '',
  ].join('\n');
  writeFileSync(join(repo, '.github/workflows/ci.yml'), good);
  git(repo, ['add', '-A']);
  const ok = await runHook('pipeguard-workflows', repo);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
});

const PRE_COMMIT = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
test('pre-commit itself accepts the manifest', { skip: PRE_COMMIT.status === 0 ? undefined : 'needs pre-commit (apt-get install pre-commit)' }, () => {
  const r = spawnSync('pre-commit', ['validate-manifest', MANIFEST], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // And it rejects a broken one, so the check means something.
  const broken = join(makeRepo(), 'hooks.yaml');
  writeFileSync(broken, '- id: x\n  entry: pipeguard\n');
  assert.notEqual(spawnSync('pre-commit', ['validate-manifest', broken], { encoding: 'utf8' }).status, 0);
});
