import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { makeDir, writeTree } from '../helpers/tmp.js';
import { awsKeyId } from '../helpers/tokens.js';

// Installable as the README says: `npm pack` in a clone, then `npm install <tarball>` in another project, then
// `npx pipeguard`. The dependencies come from the npm registry (or npm's cache); without it the test is skipped.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string };

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  // node-gyp builds better-sqlite3 against the running Node's headers when they are installed (no download).
  const nodedir = existsSync('/usr/include/node/node_version.h') ? { npm_config_nodedir: '/usr' } : {};
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, ...nodedir, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
}

test('package.json is ready to publish: bin, files, engines, exports, provenance', () => {
  assert.deepEqual(pkg['bin'], { pipeguard: 'dist/bundle/main.js' });
  assert.deepEqual(pkg['files'], ['dist', 'schema', 'README.md']);
  assert.match((pkg['engines'] as { node: string }).node, /^>=20/);
  assert.deepEqual(pkg['publishConfig'], { access: 'public', provenance: true });
  assert.equal(pkg['type'], 'module');
  assert.ok(!(pkg['dependencies'] as Record<string, string>)['pipeguard'], 'no self-dependency among the runtime dependencies');
});

test('npm pack, install the tarball into a scratch project, npx pipeguard --version and a scan', (t) => {
  const ping = npm(['ping'], ROOT);
  if (ping.status !== 0) return t.skip('needs npm registry (npm ping failed)');
  const out = makeDir();
  const packed = npm(['pack', '--pack-destination', out, '--json'], ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info[0]!.files.map((f) => f.path);
  assert.ok(files.includes('dist/bundle/main.js'));
  assert.ok(files.includes('schema/pipeguard.schema.json'));
  assert.ok(!files.some((f) => /^(src|test|bench|scripts)\//.test(f)), 'sources and tests stay out of the package');

  const project = makeDir({ 'package.json': JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }) });
  // Without install scripts: npm 11 asks users to approve dependencies' install scripts (`allowScripts`), and many
  // install with `--ignore-scripts`; `scan` must work then, since only the server's store needs the native SQLite
  // addon. (Its build from source is exercised by the clone's own `npm ci` and the server tests; here it cost
  // about 70 s of CPU for nothing the scan uses.)
  const installed = npm(['install', '--prefer-offline', '--ignore-scripts', join(out, info[0]!.filename)], project);
  if (installed.status !== 0 && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(installed.stderr)) return t.skip('needs npm registry (install could not fetch)');
  assert.equal(installed.status, 0, installed.stderr);
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.match(manifest.dependencies['pipeguard']!, /pipeguard-\d+\.\d+\.\d+\.tgz$/);

  const version = spawnSync('npx', ['--no-install', 'pipeguard', '--version'], { cwd: project, encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);

  const key = awsKeyId(77);
  writeTree(project, { 'app/config.js': `const id = "${key}";\n`, '.gitignore': 'node_modules/\n' });
  const scan = spawnSync('npx', ['--no-install', 'pipeguard', 'scan', '.', '--offline', '--no-progress', '-f', 'json', '-o', 'r.json'], { cwd: project, encoding: 'utf8' });
  assert.equal(scan.status, 1, scan.stderr);
  const report = JSON.parse(readFileSync(join(project, 'r.json'), 'utf8')) as { findings: { ruleId: string; location: { path: string } }[]; statuses: { scanner: string; status: string }[] };
  assert.deepEqual(report.findings.filter((f) => f.location.path === 'app/config.js').map((f) => f.ruleId), ['aws-access-key-id']);
  assert.ok(!report.findings.some((f) => f.location.path.startsWith('node_modules/')), 'the installed package never reports on itself');
  for (const s of report.statuses) assert.notEqual(s.status, 'failed', s.scanner);
});
