import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { linkGraph } from '../../../src/analyzers/inventory/graph.js';
import { formatFor, LOCKFILE_FORMATS } from '../../../src/analyzers/inventory/parsers/index.js';
import { LockfileError, type ParsedLockfile } from '../../../src/analyzers/inventory/types.js';
import { FIXTURES } from './helpers.js';

const noSiblings = async (): Promise<string | undefined> => undefined;

async function parse(path: string, text?: string): Promise<ParsedLockfile> {
  const fmt = formatFor(path);
  assert.ok(fmt, `no format for ${path}`);
  const body = text ?? readFileSync(join(FIXTURES, path), 'utf8');
  const siblings = async (p: string): Promise<string | undefined> => {
    try {
      return readFileSync(join(FIXTURES, p), 'utf8');
    } catch {
      return undefined;
    }
  };
  const out = await fmt.parse(body, path, text === undefined ? siblings : noSiblings);
  linkGraph(out);
  return out;
}

async function parseError(path: string, text: string): Promise<string> {
  try {
    await parse(path, text);
  } catch (e) {
    assert.ok(e instanceof LockfileError, `not a LockfileError: ${String(e)}`);
    return `${e.line ?? '?'}: ${e.message}`;
  }
  assert.fail(`${path} parsed`);
}

const pkg = (l: ParsedLockfile, name: string) => l.packages.find((p) => p.name === name);

test('format detection: names, and nothing inside node_modules or vendor', () => {
  assert.equal(formatFor('a/package-lock.json')?.ecosystem, 'npm');
  assert.equal(formatFor('npm-shrinkwrap.json')?.ecosystem, 'npm');
  assert.equal(formatFor('requirements-dev.txt')?.ecosystem, 'PyPI');
  assert.equal(formatFor('app/gradle.lockfile')?.ecosystem, 'Maven');
  assert.equal(formatFor('x/node_modules/y/package-lock.json'), undefined);
  assert.equal(formatFor('vendor/github.com/x/go.mod'), undefined);
  assert.equal(formatFor('README.txt'), undefined);
  assert.ok(LOCKFILE_FORMATS.length >= 16);
});

test('npm lockfile versions 1, 2 and 3 give the same package set; nested versions kept apart', async () => {
  const sets = await Promise.all(['npm1', 'npm2', 'npm3'].map(async (d) => (await parse(`${d}/package-lock.json`)).packages.map((p) => `${p.name}@${p.version}`).sort()));
  assert.deepEqual(sets[0], sets[2]);
  assert.deepEqual(sets[1], sets[2]);
  const v1 = await parse('npm1/package-lock.json');
  assert.equal(v1.format, 'package-lock@1');
  assert.equal(pkg(v1, 'json5')?.dev, true);
  assert.equal(pkg(v1, 'debug')?.path?.join(' > '), 'express@4.17.1 > debug@2.6.9');
});

test('npm-shrinkwrap.json is read like package-lock.json', async () => {
  const text = readFileSync(join(FIXTURES, 'npm3/package-lock.json'), 'utf8');
  const l = await parse('npm-shrinkwrap.json', text);
  assert.equal(pkg(l, 'lodash')?.version, '4.17.15');
});

test('yarn classic and berry, pnpm 5.4, 6.0 and 9.0 of one project agree', async () => {
  const base = [...new Set((await parse('npm3/package-lock.json')).packages.map((p) => `${p.name}@${p.version}`))].sort();
  for (const f of ['y1/yarn.lock', 'berry/yarn.lock', 'pnpm7/pnpm-lock.yaml', 'pnpm8/pnpm-lock.yaml', 'pnpm9/pnpm-lock.yaml']) {
    const l = await parse(f);
    // yarn and pnpm resolve two ranges differently from npm (http-errors@1.7.3, inherits@2.0.4 kept apart)
    const got = new Set(l.packages.map((p) => `${p.name}@${p.version}`));
    assert.deepEqual(base.filter((b) => !got.has(b)), [], f);
    assert.ok(got.size - base.length <= 2, `${f}: ${[...got].filter((g) => !base.includes(g)).join(', ')}`);
    assert.equal(pkg(l, 'json5')?.dev, true, `${f} json5 dev`);
    assert.equal(pkg(l, 'lodash')?.dev ?? false, false, `${f} lodash prod`);
    assert.equal(pkg(l, 'lodash')?.direct, true, f);
    assert.ok(pkg(l, 'lodash')?.line, f);
  }
  assert.equal((await parse('pnpm7/pnpm-lock.yaml')).format, 'pnpm@5.4');
  assert.equal((await parse('pnpm8/pnpm-lock.yaml')).format, 'pnpm@6.0');
  assert.equal((await parse('pnpm9/pnpm-lock.yaml')).format, 'pnpm@9.0');
  assert.equal((await parse('berry/yarn.lock')).format, 'yarn@berry');
});

test('Python: requirements pins, hashes, extras, markers and includes; poetry, Pipfile, uv, pdm', async () => {
  const req = await parse('pip/requirements.txt');
  assert.deepEqual(req.packages.map((p) => `${p.name}@${p.version}:${p.line}`), ['requests@2.25.0:2', 'PyYAML@5.3:2', 'Django@3.2.0:3', 'urllib3@1.26.4:5']);
  assert.deepEqual(pkg(req, 'Django')?.hashes, ['sha256:0604e84c4fb698a5e53e5857b5aea945b2f19a18f25f10b8748dbdf935788927']);
  const poetry = await parse('poetry/poetry.lock');
  assert.equal(pkg(poetry, 'jinja2')?.dev, true, 'from the pyproject dev group');
  assert.equal(pkg(poetry, 'certifi')?.path?.join(' > '), 'requests@2.31.0 > certifi@2024.7.4');
  const pipenv = await parse('pipenv/Pipfile.lock');
  assert.deepEqual(pipenv.packages.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`), ['flask@0.12.2', 'pyyaml@5.3 dev']);
  const uv = await parse('uv/uv.lock');
  assert.equal(pkg(uv, 'pyyaml')?.dev, true);
  assert.equal(pkg(uv, 'cffi')?.direct, false);
  assert.equal(pkg(uv, 'app'), undefined, 'the project itself is not a dependency');
  const pdm = await parse('pdm/pdm.lock');
  assert.equal(pkg(pdm, 'urllib3')?.dev, true);
});

test('Go, Cargo, Bundler, Composer, Gradle, NuGet, Maven, bun', async () => {
  const go = await parse('go/go.mod');
  assert.deepEqual(go.packages.map((p) => `${p.name}@${p.version}${p.direct ? ' direct' : ''}`), [
    'github.com/gin-gonic/gin@v1.6.0 direct',
    'golang.org/x/net@v0.1.0',
    'golang.org/x/text@v0.3.8',
    'golang.org/x/crypto@v0.0.0-20200622213623-75b288015ac9 direct',
    'stdlib@v1.21.0', // from the go directive, so standard-library advisories match
  ]);
  const cargo = await parse('cargo/Cargo.lock');
  assert.equal(pkg(cargo, 'app'), undefined);
  assert.equal(pkg(cargo, 'tokio')?.hashes?.[0], 'sha256:d258221f566b6c803c7b4714abadc080172b272090cdc5e244a6d4dd13c3a6bd');
  const gems = await parse('ruby/Gemfile.lock');
  assert.equal(pkg(gems, 'nokogiri')?.version, '1.10.4', 'platform suffix dropped');
  assert.equal(pkg(gems, 'rack')?.path?.join(' > '), 'actionpack@6.0.0 > rack@2.0.7');
  const composer = await parse('composer/composer.lock');
  assert.equal(pkg(composer, 'guzzlehttp/guzzle')?.license, 'MIT');
  assert.equal(pkg(composer, 'phpunit/phpunit')?.dev, true);
  const gradle = await parse('gradle/gradle.lockfile');
  assert.equal(pkg(gradle, 'junit:junit')?.dev, true);
  assert.equal(pkg(gradle, 'org.apache.logging.log4j:log4j-core')?.line, 6);
  const nuget = await parse('nuget/packages.lock.json');
  assert.equal(pkg(nuget, 'Newtonsoft.Json')?.direct, true);
  const pom = await parse('maven/pom.xml');
  assert.deepEqual(pom.packages.map((p) => `${p.name}@${p.version}`), ['org.apache.logging.log4j:log4j-core@2.14.1', 'junit:junit@4.12']);
  const bun = await parse('bun/bun.lock');
  assert.equal(pkg(bun, 'lodash')?.dev, true);
  assert.deepEqual(bun.packages.filter((p) => p.name === 'minimist').map((p) => p.version).sort(), ['0.0.8', '1.2.0']);
});

test('malformed input in every format names the line', async () => {
  // one entry without a version is a note, not a rejected lockfile
  const odd = await parse('package-lock.json', '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": {},\n    "node_modules/b": { "version": "1.0.0" }\n  }\n}\n');
  assert.deepEqual(odd.packages.map((p) => `${p.name}@${p.version}`), ['b@1.0.0']);
  assert.deepEqual(odd.notes, [{ line: 4, message: 'package "node_modules/a" has no version; left out' }]);
  const v1git = await parse('package-lock.json', '{\n  "lockfileVersion": 1,\n  "dependencies": {\n    "x": { "version": "github:acme/x#0a1b2c3", "dependencies": { "y": { "version": "1.2.3" } } }\n  }\n}\n');
  assert.deepEqual(v1git.packages.map((p) => `${p.name}@${p.version}`), ['y@1.2.3'], 'the git URL is not a version; what it pulls in still counts');
  assert.match(await parseError('yarn.lock', 'a@^1:\n  version "1.0.0"\n  dependencies:\n    ???\n'), /^4: cannot read dependency/);
  assert.match(await parseError('yarn.lock', '__metadata:\n  version: 8\n\n"a@npm:^1":\n  resolution: "a@npm:1.0.0"\n'), /has no version/);
  assert.match(await parseError('pnpm-lock.yaml', "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {\n"), /^\d+: invalid YAML/);
  // a missing include is a note at its line: the requirements around it are still read
  const withMissing = await parse('requirements.txt', 'django==3.2\n-r missing.txt\nflask==2.0.0\n');
  assert.deepEqual(withMissing.packages.map((p) => p.name), ['django', 'flask']);
  assert.deepEqual(withMissing.notes, [{ line: 2, message: 'included file missing.txt not found; its requirements are not read' }]);
  assert.match(await parseError('requirements.txt', 'django==3.2\n!!!\n'), /^2: cannot read requirement/);
  assert.match(await parseError('poetry.lock', '[[package]]\nname = "a"\nversion = \n'), /^3: invalid TOML/);
  assert.equal(await parseError('Pipfile.lock', '{"default": {"a": {"version": ">=1"}}}'), '1: "a" has version ">=1", expected ==X');
  assert.equal(await parseError('go.mod', 'module x\n\nrequire (\n\tgithub.com/a/b\n)\n'), '4: cannot read requirement "github.com/a/b"');
  assert.equal(await parseError('go.mod', 'module x\nrequire (\n\tgithub.com/a/b v1.0.0\n'), '2: require block opened here is never closed with ")"');
  assert.match(await parseError('Cargo.lock', 'version = 3\n[[package]]\nname = "a"\n'), /^2: \[\[package\]\] without name or version/);
  assert.match(await parseError('Gemfile.lock', 'GEM\n  specs:\n    rack (2.0.7)\n        weird indentation here\n'), /^4: cannot read/);
  assert.match(await parseError('gradle.lockfile', 'junit:junit=compileClasspath\n'), /^1: cannot read/);
  assert.match(await parseError('pom.xml', '<project>\n<dependencies>\n<dependency><version>1</version></dependency>\n</dependencies></project>'), /^3: <dependency> without groupId/);
  assert.match(await parseError('bun.lock', '{"packages": {"a": ["a"]}}'), /has no version/);
  assert.match(await parseError('packages.lock.json', '{"version": 1, "dependencies": {"net6.0": {"A": {"type": "Direct"}}}}'), /"A" has no "resolved" version/);
  assert.match(await parseError('composer.lock', '{"packages": [{"name": "a/b"}]}'), /no name or version/);
});

test('dependency paths: shortest chain from a root, also through a 3,000-deep graph (built in linear steps)', () => {
  const n = 3000;
  const lock: ParsedLockfile = {
    path: 'x',
    format: 'test',
    ecosystem: 'npm',
    roots: ['p0'],
    packages: Array.from({ length: n }, (_, i) => ({
      key: `p${i}`,
      ecosystem: 'npm',
      name: `p${i}`,
      version: '1.0.0',
      dependsOn: i + 1 < n ? [`p${i + 1}`] : ['p0'],
    })),
  };
  lock.packages.push({ key: 'orphan', ecosystem: 'npm', name: 'orphan', version: '2.0.0' });
  linkGraph(lock);
  const last = lock.packages[n - 1];
  assert.equal(last?.path?.length, n);
  assert.equal(last?.path?.[0], 'p0@1.0.0');
  assert.equal(last?.path?.[n - 1], `p${n - 1}@1.0.0`);
  assert.deepEqual(lock.packages[1]?.path, ['p0@1.0.0', 'p1@1.0.0']);
  assert.equal(lock.packages[0]?.direct, true);
  assert.equal(last?.direct, false);
  assert.deepEqual(lock.packages[n]?.path, ['orphan@2.0.0']); // not reachable from the roots: its own name
});
