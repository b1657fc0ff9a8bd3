import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatFor } from '../../../src/analyzers/inventory/parsers/index.js';
import { cli } from '../../helpers/cli.js';
import { makeDir } from '../../helpers/tmp.js';
import { fixtureCopy, inventory, parseError, rows } from './helpers.js';

// Manifests whose lockfile usually sits beside them, read when it does not: Pipfile, Gemfile, package.json,
// pubspec.yaml, paket.dependencies. Exact versions are packages, everything else a constraint.

test('Pipfile without Pipfile.lock: == pins (string or table) are packages; *, ranges and git sources constraints; path entries skipped', async () => {
  const { files, errors } = await inventory('pipfile');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('Pipfile')), {
    packages: ['django@3.2.0:7', 'PyYAML@5.3:9', 'pytest@7.0.0:16 dev'],
    constraints: ['requests *:8', 'celery >=5.2,<6:10', 'gunicorn git https://github.com/benoitc/gunicorn.git@20.1.0:12', 'urllib3 ~=1.26:13', 'black *:17 dev'],
  });
});

test('Gemfile without Gemfile.lock: one exact requirement is a package; groups (blocks and options) decide dev; path gems skipped', async () => {
  const { files, errors } = await inventory('gemfile');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('Gemfile')), {
    packages: ['pg@1.4.5:8', 'nokogiri@1.13.9:10', 'sidekiq@6.5.1:13', 'rspec-rails@6.0.1:20 dev', 'rack-mini-profiler@3.0.0:26 dev', 'lograge@0.12.0:31', 'rubocop@1.40.0:34 dev'],
    constraints: ['rails ~> 7.0.4:7', 'puma >= 5.0, < 7:9', 'bootsnap >= 0:11', 'tzinfo-data >= 0:12', 'devise git:16', 'debug >= 0:19 dev', 'web-console >= 0:24 dev'],
  });
});

test('package.json without a lockfile: exact versions are packages, npm: aliases the real package; workspace siblings, file: and peers skipped', async () => {
  const { files, errors } = await inventory('npm-manifest');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('package.json')), {
    packages: ['express@4.17.1:10', 'lodash@4.17.15:12 as my-lodash', 'minimist@1.2.0:16', 'typescript@4.9.5:20 dev', 'fsevents@2.3.2:24 optional'],
    constraints: ['lodash ^4.17.20:11', 'left-pad git+https://github.com/stevemao/left-pad.git:13', 'react latest:17', 'jest ~29.0.0:21 dev'],
  });
  // @my/api is the repository's own (workspace:*); a package.json that declares nothing is not a dependency file
  assert.deepEqual(rows(files.get('packages/ui/package.json')), { packages: ['classnames@2.3.2:6'], constraints: [] });
  assert.ok(!files.has('packages/api/package.json'));
});

test('pubspec.yaml without pubspec.lock: bare versions are packages, overrides win, sdk and path packages skipped', async () => {
  const { files, errors } = await inventory('pubspec');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('pubspec.yaml')), {
    packages: ['http@0.13.4:33', 'intl@0.17.0:22', 'flutter_lints@2.0.1:29 dev'],
    constraints: ['cupertino_icons ^1.0.2:12', 'provider any:14', 'shared_preferences >=2.0.0 <3.0.0:15', 'url_launcher git https://github.com/flutter/plugins.git:18', 'build_runner ^2.3.0:30 dev'],
  });
});

test('paket.dependencies without paket.lock: a bare or = version is exact in Paket; >=, ~> and none are constraints', async () => {
  const { files, errors } = await inventory('paket-deps');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows(files.get('paket.dependencies')), {
    packages: ['FSharp.Core@6.0.5:5', 'Dapper@2.0.123:8', 'System.Text.Json@6.0.0:10', 'NUnit@3.13.3:15'],
    constraints: ['Newtonsoft.Json >= 12.0.3:6', 'Serilog ~> 2.10:7', 'Argu *:9', 'xunit >= 2.4 < 3.0:16'],
  });
});

test('with their lockfiles beside (or, for package.json and pubspec.yaml, above) only the lockfile is read', async () => {
  const dir = fixtureCopy('pipfile', 'gemfile', 'npm-manifest', 'pubspec', 'paket-deps');
  writeFileSync(join(dir, 'pipfile/Pipfile.lock'), JSON.stringify({ _meta: { hash: { sha256: 'x' } }, default: { django: { version: '==3.2.0' } }, develop: {} }));
  writeFileSync(join(dir, 'gemfile/Gemfile.lock'), 'GEM\n  remote: https://rubygems.org/\n  specs:\n    pg (1.4.5)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  pg\n');
  writeFileSync(join(dir, 'npm-manifest/package-lock.json'), JSON.stringify({ name: 'my-app', lockfileVersion: 3, packages: { '': { name: 'my-app' } } }));
  writeFileSync(join(dir, 'pubspec/pubspec.lock'), 'packages:\n  http:\n    dependency: "direct main"\n    description:\n      name: http\n      url: "https://pub.dev"\n    source: hosted\n    version: "0.13.4"\nsdks:\n  dart: ">=2.18.0 <3.0.0"\n');
  writeFileSync(join(dir, 'paket-deps/paket.lock'), 'NUGET\n  remote: https://api.nuget.org/v3/index.json\n    FSharp.Core (6.0.5)\n');
  const { files, errors } = await inventory(dir);
  assert.deepEqual(errors, []);
  assert.deepEqual([...files.keys()].sort(), ['gemfile/Gemfile.lock', 'npm-manifest/package-lock.json', 'paket-deps/paket.lock', 'pipfile/Pipfile.lock', 'pubspec/pubspec.lock']);
});

test('malformed manifests name the line', async () => {
  assert.match(await parseError('Pipfile', '[packages]\ndjango = "==3.2\n'), /^2: invalid TOML/);
  assert.match(await parseError('Pipfile', '[packages]\ndjango = 3\n'), /^2: \[packages\] django: expected a version string or a table/);
  assert.match(await parseError('Gemfile', 'source "https://rubygems.org"\ngem "rails, "7.0"\n'), /^2: cannot read gem declaration/);
  assert.match(await parseError('Gemfile', 'source "https://rubygems.org"\n\ngem\n'), /^3: cannot read gem declaration "gem"/);
  assert.match(await parseError('package.json', '{\n  "dependencies": {\n    "a": "1.0.0",\n  }\n}\n'), /^4: /);
  assert.match(await parseError('package.json', '{\n  "name": "x",\n  "dependencies": ["a"]\n}\n'), /^3: dependencies is not an object/);
  assert.match(await parseError('package.json', '{\n  "dependencies": {\n    "a": 1\n  }\n}\n'), /^3: dependencies "a": the version is not a string/);
  assert.match(await parseError('pubspec.yaml', 'name: x\ndependencies:\n  http: 1.0.0\n  http: 2.0.0\n'), /^4: invalid YAML: Map keys must be unique/);
  assert.match(await parseError('pubspec.yaml', 'name: x\ndev_dependencies: 3\n'), /^2: dev_dependencies is not a map/);
  assert.match(await parseError('paket.dependencies', 'source https://api.nuget.org/v3/index.json\nnuget "Bad Name" 1.0\n'), /^2: cannot read NuGet package name/);
});

test('a malformed manifest given on the command line: sbom exits 2 with one line naming file and line', async () => {
  const dir = makeDir();
  writeFileSync(join(dir, 'Gemfile'), 'source "https://rubygems.org"\ngem "rails", "7.0\n');
  const r = await cli(['sbom', 'Gemfile'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /Gemfile:2: cannot read gem declaration/);
});

test('every format has a row in the supported-files table of the dependency README', async () => {
  const { LOCKFILE_FORMATS } = await import('../../../src/analyzers/inventory/parsers/index.js');
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync(new URL('../../../src/scanners/deps/README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## Supported files'), readme.indexOf('**Constraints.**'));
  const examples = [
    'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'package.json', 'requirements.txt', 'poetry.lock',
    'Pipfile.lock', 'Pipfile', 'pyproject.toml', 'setup.py', 'setup.cfg', 'uv.lock', 'pdm.lock', 'go.mod', 'vendor/modules.txt', 'Cargo.lock',
    'Cargo.toml', 'Gemfile.lock', 'Gemfile', 'composer.lock', 'pom.xml', 'gradle.lockfile', 'packages.lock.json', 'packages.config', 'App.csproj',
    'Directory.Packages.props', 'App.deps.json', 'project.assets.json', 'paket.lock', 'paket.dependencies', 'pubspec.lock', 'pubspec.yaml', 'mix.lock',
    'rebar.lock', 'manifest.toml', 'gleam.toml', 'Package.resolved', 'Podfile.lock', 'renv.lock', 'conan.lock', 'Manifest.toml', 'Project.toml',
    'cabal.project.freeze', 'stack.yaml.lock', 'deno.lock', 'deno.json', 'pylock.toml', 'libs.versions.toml', 'verification-metadata.xml', 'bom.json',
  ];
  const covered = new Set(examples.map((e) => formatFor(e)));
  assert.deepEqual(LOCKFILE_FORMATS.filter((f) => !covered.has(f)).map((f) => f.description), [], 'a format without an example here');
  const named: Record<string, string> = { 'requirements.txt': 'requirements*.txt', 'App.csproj': '*.csproj', 'App.deps.json': '*.deps.json', 'bom.json': 'CycloneDX JSON' };
  const missing = examples.filter((e) => !table.includes(named[e] ?? e));
  assert.deepEqual(missing, []);
});

test('a package.json declaring only ranges installs nothing known: no advisory database is asked for', async () => {
  const { scanDeps } = await import('./helpers.js');
  const dir = makeDir({ 'package.json': JSON.stringify({ name: 'lib', dependencies: { lodash: '^4.17.21' }, devDependencies: { jest: '~29.0.0' } }) });
  const inv = await inventory(dir);
  assert.deepEqual(rows(inv.files.get('package.json')), { packages: [], constraints: ['lodash ^4.17.21:1', 'jest ~29.0.0:1 dev'] });
  const report = await scanDeps(dir, { db: join(dir, 'missing.db'), requireDatabase: true });
  assert.equal(report.statuses.find((s) => s.scanner === 'deps')?.status, 'succeeded');
});
