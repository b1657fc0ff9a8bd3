import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../../src/config/schema.js';
import type { ImageConfig, ImageLocation, ImageSource, RawFinding, Target } from '../../../src/core/types.js';
import { DEFAULT_LIMITS, runScan, standaloneContext } from '../../../src/engine/run.js';
import { imageScanner, runsAsRoot } from '../../../src/scanners/image/index.js';
import { imageConfigSchema } from '../../../src/scanners/image/config.js';
import { openImage } from '../../../src/targets/image/index.js';
import { imageConfigOf } from '../../../src/targets/image/manifest.js';
import { memoryFile } from '../../../src/targets/file.js';
import { cli } from '../../helpers/cli.js';
import { makeDir } from '../../helpers/tmp.js';
import { cpSync, writeFileSync } from 'node:fs';

const IMAGES = fileURLToPath(new URL('../../fixtures/images', import.meta.url));
// Test tokens in the shape of the secrets rules (not real credentials).
const AWS_KEY = 'AKIA' + 'Z7Q3J5K2M4N4P6R2';
const GH_TOKEN = 'ghp_' + 'R8n2Kq4Lm7Xv1Zp9Tb3Wc6Yd5Hf0Js2Ag8Ek';

function config(over: Partial<ImageConfig>): ImageConfig {
  return { env: [], exposedPorts: [], labels: {}, history: [], ...over };
}

/** A target offering only an image (and an os-release file when given). */
function target(cfg: ImageConfig, osRelease?: string): Target {
  const image: ImageSource = { reference: 'registry.test/shop/api:1', manifestDigest: `sha256:${'a'.repeat(64)}`, config: cfg, layers: [{ index: 0, digest: `sha256:${'b'.repeat(64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 1 }] };
  return {
    kind: 'image',
    id: 'api.tar',
    image,
    ...(osRelease !== undefined
      ? {
          async *files(filter = {}) {
            const f = memoryFile('etc/os-release', Buffer.from(osRelease), { origin: { layer: image.layers![0]!.digest, createdBy: 'ADD rootfs /' } });
            if (!filter.path || filter.path(f.path)) yield f;
          },
        }
      : {}),
    async dispose() {},
  };
}

async function run(cfg: ImageConfig, o: { osRelease?: string; asOf?: string; showSecrets?: boolean } = {}): Promise<RawFinding[]> {
  const root = configSchema.parse({});
  const section = imageConfigSchema.parse({ ...(o.asOf ? { asOf: o.asOf } : {}) });
  const t = target(cfg, o.osRelease);
  const ctx = standaloneContext(t, section, root, { options: { showSecrets: o.showSecrets === true } });
  const out: RawFinding[] = [];
  for await (const f of imageScanner.scan(t, ctx)) out.push(f);
  return out;
}

const ids = (fs: RawFinding[]) => fs.map((f) => f.ruleId).sort();

test('runs as root: no user, root, uid 0 (with or without group) are root; a name or a non-zero uid is not', () => {
  for (const u of [undefined, '', 'root', '0', '0:0', 'root:root', ' 0 ']) assert.ok(runsAsRoot(u), String(u));
  for (const u of ['1000', 'app', 'nobody', '65532:65532', '10001:0', 'rooty']) assert.ok(!runsAsRoot(u), u);
});

test('health check: none, or HEALTHCHECK NONE, is reported; a CMD check is not', async () => {
  const base = { user: 'app' };
  assert.deepEqual(ids(await run(config(base))), ['image-no-healthcheck']);
  assert.deepEqual(ids(await run(config({ ...base, healthcheck: ['NONE'] }))), ['image-no-healthcheck']);
  assert.deepEqual(ids(await run(config({ ...base, healthcheck: ['CMD', 'curl', '-f', 'http://localhost/'] }))), []);
});

test('secrets in ENV, labels and history are found by the secrets rules and never printed whole; look-alikes are not', async () => {
  const ok = { user: 'app', healthcheck: ['CMD', 'true'] };
  const found = await run(
    config({
      ...ok,
      env: ['PATH=/usr/local/bin:/usr/bin', `AWS_ACCESS_KEY_ID=${AWS_KEY}`, 'NODE_ENV=production', 'PASSWORD_FILE=/run/secrets/db'],
      labels: { 'org.opencontainers.image.source': 'https://example.test/shop', 'ci.token': GH_TOKEN, 'maintainer': 'ops@example.test' },
      history: [
        { createdBy: 'ADD rootfs /', emptyLayer: false },
        { createdBy: `/bin/sh -c git clone https://x-access-token:${GH_TOKEN}@github.com/o/r.git`, emptyLayer: false },
        { createdBy: 'ENV NODE_ENV=production', emptyLayer: true },
      ],
    }),
  );
  assert.deepEqual([...new Set(ids(found))], ['image-secret-in-env', 'image-secret-in-history', 'image-secret-in-label']);
  assert.equal(found.filter((f) => f.ruleId === 'image-secret-in-env').length, 1, 'PATH, NODE_ENV and PASSWORD_FILE are not secrets');
  assert.equal(found.filter((f) => f.ruleId === 'image-secret-in-label').length, 1, 'a URL and an e-mail are not secrets');
  const text = JSON.stringify(found);
  assert.ok(!text.includes(AWS_KEY) && !text.includes(GH_TOKEN), 'no secret whole in any field');
  const hist = found.find((f) => f.ruleId === 'image-secret-in-history')!;
  const loc = hist.location as ImageLocation;
  assert.equal(loc.kind, 'image');
  assert.equal(loc.path, 'config');
  assert.equal(loc.layer, undefined, 'the second history entry made a layer the fake image does not list');
  assert.match(loc.createdBy ?? '', /\*{8}/);
  const env = found.find((f) => f.ruleId === 'image-secret-in-env')!;
  assert.match(env.message, /^ENV AWS_ACCESS_KEY_ID holds a secret/);
  // the same ENV seen again has the same identity (fingerprint) whatever else changes
  const again = await run(config({ ...ok, env: [`AWS_ACCESS_KEY_ID=${AWS_KEY}`] }));
  assert.equal(again[0]!.identity, env.identity);
});

test('base distribution end of life: past extended support is high, past regular support medium, near the end low, else nothing', async () => {
  const ok = { user: 'app', healthcheck: ['CMD', 'true'] };
  const eol = async (os: string, asOf: string) => (await run(config(ok), { osRelease: os, asOf })).map((f) => `${f.severity} ${(f.data as { cycle: string }).cycle}`);
  assert.deepEqual(await eol('ID=debian\nVERSION_ID="10"\n', '2026-12-06'), ['high 10']);
  assert.deepEqual(await eol('ID=debian\nVERSION_ID="12"\n', '2026-12-06'), ['medium 12']);
  assert.deepEqual(await eol('ID=alpine\nVERSION_ID=3.22.1\n', '2027-03-01'), ['low 3.22']);
  assert.deepEqual(await eol('ID=alpine\nVERSION_ID=3.22.1\n', '2026-12-06'), []);
  assert.deepEqual(await eol('ID=rocky\nVERSION_ID="9.3"\n', '2026-12-06'), []);
  assert.deepEqual(await eol('ID=ubuntu\nVERSION_ID="18.04"\n', '2026-12-06'), ['medium 18.04']);
  assert.deepEqual(await eol('ID=fedora\nVERSION_ID=39\n', '2026-12-06'), [], 'no data: no finding');
  const [f] = await run(config(ok), { osRelease: 'ID=debian\nVERSION_ID="10"\nPRETTY_NAME="Debian GNU/Linux 10 (buster)"\n', asOf: '2026-12-06' });
  assert.match(f!.message, /^Debian GNU\/Linux 10 \(buster\) reached end of life on 2024-06-30 .*\(end-of-life data of \d{4}-\d{2}-\d{2}\)$/);
  assert.deepEqual(f!.location, { kind: 'image', image: 'registry.test/shop/api:1', path: 'etc/os-release', layer: `sha256:${'b'.repeat(64)}`, createdBy: 'ADD rootfs /' });
});

test('every rule\'s own examples: each positive is flagged by that rule, each look-alike is not', async () => {
  const rules = imageScanner.rules(imageConfigSchema.parse({}));
  for (const r of rules) {
    assert.ok(r.examples?.positive.length && r.examples.negative.length, r.id);
    for (const [kind, list] of [['positive', r.examples.positive], ['negative', r.examples.negative]] as const) {
      for (const text of list) {
        const ex = JSON.parse(text) as { config?: unknown; history?: unknown[]; osRelease?: string; asOf?: string };
        const found = await run(imageConfigOf({ config: ex.config, history: ex.history ?? [] }), { ...(ex.osRelease ? { osRelease: ex.osRelease } : {}), ...(ex.asOf ? { asOf: ex.asOf } : {}) });
        assert.equal(found.some((f) => f.ruleId === r.id), kind === 'positive', `${r.id} ${kind}: ${text}`);
      }
    }
  }
});

test('on the real fixture images, through the engine: only image targets run it', async () => {
  const t = (await openImage(join(IMAGES, 'alpine'), true, { limits: DEFAULT_LIMITS }))!;
  try {
    const r = await runScan({ target: t, config: configSchema.parse({ scanners: { image: { asOf: '2026-12-06' } } }), scanners: ['image'] });
    assert.deepEqual(r.findings.map((f) => f.ruleId).sort(), ['image-base-eol', 'image-no-healthcheck']);
    assert.equal(r.findings.find((f) => f.ruleId === 'image-base-eol')?.severity, 'high');
  } finally {
    await t.dispose();
  }
  const dir = makeDir({ 'a.txt': 'x' });
  const r = await runScan({ target: { kind: 'directory', id: dir, async *files() {}, async dispose() {} }, scanners: ['image'] });
  assert.equal(r.statuses[0]?.status, 'skipped');
  assert.match(r.statuses[0]?.reason ?? '', /needs image/);
});

test('the CLI scans an image tarball: image findings as image locations, the exposure policy gets its ports, exit 1 on the gate', async () => {
  const dir = makeDir();
  cpSync(join(IMAGES, 'debian.docker.tar'), join(dir, 'shop.tar'));
  writeFileSync(join(dir, 'pipeguard.yml'), 'scanners:\n  image:\n    asOf: "2026-12-06"\n  exposure:\n    services:\n      debian-test:\n        internal: [8080]\n');
  const r = await cli(['scan', 'shop.tar', '--scanners', 'image,exposure,secrets', '--format', 'json', '--fail-on', 'medium'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { findings: { ruleId: string; location: Record<string, unknown>; origin?: Record<string, unknown> }[] };
  const rules = report.findings.map((f) => f.ruleId).sort();
  assert.deepEqual(rules, ['exposure-undeclared-port', 'github-pat', 'image-base-eol', 'image-no-healthcheck', 'image-runs-as-root']);
  const port = report.findings.find((f) => f.ruleId === 'exposure-undeclared-port')!;
  assert.deepEqual(port.location, { kind: 'image', image: 'docker.io/pipeguard/debian-test:1', path: 'config' });
  const secret = report.findings.find((f) => f.ruleId === 'github-pat')!;
  assert.equal(secret.location.path, 'app/.env');
  assert.equal(secret.origin?.hidden, true);
  assert.match(String(secret.origin?.createdBy), /^COPY app/);
  assert.ok(!r.stdout.includes(GH_TOKEN));
});
