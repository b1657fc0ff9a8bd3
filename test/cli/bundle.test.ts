import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { WorkerJob, WorkerResult, WorkerRules } from '../../src/scanners/secrets/worker.js';
import { makeDir } from '../helpers/tmp.js';
import { awsKeyId } from '../helpers/tokens.js';
import { configSchema } from '../../src/config/schema.js';
import { builtinRules } from '../../src/scanners/sast/load-rules.js';
import { builtinPackItems } from '../../src/scanners/sast/pack-items.js';
import { eachFormula, parseRuleItems, type YamlRule } from '../../src/scanners/sast/patterns/rules.js';

// The executable users run is the bundle scripts/bundle.mjs writes (package.json `bin`): built here, it must run,
// know its version, and have a secrets worker that loads and answers. It is built inside the repository, so that
// the packages it requires at run time (re2js, on the first glob or user regex; TypeScript) resolve from
// node_modules as in an installed copy.
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const KEY = awsKeyId(7);

const out = join(root, '.test-output', `bundle-test-${process.pid}`);
mkdirSync(out, { recursive: true });
after(() => rmSync(out, { recursive: true, force: true }));
execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs'), out], { stdio: 'pipe' });

test('package.json runs the bundle, which embeds its version and carries the built-in regex shapes and keyword automaton beside its chunks', () => {
  assert.equal(pkg.bin['pipeguard'], 'dist/bundle/main.js');
  const code = readdirSync(out)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(out, f), 'utf8'))
    .join('\n');
  assert.ok(!/\bPIPEGUARD_(VERSION|REGEX_SHAPES|KEYWORDS)\b/.test(code), 'a define was left unreplaced');
  // the precomputed secrets data are JSON files read when first needed, not literals parsed on every load
  assert.doesNotMatch(code, /"outStart":/);
  const data = (name: string): string => readFileSync(join(out, name), 'utf8');
  assert.match(data('secret-regex-shapes.json'), /"maxLength":/);
  assert.match(data('secret-keywords.json'), /"outStart":/);
  assert.ok(JSON.parse(data('secret-metas.json')));
});

test("the bundle's default config (computed when bundling, src/config/defaults.ts) is the schema's, in a chunk without zod", async () => {
  const chunk = readdirSync(out).find((f) => f.endsWith('.js') && readFileSync(join(out, f), 'utf8').includes('// src/config/defaults.ts'));
  assert.ok(chunk, 'a chunk holds src/config/defaults.ts');
  const text = readFileSync(join(out, chunk), 'utf8');
  assert.doesNotMatch(text, /\bzod\b|^import .* from "\.\/chunk-/m, 'the default config imports nothing');
  const m = (await import(join(out, chunk))) as { defaultConfig(): unknown };
  assert.deepEqual(m.defaultConfig(), configSchema.parse({}));
  assert.notEqual(m.defaultConfig(), m.defaultConfig(), 'a new object each call');
});

test("the bundle compiles every built-in Python, Go and Java pattern without tree-sitter, into the trees tree-sitter parses", async () => {
  assert.ok(['python', 'go', 'java'].every((l) => JSON.parse(readFileSync(join(out, `sast-patterns-${l}.json`), 'utf8'))), 'a table per language');
  const chunk = readdirSync(out).find((f) => f.endsWith('.js') && readFileSync(join(out, f), 'utf8').includes('function precompiledPattern('));
  assert.ok(chunk, 'a chunk holds src/scanners/sast/patterns/precompiled.ts');
  // The bundle's own matcher, whose tree-sitter is never loaded here: a pattern it had to parse would throw.
  const bundled = (await import(join(out, chunk))) as { precompile(r: YamlRule): void };
  const parsed = await builtinRules(); // from the sources: every pattern parsed with tree-sitter
  const fresh = builtinPackItems().flatMap((p) => parseRuleItems(p.items, `builtin:${p.name}`));
  assert.deepEqual(fresh.map((r) => r.id), parsed.map((r) => r.id));
  let n = 0;
  for (const [i, r] of fresh.entries()) {
    if (r.languages.every((l) => l === 'js' || l === 'generic')) continue;
    bundled.precompile(r);
    const want = compiledOf(parsed[i]!);
    assert.deepEqual(compiledOf(r), want, r.id);
    n += want.length;
  }
  assert.ok(n > 50, `${n} patterns`);
});

/** Each pattern of a rule with what it compiled to, by language. */
function compiledOf(r: YamlRule): [string, string, unknown][] {
  const out: [string, string, unknown][] = [];
  eachFormula(r, (f) => {
    if (f.op !== 'pattern') return;
    for (const [lang, c] of f.compiled) out.push([f.src, lang, c]);
  });
  return out;
}

test('the bundled CLI prints its version and finds a secret, redacted, with exit 1', () => {
  const version = spawnSync(process.execPath, [join(out, 'main.js'), '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);
  const dir = makeDir({ 'app/config.js': `const id = "${KEY}";\n` });
  const r = spawnSync(process.execPath, [join(out, 'main.js'), 'secrets', dir, '-f', 'json', '--no-progress'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { tool: { version: string }; findings: { ruleId: string }[] };
  assert.deepEqual(
    report.findings.map((f) => f.ruleId),
    ['aws-access-key-id'],
  );
  assert.equal(report.tool.version, pkg.version);
  assert.ok(!r.stdout.includes(KEY));
});

test("the bundle's secrets worker compiles the rules and analyses a batch", async () => {
  const started = new Int32Array(new SharedArrayBuffer(4));
  const finished = new Int32Array(new SharedArrayBuffer(4));
  const w = new Worker(join(out, 'worker.js'), { workerData: { started, finished } });
  try {
    // Its first message is its rules (it may have started before they were known), then batches.
    const rules: WorkerRules = { input: { custom: [], disable: [], allowRegexes: [], stopwords: [] }, showSecrets: false };
    const job: WorkerJob = { id: 3, files: [{ path: 'a.env', bytes: new TextEncoder().encode(`AWS_ACCESS_KEY_ID=${KEY}\n`) }, { path: 'b.txt', bytes: new TextEncoder().encode('nothing\n') }] };
    const answer = await new Promise<WorkerResult>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage(rules);
      w.postMessage(job);
    });
    assert.equal(answer.id, 3);
    assert.equal(Atomics.load(started, 0), 1);
    assert.equal(Atomics.load(finished, 0), 1);
    const [a, b] = answer.results;
    assert.ok(a && 'hits' in a && b && 'hits' in b);
    assert.deepEqual(
      a.hits.map((h) => [h.ruleId, h.line]),
      [['aws-access-key-id', 1]],
    );
    assert.equal(a.hits[0]!.secret, undefined);
    assert.deepEqual(b.hits, []);
  } finally {
    await w.terminate();
  }
});
