import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectInventory } from '../../../src/analyzers/inventory/inventory.js';
import { linkGraph } from '../../../src/analyzers/inventory/graph.js';
import { formatFor } from '../../../src/analyzers/inventory/parsers/index.js';
import { LockfileError } from '../../../src/analyzers/inventory/types.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { fileLoc } from '../../helpers/fixtures.js';
import { FIXTURES, fixtureCopy, inventoryRows, scanDeps, summary } from './helpers.js';

/** The parsed lockfiles of a fixture folder, with their constraints. */
async function inventory(dir: string) {
  return (await collectInventory(await openDirectory(join(FIXTURES, dir), { gitignore: false }))).lockfiles;
}

/** Every lockfile of a fixture folder: path → `ecosystem:name@version [direct] [dev]:line` rows. */
async function rows(dir: string): Promise<Map<string, string[]>> {
  const inv = await collectInventory(await openDirectory(join(FIXTURES, dir), { gitignore: false }));
  assert.deepEqual(inv.errors, [], dir);
  return new Map(
    inv.lockfiles.map((l) => [
      l.path,
      l.packages.map((p) => `${p.ecosystem}:${inventoryRows([p])[0]}${p.direct ? ' direct' : ''}`),
    ]),
  );
}

async function parseError(name: string, text: string): Promise<string> {
  const fmt = formatFor(name);
  assert.ok(fmt, `no format for ${name}`);
  try {
    linkGraph(await fmt.parse(text, name, async () => undefined));
  } catch (e) {
    assert.ok(e instanceof LockfileError, `not a LockfileError: ${String(e)}`);
    return `${e.line ?? '?'}: ${e.message}`;
  }
  assert.fail(`${name} parsed`);
}

test('Dart pubspec.lock, Elixir mix.lock, Erlang rebar.lock, Gleam manifest.toml', async () => {
  assert.deepEqual((await rows('dart')).get('pubspec.lock'), [
    'Pub:async@2.11.0:4',
    'Pub:flutter@0.0.0:12 direct',
    'Pub:flutter_lints@2.0.3 dev:17 direct',
    'Pub:http@0.13.6:25 direct',
    'Pub:my_plugin@1.0.0:33 direct',
    'Pub:shared_utils@0.3.1:40 direct',
  ]);
  assert.deepEqual((await rows('elixir')).get('mix.lock'), [
    'Hex:castore@1.0.3:2 direct',
    'Hex:cowboy@2.9.0:3 direct',
    'Hex:phoenix@1.6.10:4 direct',
    'Hex:plug_crypto@1.2.3:5 direct',
    'Hex:surface@ba79c6bd6ff5bad9e2c9b6ef6a4e8c0f5f0c1d2e:6 direct', // a git dependency: the locked commit
  ]);
  assert.deepEqual((await rows('erlang')).get('rebar.lock'), [
    'Hex:certifi@2.9.0:2',
    'Hex:cowboy@2.9.0:3 direct',
    'Hex:cowlib@2.11.0:4',
    'Hex:jsx@e06dd8b4a5e0c1c8c7b7ae59dd2a0f9cb7a8e111:5 direct',
  ]);
  assert.deepEqual((await rows('gleam')).get('manifest.toml'), ['Hex:gleam_http@3.5.3:5 direct', 'Hex:gleam_stdlib@0.34.0:6 direct']);
});

test('Swift Package.resolved v1 and v3, CocoaPods Podfile.lock', async () => {
  // v1 pins swift-nio to a branch: no released version, nothing to match
  assert.deepEqual((await rows('swift-v1')).get('Package.resolved'), ['SwiftURL:github.com/Alamofire/Alamofire@5.6.4:6 direct']);
  assert.deepEqual((await rows('swift-v2')).get('Package.resolved'), ['SwiftURL:github.com/Alamofire/Alamofire@5.6.4:7 direct', 'SwiftURL:github.com/apple/swift-nio@2.54.0:16 direct']);
  assert.deepEqual((await rows('cocoapods')).get('Podfile.lock'), [
    'CocoaPods:Alamofire@5.6.4:2 direct',
    'CocoaPods:Firebase/CoreOnly@10.9.0:3 direct',
    'CocoaPods:FirebaseCore@10.9.0:5',
    'CocoaPods:FirebaseCoreInternal@10.9.0:7',
    'CocoaPods:SDWebImage@5.15.5:8 direct',
    'CocoaPods:SDWebImage/Core@5.15.5:10',
  ]);
});

test('R renv.lock, Conan 1 and 2, Julia Manifest.toml, cabal freeze, stack.yaml.lock', async () => {
  // a GitHub-sourced R package has no registry version
  assert.deepEqual((await rows('renv')).get('renv.lock'), ['Bioconductor:BiocGenerics@0.44.0:15 direct', 'CRAN:jsonlite@1.8.4:23 direct', 'CRAN:renv@0.17.3:44 direct']);
  assert.deepEqual((await rows('conan1')).get('conan.lock'), ['ConanCenter:zlib@1.2.11:14 direct', 'ConanCenter:cmake@3.20.1 dev:21 direct']);
  assert.deepEqual((await rows('conan2')).get('conan.lock'), ['ConanCenter:zlib@1.2.11:4 direct', 'ConanCenter:openssl@3.0.7:5 direct', 'ConanCenter:cmake@3.26.4 dev:8 direct']);
  // standard libraries (Dates) carry no version
  assert.deepEqual((await rows('julia')).get('Manifest.toml'), ['Julia:HTTP@1.9.6:11 direct', 'Julia:JSON@0.21.4:17 direct']);
  // flag lines are not packages
  assert.deepEqual((await rows('cabal')).get('cabal.project.freeze'), [
    'Hackage:Cabal@3.8.1.0:2 direct',
    'Hackage:aeson@2.1.2.1:3 direct',
    'Hackage:base@4.17.2.0:5 direct',
    'Hackage:warp@3.3.25:6 direct',
    'Hackage:zlib@0.6.3.0:8 direct',
  ]);
  assert.deepEqual((await rows('stack')).get('stack.yaml.lock'), ['Hackage:acme-missiles@0.3:8 direct']);
});

test('.NET: csproj with central package management, packages.config, deps.json, project.assets.json, paket.lock', async () => {
  const cpm = await rows('dotnet-cpm');
  assert.deepEqual(cpm.get('src/Api/Api.csproj'), [
    'NuGet:Newtonsoft.Json@12.0.1:9 direct', // version from Directory.Packages.props two folders up
    'NuGet:Serilog@2.10.0:10 direct', // $(SerilogVersion) expanded
    'NuGet:System.Text.Json@6.0.7:11 direct', // VersionOverride wins
    'NuGet:Microsoft.Data.SqlClient@2.1.2:12 direct', // <Version> child element
    'NuGet:StyleCop.Analyzers@1.1.118 dev:15 direct', // PrivateAssets="all"
    // Polly [7.2.3,8.0) is a range
  ]);
  const project = (await inventory('dotnet-cpm')).find((l) => l.path === 'src/Api/Api.csproj');
  assert.deepEqual(project?.constraints, [{ ecosystem: 'NuGet', name: 'Polly', spec: '[7.2.3,8.0)', line: 16 }]);
  // PackageVersion entries only set versions (xunit is not used anywhere): only the global reference is a package
  assert.deepEqual(cpm.get('Directory.Packages.props'), ['NuGet:Nerdbank.GitVersioning@3.6.133 dev:13 direct']);
  assert.deepEqual((await rows('dotnet-config')).get('packages.config'), [
    'NuGet:jQuery@3.4.1:3 direct',
    'NuGet:Newtonsoft.Json@12.0.1:4 direct',
    'NuGet:Microsoft.CodeDom.Providers.DotNetCompilerPlatform@2.0.1 dev:5 direct',
  ]);
  assert.deepEqual((await rows('dotnet-deps')).get('App.deps.json'), ['NuGet:Newtonsoft.Json@12.0.1:43 direct', 'NuGet:Serilog@2.10.0:50 direct', 'NuGet:System.Text.Json@6.0.0:57']);
  assert.deepEqual((await rows('dotnet-assets')).get('obj/project.assets.json'), ['NuGet:Newtonsoft.Json@12.0.1:35 direct', 'NuGet:Serilog@2.10.0:41 direct', 'NuGet:System.Text.Json@6.0.0:47']);
  assert.deepEqual((await rows('paket')).get('paket.lock'), [
    'NuGet:FSharp.Core@6.0.7:5 direct',
    'NuGet:Newtonsoft.Json@12.0.1:6 direct',
    'NuGet:Serilog@2.10.0:7 direct',
    'NuGet:System.Text.Json@6.0.0:9',
    'NuGet:NUnit@3.13.2:18 direct',
  ]);
});

test('Deno, pylock.toml, Gradle version catalog and verification metadata', async () => {
  assert.deepEqual((await rows('deno')).get('deno.lock'), ['npm:express@4.17.1:14 direct', 'npm:lodash@4.17.15:20 direct', 'JSR:@std/path@1.0.8:9 direct']);
  // a directory package has no version
  assert.deepEqual((await rows('pylock')).get('pylock.toml'), ['PyPI:django@3.2.0:6 direct', 'PyPI:sqlparse@0.4.1:12 direct']);
  const gradle = await rows('gradle-catalog');
  assert.deepEqual(gradle.get('gradle/libs.versions.toml'), [
    'Maven:com.fasterxml.jackson.core:jackson-databind@2.13.4:7 direct', // version.ref
    'Maven:com.squareup.okhttp3:okhttp@4.9.1:8 direct', // group + name, rich { strictly }
    'Maven:org.apache.logging.log4j:log4j-core@2.14.1:9 direct', // "g:a:v"
    // guava is a range, kotlin-bom has no version
  ]);
  const catalog = (await inventory('gradle-catalog')).find((l) => l.path === 'gradle/libs.versions.toml');
  assert.deepEqual(catalog?.constraints?.map((c) => `${c.name} ${c.spec}:${c.line}`), ['com.google.guava:guava [30.0,):10', 'org.jetbrains.kotlin:kotlin-bom *:11']);
  assert.deepEqual(gradle.get('gradle/verification-metadata.xml'), ['Maven:com.fasterxml.jackson.core:jackson-databind@2.13.4:8 direct', 'Maven:org.apache.logging.log4j:log4j-core@2.14.1:16 direct']);
});

test('Go: vendor/modules.txt, the toolchain as stdlib, go.sum for a go 1.16 module', async () => {
  const vendored = await rows('go-vendor');
  assert.deepEqual(vendored.get('vendor/modules.txt'), ['Go:github.com/gin-gonic/gin@v1.6.0:1 direct', 'Go:golang.org/x/net@v0.1.0:5 direct']);
  assert.ok(vendored.get('go.mod')?.includes('Go:stdlib@v1.20.0:3'));
  const old = await rows('go-old');
  assert.deepEqual(old.get('go.mod'), ['Go:github.com/gin-gonic/gin@v1.6.0:5 direct', 'Go:stdlib@v1.16.0:3', 'Go:golang.org/x/net@v0.1.0', 'Go:gopkg.in/yaml.v2@v2.2.8']);
  // go 1.17+ lists every module in go.mod: go.sum adds nothing
  const modern = await rows('go');
  assert.ok(!modern.get('go.mod')?.some((r) => r.includes('gopkg.in')));
  assert.equal(formatFor('a/vendor/modules.txt')?.ecosystem, 'Go');
  assert.equal(formatFor('vendor/github.com/x/y/vendor/modules.txt'), undefined);
  assert.equal(formatFor('docs/modules.txt'), undefined);
  assert.equal(formatFor('gems.locked')?.ecosystem, 'RubyGems');
  assert.equal(formatFor('buildscript-gradle.lockfile')?.ecosystem, 'Maven');
});

test('new formats match advisories: Deno npm packages, pylock, vendored Go modules and stdlib, NuGet, Gradle catalogs', async () => {
  const report = await scanDeps(fixtureCopy('deno', 'pylock', 'go-vendor', 'dotnet-cpm', 'dotnet-config', 'gradle-catalog'));
  const byFile = (p: string) => summary(report.findings.filter((f) => fileLoc(f.location).path === p));
  assert.ok(byFile('deno/deno.lock').includes('lodash@4.17.15 CVE-2021-23337'), byFile('deno/deno.lock').join(', '));
  assert.ok(byFile('pylock/pylock.toml').some((s) => s.startsWith('django@3.2.0 ')), byFile('pylock/pylock.toml').join(', '));
  assert.ok(byFile('go-vendor/vendor/modules.txt').some((s) => s.startsWith('golang.org/x/net@v0.1.0 ')));
  const stdlib = byFile('go-vendor/go.mod').filter((s) => s.startsWith('stdlib@v1.20.0 '));
  assert.ok(stdlib.length > 0, 'Go 1.20.0 has standard-library advisories');
  assert.deepEqual(byFile('dotnet-cpm/src/Api/Api.csproj'), ['Newtonsoft.Json@12.0.1 CVE-2024-21907']);
  assert.deepEqual(byFile('dotnet-config/packages.config'), ['Newtonsoft.Json@12.0.1 CVE-2024-21907']);
  assert.deepEqual(byFile('gradle-catalog/gradle/libs.versions.toml'), ['org.apache.logging.log4j:log4j-core@2.14.1 CVE-2021-44228']);
});

test('malformed files of the new formats name the line', async () => {
  assert.match(await parseError('pubspec.lock', 'packages:\n  http:\n    dependency: "direct main"\n    source: hosted\n'), /^2: package "http" has no version/);
  assert.match(await parseError('pubspec.lock', 'packages:\n  http: [\n'), /^\d+: invalid YAML/);
  assert.match(await parseError('mix.lock', '%{\n  "cowboy": {:hex, oops},\n}\n'), /^2: cannot read the hex entry of "cowboy"/);
  assert.match(await parseError('Package.resolved', '{\n  "pins": [\n    { "identity": "x", "state": {} }\n  ],\n  "version": 2\n}\n'), /a pin without a location/);
  assert.match(await parseError('Package.resolved', '{\n  "pins": [,]\n}'), /^2: invalid JSON/);
  assert.match(await parseError('Podfile.lock', 'PODS:\n  - Alamofire\n'), /^2: pod "Alamofire" has no version/);
  assert.match(await parseError('renv.lock', '{\n  "Packages": {\n    "x": { "Package": "x" }\n  }\n}'), /^3: package "x" has no Version/);
  assert.match(await parseError('conan.lock', '{ "version": "0.5" }'), /neither "requires"/);
  assert.match(await parseError('cabal.project.freeze', 'constraints: any.aeson ==2.1,\n             ==4\n'), /^2: cannot read constraint "==4"/);
  assert.match(await parseError('packages.config', '<packages>\n  <package id="x" />\n</packages>'), /^2: <package> without id or version/);
  assert.match(await parseError('App.csproj', '<Project>\n  <ItemGroup>\n    <PackageReference Include="x" Version="1.0">\n  </ItemGroup>\n</Project>'), /^4: invalid XML/);
  assert.match(await parseError('paket.lock', 'NUGET\n  remote: https://api.nuget.org/v3/index.json\n    ???\n'), /^3: cannot read "\?\?\?"/);
  assert.match(await parseError('deno.lock', '{ "version": "1" }'), /unsupported deno\.lock version "1"/);
  assert.match(await parseError('pylock.toml', 'lock-version = "1.0"\n\n[[packages]]\nversion = "1.0"\n'), /^3: \[\[packages\]\] without name/);
  assert.match(await parseError('vendor/modules.txt', '# github.com/x/y v1.0.0\n# ???\n'), /^2: cannot read "# \?\?\?"/);
  assert.match(await parseError('libs.versions.toml', '[libraries]\nfoo = { version = "1.0" }\n'), /^2: library "foo" has no module/);
  assert.match(await parseError('verification-metadata.xml', '<verification-metadata>\n<components>\n<component group="a" name="b"/>\n</components>\n</verification-metadata>'), /^3: <component> without group, name or version/);
  assert.match(await parseError('stack.yaml.lock', 'packages:\n- completed:\n    hackage: ???\n'), /cannot read hackage reference/);
  assert.match(await parseError('Manifest.toml', 'julia_version = "1.9"\n[[deps.JSON]\n'), /^2: invalid TOML/);
});

test('fixtures are the files the tools write (spot checks of their headers)', () => {
  assert.match(readFileSync(join(FIXTURES, 'dart/pubspec.lock'), 'utf8'), /^# Generated by pub/);
  assert.match(readFileSync(join(FIXTURES, 'gleam/manifest.toml'), 'utf8'), /^# This file was generated by Gleam/);
});
