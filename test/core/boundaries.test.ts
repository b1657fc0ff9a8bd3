import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// `npm run lint` runs dependency-cruiser with the project's .dependency-cruiser.cjs. These cases run the same
// command and config on small trees laid out like src/, so a rule that stops biting fails here.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CRUISER = join(ROOT, 'node_modules', '.bin', 'depcruise');

function cruise(files: Record<string, string>): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pipeguard-deps-'));
  try {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(CRUISER, ['src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('npm run lint runs the import boundaries', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.lint!, /npm run lint:deps/);
  assert.match(scripts['lint:deps']!, /depcruise src --config \.dependency-cruiser\.cjs/);
});

test('imports along the layers pass', () => {
  const r = cruise({
    'src/core/types.ts': 'export type Finding = { id: string };\n',
    'src/targets/dir.ts': "import type { Finding } from '../core/types.js';\nexport const t: Finding[] = [];\n",
    'src/analyzers/yaml.ts': "import { t } from '../targets/dir.js';\nexport const y = t;\n",
    'src/scanners/a/index.ts': "import { y } from '../../analyzers/yaml.js';\nexport const a = y;\n",
    'src/engine/run.ts': "import { a } from '../scanners/a/index.js';\nexport const run = a;\n",
    'src/cli/main.ts': "import { run } from '../engine/run.js';\nimport { a } from '../scanners/a/index.js';\nexport const m = [run, a];\n",
  });
  assert.equal(r.code, 0, r.out);
});

test('wrong-direction imports, scanner-to-scanner imports and cycles (type-only ones too) fail', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['core imports a scanner', { 'src/core/types.ts': "import type { A } from '../scanners/a/index.js';\nexport type B = A;\n", 'src/scanners/a/index.ts': 'export type A = number;\n' }, /core-imports-nothing-of-ours/],
    ['a scanner imports another', { 'src/scanners/a/index.ts': "import { b } from '../b/rules.js';\nexport const a = b;\n", 'src/scanners/b/rules.ts': 'export const b = 1;\n' }, /scanners-do-not-import-scanners/],
    ['an analyzer imports a scanner', { 'src/analyzers/yaml.ts': "import { b } from '../scanners/b/index.js';\nexport const y = b;\n", 'src/scanners/b/index.ts': 'export const b = 1;\n' }, /analyzers-import-targets-and-core/],
    ['a target imports a scanner', { 'src/targets/dir.ts': "import { b } from '../scanners/b/index.js';\nexport const t = b;\n", 'src/scanners/b/index.ts': 'export const b = 1;\n' }, /targets-import-only-core/],
    ['the CLI reaches into a scanner', { 'src/cli/fix.ts': "import { b } from '../scanners/b/fix.js';\nexport const f = b;\n", 'src/scanners/b/fix.ts': 'export const b = 1;\n' }, /cli-uses-scanners-through-their-entry/],
    ['a type-only cycle', { 'src/gate/a.ts': "import type { B } from './b.js';\nexport type A = { b?: B };\n", 'src/gate/b.ts': "import type { A } from './a.js';\nexport type B = { a?: A };\n" }, /no-circular/],
  ];
  for (const [what, files, rule] of cases) {
    const r = cruise(files);
    assert.notEqual(r.code, 0, `${what}: passed`);
    assert.match(r.out, rule, what);
  }
});
