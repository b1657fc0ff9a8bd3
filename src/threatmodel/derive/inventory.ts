/**
 * What the repository declares about its system, read in one pass over the target: services and their ports
 * (compose, Kubernetes, Dockerfiles, through the exposure derivation), data stores (client dependencies, data-store
 * images, connection strings in configuration files), external services (SDK dependencies and, for `init`, the
 * services whose credentials the secrets rules find) and HTTP routes (see routes.ts). Used by `init` to draft a
 * model and by `check` to find drift. A file that cannot be read or parsed is an error entry; the pass goes on.
 */
import { globMatcher } from '../../core/glob.js';
import { readText, type FileTarget } from '../../core/types.js';
import { analyzeText } from '../../analyzers/secrets/analyze.js';
import type { SecretsConfig } from '../../analyzers/secrets/config.js';
import type { RuleSet } from '../../analyzers/secrets/engine.js';
import { buildRuleSet, ruleSetInput } from '../../analyzers/secrets/ruleset.js';
import { canonicalTech, DATASTORE_PACKAGES, EXTERNAL_PACKAGES, imageTech, SCHEMES, serviceOfSecretRule } from './catalog.js';
import { isRouteFile, jsRoutes, lineRoutes, resolveMounts, type CodeRoute, type FileRoutes } from './routes.js';
import {
  collectInventory,
  deriveExposures,
  entries,
  get,
  getPath,
  isComposeDoc,
  isComposeFile,
  isDockerfile,
  isExposurePath,
  isManifestCandidate,
  isUnrenderedTemplate,
  items,
  k8sObjects,
  looksLikeManifest,
  parseYaml,
  podSpecOf,
  spanOf,
  str,
  type Exposure,
} from './sources.js';

/** Where something was found. */
export interface Evidence {
  path: string;
  line: number;
  /** What was seen: `image postgres:16`, `dependency pg`, `postgres:// in .env`, `secret stripe-secret-key` (never the secret). */
  what: string;
}

/** A service the code runs (a compose service, a Kubernetes workload or Service, a Dockerfile folder). */
export interface CodeService {
  name: string;
  source: 'compose' | 'k8s' | 'dockerfile';
  image?: string;
  /** Built by this repository (compose `build:`, a Dockerfile). */
  built: boolean;
  ports: { port: string; reach: 'public' | 'internal'; evidence: Evidence }[];
  evidence: Evidence;
}

/** A data store the code uses. */
export interface CodeDatastore {
  technology: string;
  /** Compose service or workload name when it runs from an image here. */
  service?: string;
  evidence: Evidence[];
}

/** An external service the code calls. */
export interface CodeExternal {
  service: string;
  evidence: Evidence[];
}

/** Everything derived. */
export interface Inventory {
  services: CodeService[];
  datastores: CodeDatastore[];
  externals: CodeExternal[];
  routes: CodeRoute[];
  errors: { path: string; message: string }[];
  /** Files read, by kind. */
  stats: { files: number; routeFiles: number; lockfiles: number };
}

/** Paths that describe tests, examples, benchmarks and docs rather than the system: their services and routes are not its own. */
const NOT_SYSTEM = /(?:^|\/)(?:test|tests|__tests__|spec|specs|fixtures?|testdata|examples?|docs?|e2e|cypress|mocks?|__mocks__|bench|benchmarks?|node_modules|vendor|\.github)\/|\.(?:test|spec)\.[cm]?[jt]sx?$|_test\.(?:go|py)$|(?:^|\/)test_[^/]*\.py$/;
/** Configuration files read for connection strings. */
const CONFIG_FILE = /(?:^|\/)(?:\.env(?:\.[\w-]+)?|[^/]*\.env|[^/]*\.(?:ya?ml|toml|ini|properties|conf|cfg)|(?:app|application|config|settings|appsettings)[\w.-]*\.json)$/i;
const CONN = /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|nats|kafka|mssql|sqlserver|cockroachdb):\/\/[^\s'"`]/gi;
/** Largest file read for routes and connection strings (bytes). */
const MAX_TEXT = 2 * 1024 * 1024;

/** True for paths `init` and drift treat as part of the system (not tests, fixtures, examples or docs). */
export function isSystemPath(p: string): boolean {
  return !NOT_SYSTEM.test(p);
}

/** What {@link deriveInventory} reads besides the defaults. */
export interface InventoryOptions {
  /** Run these secrets rules over the system's files: each provider whose credentials are found is an external. */
  secrets?: SecretsConfig;
  /** Secrets that do not count (the config's allowlisted paths and path suppressions: see secretsSkipper). */
  skipSecret?: (path: string, ruleId: string) => boolean;
}

/**
 * What `init` leaves out of the secrets it reads: `scanners.secrets.allowlist.paths`, and `suppressions` with a path
 * (for any rule, or for that secrets rule) that have not expired: the user's word that those are not real credentials.
 */
export function secretsSkipper(cfg: SecretsConfig, suppressions: readonly { rule?: string | undefined; path?: string | undefined; fingerprint?: string | undefined; expires?: string | undefined }[], today: string): (path: string, ruleId: string) => boolean {
  const allow = cfg.allowlist.paths.length ? globMatcher(cfg.allowlist.paths) : undefined;
  const sups = suppressions
    .filter((x) => x.path !== undefined && x.fingerprint === undefined && (x.expires === undefined || x.expires >= today))
    .map((x) => ({ rule: x.rule, match: globMatcher(x.path!) }));
  return (path, ruleId) => allow?.(path) === true || sups.some((x) => (x.rule === undefined || x.rule === ruleId) && x.match(path));
}

/** Reads the target once and derives the inventory. */
export async function deriveInventory(target: FileTarget, signal?: AbortSignal, opts: InventoryOptions = {}): Promise<Inventory> {
  const secretRules: RuleSet | undefined = opts.secrets && opts.secrets.enabled ? buildRuleSet(ruleSetInput(opts.secrets)) : undefined;
  const errors: Inventory['errors'] = [];
  const onError = (path: string, message: string) => errors.push({ path, message });
  const services = new Map<string, CodeService>();
  const stores = new Map<string, CodeDatastore>();
  const externals = new Map<string, CodeExternal>();
  const routeFiles: FileRoutes[] = [];
  const lineRouteList: CodeRoute[] = [];
  const exposures: Exposure[] = [];
  const stats = { files: 0, routeFiles: 0, lockfiles: 0 };
  const addStore = (technology: string, ev: Evidence, service?: string) => {
    const t = canonicalTech(technology);
    const s = stores.get(t) ?? stores.set(t, { technology: t, evidence: [] }).get(t)!;
    if (service && !s.service) s.service = service;
    s.evidence.push(ev);
  };
  const addExternal = (service: string, ev: Evidence) => {
    const e = externals.get(service) ?? externals.set(service, { service, evidence: [] }).get(service)!;
    e.evidence.push(ev);
  };
  const addService = (svc: CodeService) => {
    const prev = services.get(svc.name);
    if (!prev) services.set(svc.name, svc);
    else {
      prev.built ||= svc.built;
      prev.image ??= svc.image;
    }
  };

  const wanted = (p: string) => isSystemPath(p) && (secretRules !== undefined || isExposurePath(p) || isRouteFile(p) || CONFIG_FILE.test(p) || /(?:^|\/)package\.json$/.test(p));
  for await (const f of target.files({ path: wanted })) {
    if (signal?.aborted) break;
    if (f.size > MAX_TEXT && !isExposurePath(f.path)) continue;
    const text = await readText(f, onError);
    if (text === undefined) continue;
    stats.files++;
    if (secretRules && !text.includes('\0')) {
      for (const hit of analyzeText(text, secretRules, { path: f.path })) {
        if (opts.skipSecret?.(f.path, hit.ruleId)) continue;
        const service = serviceOfSecretRule(hit.ruleId);
        // The rule and where: never the secret.
        if (service) addExternal(service, { path: f.path, line: hit.line, what: `secret ${hit.ruleId}` });
      }
    }
    if (isExposurePath(f.path)) {
      exposures.push(...deriveExposures(f.path, text, onError));
      workloads(f.path, text, addService, addStore);
    }
    if (isRouteFile(f.path)) {
      stats.routeFiles++;
      try {
        if (/\.(?:[cm]?[jt]sx?)$/.test(f.path)) routeFiles.push(jsRoutes(f.path, text));
        else lineRouteList.push(...lineRoutes(f.path, text));
      } catch (e) {
        onError(f.path, `cannot read routes: ${(e as Error).message}`);
      }
    }
    if (CONFIG_FILE.test(f.path) && !/(?:^|\/)(?:package(?:-lock)?\.json|pnpm-lock\.yaml)$/.test(f.path)) {
      text.split(/\r?\n/).forEach((l, i) => {
        for (const m of l.matchAll(CONN)) {
          const scheme = m[1]!.toLowerCase();
          // Only the scheme is kept: a connection string may hold a password.
          addStore(SCHEMES[scheme] ?? scheme, { path: f.path, line: i + 1, what: `${scheme}:// connection string` });
        }
      });
    }
  }
  // Ports of each service.
  for (const e of exposures) {
    if (e.source === 'terraform' || e.source === 'image') continue;
    const name = e.keys.compose ?? e.keys.name;
    const svc = services.get(name) ?? services.get(e.keys.name);
    const ev = { path: e.path, line: e.span.startLine, what: `${e.via} ${e.from === e.to ? e.from : `${e.from}-${e.to}`}/${e.protocol}` };
    const port = e.from === e.to ? String(e.from) : `${e.from}-${e.to}`;
    const target = svc ?? (e.source === 'dockerfile' ? undefined : addAndGet(services, { name, source: e.source, built: false, ports: [], evidence: ev }));
    if (target && !target.ports.some((p) => p.port === port)) target.ports.push({ port, reach: e.reach, evidence: ev });
  }
  // Dependencies: data stores and external services.
  const inv = await collectInventory(target, signal);
  for (const err of inv.errors) onError(err.path, err.line ? `line ${err.line}: ${err.message}` : err.message);
  for (const lock of inv.lockfiles) {
    if (!isSystemPath(lock.path)) continue;
    stats.lockfiles++;
    for (const d of lock.packages) {
      if (d.dev || d.direct === false) continue;
      const direct = d.direct === true || lock.roots === undefined;
      if (!direct) continue;
      const ev = { path: lock.path, line: d.line ?? 1, what: `dependency ${d.name}` };
      const store = DATASTORE_PACKAGES[d.name] ?? DATASTORE_PACKAGES[d.name.toLowerCase()];
      if (store) addStore(store, ev);
      const ext = EXTERNAL_PACKAGES[d.name] ?? (/^@aws-sdk\//.test(d.name) ? 'aws' : /^@google-cloud\//.test(d.name) ? 'gcp' : /^@azure\//.test(d.name) ? 'azure' : undefined);
      if (ext && !store) addExternal(ext, ev);
    }
  }
  // Data stores running from images are data stores, not services of the system.
  for (const s of [...services.values()]) {
    const t = s.image ? imageTech(s.image) : undefined;
    if (t && !s.built) {
      addStore(t, { ...s.evidence, what: `image ${s.image}` }, s.name);
      services.delete(s.name);
    }
  }
  const routes = [...resolveMounts(routeFiles), ...lineRouteList].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
  const sortBy = <T>(xs: T[], k: (x: T) => string) => xs.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
  return {
    services: sortBy([...services.values()], (s) => s.name),
    datastores: sortBy([...stores.values()], (s) => s.technology),
    externals: sortBy([...externals.values()], (s) => s.service),
    routes,
    errors,
    stats,
  };
}

function addAndGet(map: Map<string, CodeService>, s: CodeService): CodeService {
  map.set(s.name, s);
  return s;
}

/** Compose services and Kubernetes workloads (with their images), and Dockerfiles as built services. */
function workloads(path: string, text: string, addService: (s: CodeService) => void, addStore: (t: string, ev: Evidence, service?: string) => void): void {
  if (isDockerfile(path)) {
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const name = dir ? dir.slice(dir.lastIndexOf('/') + 1) : '';
    if (name) addService({ name, source: 'dockerfile', built: true, ports: [], evidence: { path, line: 1, what: 'Dockerfile' } });
    return;
  }
  const compose = isComposeFile(path);
  if (!compose && (!isManifestCandidate(path) || !looksLikeManifest(text) || isUnrenderedTemplate(path, text))) return;
  const y = parseYaml(text);
  if (y.error) return; // the exposure derivation reports it
  for (const d of y.docs) {
    if (compose && isComposeDoc(d.contents)) {
      for (const [name, svc, pair] of entries(get(d.contents, 'services'))) {
        const image = str(get(svc, 'image'));
        const built = get(svc, 'build') !== undefined;
        addService({ name, source: 'compose', ...(image ? { image } : {}), built, ports: [], evidence: { path, line: spanOf(y.lc, pair.key as never).startLine, what: `compose service ${name}` } });
      }
    } else if (!compose) {
      for (const o of k8sObjects(d.contents)) {
        const pod = podSpecOf(o);
        if (!pod) continue;
        const images = items(get(pod, 'containers')).map((c) => str(get(c, 'image'))).filter((x): x is string => !!x);
        const line = spanOf(y.lc, getPath(o.node, 'metadata', 'name') as never).startLine;
        const store = images.map(imageTech).find((t) => t !== undefined);
        if (store) addStore(store, { path, line, what: `${o.kind} ${o.name} image ${images[0]}` }, o.name);
        else addService({ name: o.name, source: 'k8s', ...(images[0] ? { image: images[0] } : {}), built: false, ports: [], evidence: { path, line, what: `${o.kind} ${o.name}` } });
      }
    }
  }
}
