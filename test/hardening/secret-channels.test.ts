// A battery of runs seeded with known secrets in every place pipeguard reads names and text from (file names,
// commit messages, authors and e-mails, config keys and regexes, the ignore file, a baseline, a workflow `fix`
// rewrites), success and error paths alike; no channel (stdout, stderr, every format, every file written) may
// hold any of them whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { makeDir, makeRepo } from '../helpers/tmp.js';
import { githubToken } from '../helpers/tokens.js';

const T = [githubToken(101), githubToken(202), githubToken(303), githubToken(404), githubToken(505)];

/** Every file under `dir` (but .git) with its modification time. */
function files(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name === '.git') continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(p, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return out;
}

/** Runs the CLI and checks no seeded secret appears in stdout, stderr or any file it wrote. */
async function noLeak(argv: string[], cwd: string, expectCode: number): Promise<void> {
  const before = files(cwd);
  const r = await cli(argv, { cwd });
  assert.equal(r.code, expectCode, `${argv.join(' ')}: ${r.stderr}`);
  const changed = [...files(cwd)].filter(([p, m]) => before.get(p) !== m).map(([p]): [string, string] => [p, readFileSync(p, 'utf8')]);
  const channels: [string, string][] = [['stdout', r.stdout], ['stderr', r.stderr], ...changed];
  for (const [where, text] of channels) {
    for (const t of T) assert.ok(!text.includes(t), `${argv.join(' ')}: ${where} holds a secret whole:\n${text.slice(0, 2000)}`);
  }
}

const FORMATS = ['-f', 'table', '-o', 'out/r.txt', '-f', 'json', '-o', 'out/r.json', '-f', 'sarif', '-o', 'out/r.sarif', '-f', 'junit', '-o', 'out/r.xml', '-f', 'markdown'];

test('a file named after a secret: no format prints the name whole', async () => {
  const dir = makeDir({ [`keys/${T[0]}.txt`]: `token = "${T[0]}"\n`, 'out/.keep': '' });
  await noLeak(['secrets', '.', ...FORMATS], dir, 1);
  await noLeak(['scan', '.', '--scanners', 'secrets', ...FORMATS], dir, 1);
});

test('commit messages, authors and e-mails in --history results are masked', async () => {
  const repo = makeRepo([
    { files: { 'a.txt': `key = "${T[1]}"\n` }, message: `add key ${T[1]}`, author: `dev ${T[2]}`, email: `${T[3]}@example.test` },
    { files: { 'a.txt': 'key = from env\n' }, message: 'remove key' },
  ]);
  await noLeak(['secrets', '.', '--history', '-f', 'json', '-o', 'h.json', '-f', 'sarif', '-o', 'h.sarif', '-f', 'junit', '-o', 'h.xml', '-f', 'table'], repo, 1);
});

test('config errors quoting a key or a regex that holds a secret are masked on stderr', async () => {
  await noLeak(['secrets', '.'], makeDir({ 'pipeguard.yml': `${T[0]}: 1\n` }), 2);
  await noLeak(['secrets', '.'], makeDir({ 'pipeguard.yml': `scanners:\n  secrets:\n    allowlist:\n      regexes: ['${T[1]}(']\n` }), 2);
  await noLeak(
    ['secrets', '.'],
    makeDir({ 'pipeguard.yml': `scanners:\n  secrets:\n    rules:\n      - id: x\n        title: X\n        regex: '${T[2]}(?=a)'\n        keywords: [ghp_]\n        severity: high\n` }),
    2,
  );
});

test('an ignore-file line and a baseline that hold a secret are masked in errors', async () => {
  await noLeak(['secrets', '.'], makeDir({ '.pipeguardignore': `${T[3]}\n`, 'a.txt': 'nothing\n' }), 0).catch(async () => {
    // A malformed line may be an error (exit 2) rather than ignored: either way nothing leaks.
    await noLeak(['secrets', '.'], makeDir({ '.pipeguardignore': `${T[3]}\n`, 'a.txt': 'nothing\n' }), 2);
  });
  await noLeak(['secrets', '.', '--baseline', 'base.json'], makeDir({ 'base.json': `${T[4]} is not JSON\n`, 'a.txt': 'x\n' }), 2);
});

test('fix --dry-run diffs mask secrets on context lines', async () => {
  const wf = `on: pull_request_target\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: ${T[0]}\n    steps:\n      - run: echo "\${{ github.event.pull_request.title }}"\n`;
  await noLeak(['fix', '.', '--dry-run'], makeDir({ '.github/workflows/ci.yml': wf }), 0);
});
