import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../../src/config/schema.js';
import type { RawFinding, ScanContext } from '../../../src/core/types.js';
import { standaloneContext } from '../../../src/engine/run.js';
import { sastConfigSchema, type SastConfig } from '../../../src/scanners/sast/config.js';
import { sastScanner } from '../../../src/scanners/sast/index.js';
import { lanesWorthUsing } from '../../../src/scanners/sast/scan.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { makeDir } from '../../helpers/tmp.js';
import { createRequire } from 'node:module';

// Issue 24: import-connected groups of JS/TS files are analysed in worker threads when there are several threads.
// The findings (taint flows across files, structural rules, custom YAML rules), file errors and counts must be
// exactly those of one thread, in the same order.

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TS_VERSION = (createRequire(import.meta.url)('typescript/package.json') as { version: string }).version;

/** Several projects in one tree: the Express app (one group of many files), the rule fixtures, custom rules. */
function project(): string {
  const dir = makeDir({
    // two small groups of their own, and a file that does not parse
    'tools/cli.js': "const { exec } = require('child_process');\nconst { build } = require('./args');\nexec(build(process.argv[2]));\n",
    'tools/args.js': 'exports.build = (x) => `make ${x}`;\n',
    'broken/bad.ts': 'export function (\n',
    'web/view.ejs': '<p><%- user.name %></p>\n',
  });
  cpSync(join(FIXTURES, 'express-app', 'vulnerable'), join(dir, 'app'), { recursive: true });
  cpSync(join(FIXTURES, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(FIXTURES, 'custom'), join(dir, 'custom'), { recursive: true });
  return dir;
}

async function scan(dir: string, threads: number, cfg: Partial<SastConfig>, workersOnly = threads > 1, codeCache?: string) {
  const errors: { path: string; message: string }[] = [];
  const counts: Record<string, number> = {};
  const debug: string[] = [];
  const target = await openDirectory(dir, { gitignore: false });
  const ctx: ScanContext<SastConfig> = standaloneContext(target, sastConfigSchema.parse(cfg), {} as unknown as Config, {
    // workersOnly: the worker path runs even for a tree this small
    options: { threads, workersOnly, ...(codeCache ? { codeCache } : {}) },
    fileError: (path, message) => errors.push({ path, message }),
    log: { debug: (m) => debug.push(m), info: () => {}, warn: () => {} },
    count: (name, by = 1) => {
      counts[name] = (counts[name] ?? 0) + by;
    },
  });
  const findings: RawFinding[] = [];
  for await (const f of sastScanner.scan(target, ctx)) findings.push(f);
  await target.dispose();
  return { findings, errors, counts, workers: debug.some((m) => /in \d+ worker threads/.test(m)), debug };
}

test('threads 1 and 2 give the same findings, file errors and counts, in the same order', async () => {
  const dir = project();
  const one = await scan(dir, 1, {});
  const two = await scan(dir, 2, {});
  assert.ok(one.findings.length >= 40, `expected the fixtures' findings, got ${one.findings.length}`);
  assert.ok(one.findings.some((f) => f.ruleId === 'js-sql-injection' && f.flow && f.flow.length > 3), 'a cross-file flow');
  assert.ok(one.counts['importGroups']! > 3);
  assert.equal(one.workers, false);
  assert.equal(two.workers, true, 'the groups went to worker threads');
  assert.deepEqual(two.findings, one.findings);
  assert.deepEqual(two.errors, one.errors);
  assert.deepEqual(two.counts, one.counts);
});

test('workers given a code cache folder holding a damaged cache for the compiler find the same', async () => {
  const dir = project();
  const cache = makeDir({ [`typescript-${TS_VERSION}-node${process.version}-${process.platform}-${process.arch}.v8cache`]: 'not V8 code' });
  const one = await scan(dir, 1, {});
  const two = await scan(dir, 2, {}, true, cache);
  assert.equal(two.workers, true);
  assert.deepEqual(two.findings, one.findings);
  assert.deepEqual(two.errors, one.errors);
});

test('with custom rule files and disabled rules, workers load the same rules', async () => {
  const dir = project();
  const cfg: Partial<SastConfig> = { rules: ['custom/rules.yml'], disable: ['js-log-injection', 'js-xss'] };
  const one = await scan(dir, 1, cfg);
  const two = await scan(dir, 3, cfg);
  assert.ok(!one.findings.some((f) => f.ruleId === 'js-log-injection' || f.ruleId === 'js-xss'));
  assert.ok(one.findings.some((f) => f.tags?.includes('pattern')), 'a custom rule matched');
  assert.equal(two.workers, true);
  assert.deepEqual(two.findings, one.findings);
  assert.deepEqual(two.errors, one.errors);
});

test('files read by the scanner itself keep the folder limits: too large is a skip note, binary is left out', async () => {
  // The scanner asks for deferred reads (so kept files do not hold their bytes and text): the size limit and the
  // binary check the folder target applies when it reads are the scanner's to apply.
  const big = "const { exec } = require('child_process');\nexec(process.argv[2]);\n" + '// padding\n'.repeat(200);
  const dir = makeDir({
    'small.js': "const { exec } = require('child_process');\nexec(process.argv[2]);\n",
    'big.js': big,
    'bin.js': "const { exec } = require('child_process');\nexec(process.argv[2]);\n\u0000\n",
  });
  const skipped: string[] = [];
  const target = await openDirectory(dir, { gitignore: false, maxFileBytes: 1000, onSkip: (p, why) => skipped.push(`${p}: ${why}`) });
  const ctx: ScanContext<SastConfig> = standaloneContext(target, sastConfigSchema.parse({}), {} as unknown as Config, { options: { threads: 1 } });
  const findings: RawFinding[] = [];
  for await (const f of sastScanner.scan(target, ctx)) findings.push(f);
  await target.dispose();
  assert.deepEqual([...new Set(findings.map((f) => ('path' in f.location ? f.location.path : '')))], ['small.js']);
  assert.deepEqual(skipped, [`big.js: skipped: ${Buffer.byteLength(big)} bytes is over the 1000-byte file size limit`]);
});

/** A group of `files` files of ~`kb` KB each, chained by require, whose last file runs a command from its input. */
function largeGroup(name: string, files: number, kb: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < files; i++) {
    const lines = [i + 1 < files ? `const next = require('./part${i + 1}');` : "const { exec } = require('child_process');"];
    for (let n = 0; lines.join('\n').length < kb * 1024; n++) lines.push(`exports.f${n} = function f${n}(a, b) { const c = a + ${n}; return b ? c * 2 : c - 1; };`);
    lines.push(i + 1 < files ? 'exports.run = (x) => next.run(x);' : 'exports.run = (x) => exec(`ls ${x}`);');
    out[`${name}/part${i}.js`] = lines.join('\n') + '\n';
  }
  out[`${name}/main.js`] = "require('./part0').run(process.argv[2]);\n";
  return out;
}

test('groups of a megabyte or more: this thread and a worker share the work, and the findings are those of one thread', async () => {
  // Two groups over the size analysed one at a time in the first worker, beside small groups in this thread.
  const dir = makeDir({
    ...largeGroup('big1', 4, 260),
    ...largeGroup('big2', 4, 260),
    'tools/cli.js': "const { exec } = require('child_process');\nexec(process.argv[2]);\n",
    'tools/other.js': "const fs = require('fs');\nfs.readFileSync(process.argv[2]);\n",
  });
  const one = await scan(dir, 1, {});
  const two = await scan(dir, 2, {}, false);
  assert.ok(one.findings.some((f) => 'path' in f.location && f.location.path === 'big1/part3.js'), 'the flow through the large group');
  assert.ok(two.debug.some((m) => /in 1 worker threads and this one/.test(m)), two.debug.join('\n'));
  assert.deepEqual(two.findings, one.findings);
  assert.deepEqual(two.errors, one.errors);
  assert.deepEqual(two.counts, one.counts);
});

test('threads worth using: as many as bring the bound set by the largest group within 10%, one when that gains little', () => {
  assert.equal(lanesWorthUsing([10, 10, 10, 10], 4), 4);
  assert.equal(lanesWorthUsing([10, 10, 10, 10], 2), 2);
  // the largest group is 45% of the work: a third thread would shorten nothing the largest group does not bound
  assert.equal(lanesWorthUsing([45, 30, 25], 4), 3);
  assert.equal(lanesWorthUsing([46, 20, 20, 14], 4), 2);
  // one group nearly all of the work: one thread
  assert.equal(lanesWorthUsing([90, 5, 5], 4), 1);
  assert.equal(lanesWorthUsing([10, 10], 1), 1);
  assert.equal(lanesWorthUsing([], 4), 1);
});
