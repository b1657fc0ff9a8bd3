/**
 * Patch level: direct npm dependencies behind the newest patch or minor release of their line (versions from
 * the npm registry, cached on disk), and runtimes or base images past (or near) their end of life (the dated
 * end-of-life data in the package). The scanner reports them in the gate; `pipeguard outdated` lists them.
 */
import { collectInventory } from '../../analyzers/inventory/inventory.js';
import { eolCycle, judgeEol, EOL_UPDATED } from '../../data/eol.js';
import { toRuleMeta } from '../../core/rules.js';
import { targetFiles, type Location, type RawFinding, type Scanner, type ScanContext, type Severity, type Target } from '../../core/types.js';
import type { PatchLevelConfig } from './config.js';
import { defaultRegistryCache, packageVersions, type RegistryOptions } from './registry.js';
import { PATCH_LEVEL_RULES } from './rules.js';
import { dockerfileRuntimes, enginesRuntime, PRODUCT_NAMES, versionFileRuntime, type RuntimeUse } from './runtimes.js';
import { lineStatus } from './versions.js';

export type { PatchLevelConfig } from './config.js';
export { resolvePatchLevelPaths } from './paths.js';
export { EOL_DATA_DATE } from './runtimes.js';

/** A direct dependency and where it stands. */
export interface DependencyStatus {
  name: string;
  installed: string;
  /** The lockfile that pins it. */
  path: string;
  line?: number;
  dev: boolean;
  patch?: string;
  minor?: string;
  latest?: string;
}

/** A runtime or base image and its end-of-life standing. */
export interface RuntimeStatus extends RuntimeUse {
  cycle: string;
  eol: string;
  extended?: string;
  severity?: 'high' | 'medium' | 'low';
  message?: string;
}

/** Everything patch level found; `notes` are packages the registry could not answer for. */
export interface PatchLevelResult {
  dependencies: DependencyStatus[];
  runtimes: RuntimeStatus[];
  notes: { path: string; message: string }[];
  eolData: string;
}

/** Options beyond the config section. */
export interface PatchLevelOptions {
  env: Record<string, string | undefined>;
  now: () => Date;
  signal?: AbortSignal;
  /** Forces offline (cache only). */
  offline?: boolean;
}

const isRuntimeFile = (p: string): boolean => /(^|\/)(\.nvmrc|\.node-version|\.python-version|package\.json|[^/]*Dockerfile[^/]*|Containerfile)$/.test(p) && !p.includes('node_modules/');

async function runtimeUses(target: Target): Promise<RuntimeUse[]> {
  const out: RuntimeUse[] = [];
  const env = target.image?.config?.env ?? [];
  for (const e of env) {
    const m = /^(NODE|PYTHON)_VERSION=v?(\d+(?:\.\d+)*)/.exec(e);
    if (m) out.push({ product: m[1] === 'NODE' ? 'nodejs' : 'python', version: m[2]!, path: 'config', source: `ENV ${e}` });
  }
  if (target.image) return out;
  for await (const f of targetFiles(target, { path: isRuntimeFile })) {
    const name = f.path.split('/').pop()!;
    const text = await f.text();
    if (name === '.nvmrc' || name === '.node-version') out.push(...[versionFileRuntime(text, f.path, 'nodejs')].filter((x): x is RuntimeUse => !!x));
    else if (name === '.python-version') out.push(...[versionFileRuntime(text, f.path, 'python')].filter((x): x is RuntimeUse => !!x));
    else if (name === 'package.json') out.push(...[enginesRuntime(text, f.path)].filter((x): x is RuntimeUse => !!x));
    else out.push(...dockerfileRuntimes(text, f.path));
  }
  return out;
}

/** Checks a target's direct npm dependencies and declared runtimes. */
export async function checkPatchLevel(target: Target, cfg: PatchLevelConfig, o: PatchLevelOptions): Promise<PatchLevelResult> {
  const notes: PatchLevelResult['notes'] = [];
  const today = cfg.asOf ?? o.now().toISOString().slice(0, 10);
  const runtimes: RuntimeStatus[] = [];
  for (const use of await runtimeUses(target)) {
    const cycle = eolCycle(use.product, use.version);
    if (!cycle) continue;
    const judged = judgeEol(cycle, today, cfg.eolWarnDays, `${PRODUCT_NAMES[use.product] ?? use.product} ${cycle.cycle}`);
    runtimes.push({ ...use, cycle: cycle.cycle, eol: cycle.eol, ...(cycle.extended ? { extended: cycle.extended } : {}), ...(judged ? { severity: judged.severity, message: judged.message } : {}) });
  }
  const dependencies: DependencyStatus[] = [];
  if (!target.image) {
    const { lockfiles, errors } = await collectInventory(target, o.signal);
    for (const e of errors) notes.push({ path: e.path, message: e.line ? `line ${e.line}: ${e.message}` : e.message });
    const wanted = new Map<string, DependencyStatus[]>();
    for (const lock of lockfiles) {
      if (lock.ecosystem !== 'npm' || lock.os) continue;
      for (const d of lock.packages) {
        if (!d.direct || !d.version || (d.dev && !cfg.includeDev)) continue;
        const s: DependencyStatus = { name: d.name, installed: d.version, path: lock.path, ...(d.line ? { line: d.line } : {}), dev: d.dev === true };
        wanted.set(d.name, [...(wanted.get(d.name) ?? []), s]);
      }
    }
    const reg: RegistryOptions = {
      url: cfg.registry,
      cacheDir: cfg.cacheDir ?? defaultRegistryCache(o.env),
      ttlHours: cfg.cacheTtlHours,
      offline: o.offline === true || cfg.offline,
      now: o.now,
      ...(o.signal ? { signal: o.signal } : {}),
    };
    const names = [...wanted.keys()].sort();
    let next = 0;
    const worker = async () => {
      while (next < names.length && !o.signal?.aborted) {
        const name = names[next++]!;
        const uses = wanted.get(name)!;
        const a = await packageVersions(name, reg);
        if (!a.ok) {
          notes.push({ path: uses[0]!.path, message: `${name}: ${a.reason}` });
          continue;
        }
        if (a.note) notes.push({ path: uses[0]!.path, message: `${name}: ${a.note}` });
        for (const u of uses) {
          Object.assign(u, lineStatus(u.installed, a.pkg.versions, a.pkg.deprecated), a.pkg.latest ? { latest: a.pkg.latest } : {});
          dependencies.push(u);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, names.length) }, worker));
  }
  dependencies.sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  notes.sort((a, b) => a.message.localeCompare(b.message));
  return { dependencies, runtimes, notes, eolData: EOL_UPDATED };
}

/** The patch-level scanner. */
export const patchLevelScanner: Scanner<PatchLevelConfig> = {
  id: 'patch-level',
  title: 'Patch level: direct dependencies behind their line\'s newest patch/minor (npm registry), runtimes and base images past end of life',
  requires: ['files'],
  rules(config) {
    return toRuleMeta('patch-level', PATCH_LEVEL_RULES, { disabled: new Set(config?.disable ?? []) });
  },
  async *scan(target: Target, ctx: ScanContext<PatchLevelConfig>) {
    const off = new Set(ctx.config.disable);
    const r = await checkPatchLevel(target, ctx.config, { env: process.env, now: () => new Date(), signal: ctx.signal, ...(ctx.options.offline ? { offline: true } : {}) });
    for (const n of r.notes) ctx.fileError(n.path, n.message);
    const def = (id: string) => PATCH_LEVEL_RULES.find((x) => x.id === id)!;
    const find = (ruleId: string, severity: Severity, message: string, location: Location, identity: string, more: Partial<RawFinding> = {}): RawFinding => ({ scanner: 'patch-level', ruleId, severity, confidence: 'high', message, location, identity, cwe: def(ruleId).cwe ?? [], ...more });
    for (const d of r.dependencies) {
      const at: Location = { kind: 'package', path: d.path, purl: `pkg:npm/${d.name.startsWith('@') ? `%40${d.name.slice(1)}` : d.name}@${d.installed}`, logical: `${d.name}@${d.installed}`, ...(d.line ? { startLine: d.line } : {}) };
      if (d.patch && !off.has('dependency-behind-patch')) {
        yield find('dependency-behind-patch', def('dependency-behind-patch').severity, `${d.name} ${d.installed} is behind ${d.patch}, the newest patch release of ${d.installed.split('.').slice(0, 2).join('.')}.x: update it.`, at, `patch|${d.name}`, { fix: { description: `Update ${d.name} to ${d.patch}.`, upgradeTo: d.patch } });
      }
      if (d.minor && !off.has('dependency-behind-minor')) {
        yield find('dependency-behind-minor', def('dependency-behind-minor').severity, `${d.name} ${d.installed} is behind ${d.minor}, the newest release of its ${d.installed.split('.')[0]}.x line.`, at, `minor|${d.name}`, { fix: { description: `Update ${d.name} to ${d.minor}.`, upgradeTo: d.minor } });
      }
    }
    for (const rt of r.runtimes) {
      if (!rt.severity || !rt.message) continue;
      const ruleId = rt.product === 'nodejs' || rt.product === 'python' ? 'runtime-eol' : 'base-image-eol';
      if (off.has(ruleId)) continue;
      const location: Location = target.image ? { kind: 'image', image: target.image.reference, path: 'config' } : { path: rt.path, ...(rt.line ? { startLine: rt.line } : {}) };
      yield find(ruleId, rt.severity, `${rt.source}: ${rt.message} (end-of-life data of ${r.eolData})`, location, `eol|${rt.product}|${rt.cycle}|${rt.path}`, { data: { product: rt.product, cycle: rt.cycle, eol: rt.eol, ...(rt.extended ? { extended: rt.extended } : {}), eolData: r.eolData } });
    }
  },
};
