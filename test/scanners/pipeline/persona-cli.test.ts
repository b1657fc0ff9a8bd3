// `--persona` on the command line: the same audits as `scanners.pipeline.persona` in the config, the flag winning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../../helpers/cli.js';
import { makeDir } from '../../helpers/tmp.js';

const WORKFLOW = `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
`;

async function ruleIds(args: string[], config?: string): Promise<{ code: number; ids: string[]; stderr: string }> {
  const dir = makeDir({ '.github/workflows/ci.yml': WORKFLOW, ...(config ? { 'pipeguard.yml': config } : {}) });
  const r = await cli(['scan', '.', '--scanners', 'pipeline', '--format', 'json', '--no-progress', '--fail-on', 'none', ...args], { cwd: dir });
  if (r.code === 2) return { code: r.code, ids: [], stderr: r.stderr };
  const doc = JSON.parse(r.stdout) as { findings: { ruleId: string }[] };
  return { code: r.code, ids: [...new Set(doc.findings.map((f) => f.ruleId))].sort(), stderr: r.stderr };
}

test('the pedantic audits are off by default and on with --persona pedantic', async () => {
  const regular = await ruleIds([]);
  assert.equal(regular.code, 0, regular.stderr);
  assert.ok(!regular.ids.includes('gha-missing-timeout'), regular.ids.join());
  const pedantic = await ruleIds(['--persona', 'pedantic']);
  assert.equal(pedantic.code, 0, pedantic.stderr);
  assert.ok(pedantic.ids.includes('gha-missing-timeout'), pedantic.ids.join());
});

test('--persona overrides the config file', async () => {
  const r = await ruleIds(['--persona', 'regular'], 'scanners:\n  pipeline:\n    persona: pedantic\n');
  assert.ok(!r.ids.includes('gha-missing-timeout'), r.ids.join());
  const fromConfig = await ruleIds([], 'scanners:\n  pipeline:\n    persona: pedantic\n');
  assert.ok(fromConfig.ids.includes('gha-missing-timeout'), fromConfig.ids.join());
});

test('an unknown persona is a usage error (exit 2, one line)', async () => {
  const r = await ruleIds(['--persona', 'paranoid']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /--persona takes regular, pedantic or auditor/);
});
