/**
 * From an image store to one image: the index (or `docker save` manifest.json) is read, nested indexes are
 * followed, one manifest is picked by platform, and its config and layer list are read. Every blob named by a
 * digest is checked against it; a missing blob or a wrong digest is an {@link InputError} naming it.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import type { ImageConfig, ImageLayer } from '../../core/types.js';
import { blobPath, isDigest, readRange, type BlobRange, type ImageStore } from './source.js';

/** Manifests, indexes and configs are small: anything larger is refused. */
const MAX_JSON = 32 * 1024 * 1024;

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** One image picked out of a store: what the target needs to read its layers. */
export interface ResolvedImage {
  manifestDigest: string;
  configDigest: string;
  platform?: string;
  tags: string[];
  config: ImageConfig;
  /** The layers, lowest first, with where each blob is. */
  layers: (ImageLayer & { blob: BlobRange })[];
  /** True for a legacy `docker save` tarball: layers are checked against the config's diff ids. */
  legacy: boolean;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function sha(alg: string, bytes: Uint8Array): string {
  return `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
}

function parseJson(bytes: Buffer, what: string, file: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new InputError(`${what} is not valid JSON (${(e as Error).message})`, file);
  }
}

/** A blob by digest: present, of the declared size, with the right digest. */
function readBlobJson(store: ImageStore, d: Descriptor, what: string): { json: unknown; bytes: Buffer } {
  if (!isDigest(d.digest)) throw new InputError(`${what} has a malformed digest ${JSON.stringify(String(d.digest).slice(0, 80))}`, store.path);
  const r = store.member(blobPath(d.digest));
  if (!r) throw new InputError(`${what} ${d.digest} is missing (no ${blobPath(d.digest)})`, store.path);
  const bytes = readRange(r, MAX_JSON, what, store.path);
  const got = sha(d.digest.slice(0, d.digest.indexOf(':')), bytes);
  if (got !== d.digest) throw new InputError(`${what} ${d.digest} does not match its digest (content hashes to ${got})`, store.path);
  if (typeof d.size === 'number' && d.size !== bytes.length) throw new InputError(`${what} ${d.digest} is ${bytes.length} bytes, its descriptor says ${d.size}`, store.path);
  return { json: parseJson(bytes, `${what} ${d.digest}`, store.path), bytes };
}

function descriptor(v: unknown): Descriptor {
  const o = obj(v);
  const p = obj(o.platform);
  return {
    digest: String(o.digest ?? ''),
    ...(typeof o.mediaType === 'string' ? { mediaType: o.mediaType } : {}),
    ...(typeof o.size === 'number' ? { size: o.size } : {}),
    ...(o.platform ? { platform: { ...(typeof p.os === 'string' ? { os: p.os } : {}), ...(typeof p.architecture === 'string' ? { architecture: p.architecture } : {}), ...(typeof p.variant === 'string' ? { variant: p.variant } : {}) } } : {}),
    ...(o.annotations ? { annotations: Object.fromEntries(Object.entries(obj(o.annotations)).filter(([, x]) => typeof x === 'string')) as Record<string, string> } : {}),
  };
}

/** `linux/arm64/v8` from its parts. */
function platformText(p: { os?: string; architecture?: string; variant?: string } | undefined): string | undefined {
  if (!p?.os || !p.architecture) return undefined;
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** True when a platform (`linux/arm64/v8`) satisfies the one asked for (`linux/arm64`: any variant). */
export function platformMatches(have: string, want: string): boolean {
  const [ho, ha, hv] = have.split('/');
  const [wo, wa, wv] = want.split('/');
  return ho === wo && ha === wa && (wv === undefined || wv === hv || (hv === undefined && ((wa === 'arm64' && wv === 'v8') || (wa === 'amd64' && wv === 'v1'))));
}

/** The image configuration in the shape checks read. */
export function imageConfigOf(json: unknown): ImageConfig {
  const c = obj(json);
  const cfg = obj(c.config);
  const hc = obj(cfg.Healthcheck);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(cfg.Labels))) if (typeof v === 'string') labels[k] = v;
  const entrypoint = strings(cfg.Entrypoint);
  const cmd = strings(cfg.Cmd);
  const health = strings(hc.Test);
  return {
    ...(typeof c.os === 'string' ? { os: c.os } : {}),
    ...(typeof c.architecture === 'string' ? { architecture: c.architecture } : {}),
    ...(typeof c.variant === 'string' ? { variant: c.variant } : {}),
    ...(typeof cfg.User === 'string' ? { user: cfg.User } : {}),
    env: strings(cfg.Env) ?? [],
    exposedPorts: Object.keys(obj(cfg.ExposedPorts)).sort(),
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd ? { cmd } : {}),
    ...(typeof cfg.WorkingDir === 'string' && cfg.WorkingDir ? { workingDir: cfg.WorkingDir } : {}),
    labels,
    ...(health ? { healthcheck: health } : {}),
    history: (Array.isArray(c.history) ? c.history : []).map((h) => {
      const o = obj(h);
      return {
        ...(typeof o.created_by === 'string' ? { createdBy: o.created_by } : {}),
        ...(typeof o.created === 'string' ? { created: o.created } : {}),
        ...(typeof o.comment === 'string' ? { comment: o.comment } : {}),
        emptyLayer: o.empty_layer === true,
      };
    }),
  };
}

/** The history entries that made layers (those not marked `empty_layer`), in order, when they line up. */
function layerHistory(config: ImageConfig, layers: number): (string | undefined)[] {
  const made = config.history.filter((h) => !h.emptyLayer);
  if (made.length !== layers) return new Array<string | undefined>(layers).fill(undefined);
  return made.map((h) => h.createdBy);
}

interface Candidate {
  desc: Descriptor;
  platform?: string;
  tags: string[];
}

/** Follows an index down to its manifests (nested indexes up to a small depth); attestation manifests are left out. */
function leafManifests(store: ImageStore, index: unknown, depth: number, tags: string[]): Candidate[] {
  const out: Candidate[] = [];
  for (const m of Array.isArray(obj(index).manifests) ? (obj(index).manifests as unknown[]) : []) {
    const d = descriptor(m);
    const name = d.annotations?.['org.opencontainers.image.ref.name'] ?? d.annotations?.['io.containerd.image.name'];
    const own = name ? [...tags, name] : tags;
    if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (d.mediaType && INDEX_TYPES.has(d.mediaType)) {
      if (depth >= 4) throw new InputError('image indexes nested more than 4 deep', store.path);
      out.push(...leafManifests(store, readBlobJson(store, d, 'index').json, depth + 1, own));
      continue;
    }
    const platform = platformText(d.platform);
    if (platform === 'unknown/unknown') continue;
    out.push({ desc: d, ...(platform ? { platform } : {}), tags: own });
  }
  return out;
}

/** Picks one image out of a store for `platform` (default `linux/amd64`, used only when there is a choice). */
export function resolveImage(store: ImageStore, platform: string | undefined): ResolvedImage {
  const indexRange = store.member('index.json');
  if (indexRange && store.member('oci-layout')) {
    const index = parseJson(readRange(indexRange, MAX_JSON, 'index', store.path), 'index.json', store.path);
    return fromCandidates(store, leafManifests(store, index, 0, []), platform);
  }
  if (store.member('manifest.json')) return fromDockerManifest(store, platform);
  throw new InputError('not an image: no index.json or manifest.json', store.path);
}

function fromCandidates(store: ImageStore, all: Candidate[], platform: string | undefined): ResolvedImage {
  // Merge entries naming the same manifest (several tags on one image).
  const byDigest = new Map<string, Candidate>();
  for (const c of all) {
    const prev = byDigest.get(c.desc.digest);
    if (prev) prev.tags.push(...c.tags.filter((t) => !prev.tags.includes(t)));
    else byDigest.set(c.desc.digest, { ...c, tags: [...c.tags] });
  }
  let cands = [...byDigest.values()];
  if (cands.length === 0) throw new InputError('the image index lists no image manifest', store.path);
  if (cands.length > 1 || platform) {
    // Platforms the index does not state are read from each image's config.
    const loaded = cands.map((c) => (c.platform ? c : { ...c, ...withPlatform(store, c) }));
    const want = platform ?? 'linux/amd64';
    const hits = loaded.filter((c) => c.platform !== undefined && platformMatches(c.platform, want));
    if (hits.length === 0) {
      const have = [...new Set(loaded.map((c) => c.platform ?? 'unknown'))].join(', ');
      throw new InputError(`no ${want} image in the index (it has ${have})${platform ? '' : ': pick one with --platform'}`, store.path);
    }
    if (hits.length > 1) {
      const names = hits.map((c) => c.tags[0] ?? c.desc.digest.slice(0, 19)).join(', ');
      throw new InputError(`the index holds ${hits.length} ${want} images (${names}); keep one per file (e.g. skopeo copy oci:DIR:TAG)`, store.path);
    }
    cands = hits;
  }
  return fromManifest(store, cands[0]!);
}

function withPlatform(store: ImageStore, c: Candidate): { platform?: string } {
  const m = obj(readBlobJson(store, c.desc, 'manifest').json);
  const cfg = obj(readBlobJson(store, descriptor(m.config), 'config').json);
  const p = platformText({ os: cfg.os as string, architecture: cfg.architecture as string, ...(typeof cfg.variant === 'string' ? { variant: cfg.variant } : {}) });
  return p ? { platform: p } : {};
}

function fromManifest(store: ImageStore, c: Candidate): ResolvedImage {
  const m = obj(readBlobJson(store, c.desc, 'manifest').json);
  if (m.mediaType && INDEX_TYPES.has(String(m.mediaType))) throw new InputError(`manifest ${c.desc.digest} is an index`, store.path);
  if (!Array.isArray(m.layers)) throw new InputError(`manifest ${c.desc.digest} lists no layers`, store.path);
  const configDesc = descriptor(m.config);
  const configJson = readBlobJson(store, configDesc, 'config').json;
  const config = imageConfigOf(configJson);
  const layerDescs = (m.layers as unknown[]).map(descriptor);
  const history = layerHistory(config, layerDescs.length);
  const diffIds = strings(obj(obj(configJson).rootfs).diff_ids) ?? [];
  const layers = layerDescs.map((d, index) => {
    if (!isDigest(d.digest)) throw new InputError(`layer ${index + 1} has a malformed digest`, store.path);
    const blob = store.member(blobPath(d.digest));
    if (!blob) throw new InputError(`layer ${d.digest} is missing (no ${blobPath(d.digest)})`, store.path);
    if (typeof d.size === 'number' && d.size !== blob.size) throw new InputError(`layer ${d.digest} is ${blob.size} bytes, the manifest says ${d.size}`, store.path);
    return {
      index,
      digest: d.digest,
      ...(diffIds[index] ? { diffId: diffIds[index] } : {}),
      mediaType: d.mediaType ?? 'application/vnd.oci.image.layer.v1.tar',
      size: blob.size,
      ...(history[index] ? { createdBy: history[index] } : {}),
      blob,
    };
  });
  const platform = c.platform ?? platformText({ ...(config.os ? { os: config.os } : {}), ...(config.architecture ? { architecture: config.architecture } : {}), ...(config.variant ? { variant: config.variant } : {}) });
  return { manifestDigest: c.desc.digest, configDigest: configDesc.digest, ...(platform ? { platform } : {}), tags: c.tags, config, layers, legacy: false };
}

/** A `docker save` tarball read through its manifest.json (no OCI index): layers are checked by diff id. */
function fromDockerManifest(store: ImageStore, platform: string | undefined): ResolvedImage {
  const list = parseJson(readRange(store.member('manifest.json')!, MAX_JSON, 'manifest.json', store.path), 'manifest.json', store.path);
  if (!Array.isArray(list) || list.length === 0) throw new InputError('manifest.json lists no image', store.path);
  if (list.length > 1) {
    const tags = list.map((e) => (strings(obj(e).RepoTags) ?? [])[0] ?? '?').join(', ');
    throw new InputError(`the tarball holds ${list.length} images (${tags}); save one image per file`, store.path);
  }
  const e = obj(list[0]);
  const configPath = String(e.Config ?? '');
  const cr = store.member(configPath);
  if (!cr) throw new InputError(`config ${configPath} named by manifest.json is missing`, store.path);
  const configBytes = readRange(cr, MAX_JSON, 'config', store.path);
  const configDigest = sha('sha256', configBytes);
  // The config's file name is its digest in every docker save format: check it.
  const named = /([a-f0-9]{64})(\.json)?$/.exec(configPath)?.[1];
  if (named && `sha256:${named}` !== configDigest) throw new InputError(`config ${configPath} does not match its digest (content hashes to ${configDigest})`, store.path);
  const configJson = parseJson(configBytes, `config ${configPath}`, store.path);
  const config = imageConfigOf(configJson);
  const cplat = platformText({ ...(config.os ? { os: config.os } : {}), ...(config.architecture ? { architecture: config.architecture } : {}), ...(config.variant ? { variant: config.variant } : {}) });
  if (platform && cplat && !platformMatches(cplat, platform)) throw new InputError(`the image is ${cplat}, not ${platform}`, store.path);
  const paths = strings(e.Layers) ?? [];
  const diffIds = strings(obj(obj(configJson).rootfs).diff_ids) ?? [];
  const history = layerHistory(config, paths.length);
  const layers = paths.map((p, index) => {
    const blob = store.member(p);
    if (!blob) throw new InputError(`layer ${p} named by manifest.json is missing`, store.path);
    const fromName = /blobs\/(sha256)\/([a-f0-9]{64})$/.exec(p);
    // Unnamed and unlisted (no diff id): the digest is the content's, worked out when the layer is read.
    const digest = fromName ? `${fromName[1]}:${fromName[2]}` : (diffIds[index] ?? '');
    return {
      index,
      digest,
      ...(diffIds[index] ? { diffId: diffIds[index] } : {}),
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
      size: blob.size,
      ...(history[index] ? { createdBy: history[index] } : {}),
      blob,
    };
  });
  return { manifestDigest: configDigest, configDigest, ...(cplat ? { platform: cplat } : {}), tags: strings(e.RepoTags) ?? [], config, layers, legacy: true };
}
