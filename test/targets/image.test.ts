import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.js';
import type { Limits, TargetFile } from '../../src/core/types.js';
import { DEFAULT_LIMITS } from '../../src/engine/run.js';
import { openImage, type ImageTarget } from '../../src/targets/image/index.js';
import { openTarget } from '../../src/targets/open.js';
import { cli } from '../helpers/cli.js';
import { sha256, tarBytes, writeLayout, type LayoutImage } from '../helpers/oci.js';
import { makeDir } from '../helpers/tmp.js';

const IMAGES = fileURLToPath(new URL('../fixtures/images', import.meta.url));

async function open(path: string, o: { platform?: string; limits?: Partial<Limits>; notes?: string[] } = {}): Promise<ImageTarget> {
  const t = await openImage(path, !/\.tar$/.test(path), {
    limits: { ...DEFAULT_LIMITS, ...o.limits },
    ...(o.platform ? { platform: o.platform } : {}),
    onSkip: (p, m) => o.notes?.push(`${p}: ${m}`),
  });
  assert.ok(t, `${path} opens as an image`);
  return t;
}

async function all(t: ImageTarget, filter = {}): Promise<TargetFile[]> {
  const out: TargetFile[] = [];
  for await (const f of t.files(filter)) out.push(f);
  return out;
}

async function visible(t: ImageTarget): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const f of await all(t, { includeBinary: true, includeLarge: true })) if (!f.origin?.hidden) m.set(f.path, Buffer.from(await f.bytes()).toString('utf8'));
  return m;
}

async function layout(images: LayoutImage[], o: { list?: boolean } = {}): Promise<{ dir: string; written: ReturnType<typeof writeLayout> }> {
  const dir = join(makeDir(), 'img');
  const written = writeLayout(dir, images, o);
  return { dir, written };
}

test('the three formats of one real image (umoci layout, skopeo OCI archive, skopeo docker-archive) give the same file system', async () => {
  const views: Map<string, string>[] = [];
  for (const p of ['debian', 'debian.oci.tar', 'debian.docker.tar']) {
    const t = await open(join(IMAGES, p));
    try {
      assert.equal(t.kind, 'image');
      assert.equal(t.image.platform, 'linux/amd64');
      assert.equal(t.image.layers?.length, 3);
      assert.match(t.image.manifestDigest, /^sha256:[a-f0-9]{64}$/);
      assert.deepEqual(t.image.config?.exposedPorts, ['22/tcp', '8080/tcp']);
      assert.equal(t.image.layers?.[1]?.createdBy, 'COPY app /app && apt-get install python3-six libcommons-lang3-java');
      views.push(await visible(t));
    } finally {
      await t.dispose();
    }
  }
  assert.ok(views[0]!.has('var/lib/dpkg/status'));
  assert.ok(views[0]!.has('app/node_modules/lodash/package.json'));
  assert.ok(!views[0]!.has('app/.env'), 'deleted by the third layer');
  assert.deepEqual([...views[1]!.keys()], [...views[0]!.keys()]);
  assert.deepEqual([...views[2]!.keys()], [...views[0]!.keys()]);
  for (const [k, v] of views[0]!) assert.equal(views[2]!.get(k), v, k);
});

test('a file deleted by a later layer is still yielded, hidden, with the layer and history entry that added it', async () => {
  const t = await open(join(IMAGES, 'debian'));
  try {
    const env = (await all(t)).filter((f) => f.path === 'app/.env');
    assert.equal(env.length, 1);
    assert.equal(env[0]!.origin?.hidden, true);
    assert.equal(env[0]!.origin?.layer, t.image.layers![1]!.digest);
    assert.match(env[0]!.origin?.createdBy ?? '', /^COPY app/);
    // dpkg's status was rewritten by the second layer: the first layer's version is hidden, the second's shown
    const status = (await all(t)).filter((f) => f.path === 'var/lib/dpkg/status');
    assert.deepEqual(status.map((f) => [f.origin?.layer, f.origin?.hidden === true]), [
      [t.image.layers![1]!.digest, false],
      [t.image.layers![0]!.digest, true],
    ]);
  } finally {
    await t.dispose();
  }
});

test('whiteouts and opaque folders hide lower layers only, whatever the order in the layer', async () => {
  const { dir } = await layout([
    {
      layers: [
        [
          { name: 'a/', type: 'dir' },
          { name: 'a/b.txt', content: 'b1' },
          { name: 'a/c.txt', content: 'c1' },
          { name: 'd/x', content: 'x1' },
          { name: 'd/sub/y', content: 'y1' },
          { name: 'keep', content: 'k' },
          { name: 'dir-then-file/inner', content: 'i' },
          { name: 'file-then-dir', content: 'f' },
        ],
        [
          { name: 'a/.wh.b.txt' },
          // same layer: written before the opaque marker, still kept
          { name: 'd/z', content: 'z2' },
          { name: 'd/.wh..wh..opq' },
          { name: './keep', content: 'k2' },
          { name: 'dir-then-file', content: 'now a file' },
          { name: 'file-then-dir/inner', content: 'now a folder' },
          { name: '../escape', content: 'never' },
          { name: '.wh.not-there' },
        ],
      ],
    },
  ]);
  const t = await open(dir);
  try {
    const v = await visible(t);
    assert.deepEqual([...v.keys()].sort(), ['a/c.txt', 'd/z', 'dir-then-file', 'file-then-dir/inner', 'keep']);
    assert.equal(v.get('keep'), 'k2');
    const hidden = (await all(t)).filter((f) => f.origin?.hidden).map((f) => f.path).sort();
    assert.deepEqual(hidden, ['a/b.txt', 'd/sub/y', 'd/x', 'dir-then-file/inner', 'file-then-dir', 'keep']);
  } finally {
    await t.dispose();
  }
});

test('a path written twice in one layer: the later entry wins, the earlier is hidden; hard links share data', async () => {
  const { dir } = await layout([
    {
      gzip: false,
      layers: [
        [
          { name: 'etc/conf', content: 'first' },
          { name: 'etc/conf', content: 'second' },
          { name: 'bin/tool', content: 'program', mode: 0o755 },
          { name: 'bin/alias', type: 'hardlink', linkName: 'bin/tool' },
          { name: 'bin/sym', type: 'symlink', linkName: 'tool' },
        ],
      ],
    },
  ]);
  const t = await open(dir);
  try {
    const v = await visible(t);
    assert.equal(v.get('etc/conf'), 'second');
    assert.equal(v.get('bin/alias'), 'program');
    assert.ok(!v.has('bin/sym'), 'symbolic links are not followed');
    const files = await all(t);
    assert.equal((files.find((f) => f.path === 'bin/tool')?.mode ?? 0) & 0o777, 0o755);
    assert.deepEqual(files.filter((f) => f.origin?.hidden).map((f) => f.path), ['etc/conf']);
  } finally {
    await t.dispose();
  }
});

test('a multi-platform index: linux/amd64 by default, --platform picks another, an absent one is named', async () => {
  const img = (arch: string, variant?: string): LayoutImage => ({
    layers: [[{ name: 'arch', content: arch }]],
    platform: { os: 'linux', architecture: arch, ...(variant ? { variant } : {}) },
  });
  const { dir } = await layout([img('arm64', 'v8'), img('amd64'), img('s390x')], { list: true });
  for (const [platform, want] of [
    [undefined, 'amd64'],
    ['linux/arm64', 'arm64'],
    ['linux/arm64/v8', 'arm64'],
    ['linux/s390x', 's390x'],
  ] as const) {
    const t = await open(dir, platform ? { platform } : {});
    try {
      assert.equal((await visible(t)).get('arch'), want, String(platform));
    } finally {
      await t.dispose();
    }
  }
  await assert.rejects(open(dir, { platform: 'linux/riscv64' }), (e: unknown) => e instanceof InputError && /no linux\/riscv64 image in the index \(it has linux\/arm64\/v8, linux\/amd64, linux\/s390x\)/.test(e.message));
  // Through the CLI: the platform flag is checked, and a bad image is one line and exit 2.
  const r = await cli(['scan', 'img', '--platform', 'arm64', '--scanners', 'secrets'], { cwd: join(dir, '..') });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--platform takes os\/arch/);
});

test('broken images: a missing blob, a wrong digest, a cut-short gzip layer and a corrupt manifest are one clear error', async () => {
  const base: LayoutImage = { layers: [[{ name: 'a.txt', content: 'hello '.repeat(5000) }]] };
  // wrong digest: one byte of the gzip data changed (the stream itself stays readable)
  const flipped = await layout([{ ...base, replaceLayer: (_i, b) => Buffer.concat([b.subarray(0, b.length - 9), Buffer.from([b[b.length - 9]! ^ 1]), b.subarray(b.length - 8)]) }]);
  await assert.rejects(open(flipped.dir), (e: unknown) => e instanceof InputError && /corrupt layer|does not match its digest/.test(e.message));
  const shorter = await layout([{ ...base, replaceLayer: (_i, b) => b.subarray(0, Math.floor(b.length / 2)) }]);
  await assert.rejects(open(shorter.dir), (e: unknown) => e instanceof InputError && /layer sha256:[a-f0-9]{64} is \d+ bytes, the manifest says \d+/.test(e.message));
  // a layer whose own gzip data ends half-way (its descriptor describes the cut bytes)
  const cut = await layout([{ ...base, transformLayer: (_i, b) => b.subarray(0, Math.floor(b.length / 2)) }]);
  await assert.rejects(open(cut.dir), (e: unknown) => e instanceof InputError && /corrupt layer sha256:[a-f0-9]{64}: (corrupt gzip data|unexpected end)/.test(e.message));
  const missing = await layout([base]);
  const layerFile = join(missing.dir, 'blobs', 'sha256', missing.written.layers[0]![0]!.slice(7));
  truncateSync(layerFile, 0);
  await assert.rejects(open(missing.dir), (e: unknown) => e instanceof InputError && /is 0 bytes, the manifest says/.test(e.message));
  const badManifest = await layout([base]);
  writeFileSync(join(badManifest.dir, 'blobs', 'sha256', badManifest.written.manifests[0]!.slice(7)), '{"schemaVersion": 2}');
  await assert.rejects(open(badManifest.dir), (e: unknown) => e instanceof InputError && /manifest sha256:[a-f0-9]{64} does not match its digest/.test(e.message));
  const r = await cli(['scan', 'img', '--scanners', 'secrets'], { cwd: join(cut.dir, '..') });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^pipeguard: img: corrupt layer sha256:/);
});

test('a layer bomb ends that layer with a note, within the budget; the image is still scanned', async () => {
  const { dir } = await layout([{ layers: [[{ name: 'small', content: 'ok' }], [{ name: 'zeros', content: Buffer.alloc(4 << 20) }, { name: 'after', content: 'never read' }]] }]);
  const notes: string[] = [];
  const t = await open(dir, { limits: { maxArchiveExpandedBytes: 1 << 20 }, notes });
  try {
    const v = await visible(t);
    assert.ok(v.has('small'));
    assert.ok(!v.has('after'));
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /(expanded size limit of 1048576|scratch space limit of 4194304) bytes( for decompressed layers)? reached; the rest of the layer was not read/);
  } finally {
    await t.dispose();
  }
});

const hasZstd = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('zstd layers are decompressed (in JavaScript: Node 20 has no zstd), within the budget; a cut-short one is an error', { skip: hasZstd ? false : 'needs zstd (apt-get install zstd)' }, async () => {
  const img: LayoutImage = { zstd: true, layers: [[{ name: 'etc/app.conf', content: 'token = abc\n'.repeat(1000) }], [{ name: 'etc/.wh.app.conf' }, { name: 'big', content: Buffer.alloc(3 << 20) }]] };
  const { dir } = await layout([img]);
  const t = await open(dir);
  try {
    const v = await visible(t);
    assert.deepEqual([...v.keys()], ['big']);
    assert.equal(v.get('big')!.length, 3 << 20);
    assert.equal((await all(t)).filter((f) => f.origin?.hidden).length, 1);
  } finally {
    await t.dispose();
  }
  const notes: string[] = [];
  const small = await open(dir, { limits: { maxArchiveExpandedBytes: 1 << 20 }, notes });
  await small.dispose();
  assert.match(notes.join('\n'), /expanded size limit of 1048576 bytes reached/);
  const cut = await layout([{ ...img, transformLayer: (_i, b) => b.subarray(0, b.length - 20) }]);
  await assert.rejects(open(cut.dir), (e: unknown) => e instanceof InputError && /corrupt layer sha256:[a-f0-9]{64}: (corrupt zstd data|unexpected end)/.test(e.message));
});

test('open: tarballs are told by content, not by name; a plain tar stays an archive', async () => {
  const dir = makeDir();
  cpSync(join(IMAGES, 'debian.docker.tar'), join(dir, 'renamed.bin'));
  writeFileSync(join(dir, 'plain.tar'), tarBytes([{ name: 'manifest.json', content: '[]' }, { name: 'src/app.js', content: 'x' }]));
  const opts = { cwd: dir, gitignore: false, exclude: [], limits: DEFAULT_LIMITS, archives: true, onSkip: () => undefined };
  const img = await openTarget('renamed.bin', opts);
  assert.equal(img.kind, 'image');
  await img.dispose();
  // docker save | gzip
  writeFileSync(join(dir, 'saved.tar.gz'), gzipSync(readFileSync(join(IMAGES, 'debian.docker.tar'))));
  const gz = await openTarget('saved.tar.gz', opts);
  assert.equal(gz.kind, 'image');
  assert.ok((await visible(gz as ImageTarget)).has('var/lib/dpkg/status'));
  await gz.dispose();
  writeFileSync(join(dir, 'cut.tar.gz'), gzipSync(readFileSync(join(IMAGES, 'debian.docker.tar'))).subarray(0, 40_000));
  await assert.rejects(openTarget('cut.tar.gz', opts), (e: unknown) => e instanceof InputError && e.file === 'cut.tar.gz' && /corrupt image tarball: corrupt gzip data/.test(e.message));
  writeFileSync(join(dir, 'app.tgz'), gzipSync(tarBytes([{ name: 'package/package.json', content: '{}' }])));
  assert.equal((await openTarget('app.tgz', opts)).kind, 'archive');
  const plain = await openTarget('plain.tar', opts);
  assert.equal(plain.kind, 'archive');
  // a folder is an image when it is an OCI layout (told without the image code: targets/image/layout.ts), else a folder
  const { dir: oci } = await layout([{ layers: [[{ name: 'etc/os-release', content: 'ID=alpine\n' }]], platform: { os: 'linux', architecture: 'amd64' } }]);
  const folder = await openTarget(oci, opts);
  assert.equal(folder.kind, 'image');
  assert.ok((await visible(folder as ImageTarget)).has('etc/os-release'));
  await folder.dispose();
  assert.equal((await openTarget('.', opts)).kind, 'directory');
});

test('jars and other archives inside an image are opened; their members carry the layer', async () => {
  const t = await open(join(IMAGES, 'debian.oci.tar'));
  try {
    const pom = (await all(t)).find((f) => f.path.endsWith('!META-INF/maven/org.apache.commons/commons-lang3/pom.properties'));
    assert.ok(pom);
    assert.equal(pom.path, 'usr/share/java/commons-lang3.jar!META-INF/maven/org.apache.commons/commons-lang3/pom.properties');
    assert.equal(pom.origin?.layer, t.image.layers![1]!.digest);
    assert.deepEqual(pom.origin?.archive, ['usr/share/java/commons-lang3.jar']);
  } finally {
    await t.dispose();
  }
});

test('a legacy docker save tarball checks each layer against its diff id', async () => {
  const dir = makeDir();
  const tar = readFileSync(join(IMAGES, 'debian.docker.tar'));
  // Change one byte inside the last member's data: a layer no longer matches the config's diff id.
  const at = tar.lastIndexOf(Buffer.from('GITHUB_TOKEN'));
  const t2 = Buffer.from(tar);
  if (at > 0) t2[at] = 'X'.charCodeAt(0);
  writeFileSync(join(dir, 'img.tar'), at > 0 ? t2 : tar);
  assert.ok(at > 0, 'the fixture holds the .env layer uncompressed');
  await assert.rejects(open(join(dir, 'img.tar')), (e: unknown) => e instanceof InputError && /layer sha256:[a-f0-9]{64} does not match its digest/.test(e.message));
  assert.match(sha256('x'), /^sha256:/);
});
