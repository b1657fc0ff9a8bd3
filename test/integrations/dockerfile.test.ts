// The container image of the CLI (Dockerfile, .dockerignore): checked with pipeguard's own rules, its base pinned by
// digest, non-root, the build context limited to what it copies; built with buildah and run where the machine can.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
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

/**
 * A base image made here, for a machine that reaches no registry: this machine's own `node` and the few programs the
 * runtime stage's RUN and the test use (sh, groupadd, useradd, nologin, mkdir, chown, ln, chmod, id), each with the shared
 * libraries `ldd` lists, and a minimal /etc. Committed as `localhost/pipeguard-test-node`; undefined (with why)
 * when buildah cannot make or run containers here.
 */
function localNodeBase(tag: string): string | undefined {
  const run = (args: string[]) => spawnSync('buildah', [...BUILDAH, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const from = run(['from', 'scratch']);
  if (from.status !== 0) return `buildah from scratch: ${from.stderr.trim().split('\n').pop()}`;
  const c = from.stdout.trim();
  try {
    const mnt = run(['mount', c]);
    if (mnt.status !== 0) return `buildah mount: ${mnt.stderr.trim().split('\n').pop()}`;
    const root = mnt.stdout.trim();
    const which = (p: string) => spawnSync('sh', ['-c', `command -v ${p}`], { encoding: 'utf8' }).stdout.trim();
    // A merged-/usr host (`/bin -> usr/bin`) gets the same links, so /bin/sh is there as the RUN lines expect.
    for (const d of ['bin', 'sbin', 'lib', 'lib64']) {
      const st = lstatSync(`/${d}`, { throwIfNoEntry: false });
      if (!st?.isSymbolicLink()) continue;
      const to = readlinkSync(`/${d}`);
      mkdirSync(join(root, d === to ? d : to.replace(/^\//, '')), { recursive: true });
      symlinkSync(to, join(root, d));
    }
    const files = new Set<string>();
    for (const prog of ['sh', 'node', 'groupadd', 'useradd', 'nologin', 'mkdir', 'chown', 'ln', 'chmod', 'id']) {
      const p = which(prog);
      if (!p) return `no ${prog} on this machine to build a base image from`;
      files.add(p);
      for (const m of spawnSync('ldd', [p], { encoding: 'utf8' }).stdout.matchAll(/(\/\S+) \(0x/g)) files.add(m[1]!);
    }
    for (const f of files) {
      const cp = spawnSync('cp', ['--parents', '-L', f, root], { encoding: 'utf8' });
      if (cp.status !== 0) return `cp ${f}: ${cp.stderr.trim()}`;
    }
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
    mkdirSync(join(root, 'home'), { recursive: true });
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
    writeFileSync(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o600 });
    writeFileSync(join(root, 'etc/gshadow'), 'root:*::\n', { mode: 0o600 });
    if (existsSync('/etc/login.defs')) copyFileSync('/etc/login.defs', join(root, 'etc/login.defs'));
    const probe = run(['run', '--isolation', 'chroot', c, '--', 'node', '-e', 'process.exit(0)']);
    if (probe.status !== 0) return `buildah run --isolation chroot: ${probe.stderr.trim().split('\n').pop()}`;
    const commit = run(['commit', '-q', c, tag]);
    if (commit.status !== 0) return `buildah commit: ${commit.stderr.trim().split('\n').pop()}`;
    return undefined;
  } finally {
    run(['rm', c]);
  }
}

/**
 * The runtime stage of the project's Dockerfile as written (from its last FROM), its `COPY --from=build /build/X`
 * reading X from the build context instead: the build stage (`npm ci`, native rebuilds) needs a registry.
 */
function runtimeStage(dockerfile: string): string {
  const from = dockerfile.lastIndexOf('\nFROM ${NODE_IMAGE}');
  assert.ok(from > 0, 'the Dockerfile has a runtime stage FROM ${NODE_IMAGE}');
  const stage = dockerfile.slice(from + 1).replace(/^COPY --from=build (.*?)\/build\/(\S+) /gm, 'COPY $1built/$2 ');
  assert.doesNotMatch(stage, /--from=/);
  return `ARG NODE_IMAGE\n${stage}`;
}

const LOCAL_BASE = 'localhost/pipeguard-test-node:latest';

test('the runtime stage builds on a base made from this machine\'s node, and the CLI scans a tree in it as uid 10001', { skip: buildah ? undefined : 'needs buildah (apt-get install buildah)', timeout: 300_000 }, async (t) => {
  const why = localNodeBase(LOCAL_BASE);
  if (why) {
    t.skip(`needs a buildah that can make and run containers here (${why})`);
    return;
  }
  const run = (args: string[], cwd?: string) => spawnSync('buildah', [...BUILDAH, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, ...(cwd ? { cwd } : {}) });
  const tag = 'localhost/pipeguard-test-runtime:latest';
  const ctx = makeDir({ 'built/node_modules/.keep': '' });
  try {
    // What the build stage leaves in /build: the bundle (its externals load on demand and are not needed to scan
    // for secrets and IaC), package.json and the schemas.
    const bundle = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), join(ctx, 'built/dist/bundle')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(bundle.status, 0, bundle.stderr);
    copyFileSync(join(ROOT, 'package.json'), join(ctx, 'built/package.json'));
    cpSync(join(ROOT, 'schema'), join(ctx, 'built/schema'), { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), runtimeStage(text));
    const b = run(['bud', '--isolation', 'chroot', '--layers=false', '--build-arg', `NODE_IMAGE=${LOCAL_BASE}`, '-t', tag, '.'], ctx);
    assert.equal(b.status, 0, b.stderr.slice(-4000));
    const cfg = JSON.parse(run(['inspect', '--type', 'image', tag]).stdout) as { OCIv1: { config: { User: string; Entrypoint: string[]; WorkingDir: string } } };
    assert.equal(cfg.OCIv1.config.User, '10001:10001');
    assert.deepEqual(cfg.OCIv1.config.Entrypoint, ['node', '/opt/pipeguard/dist/bundle/main.js']);
    assert.equal(cfg.OCIv1.config.WorkingDir, '/src');
    const c = run(['from', tag]).stdout.trim();
    try {
      // A small tree: a planted AWS key and a Dockerfile that runs as root.
      const tree = makeDir({ 'app.js': `const key = "AKIA${'IOSFODNN7EXAMPLQ'}";\n`, 'Dockerfile': 'FROM alpine:3.19\nRUN apk add curl\n' });
      assert.equal(run(['copy', '--chown', '10001:10001', c, tree, '/src']).status, 0);
      const id = run(['run', '--isolation', 'chroot', c, '--', 'id', '-u']);
      assert.equal(id.stdout.trim(), '10001', id.stderr);
      const scan = run(['run', '--isolation', 'chroot', c, '--', 'node', '/opt/pipeguard/dist/bundle/main.js', 'scan', '.', '--scanners', 'secrets,iac', '--offline', '-f', 'json']);
      assert.equal(scan.status, 1, scan.stderr);
      const report = JSON.parse(scan.stdout) as { findings: { ruleId: string; location: { path?: string } }[] };
      const found = report.findings.map((f) => `${f.ruleId} ${f.location.path}`);
      assert.ok(found.includes('aws-access-key-id app.js'), found.join(', '));
      assert.ok(found.some((f) => /^docker-\S+ Dockerfile$/.test(f)), found.join(', '));
      assert.doesNotMatch(scan.stdout, /IOSFODNN7EXAMPLQ/);
    } finally {
      run(['rm', c]);
    }
  } finally {
    run(['rmi', tag]);
    run(['rmi', LOCAL_BASE]);
  }
});
