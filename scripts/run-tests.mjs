#!/usr/bin/env node
// Runs every test/**/*.test.ts (or the files/folders given) with node's test runner and tsx. Every skipped test
// is listed at the end with its reason; under CI=true a skip fails the run unless its reason starts with
// `needs ` (a tool or service the machine lacks, e.g. `needs chromium (apt-get install chromium)`), so tests
// cannot silently stop running in CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function collect(p, out) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      collect(join(p, name), out);
    }
  } else if (/\.test\.ts$/.test(p)) out.push(p);
  return out;
}

const args = process.argv.slice(2);
const roots = args.length ? args : ['test'];
const files = roots.flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found under ' + roots.join(', '));
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), 'pipeguard-tests-'));
const tap = join(tmp, 'results.tap');
const r = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
);
let status = r.status ?? 1;
let skips = [];
try {
  skips = skipped(readFileSync(tap, 'utf8'));
} catch {
  // no TAP output (the runner itself failed): its status says so
}
rmSync(tmp, { recursive: true, force: true });
if (skips.length) {
  console.log(`\n${skips.length} skipped test${skips.length === 1 ? '' : 's'}:`);
  for (const s of skips) console.log(`  - ${s.name}: ${s.reason}`);
  const unexplained = skips.filter((s) => !/^needs \S/.test(s.reason));
  if (process.env.CI === 'true' && unexplained.length) {
    console.error(`\n${unexplained.length} skip${unexplained.length === 1 ? '' : 's'} without a missing tool or service ("needs ..."): under CI every test must run`);
    if (status === 0) status = 1;
  }
}
process.exit(status);

/** The tests a TAP stream reports as skipped, with their reasons. */
function skipped(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^\s*ok \d+ - (.*?) # SKIP ?(.*)$/.exec(line);
    if (m) out.push({ name: m[1], reason: m[2].trim() || '(no reason given)' });
  }
  return out;
}
