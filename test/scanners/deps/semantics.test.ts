import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { linkGraph } from '../../../src/analyzers/inventory/graph.js';
import { collectInventory } from '../../../src/analyzers/inventory/inventory.js';
import { formatFor } from '../../../src/analyzers/inventory/parsers/index.js';
import type { ParsedLockfile } from '../../../src/analyzers/inventory/types.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { FIXTURES } from './helpers.js';

async function parse(name: string, text: string, siblings: Record<string, string> = {}): Promise<ParsedLockfile> {
  const fmt = formatFor(name);
  assert.ok(fmt, `no format for ${name}`);
  const lock = await fmt.parse(text, name, async (p) => siblings[p]);
  linkGraph(lock);
  return lock;
}

const names = (l: ParsedLockfile): string[] => l.packages.map((p) => `${p.name}@${p.version}${p.alias ? ` as ${p.alias}` : ''}`).sort();

test('npm aliases report the real package and keep the alias: package-lock v1 and v3, yarn classic and berry', async () => {
  const v3 = await parse(
    'package-lock.json',
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { 'old-lodash': 'npm:lodash@4.17.15', 'my-fork': 'github:acme/left-pad#v1.3.0', local: 'file:../local' } },
        'node_modules/old-lodash': { name: 'lodash', version: '4.17.15', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz' },
        'node_modules/my-fork': { name: 'left-pad', version: '1.3.0', resolved: 'git+ssh://git@github.com/acme/left-pad.git#5c2a0c1' },
        'node_modules/local': { resolved: '../local', link: true },
        '../local': { name: 'local', version: '0.0.1' },
      },
    }),
  );
  assert.deepEqual(names(v3), ['left-pad@1.3.0 as my-fork', 'lodash@4.17.15 as old-lodash']);
  const v1 = await parse(
    'package-lock.json',
    JSON.stringify({
      lockfileVersion: 1,
      dependencies: {
        'old-lodash': { version: 'npm:lodash@4.17.15' },
        '@acme/fork': { version: 'npm:@types/node@18.0.0' },
        'from-git': { version: 'git+https://github.com/acme/from-git.git#5c2a0c1', requires: { ms: '2.0.0' } },
        ms: { version: '2.0.0' },
      },
    }),
  );
  assert.deepEqual(names(v1), ['@types/node@18.0.0 as @acme/fork', 'lodash@4.17.15 as old-lodash', 'ms@2.0.0']);
  const y1 = await parse(
    'yarn.lock',
    [
      '# yarn lockfile v1',
      '',
      '"old-lodash@npm:lodash@4.17.15":',
      '  version "4.17.15"',
      '  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.15.tgz#b447f6670a0455bbfeedd11392eff330ea097548"',
      '',
      'ms@2.0.0:',
      '  version "2.0.0"',
      '',
    ].join('\n'),
  );
  assert.deepEqual(names(y1), ['lodash@4.17.15 as old-lodash', 'ms@2.0.0']);
  const berry = await parse(
    'yarn.lock',
    [
      '__metadata:',
      '  version: 8',
      '',
      '"old-lodash@npm:lodash@4.17.15":',
      '  version: 4.17.15',
      '  resolution: "lodash@npm:4.17.15"',
      '',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    old-lodash: "npm:lodash@4.17.15"',
      '  languageName: unknown',
      '  linkType: soft',
      '',
    ].join('\n'),
  );
  assert.deepEqual(names(berry), ['lodash@4.17.15 as old-lodash']);
  assert.equal(berry.packages[0]?.direct, true, 'the workspace root declares it');
});

test('pnpm: v5 keys with a registry host, git and tarball packages by the name and version they record', async () => {
  const v5 = await parse(
    'pnpm-lock.yaml',
    [
      'lockfileVersion: 5.4',
      '',
      'specifiers:',
      '  lodash: ^4.17.15',
      '  left-pad: github:acme/left-pad#5c2a0c1',
      '',
      'dependencies:',
      '  lodash: registry.example.com/lodash/4.17.15',
      '  left-pad: github.com/acme/left-pad/5c2a0c1',
      '',
      'packages:',
      '',
      '  registry.example.com/lodash/4.17.15:',
      '    resolution: {integrity: sha512-8xOcRHvCjnocdS5cpwXQXVzmmh5e5+saE2QGoeQmbKmRS6J3VQppPOIt0MnmE+4xlZoumy0GPG0D0MVIQbNA1A==, registry: https://registry.example.com/, tarball: https://registry.example.com/lodash/-/lodash-4.17.15.tgz}',
      '    dev: false',
      '',
      '  github.com/acme/left-pad/5c2a0c1:',
      '    resolution: {tarball: https://codeload.github.com/acme/left-pad/tar.gz/5c2a0c1}',
      '    name: left-pad',
      '    version: 1.3.0',
      '    dev: false',
      '',
    ].join('\n'),
  );
  assert.deepEqual(names(v5), ['left-pad@1.3.0', 'lodash@4.17.15']);
  assert.deepEqual(v5.packages.map((p) => p.direct), [true, true], 'importer references with a host resolve');
  const v9 = await parse(
    'pnpm-lock.yaml',
    [
      "lockfileVersion: '9.0'",
      '',
      'importers:',
      '  .:',
      '    dependencies:',
      '      left-pad:',
      '        specifier: git+ssh://git@github.com/acme/left-pad.git#5c2a0c1',
      '        version: git+ssh://git@github.com/acme/left-pad.git#5c2a0c1',
      '      ms:',
      '        specifier: 2.0.0',
      '        version: 2.0.0',
      '',
      'packages:',
      '',
      "  left-pad@git+ssh://git@github.com/acme/left-pad.git#5c2a0c1:",
      '    resolution: {commit: 5c2a0c1, repo: git@github.com:acme/left-pad.git, type: git}',
      '    version: 1.3.0',
      '',
      '  ms@2.0.0:',
      '    resolution: {integrity: sha512-Tpp60P6IUJDTuOq/5Z8cdskzJujfwqfOTkrwIwj7IRISpnkJnT6SyJ4PCPnGMoFjC9ddhal5KVIYtAt97ix05A==}',
      '',
      'snapshots:',
      '',
      "  left-pad@git+ssh://git@github.com/acme/left-pad.git#5c2a0c1: {}",
      '',
      '  ms@2.0.0: {}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(names(v9), ['left-pad@1.3.0', 'ms@2.0.0']);
  // the resolution in `packages` is kept although `snapshots` lists the same package again
  assert.deepEqual(v9.packages.find((p) => p.name === 'ms')?.hashes?.length, 1);
});

test('pnpm 6 git packages keyed by their source and bun git packages are read without rejecting the file', async () => {
  const v6 = await parse(
    'pnpm-lock.yaml',
    [
      "lockfileVersion: '6.0'",
      '',
      'dependencies:',
      '  left-pad:',
      '    specifier: github:acme/left-pad#5c2a0c1',
      '    version: github.com/acme/left-pad/5c2a0c1',
      '  ms:',
      '    specifier: 2.0.0',
      '    version: 2.0.0',
      '',
      'packages:',
      '',
      '  github.com/acme/left-pad/5c2a0c1:',
      '    resolution: {tarball: https://codeload.github.com/acme/left-pad/tar.gz/5c2a0c1}',
      '    name: left-pad',
      '    version: 1.3.0',
      '    dev: false',
      '',
      '  /ms@2.0.0:',
      '    resolution: {integrity: sha512-Tpp60P6IUJDTuOq/5Z8cdskzJujfwqfOTkrwIwj7IRISpnkJnT6SyJ4PCPnGMoFjC9ddhal5KVIYtAt97ix05A==}',
      '    dev: false',
      '',
      '  weird-key-without-version:',
      '    resolution: {directory: ../weird, type: directory}',
      '    dev: false',
      '',
    ].join('\n'),
  );
  assert.deepEqual(names(v6), ['left-pad@1.3.0', 'ms@2.0.0']);
  assert.deepEqual(v6.packages.map((p) => p.direct), [true, true]);
  assert.match(v6.notes?.[0]?.message ?? '', /cannot read package key "weird-key-without-version"; left out/);
  const bun = await parse(
    'bun.lock',
    [
      '{',
      '  "lockfileVersion": 1,',
      '  "workspaces": { "": { "name": "app", "dependencies": { "left-pad": "github:acme/left-pad#5c2a0c1", "ms": "2.0.0" } } },',
      '  "packages": {',
      '    "left-pad": ["left-pad@github:acme/left-pad#5c2a0c1", {}, "acme-left-pad-5c2a0c1"],',
      '    "ms": ["ms@2.0.0", "", {}, "sha512-Tpp60P6IUJDTuOq/5Z8cdskzJujfwqfOTkrwIwj7IRISpnkJnT6SyJ4PCPnGMoFjC9ddhal5KVIYtAt97ix05A=="],',
      '  }',
      '}',
    ].join('\n'),
  );
  // the git package records its source only: left out rather than given the URL as a version
  assert.deepEqual(names(bun), ['ms@2.0.0']);
});

test('npm-shrinkwrap.json wins over the package-lock.json beside it, as npm reads it', async () => {
  const inv = await collectInventory(await openDirectory(join(FIXTURES, 'npm-shrinkwrap'), { gitignore: false }));
  assert.deepEqual(inv.lockfiles.map((l) => l.path), ['npm-shrinkwrap.json']);
  assert.deepEqual(inv.lockfiles[0]?.packages.map((p) => `${p.name}@${p.version}`), ['lodash@4.17.21']);
});

test('Gemfile.lock GIT and PATH gems are packages (the git source kept); the PATH gem at . is the project', async () => {
  const inv = await collectInventory(await openDirectory(join(FIXTURES, 'ruby-sources'), { gitignore: false }));
  assert.deepEqual(inv.errors, []);
  const lock = inv.lockfiles[0] as ParsedLockfile;
  assert.deepEqual(
    lock.packages.map((p) => `${p.name}@${p.version}:${p.line}${p.direct ? ' direct' : ''}`),
    ['actionpack@6.0.0:6 direct', 'json@2.3.0:19 direct', 'nokogiri@1.10.4:24 direct', 'rack@2.0.7:26', 'racc@1.4.16:27'],
  );
  assert.equal(lock.packages[0]?.resolved, 'git+https://github.com/rails/rails.git#4b5ea7c7d3f6e39b1c3a0f2d3f9c2e8b7a6d5c4b');
  assert.deepEqual(lock.packages.find((p) => p.name === 'rack')?.path, ['actionpack@6.0.0', 'rack@2.0.7']);
});
