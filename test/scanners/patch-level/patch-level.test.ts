import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { configSchema } from '../../../src/config/schema.js';
import { PATCH_LEVEL_RULES } from '../../../src/scanners/patch-level/rules.js';
import { dockerfileRuntimes, enginesRuntime, versionFileRuntime } from '../../../src/scanners/patch-level/runtimes.js';
import { lineStatus } from '../../../src/scanners/patch-level/versions.js';
import { patchLevelScanner } from '../../../src/scanners/patch-level/index.js';
import { runScan } from '../../../src/engine/run.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { cli } from '../../helpers/cli.js';
import { writeLayout } from '../../helpers/oci.js';
import { makeDir } from '../../helpers/tmp.js';

/** A fake npm registry on loopback: abbreviated documents of the packages given; counts requests. */
async function fakeRegistry(packages: Record<string, { versions: string[]; deprecated?: string[]; latest?: string }>): Promise<{ url: string; hits: string[]; accept: string[]; server: Server }> {
  const hits: string[] = [];
  const accept: string[] = [];
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    hits.push(name);
    accept.push(String(req.headers.accept));
    const p = packages[name];
    if (!p) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const versions = Object.fromEntries(p.versions.map((v) => [v, { name, version: v, dist: { tarball: `http://x/${name}-${v}.tgz` }, ...(p.deprecated?.includes(v) ? { deprecated: 'use a newer one' } : {}) }]));
    res.writeHead(200, { 'content-type': 'application/vnd.npm.install-v1+json' }).end(JSON.stringify({ name, 'dist-tags': { latest: p.latest ?? p.versions[p.versions.length - 1] }, versions, modified: '2026-11-01T00:00:00.000Z' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => new Promise<void>((r) => server.close(() => r())));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, hits, accept, server };
}

/** An npm v3 lockfile: direct deps (name -> version), dev deps, and one transitive package. */
function lock(direct: Record<string, string>, dev: Record<string, string> = {}, transitive: Record<string, string> = {}): string {
  const packages: Record<string, unknown> = { '': { name: 'shop', version: '1.0.0', dependencies: direct, devDependencies: dev } };
  for (const [n, v] of Object.entries(direct)) packages[`node_modules/${n}`] = { version: v };
  for (const [n, v] of Object.entries(dev)) packages[`node_modules/${n}`] = { version: v, dev: true };
  for (const [n, v] of Object.entries(transitive)) packages[`node_modules/${n}`] = { version: v };
  return JSON.stringify({ name: 'shop', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

const REGISTRY = {
  lodash: { versions: ['4.17.15', '4.17.20', '4.17.21', '5.0.0-beta.1'], latest: '4.17.21' },
  express: { versions: ['4.18.0', '4.18.2', '4.19.2', '4.21.2', '5.0.0', '5.1.0'], latest: '5.1.0' },
  '@shop/ui': { versions: ['1.0.0', '1.0.1', '1.1.0'], deprecated: ['1.0.1', '1.1.0'] },
  debug: { versions: ['4.3.4', '4.4.0'] },
  mocha: { versions: ['10.0.0', '10.8.2'] },
  semver: { versions: ['7.6.0', '7.7.1'] },
};

function project(extra: Record<string, string> = {}): string {
  return makeDir({
    'package.json': JSON.stringify({ name: 'shop', dependencies: { lodash: '^4.17.15', express: '^4.18.0', '@shop/ui': '1.0.0', debug: '4.4.0', 'left-internal': '1.0.0' }, devDependencies: { mocha: '^10.0.0' } }),
    'package-lock.json': lock({ lodash: '4.17.15', express: '4.18.0', '@shop/ui': '1.0.0', debug: '4.4.0', 'left-internal': '1.0.0' }, { mocha: '10.0.0' }, { semver: '7.6.0' }),
    ...extra,
  });
}

test('outdated: direct dependencies behind their line (fake registry on loopback); transitive, dev and deprecated left out', async () => {
  const reg = await fakeRegistry(REGISTRY);
  const dir = project();
  const cache = join(dir, '.cache');
  const r = await cli(['outdated', '--registry', reg.url, '--cache-dir', cache, '--as-of', '2026-12-06'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^\S+\s+\d/.test(l)).map((l) => l.split(/\s{2,}/));
  assert.deepEqual(rows, [
    ['express', '4.18.0', '4.18.2', '4.21.2', '5.1.0', 'package-lock.json'],
    ['lodash', '4.17.15', '4.17.21', '-', '4.17.21', 'package-lock.json'],
  ]);
  assert.match(r.stdout, /end-of-life data of \d{4}-\d{2}-\d{2}/);
  assert.match(r.stderr, /note: package-lock\.json: left-internal: not in the registry/);
  assert.deepEqual([...reg.hits].sort(), ['@shop/ui', 'debug', 'express', 'left-internal', 'lodash'], 'neither the dev-only mocha nor the transitive semver is asked for');
  assert.ok(reg.accept.every((a) => a.includes('application/vnd.npm.install-v1+json')), 'abbreviated metadata');
  const dev = await cli(['outdated', '--registry', reg.url, '--cache-dir', cache, '--dev', '--json'], { cwd: dir });
  const doc = JSON.parse(dev.stdout) as { dependencies: { name: string; installed: string; patch?: string; minor?: string; latest?: string; dev: boolean }[]; eolData: string };
  const mocha = doc.dependencies.find((d) => d.name === 'mocha');
  assert.deepEqual([mocha?.installed, mocha?.dev, mocha?.patch, mocha?.minor, mocha?.latest], ['10.0.0', true, undefined, '10.8.2', '10.8.2']);
  assert.match(doc.eolData, /^\d{4}-\d{2}-\d{2}$/);
});

test('the cache: answers within the TTL are not asked again; --offline answers from the cache alone, with the server gone', async () => {
  const reg = await fakeRegistry(REGISTRY);
  const dir = project();
  const cache = join(dir, 'cache');
  const first = await cli(['outdated', '--registry', reg.url, '--cache-dir', cache], { cwd: dir });
  const asked = reg.hits.length;
  assert.ok(readdirSync(join(cache, 'npm')).length >= 4);
  const second = await cli(['outdated', '--registry', reg.url, '--cache-dir', cache], { cwd: dir });
  assert.equal(reg.hits.length, asked, 'fresh cache entries are used');
  assert.equal(second.stdout, first.stdout);
  await new Promise<void>((r) => reg.server.close(() => r()));
  const offline = await cli(['outdated', '--registry', reg.url, '--cache-dir', cache, '--offline'], { cwd: dir });
  assert.equal(offline.stdout, first.stdout);
  assert.match(offline.stderr, /left-internal: not in the registry \(a private/, 'the registry\'s "no such package" is cached too');
  const empty = await cli(['outdated', '--registry', reg.url, '--cache-dir', join(dir, 'empty'), '--offline'], { cwd: dir });
  assert.equal(empty.code, 0);
  assert.match(empty.stderr, /lodash: not in the registry cache, and the run is offline/);
});

test('a TTL of 0 asks again; a registry that is down falls back to the stale cached answer with a note', async () => {
  const reg = await fakeRegistry(REGISTRY);
  const dir = project({ 'pipeguard.yml': 'scanners:\n  patch-level:\n    cacheTtlHours: 0\n    cacheDir: cache\n' });
  await cli(['outdated', '--registry', reg.url], { cwd: dir });
  const asked = reg.hits.length;
  await cli(['outdated', '--registry', reg.url], { cwd: dir });
  assert.equal(reg.hits.length, asked * 2, 'expired entries are asked again');
  await new Promise<void>((r) => reg.server.close(() => r()));
  const down = await cli(['outdated', '--registry', reg.url], { cwd: dir });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /lodash: the registry did not answer .*: used the cached answer of \d{4}-\d{2}-\d{2}/);
  assert.match(down.stdout, /lodash\s+4\.17\.15\s+4\.17\.21/);
});

test('in the gate: pipeguard scan --scanners patch-level reports packages (with the upgrade) and runtimes', async () => {
  const reg = await fakeRegistry(REGISTRY);
  const dir = project({ '.nvmrc': 'v18.20.4\n', 'pipeguard.yml': `failOn: medium\nscanners:\n  patch-level:\n    registry: ${reg.url}\n    cacheDir: .cache\n    asOf: '2026-12-06'\n` });
  const r = await cli(['scan', '.', '--scanners', 'patch-level', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; message: string; location: { purl?: string; path: string }; fix?: { upgradeTo?: string } }[]; statuses: { scanner: string; status: string; fileErrors: { message: string }[] }[] };
  const got = doc.findings.map((f) => `${f.ruleId} ${f.location.purl ?? f.location.path} ${f.fix?.upgradeTo ?? ''}`.trim()).sort();
  assert.deepEqual(got, [
    'dependency-behind-minor pkg:npm/express@4.18.0 4.21.2',
    'dependency-behind-patch pkg:npm/express@4.18.0 4.18.2',
    'dependency-behind-patch pkg:npm/lodash@4.17.15 4.17.21',
    'runtime-eol .nvmrc',
  ]);
  assert.match(doc.findings.find((f) => f.ruleId === 'runtime-eol')!.message, /Node\.js 18 reached end of life on 2025-04-30.*\(end-of-life data of \d{4}-\d{2}-\d{2}\)/);
  assert.ok(readdirSync(join(dir, '.cache', 'npm')).length > 0, 'cacheDir is relative to pipeguard.yml, not to where the process runs');
  const st = doc.statuses.find((s) => s.scanner === 'patch-level')!;
  assert.match(st.fileErrors.map((e) => e.message).join('\n'), /left-internal: not in the registry/);
  // not run by a plain scan unless enabled: it asks a registry
  const plain = await cli(['scan', '.', '--format', 'json'], { cwd: dir });
  const ps = (JSON.parse(plain.stdout) as typeof doc).statuses.find((s) => s.scanner === 'patch-level');
  assert.equal(ps?.status, 'skipped');
});

test('every rule\'s own examples: each positive is flagged by that rule, each look-alike is not', async () => {
  for (const r of PATCH_LEVEL_RULES) {
    for (const [kind, list] of [['positive', r.examples!.positive], ['negative', r.examples!.negative]] as const) {
      for (const e of list) {
        const x = JSON.parse(e) as { installed?: string; versions?: string[]; deprecated?: string[]; path?: string; text?: string; asOf?: string };
        let files: Record<string, string>;
        let registry = 'http://127.0.0.1:9';
        if (x.installed) {
          const reg = await fakeRegistry({ pkg: { versions: x.versions!, deprecated: x.deprecated ?? [] } });
          registry = reg.url;
          files = { 'package-lock.json': lock({ pkg: x.installed }) };
        } else files = { [x.path!]: x.text! };
        const dir = makeDir(files);
        const config = configSchema.parse({ scanners: { 'patch-level': { enabled: true, registry, cacheDir: join(dir, '.cache'), asOf: x.asOf ?? '2026-12-06' } } });
        const report = await runScan({ target: await openDirectory(dir, { gitignore: false }), config, registry: [patchLevelScanner] });
        assert.deepEqual(report.statuses.map((s) => [s.status, s.fileErrors]), [['succeeded', []]], e);
        const fired = report.findings.some((f) => f.ruleId === r.id);
        assert.equal(fired, kind === 'positive', `${r.id} ${kind}: ${e}`);
      }
    }
  }
});

test('lines: patch within the minor, minor within the major, 0.x lines by minor, pre-releases and deprecated never offered', () => {
  assert.deepEqual(lineStatus('1.2.3', ['1.2.3', '1.2.10', '1.2.9', '1.3.0', '1.10.1', '2.0.0']), { patch: '1.2.10', minor: '1.10.1' });
  assert.deepEqual(lineStatus('0.3.1', ['0.3.1', '0.3.2', '0.4.0', '1.0.0']), { patch: '0.3.2' });
  assert.deepEqual(lineStatus('1.2.3', ['1.2.4-rc.1', '1.3.0-beta', '1.2.3']), {});
  assert.deepEqual(lineStatus('1.2.3', ['1.2.4', '1.2.5'], ['1.2.5']), { patch: '1.2.4' });
  assert.deepEqual(lineStatus('2.0.0-rc.1', ['2.0.0', '2.0.1']), { patch: '2.0.1' });
  assert.deepEqual(lineStatus('github:org/repo#abc', ['1.0.0']), {});
});

test('runtimes: version files, engines of one line, Dockerfile FROM with ARG, stage names and codenames', () => {
  assert.equal(versionFileRuntime('# pinned\nv20.11.1\n', '.nvmrc', 'nodejs')?.version, '20.11.1');
  assert.equal(versionFileRuntime('lts/iron\n', '.nvmrc', 'nodejs'), undefined);
  assert.equal(versionFileRuntime('3.11.4\n', '.python-version', 'python')?.version, '3.11.4');
  for (const [range, v] of [['18.x', '18'], ['^18.17.0', '18'], ['~20.11', '20'], ['>=16 <17', '16'], ['>=16', undefined], ['^18 || ^20', undefined], ['>=16 <20', undefined]] as const) {
    assert.equal(enginesRuntime(JSON.stringify({ engines: { node: range } }), 'package.json')?.version, v, range);
  }
  const uses = dockerfileRuntimes('ARG PY=3.9\nFROM --platform=$BUILDPLATFORM python:${PY}-slim AS base\nFROM base\nFROM ubuntu:jammy\nFROM debian:stretch-slim\nFROM node\nFROM registry.example.test/node:14\n', 'Dockerfile');
  assert.deepEqual(uses.map((u) => `${u.product} ${u.version} ${u.line}`), ['python 3.9 2', 'ubuntu 22.04 4', 'debian 9 5']);
});

test('an image: NODE_VERSION in its configuration is dated', async () => {
  const dir = makeDir();
  writeLayout(join(dir, 'img'), [{ layers: [[{ name: 'app/index.js', content: '1' }]], config: { config: { Env: ['PATH=/usr/bin', 'NODE_VERSION=16.20.2'] } } }]);
  const r = await cli(['outdated', 'img', '--as-of', '2026-12-06', '--offline', '--cache-dir', join(dir, 'c')], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /nodejs\s+16\s+2023-09-11\s+past end of life\s+config/);
});

test('usage and input errors exit 2 with one line', async () => {
  const dir = makeDir({ 'a.txt': 'x' });
  for (const [argv, re] of [
    [['outdated', 'missing'], /missing.*no such file/],
    [['outdated', 'a.txt'], /project folder or a container image/],
    [['outdated', '--registry', 'ftp://x'], /--registry takes an http/],
    [['outdated', '--as-of', '2026-13-40'], /--as-of takes a date/],
  ] as const) {
    const r = await cli([...argv], { cwd: dir });
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  const lockDir = makeDir({ 'package-lock.json': '{ "lockfileVersion": 3, "packages": ' });
  const bad = await cli(['outdated', '--offline', '--cache-dir', join(lockDir, 'c')], { cwd: lockDir });
  assert.match(bad.stderr, /package-lock\.json/);
});
