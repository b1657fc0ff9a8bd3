/**
 * Drift: parts of the system present in the code and absent from the model (services, ports, routes, data stores,
 * external services), and parts the model names that the code no longer has. Pure over the model and the inventory.
 */
import type { Severity } from '../core/types.js';
import type { DriftKind, ThreatModelConfig } from './config.js';
import { canonicalTech } from './derive/catalog.js';
import type { Evidence, Inventory } from './derive/inventory.js';
import { normalisePath, type CodeRoute } from './derive/routes.js';
import type { Element, Model } from './model.js';

/** The drift rules. */
export const DRIFT_RULES = {
  service: { id: 'tm-drift-service', title: 'Service not in the threat model', help: 'A service the code runs (compose service, Kubernetes workload or Service, Dockerfile) matches no element of the threat model. Add it as an element (or name it in an element’s `match.services`) and model its flows.' },
  port: { id: 'tm-drift-port', title: 'Port not in the threat model', help: 'A service exposes a port its element does not list in `ports`. Add the port (and the flow that uses it) to the model, or close it.' },
  route: { id: 'tm-drift-route', title: 'HTTP route not in the threat model', help: 'The code serves an HTTP route that no element lists in `routes`. Add it (globs such as `GET /api/**` cover many) so its threats are modelled.' },
  datastore: { id: 'tm-drift-datastore', title: 'Data store not in the threat model', help: 'The code uses a data store (a client dependency, an image or a connection string) that no datastore element models. Add it with the flows that reach it.' },
  external: { id: 'tm-drift-external', title: 'External service not in the threat model', help: 'The code calls an external service (an SDK dependency) that no external element models. Add it with the data sent to it.' },
  stale: { id: 'tm-drift-stale', title: 'Threat model names something the code lacks', help: 'The model names a service, port, route or package that the code no longer declares. Update the model so it describes the system as built.' },
} as const;

/** One difference between the model and the code. */
export interface Drift {
  ruleId: (typeof DRIFT_RULES)[keyof typeof DRIFT_RULES]['id'];
  kind: DriftKind;
  /** `service:api`, `port:api/8080`, `route:GET /x`, `datastore:postgres`, `external:stripe`: what `drift.ignore` globs match. */
  subject: string;
  message: string;
  severity: Severity;
  path: string;
  line: number;
}

/** A glob over a drift subject or route: `**` any text, `*` any text without `/`, `?` one character. */
export function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** A route pattern of the model: `GET /api/**`, `GET|POST /x`, `* /x`, or `/x` (any method). */
export interface RoutePattern {
  methods: string[] | '*';
  path: RegExp;
  text: string;
}

/** Parses a route pattern. */
export function routePattern(text: string): RoutePattern {
  const m = /^\s*(?:([A-Za-z|*]+)\s+)?(\S+)\s*$/.exec(text);
  const methods = !m?.[1] || m[1] === '*' ? '*' : m[1].toUpperCase().split('|').filter(Boolean);
  const path = normalisePath(m?.[2] ?? text).replace(/\{[^}]*\}/g, '{}');
  return { methods, path: globRegex(path), text };
}

/** True when a code route is covered by a pattern. */
export function routeMatches(p: RoutePattern, r: CodeRoute): boolean {
  if (p.methods !== '*' && r.method !== '*' && !p.methods.includes(r.method)) return false;
  if (p.methods !== '*' && r.method === '*' && p.methods.length === 0) return false;
  return p.path.test(r.path.replace(/\{[^}]*\}/g, '{}'));
}

function names(e: Element): string[] {
  return (e.match?.services ?? [e.id]).map((s) => s.toLowerCase());
}

function portCovers(spec: string | number, port: string): boolean {
  const s = String(spec).replace(/\/(tcp|udp|sctp)$/, '');
  const [a, b] = s.split('-').map(Number) as [number, number | undefined];
  const [pa, pb] = port.split('-').map(Number) as [number, number | undefined];
  return pa >= a && (pb ?? pa) <= (b ?? a);
}

/** Compares the model with the inventory. */
export function findDrift(model: Model, inv: Inventory, cfg: ThreatModelConfig['drift']): Drift[] {
  if (!cfg.enabled) return [];
  const on = new Set(cfg.kinds);
  const ignore = cfg.ignore.map(globRegex);
  const out: Drift[] = [];
  const add = (d: Omit<Drift, 'severity'>, stale = false) => {
    if (ignore.some((re) => re.test(d.subject))) return;
    out.push({ ...d, severity: stale ? cfg.staleSeverity : cfg.severity });
  };
  const at = (ev: Evidence) => ({ path: ev.path, line: ev.line });
  const elements = [...model.elements.values()];
  const modelLine = (path: (string | number)[], fallback: number) => ({ path: model.file, line: model.lineOf(path) ?? fallback });

  // Services and their ports.
  const seenServices = new Set<string>();
  for (const s of inv.services) {
    const owner = elements.find((e) => e.kind !== 'external' && names(e).includes(s.name.toLowerCase()));
    if (!owner) {
      if (on.has('services')) add({ ruleId: DRIFT_RULES.service.id, kind: 'services', subject: `service:${s.name}`, message: `service ${s.name} (${s.evidence.what}) is not in the threat model`, ...at(s.evidence) });
      continue;
    }
    seenServices.add(s.name.toLowerCase());
    if (!on.has('ports') || owner.ports === undefined) continue;
    for (const p of s.ports) {
      if (!owner.ports.some((spec) => portCovers(spec, p.port))) {
        add({ ruleId: DRIFT_RULES.port.id, kind: 'ports', subject: `port:${owner.id}/${p.port}`, message: `service ${s.name} exposes port ${p.port} (${p.reach}, ${p.evidence.what}) that element ${owner.id} does not list`, ...at(p.evidence) });
      }
    }
    owner.ports.forEach((spec, i) => {
      if (!s.ports.some((p) => portCovers(spec, p.port) || portCovers(p.port, String(spec).replace(/\/\w+$/, '')))) {
        add({ ruleId: DRIFT_RULES.stale.id, kind: 'ports', subject: `port:${owner.id}/${spec}`, message: `element ${owner.id} lists port ${spec} but service ${s.name} does not expose it`, ...modelLine(['elements', owner.id, 'ports', i], owner.line) }, true);
      }
    });
  }
  if (on.has('services')) {
    for (const e of elements) {
      if (!e.match?.services) continue;
      e.match.services.forEach((name, i) => {
        if (!seenServices.has(name.toLowerCase()) && !inv.datastores.some((d) => d.service?.toLowerCase() === name.toLowerCase())) {
          add({ ruleId: DRIFT_RULES.stale.id, kind: 'services', subject: `service:${name}`, message: `element ${e.id} names service ${name}, which no compose file, manifest or Dockerfile declares`, ...modelLine(['elements', e.id, 'match', 'services', i], e.line) }, true);
        }
      });
    }
  }

  // Data stores and external services.
  const usedPackages = new Set([...inv.datastores, ...inv.externals].flatMap((x) => x.evidence.map((ev) => /^dependency (.+)$/.exec(ev.what)?.[1]).filter((p): p is string => !!p)));
  if (on.has('datastores')) {
    for (const d of inv.datastores) {
      const pkgs = d.evidence.map((ev) => /^dependency (.+)$/.exec(ev.what)?.[1]).filter(Boolean);
      const owner = elements.find(
        (e) => e.kind === 'datastore' && (canonicalTech(e.technology) === d.technology || (d.service !== undefined && names(e).includes(d.service.toLowerCase())) || (e.match?.packages ?? []).some((p) => pkgs.includes(p))),
      );
      if (!owner) add({ ruleId: DRIFT_RULES.datastore.id, kind: 'datastores', subject: `datastore:${d.technology}`, message: `the code uses a ${d.technology} data store (${d.evidence[0]!.what}) that no datastore element models`, ...at(d.evidence[0]!) });
    }
  }
  if (on.has('externals')) {
    for (const x of inv.externals) {
      const pkgs = x.evidence.map((ev) => /^dependency (.+)$/.exec(ev.what)?.[1]).filter(Boolean);
      const owner = elements.find((e) => e.kind === 'external' && (canonicalTech(e.technology) === x.service || e.id.toLowerCase() === x.service || (e.match?.packages ?? []).some((p) => pkgs.includes(p))));
      if (!owner) add({ ruleId: DRIFT_RULES.external.id, kind: 'externals', subject: `external:${x.service}`, message: `the code calls ${x.service} (${x.evidence[0]!.what}) but no external element models it`, ...at(x.evidence[0]!) });
    }
  }
  if (on.has('datastores') || on.has('externals')) {
    for (const e of elements) {
      const kind = e.kind === 'external' ? 'externals' : 'datastores';
      if (!on.has(kind)) continue;
      (e.match?.packages ?? []).forEach((p, i) => {
        if (!usedPackages.has(p)) add({ ruleId: DRIFT_RULES.stale.id, kind, subject: `${kind === 'externals' ? 'external' : 'datastore'}:${p}`, message: `element ${e.id} names package ${p}, which no lockfile of the system lists as a direct dependency`, ...modelLine(['elements', e.id, 'match', 'packages', i], e.line) }, true);
      });
    }
  }

  // Routes.
  if (on.has('routes')) {
    const patterns = elements.flatMap((e) => (e.routes ?? []).map((text, i) => ({ e, i, p: routePattern(text) })));
    const used = new Set<string>();
    for (const r of inv.routes) {
      const hit = patterns.filter((x) => routeMatches(x.p, r));
      for (const h of hit) used.add(`${h.e.id}\0${h.i}`);
      if (hit.length === 0) add({ ruleId: DRIFT_RULES.route.id, kind: 'routes', subject: `route:${r.method} ${r.path}`, message: `route ${r.method === '*' ? 'ALL' : r.method} ${r.path} is served by the code but no element lists it`, path: r.file, line: r.line });
    }
    for (const { e, i, p } of patterns) {
      if (!used.has(`${e.id}\0${i}`)) add({ ruleId: DRIFT_RULES.stale.id, kind: 'routes', subject: `route:${p.text}`, message: `element ${e.id} lists route ${p.text}, which no route in the code matches`, ...modelLine(['elements', e.id, 'routes', i], e.line) }, true);
    }
  }
  return out;
}
