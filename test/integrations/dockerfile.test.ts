// The container image of the CLI (Dockerfile, .dockerignore): checked with pipeguard's own rules, its base pinned by
// digest, non-root, the build context limited to what it copies; built with buildah and run where the machine can.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import picomatch from 'picomatch';
import { parseDockerfile } from '../../src/analyzers/iac/dockerfile.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const BASE = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1] ?? '';

test('pipeguard finds nothing in its own Dockerfile (iac, secrets), the healthcheck waiver says why', async () => {
  const dir = makeDir();
  for (const f of ['Dockerfile', '.dockerignore']) copyFileSync(join(ROOT, f), join(dir, f));
  const r = await cli(['scan', '.', '--scanners', 'iac,secrets', '--fail-on', 'info', '-f', 'json', '--no-progress'], { cwd: dir });
  const doc = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; suppressed: { ruleId: string; reason: string }[] };
  assert.deepEqual(doc.findings.map((f) => f.ruleId), []);
  assert.equal(r.code, 0);
  assert.deepEqual(doc.suppressed.map((s) => s.ruleId), ['docker-missing-healthcheck']);
  assert.match(doc.suppressed[0]!.reason, /CLI/);
});

test('every stage starts from the base pinned by digest; the final stage runs as an unprivileged user', () => {
  assert.match(BASE, /^docker\.io\/library\/node:20-slim@sha256:[0-9a-f]{64}$/);
  const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(froms, ['${NODE_IMAGE}', '${NODE_IMAGE}']);
  const final = text.slice(text.lastIndexOf('\nFROM '));
  const users = [...final.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]!);
  assert.equal(users.length, 1);
  assert.doesNotMatch(users[0]!, /^(0|root)(:|$)/);
  assert.ok(final.indexOf('USER') < final.indexOf('ENTRYPOINT'));
  assert.match(final, /^ENTRYPOINT \["node", "\/opt\/pipeguard\/dist\/bundle\/main\.js"\]$/m);
  // The parser pipeguard's iac scanner uses reads it cleanly.
  const model = parseDockerfile(text);
  assert.equal(model.stages.length, 2);
});

test('the build context holds what the Dockerfile copies and nothing else', () => {
  // Docker's rules: patterns in order, the last that matches the path or one of its parent folders decides.
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ignored = (path: string): boolean => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let out = false;
    for (const p of patterns) {
      const neg = p.startsWith('!');
      const glob = (neg ? p.slice(1) : p).replace(/\/$/, '');
      if (prefixes.some((x) => picomatch.isMatch(x, glob, { dot: true }))) out = !neg;
    }
    return out;
  };
  const sources = [...text.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  assert.ok(sources.includes('src') && sources.includes('package-lock.json'));
  for (const s of sources) assert.ok(!ignored(s), `${s} is in the build context`);
  for (const p of ['src/cli/main.ts', 'scripts/bundle.mjs', 'schema/pipeguard-report.schema.json']) assert.ok(!ignored(p), `${p} is in the build context`);
  for (const p of ['.env', '.git/config', 'node_modules/x/index.js', 'test/fixtures/key.pem', 'dist/bundle/main.js', 'pipeguard.yml', 'id_rsa']) {
    assert.ok(ignored(p), `${p} stays out of the build context`);
  }
});

const buildah = spawnSync('buildah', ['--version'], { encoding: 'utf8' }).status === 0;
const BUILDAH = ['--storage-driver', 'vfs'];
const baseHere = buildah && spawnSync('buildah', [...BUILDAH, 'inspect', '--type', 'image', BASE], { encoding: 'utf8' }).status === 0;
const skipBuild = !buildah ? 'needs buildah (apt-get install buildah)' : !baseHere ? `needs the base image ${BASE} in buildah's storage (this machine reaches no container registry: buildah pull it where one is reachable)` : undefined;

test('buildah builds the image and the CLI runs in it as uid 10001', { skip: skipBuild, timeout: 1_800_000 }, () => {
  const tag = 'localhost/pipeguard-test:latest';
  const b = spawnSync('buildah', [...BUILDAH, 'bud', '--isolation', 'chroot', '--layers=false', '-t', tag, '.'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(b.status, 0, b.stderr.slice(-4000));
  try {
    const cfg = JSON.parse(spawnSync('buildah', [...BUILDAH, 'inspect', '--type', 'image', tag], { encoding: 'utf8' }).stdout) as { OCIv1: { config: { User: string; Entrypoint: string[] } } };
    assert.equal(cfg.OCIv1.config.User, '10001:10001');
    const c = spawnSync('buildah', [...BUILDAH, 'from', tag], { encoding: 'utf8' }).stdout.trim();
    try {
      const run = spawnSync('buildah', [...BUILDAH, 'run', '--isolation', 'chroot', c, '--', 'node', '/opt/pipeguard/dist/bundle/main.js', 'rules', '--scanner', 'secrets'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /aws-access-key-id/);
      const id = spawnSync('buildah', [...BUILDAH, 'run', '--isolation', 'chroot', c, '--', 'id', '-u'], { encoding: 'utf8' });
      assert.equal(id.stdout.trim(), '10001');
    } finally {
      spawnSync('buildah', [...BUILDAH, 'rm', c]);
    }
  } finally {
    spawnSync('buildah', [...BUILDAH, 'rmi', tag]);
  }
});
