import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';
import { cli } from '../helpers/cli.js';
import { git, makeDir, makeRepo } from '../helpers/tmp.js';
import { awsKeyId } from '../helpers/tokens.js';

// What a new user meets on day one: the commands the README and `init` give, run as written.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEY = awsKeyId(61);
const LEAKY = { 'app/config.js': `const id = "${KEY}";\n`, 'README.md': 'hello\n' };

/** The arguments after `pipeguard` in the line of `text` that runs `pipeguard <sub>` (as init writes it). */
function commandIn(text: string, sub: string): string[] {
  const line = text.split('\n').find((l) => new RegExp(`pipeguard ${sub} `).test(l) && !l.trim().startsWith('#'));
  assert.ok(line, `no 'pipeguard ${sub}' line in:\n${text}`);
  return line!.slice(line!.indexOf(`pipeguard ${sub} `) + 'pipeguard '.length).trim().split(/\s+/);
}

test("README: --format table --format sarif --output pipeguard.sarif puts the table on stdout and SARIF in the file", async () => {
  const dir = makeDir(LEAKY);
  const r = await cli(['scan', '.', '--format', 'table', '--format', 'sarif', '--output', 'pipeguard.sarif'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /aws-access-key-id/);
  assert.doesNotMatch(r.stdout, /"\$schema"|"version": "2\.1\.0"/, 'SARIF went to stdout');
  const sarif = JSON.parse(readFileSync(join(dir, 'pipeguard.sarif'), 'utf8'));
  assert.equal(sarif.version, '2.1.0');
});

test('README: -f json -o report.json -f junit -o junit.xml -f markdown -o pr-comment.md writes each to its own file', async () => {
  const dir = makeDir(LEAKY);
  const r = await cli(['scan', '.', '-f', 'json', '-o', 'report.json', '-f', 'junit', '-o', 'junit.xml', '-f', 'markdown', '-o', 'pr-comment.md', '--scanners', 'secrets'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.ok(Array.isArray(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).findings));
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /^<\?xml[\s\S]*<testsuites/);
  assert.doesNotMatch(readFileSync(join(dir, 'pr-comment.md'), 'utf8'), /^[{<]/);
});

test('an --output belongs to the format right before it; a lone --output names its format by extension', async () => {
  const dir = makeDir(LEAKY);
  // the output first, then a format for stdout
  const r = await cli(['scan', '.', '-f', 'sarif', '-o', 'a.out', '-f', 'json', '--scanners', 'secrets'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).tool.name, 'pipeguard');
  assert.equal(JSON.parse(readFileSync(join(dir, 'a.out'), 'utf8')).version, '2.1.0');
  const lone = await cli(['scan', '.', '-o', 'only.sarif', '--scanners', 'secrets'], { cwd: dir });
  assert.equal(lone.stdout, '');
  assert.equal(JSON.parse(readFileSync(join(dir, 'only.sarif'), 'utf8')).version, '2.1.0');
  const mixed = await cli(['scan', '.', '-o', 'first.xml', '-f', 'table', '--scanners', 'secrets'], { cwd: dir });
  assert.match(mixed.stdout, /aws-access-key-id/);
  assert.match(readFileSync(join(dir, 'first.xml'), 'utf8'), /^<\?xml/);
  const two = await cli(['scan', '.', '-f', 'json', '-f', 'sarif', '-o', 'x.json', '--scanners', 'secrets'], { cwd: dir });
  assert.equal(two.code, 1, 'json to stdout, sarif to x.json is a valid pairing');
  assert.equal(JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8')).version, '2.1.0');
  const bad = await cli(['scan', '.', '-f', 'json', '-f', 'sarif', '-o', 'r.json', '-f', 'table'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /only one --format can go to stdout \(json and table/);
  assert.ok(!existsSync(join(dir, 'r.json')), 'no report written on a usage error');
});

test('init: GitHub and GitLab jobs named security, their scan commands write each report where the job reads it', async () => {
  const repo = makeRepo([{ files: { ...LEAKY, 'package.json': '{"name":"app","devDependencies":{"pipeguard":"^0.1.0"}}', 'package-lock.json': '{}' } }]);
  const r = await cli(['init'], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(join(repo, '.github/workflows/pipeguard.yml')), 'the workflow must not be named like the config');
  const gh = readFileSync(join(repo, '.github/workflows/security.yml'), 'utf8');
  const gl = readFileSync(join(repo, '.gitlab/security.gitlab-ci.yml'), 'utf8');
  const ghArgs = commandIn(gh, 'scan');
  const ghRun = await cli(ghArgs, { cwd: repo });
  assert.equal(ghRun.code, 1, ghRun.stderr);
  assert.match(ghRun.stdout, /aws-access-key-id/, 'the job log shows the table');
  const sarifFile = (parse(gh) as { jobs: { pipeguard: { steps: { with?: { sarif_file?: string } }[] } } }).jobs.pipeguard.steps.find((s) => s.with?.sarif_file)!.with!.sarif_file!;
  assert.equal(JSON.parse(readFileSync(join(repo, sarifFile), 'utf8')).version, '2.1.0');
  const job = (parse(gl) as { pipeguard: { artifacts: { paths: string[]; reports: { junit: string } } } }).pipeguard;
  const glRun = await cli(commandIn(gl, 'scan'), { cwd: repo });
  assert.equal(glRun.code, 1, glRun.stderr);
  assert.match(readFileSync(join(repo, job.artifacts.reports.junit), 'utf8'), /^<\?xml[\s\S]*<testsuites/);
  for (const p of job.artifacts.paths) assert.ok(existsSync(join(repo, p)), p);
  assert.equal(JSON.parse(readFileSync(join(repo, job.artifacts.paths[0]!), 'utf8')).version, '2.1.0');
});

test('init adapts to the repository: default branch, package manager, advisory database cache, installed-or-not', async () => {
  const pnpm = makeRepo([{ files: { 'package.json': '{"devDependencies":{"pipeguard":"0.1.0"}}', 'pnpm-lock.yaml': 'lockfileVersion: 9.0\n' }, branch: 'trunk' }]);
  assert.equal((await cli(['init'], { cwd: pnpm })).code, 0);
  const wf = parse(readFileSync(join(pnpm, '.github/workflows/security.yml'), 'utf8')) as { on: { push: { branches: string[] } }; jobs: { pipeguard: { steps: { run?: string; uses?: string; with?: Record<string, string>; if?: string }[] } } };
  assert.deepEqual(wf.on.push.branches, ['trunk']);
  const steps = wf.jobs.pipeguard.steps;
  assert.ok(steps.some((s) => s.run === 'pnpm install --frozen-lockfile'));
  assert.ok(steps.some((s) => s.run?.startsWith('pnpm exec pipeguard scan ')));
  const cache = steps.find((s) => s.uses?.startsWith('actions/cache@'));
  assert.equal(cache?.with?.path, '~/.cache/pipeguard');
  assert.match(steps.find((s) => s.run?.endsWith('pipeguard db update'))?.if ?? '', /cache-hit != 'true'/);
  const gl = parse(readFileSync(join(pnpm, '.gitlab/security.gitlab-ci.yml'), 'utf8')) as { pipeguard: { cache: { paths: string[] }[]; variables: Record<string, string>; script: string[] } };
  assert.deepEqual(gl.pipeguard.cache[0]!.paths, ['.pipeguard-cache/']);
  assert.match(gl.pipeguard.variables['PIPEGUARD_DB']!, /\.pipeguard-cache\/advisories\.db$/);

  const yarn = makeRepo([{ files: { 'package.json': '{"devDependencies":{"pipeguard":"0.1.0"}}', 'yarn.lock': '' } }]);
  await cli(['init'], { cwd: yarn });
  const ywf = readFileSync(join(yarn, '.github/workflows/security.yml'), 'utf8');
  assert.match(ywf, /run: yarn install --frozen-lockfile/);
  assert.match(ywf, /branches: \[main\]/);

  const none = makeRepo([{ files: { 'go.mod': 'module x\n' } }]);
  const r = await cli(['init'], { cwd: none });
  assert.match(r.stderr, /not a dependency of this project/);
  const nwf = parse(readFileSync(join(none, '.github/workflows/security.yml'), 'utf8')) as { env: Record<string, string>; jobs: { pipeguard: { steps: { run?: string }[] } } };
  assert.match(nwf.env['PIPEGUARD_PACKAGE']!, /^pipeguard@/);
  assert.ok(nwf.jobs.pipeguard.steps.some((s) => s.run?.includes('npm install --global') && s.run.includes('PIPEGUARD_PACKAGE')));
  assert.ok(!nwf.jobs.pipeguard.steps.some((s) => s.run === 'npm ci'), 'no project install without a lockfile');
});

test("the files init writes pass pipeguard's own workflow and config checks", async () => {
  const repo = makeRepo([{ files: { 'package.json': '{"devDependencies":{"pipeguard":"0.1.0"}}', 'package-lock.json': '{"lockfileVersion":3,"packages":{}}' } }]);
  await cli(['init'], { cwd: repo });
  const r = await cli(['scan', '.', '--scanners', 'pipeline', '-f', 'json', '--fail-on', 'low'], { cwd: repo });
  assert.equal(r.code, 0, r.stdout);
  // Scanning the workflow folder itself must not take the workflow for a config.
  const sub = await cli(['scan', '.github/workflows', '--scanners', 'pipeline'], { cwd: repo });
  assert.notEqual(sub.code, 2, sub.stderr);
});

test('init writes into the hook tool the repository uses (pre-commit, husky, lefthook), once', async () => {
  const pc = makeRepo([{ files: { '.pre-commit-config.yaml': '# our hooks\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: check-yaml\n' } }]);
  const r = await cli(['init'], { cwd: pc });
  assert.match(r.stdout, /edited {2}\.pre-commit-config\.yaml/);
  const cfg = readFileSync(join(pc, '.pre-commit-config.yaml'), 'utf8');
  assert.match(cfg, /^# our hooks/);
  const repos = (parse(cfg) as { repos: { repo: string; hooks: { id: string; entry?: string; language?: string }[] }[] }).repos;
  assert.equal(repos.length, 2);
  assert.equal(repos[1]!.hooks[0]!.language, 'system');
  assert.match(repos[1]!.hooks[0]!.entry!, /pipeguard secrets --staged/);
  assert.ok(!existsSync(join(pc, '.git/hooks/pre-commit')));
  const again = await cli(['init'], { cwd: pc });
  assert.match(again.stdout, /kept {4}\.pre-commit-config\.yaml \(already runs pipeguard\)/);
  assert.equal(readFileSync(join(pc, '.pre-commit-config.yaml'), 'utf8'), cfg);

  const husky = makeRepo([{ files: { '.husky/pre-commit': 'npm test\n' } }]);
  await cli(['init'], { cwd: husky });
  assert.match(readFileSync(join(husky, '.husky/pre-commit'), 'utf8'), /^npm test\n.*pipeguard secrets --staged --no-progress\n$/);

  const lefthook = makeRepo([{ files: { 'lefthook.yml': 'pre-push:\n  commands:\n    test:\n      run: npm test\n' } }]);
  await cli(['init'], { cwd: lefthook });
  const lh = parse(readFileSync(join(lefthook, 'lefthook.yml'), 'utf8')) as Record<string, { commands: Record<string, { run: string }> }>;
  assert.equal(lh['pre-push']!.commands['test']!.run, 'npm test');
  assert.match(lh['pre-commit']!.commands['pipeguard-secrets']!.run, /pipeguard secrets --staged/);
});

/** Runs `git commit` in `repo` with a PATH that holds git, sh and node but no pipeguard. */
function commit(repo: string, message: string): { status: number | null; stderr: string } {
  const r = spawnSync('git', ['commit', '-q', '-m', message], {
    cwd: repo,
    encoding: 'utf8',
    env: {
      PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`,
      HOME: repo,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'T',
      GIT_AUTHOR_EMAIL: 't@example.test',
      GIT_COMMITTER_NAME: 'T',
      GIT_COMMITTER_EMAIL: 't@example.test',
    },
  });
  return { status: r.status, stderr: r.stderr };
}

test('the git hook: without pipeguard it says how to install and blocks, unless hooks.required is false; installed, it scans', async () => {
  const repo = makeRepo([{ files: { 'a.txt': 'a\n', '.gitignore': 'node_modules/\n' } }]);
  assert.equal((await cli(['init'], { cwd: repo })).code, 0);
  assert.ok(existsSync(join(repo, '.git/hooks/pre-commit')));
  writeFileSync(join(repo, 'b.txt'), 'b\n');
  git(repo, ['add', 'b.txt']);
  const blocked = commit(repo, 'b');
  assert.equal(blocked.status, 1, blocked.stderr);
  assert.match(blocked.stderr, /pipeguard: not installed/);
  assert.match(blocked.stderr, /install it: npm install --save-dev/);
  assert.match(blocked.stderr, /hooks: \{ required: false \}/);

  writeFileSync(join(repo, 'pipeguard.yml'), readFileSync(join(repo, 'pipeguard.yml'), 'utf8').replace('hooks:\n  required: true', 'hooks:\n  required: false  # laptops without node'));
  assert.equal((await cli(['scan', '.', '--scanners', 'secrets'], { cwd: repo })).code, 0, 'the config stays valid');
  const through = commit(repo, 'b');
  assert.equal(through.status, 0, through.stderr);
  assert.match(through.stderr, /commit goes on unchecked/);

  // Installed in the project: the hook runs it, and a staged key blocks the commit.
  mkdirSync(join(repo, 'node_modules/.bin'), { recursive: true });
  const bin = join(repo, 'node_modules/.bin/pipeguard');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" --import "${join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')}" "${join(ROOT, 'src/cli/main.ts')}" "$@"\n`);
  chmodSync(bin, 0o755);
  writeFileSync(join(repo, 'c.env'), `AWS_ACCESS_KEY_ID=${KEY}\n`);
  git(repo, ['add', 'c.env']);
  const found = commit(repo, 'c');
  assert.equal(found.status, 1, found.stderr);
  assert.match(found.stderr, /aws-access-key-id/);
  assert.ok(!found.stderr.includes(KEY));
});

test('config lookup never takes a file inside .github/ for the config; the scanned root up to the repository root', async () => {
  const repo = makeRepo([
    {
      files: {
        '.github/workflows/pipeguard.yml': 'name: pipeguard\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
        'pipeguard.yml': 'failOn: critical\n',
        'sub/a.env': `AWS_ACCESS_KEY_ID=${KEY}\n`,
      },
    },
  ]);
  const wf = await cli(['scan', '.github/workflows', '-f', 'json'], { cwd: repo });
  assert.notEqual(wf.code, 2, wf.stderr);
  assert.equal(JSON.parse(wf.stdout).tool.name, 'pipeguard');
  // the root config applies to a scan of a sub-folder (failOn critical: the high finding does not fail)
  const sub = await cli(['scan', 'sub', '--scanners', 'secrets'], { cwd: repo });
  assert.equal(sub.code, 0, sub.stdout);
  // an org's `.github` repository is still a repository: its own root config is found
  const orgRepo = join(makeDir(), '.github');
  mkdirSync(orgRepo);
  git(orgRepo, ['init', '-q']);
  writeFileSync(join(orgRepo, 'pipeguard.yml'), 'failOn: hihg\n');
  const org = await cli(['scan', '.'], { cwd: orgRepo });
  assert.equal(org.code, 2);
});

test('validation messages: enum errors list the allowed values; expired suppressions keep the numbering', async () => {
  const dir = makeDir({ 'pipeguard.yml': 'failOn: hihg\n', 'a.txt': 'x\n' });
  const r = await cli(['scan', '.'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'pipeguard: pipeguard.yml:1: failOn: "hihg" is not allowed: use one of critical, high, medium, low, info, none\n');
  writeFileSync(join(dir, 'pipeguard.yml'), 'thresholds:\n  secrets: lo\n');
  assert.match((await cli(['scan', '.'], { cwd: dir })).stderr, /pipeguard\.yml:2: thresholds\.secrets: "lo" is not allowed: use one of critical, high, medium, low, info, none/);
  writeFileSync(join(dir, 'pipeguard.yml'), 'scanners:\n  deps:\n    unknownSeverity: urgent\n');
  assert.match((await cli(['scan', '.'], { cwd: dir })).stderr, /unknownSeverity: "urgent" is not allowed: use one of critical, high, medium, low, info\n/);

  writeFileSync(
    join(dir, 'pipeguard.yml'),
    [
      'suppressions:',
      '  - rule: old-rule',
      '    reason: gone now',
      '    expires: 2020-01-01',
      '  - rule: never-matches',
      '    reason: for the numbering',
      '',
    ].join('\n'),
  );
  const s = await cli(['scan', '.', '-f', 'json'], { cwd: dir });
  assert.equal(s.code, 0, s.stderr);
  const notes = JSON.stringify(JSON.parse(s.stdout));
  assert.match(notes, /suppression #1 \(rule old-rule\) expired/);
  assert.match(notes, /suppression #2 \(rule never-matches\) matched no finding/);
});

test('fix on a folder without workflows says so', async () => {
  const dir = makeDir({ 'src/a.js': 'x\n' });
  const r = await cli(['fix', '.'], { cwd: dir });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /no GitHub Actions workflow or action under \. .*nothing to fix/);
});

test('README: the commands table is one table (no blank line cuts it)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('| `pipeguard scan [PATH]`');
  const block = readme.slice(start, readme.indexOf('\n\n', start));
  for (const cmd of ['init', 'db update', 'sbom', 'fix', 'exposure', 'compliance']) assert.ok(block.includes(`| \`pipeguard ${cmd}`), `${cmd} row not in the table`);
});
