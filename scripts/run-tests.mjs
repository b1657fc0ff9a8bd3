#!/usr/bin/env node
// Runs every test/**/*.test.ts (or the files/folders given) with node's test runner and tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
);
process.exit(r.status ?? 1);
