/**
 * Hand-made OCI image layouts for edge cases the real images do not have (whiteouts in odd orders, duplicate paths,
 * cut-short layers, several platforms): a ustar writer and a layout writer that hashes every blob.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One member of a hand-made layer. */
export interface TarMember {
  name: string;
  type?: 'file' | 'dir' | 'hardlink' | 'symlink';
  content?: string | Buffer;
  mode?: number;
  linkName?: string;
}

function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\0';
}

/** A ustar archive of `members` (names up to 100 bytes), ended by two zero blocks. */
export function tarBytes(members: TarMember[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.type === undefined || m.type === 'file' ? Buffer.from(m.content ?? '') : Buffer.alloc(0);
    const h = Buffer.alloc(512);
    h.write(m.name, 0, 100, 'utf8');
    h.write(octal(m.mode ?? (m.type === 'dir' ? 0o755 : 0o644), 8), 100, 'latin1');
    h.write(octal(0, 8), 108, 'latin1');
    h.write(octal(0, 8), 116, 'latin1');
    h.write(octal(data.length, 12), 124, 'latin1');
    h.write(octal(1767225600, 12), 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write(m.type === 'dir' ? '5' : m.type === 'hardlink' ? '1' : m.type === 'symlink' ? '2' : '0', 156, 'latin1');
    if (m.linkName) h.write(m.linkName, 157, 100, 'utf8');
    h.write('ustar\0', 257, 'latin1');
    h.write('00', 263, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(octal(sum, 7) + ' ', 148, 'latin1');
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** `sha256:<hex>` of bytes. */
export function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/** One image of a hand-made layout. */
export interface LayoutImage {
  /** Layer contents, lowest first; gzip-compressed unless `gzip` is false. */
  layers: TarMember[][];
  /** Layer compression (default gzip); zstd through the `zstd` command. */
  gzip?: boolean;
  zstd?: boolean;
  config?: Record<string, unknown>;
  platform?: { os: string; architecture: string; variant?: string };
  tag?: string;
  /** Bytes to store in place of a layer's real blob (it keeps the real digest): a corrupt or cut-short layer. */
  replaceLayer?: (index: number, blob: Buffer) => Buffer | undefined;
  /** Changes a layer's blob before it is hashed (descriptors match it): a layer whose data is itself broken. */
  transformLayer?: (index: number, blob: Buffer) => Buffer;
}

/** What {@link writeLayout} wrote. */
export interface WrittenLayout {
  manifests: string[];
  layers: string[][];
  configs: string[];
  index?: string;
}

function put(dir: string, bytes: Buffer): string {
  const d = sha256(bytes);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), bytes);
  return d;
}

/**
 * Writes an OCI image layout holding `images`. With `list`, index.json points to one image index (a manifest list)
 * naming every image with its platform; otherwise index.json names each manifest directly.
 */
export function writeLayout(dir: string, images: LayoutImage[], o: { list?: boolean } = {}): WrittenLayout {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const out: WrittenLayout = { manifests: [], layers: [], configs: [] };
  const descs: Record<string, unknown>[] = [];
  for (const img of images) {
    const gz = img.gzip !== false;
    const layerDescs = img.layers.map((members, i) => {
      const raw = tarBytes(members);
      const packed = img.zstd ? execFileSync('zstd', ['-q', '-c', '-3'], { input: raw, maxBuffer: 1 << 30 }) : gz ? gzipSync(raw) : raw;
      const blob = img.transformLayer ? img.transformLayer(i, packed) : packed;
      const digest = sha256(blob);
      const stored = img.replaceLayer?.(i, blob) ?? blob;
      mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
      writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), stored);
      return { mediaType: `application/vnd.oci.image.layer.v1.tar${img.zstd ? '+zstd' : gz ? '+gzip' : ''}`, digest, size: blob.length, diffId: sha256(raw) };
    });
    const platform = img.platform ?? { os: 'linux', architecture: 'amd64' };
    const config = {
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: {},
      rootfs: { type: 'layers', diff_ids: layerDescs.map((l) => l.diffId) },
      history: layerDescs.map((_, i) => ({ created_by: `layer ${i + 1}` })),
      ...img.config,
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDigest = put(dir, configBytes);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
        layers: layerDescs.map(({ diffId: _d, ...l }) => l),
      }),
    );
    const md = put(dir, manifest);
    out.manifests.push(md);
    out.layers.push(layerDescs.map((l) => l.digest));
    out.configs.push(configDigest);
    descs.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: md,
      size: manifest.length,
      ...(o.list || img.platform ? { platform } : {}),
      ...(img.tag ? { annotations: { 'org.opencontainers.image.ref.name': img.tag } } : {}),
    });
  }
  if (o.list) {
    const idx = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descs }));
    const d = put(dir, idx);
    out.index = d;
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: d, size: idx.length }] }));
  } else {
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: descs }));
  }
  return out;
}
