import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeDir } from '../helpers/tmp.js';

// Start-up (issue 24): a scan loads a heavy library only when a file that needs it exists. Proved without timing:
// the bundled CLI runs with a preload that records every module it loads (ESM through a resolve hook, CommonJS
// through Module._load, in every thread), and the test reads the list. The bundle is built inside the repository
// so that its external packages (typescript, web-tree-sitter, better-sqlite3) resolve as in an installed copy.
const root = new URL('../../', import.meta.url).pathname;
const out = join(root, '.test-output', `startup-bundle-${process.pid}`);
mkdirSync(out, { recursive: true });
after(() => rmSync(out, { recursive: true, force: true }));
execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs'), join(out, 'bundle')], { stdio: 'pipe', env: { ...process.env, PIPEGUARD_BUNDLE_META: join(out, 'meta.json') } });
// Which sources went into which file of the bundle (esbuild's metafile), to name what a run loaded.
const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
const sourcesOf = new Map(Object.entries(meta.outputs).map(([file, o]) => [file.slice(file.lastIndexOf('/') + 1), Object.keys(o.inputs)]));

writeFileSync(
  join(out, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  if (process.env.PG_TRACE) appendFileSync(process.env.PG_TRACE, r.url + '\\n');
  return r;
}
`,
);
writeFileSync(
  join(out, 'trace.mjs'),
  `import Module, { register, syncBuiltinESMExports } from 'node:module';
import fs, { appendFileSync } from 'node:fs';
register('./hooks.mjs', import.meta.url);
// the data files read beside the bundle's chunks (precomputed tables), as 'read NAME'
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  const name = file instanceof URL ? file.pathname : String(file);
  if (process.env.PG_TRACE && name.endsWith('.json') && name.includes('/bundle/')) appendFileSync(process.env.PG_TRACE, 'read ' + name.slice(name.lastIndexOf('/') + 1) + '\\n');
  return readFileSync.call(this, file, ...rest);
};
syncBuiltinESMExports();
const load = Module._load;
Module._load = function (request, ...rest) {
  if (process.env.PG_TRACE) appendFileSync(process.env.PG_TRACE, 'require ' + request + '\\n');
  return load.call(this, request, ...rest);
};
// the V8 code cache (src/core/code-cache.ts) resolves a package and compiles its source itself, past Module._load
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (process.env.PG_TRACE) appendFileSync(process.env.PG_TRACE, 'resolve ' + request + '\\n');
  return resolveFilename.call(this, request, ...rest);
};
`,
);

/** Runs `pipeguard scan DIR` (offline, SAST, deps and the rest) and returns the modules every thread loaded. */
function loadedBy(dir: string, args: string[] = []): { status: number | null; stderr: string; loaded: string[] } {
  const trace = join(out, `trace-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--import', join(out, 'trace.mjs'), join(out, 'bundle', 'main.js'), 'scan', dir, '--offline', '--no-progress', '-f', 'json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PG_TRACE: trace },
  });
  return { status: r.status, stderr: r.stderr, loaded: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

const HEAVY: [string, RegExp][] = [
  ['the TypeScript compiler', /(^(require|resolve) typescript$)|\/node_modules\/typescript\//],
  ['tree-sitter', /web-tree-sitter|tree-sitter-wasm/],
  ['SQLite', /better-sqlite3/],
];

/** The sources (repository paths) in the bundle files a run loaded. */
function sourcesIn(loaded: string[]): Set<string> {
  const out = new Set<string>();
  for (const l of loaded) for (const src of sourcesOf.get(l.slice(l.lastIndexOf('/') + 1)) ?? []) out.add(src);
  return out;
}

/** Which of zod and the config schema a run's sources hold. */
function schemasIn(sources: Set<string>): string[] {
  const out: string[] = [];
  if ([...sources].some((s) => /(^|\/)node_modules\/zod\//.test(s))) out.push('zod');
  if (sources.has('src/config/schema.ts')) out.push('src/config/schema.ts');
  return out;
}

function heavyIn(loaded: string[]): string[] {
  return HEAVY.filter(([, re]) => loaded.some((l) => re.test(l))).map(([name]) => name);
}

test('a scan of an empty folder loads neither TypeScript, tree-sitter, SQLite nor zod', () => {
  const r = loadedBy(makeDir());
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.ok(r.loaded.some((l) => l.endsWith('/main.js')), 'the trace recorded nothing: the preload did not run');
  assert.deepEqual(heavyIn(r.loaded), []);
  assert.deepEqual(schemasIn(sourcesIn(r.loaded)), []);
});

test('a tree without JavaScript loads neither TypeScript, zod nor the lockfile parsers; Python loads tree-sitter and its grammar only', () => {
  const dir = makeDir({
    'app/main.py': 'import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n',
    'Dockerfile': 'FROM node:20\nUSER node\n',
    'README.md': '# app\n',
  });
  const r = loadedBy(dir);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.deepEqual(heavyIn(r.loaded), ['tree-sitter']);
  // Without pipeguard.yml the config is the bundle's precomputed default: neither zod nor a config schema loads.
  assert.deepEqual(schemasIn(sourcesIn(r.loaded)), []);
  // The Python grammar alone, and the packs' Python patterns read compiled from the bundle, not parsed (those of Go
  // and Java not read at all).
  assert.deepEqual([...new Set(r.loaded.filter((l) => /tree-sitter-\w+\.wasm/.test(l)))], ['resolve @vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm']);
  assert.deepEqual([...new Set(r.loaded.filter((l) => l.startsWith('read sast-patterns-')))], ['read sast-patterns-python.json']);
  // No lockfile or manifest: none of their parsers, nor the XML and TOML readers they use.
  const sources = sourcesIn(r.loaded);
  for (const src of [...sources]) assert.ok(!/(^|\/)node_modules\/(saxes|smol-toml)\/|^src\/analyzers\/inventory\/parsers\/(?!index\.ts)/.test(src), `${src} loaded`);
  assert.ok(sources.has('src/analyzers/inventory/parsers/index.ts'), 'the metafile names the loaded files');
});

test('a folder with pipeguard.yml loads zod and the config schema to validate it (so the trace sees them when they load)', () => {
  const dir = makeDir({ 'pipeguard.yml': 'failOn: medium\n', 'Dockerfile': 'FROM node:20\nUSER node\n' });
  const r = loadedBy(dir);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.deepEqual(schemasIn(sourcesIn(r.loaded)), ['zod', 'src/config/schema.ts']);
});

test('a JavaScript file loads TypeScript (so the trace does see it when it happens)', () => {
  const files = { 'src/a.js': "const { exec } = require('child_process');\nconst b = require('./b');\nexec(b.cmd(process.argv[2]));\n", 'src/b.js': 'exports.cmd = (x) => x;\n' };
  for (const threads of ['1', '2']) {
    const r = loadedBy(makeDir(files), ['--scanners', 'sast', '--threads', threads]);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.deepEqual(heavyIn(r.loaded), ['the TypeScript compiler'], `--threads ${threads}`);
  }
});

test('a scan writing its report to a file loads neither the secret rules nor the attestation verifier for an empty folder', () => {
  const dir = makeDir();
  const r = loadedBy(dir, ['-o', join(dir, 'report.json')]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  // The summary line went out (through the masked stderr) without the secrets engine being loaded for it.
  assert.match(r.stderr, /^pipeguard: (PASS|FAIL): \d+ finding\(s\)/);
  const sources = sourcesIn(r.loaded);
  assert.ok(sources.has('src/cli/scan-run.ts'), 'the metafile names the loaded files');
  for (const heavy of ['src/analyzers/secrets/engine.ts', 'src/analyzers/secrets/rules/index.ts', 'src/attest/verify.ts', 'src/attest/tlog.ts']) {
    assert.ok(!sources.has(heavy), `${heavy} loaded`);
  }
  // Nor RE2: no glob was compiled (no path got past the screen of `**/node_modules/pipeguard/**`), no user regex.
  assert.ok(!r.loaded.includes('require re2js'), 're2js loaded');
});

test('an iac scan of Dockerfiles loads neither SAST nor the attestation verifier', () => {
  const dir = makeDir({ 'a/Dockerfile': 'FROM node:20\nRUN apt-get install -y curl\n', 'b/Dockerfile': 'FROM alpine\nUSER 1000\n' });
  const r = loadedBy(dir, ['--scanners', 'iac', '-o', join(dir, 'report.json')]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.deepEqual(heavyIn(r.loaded), []);
  const sources = sourcesIn(r.loaded);
  assert.ok(sources.has('src/analyzers/iac/dockerfile-audit.ts'), 'the iac rules ran');
  // (the secret rules do load: the report's texts are masked, and these name a Dockerfile, a literal of the rules;
  // so do the pipeline rules, whose ids the config schema checks)
  for (const heavy of ['src/scanners/sast/scan.ts', 'src/scanners/sast/patterns/match.ts', 'src/attest/verify.ts']) assert.ok(!sources.has(heavy), `${heavy} loaded`);
  // nor the patch-level scanner and the inventory parsers (the scan command resolves the patch-level section's
  // paths, which once came through the scanner's index)
  for (const heavy of ['src/scanners/patch-level/index.ts', 'src/analyzers/inventory/inventory.ts']) assert.ok(!sources.has(heavy), `${heavy} loaded`);
});
