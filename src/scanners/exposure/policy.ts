import { globMatch } from '../../core/glob.js';
import type { FileLocation, RawFinding, Severity } from '../../core/types.js';
import type { RuleInfo } from '../../core/rules.js';
import type { Span } from '../../core/lines.js';
import type { ExposureConfig, ExposureService } from './config.js';
import type { Exposure } from './derive.js';

/** Every exposure-policy rule. */
export const EXPOSURE_RULES: RuleInfo[] = [
  { id: 'exposure-undeclared-port', title: 'Exposed port not declared', severity: 'high', help: 'The code exposes a port the policy does not list for this service. Declare it (public/internal) in `scanners.exposure.services` or stop exposing it.', cwe: ['CWE-284'] },
  { id: 'exposure-wider-than-declared', title: 'Port reachable wider than declared', severity: 'high', help: 'The policy declares the port internal, but the code makes it reachable from anywhere (published on all interfaces, NodePort/LoadBalancer/Ingress, hostPort, 0.0.0.0/0).', cwe: ['CWE-284'] },
  { id: 'exposure-closed-port-exposed', title: 'Closed port exposed', severity: 'high', help: 'The policy declares the port closed, but the code exposes it.', cwe: ['CWE-284'] },
  { id: 'exposure-unmatched-resource', title: 'Exposed resource matches no declared service', severity: 'medium', help: 'A resource exposes ports but no service of the policy matches it. Add a service (or a `match:` entry) for it.', cwe: ['CWE-284'] },
  { id: 'exposure-declared-not-exposed', title: 'Declared public port not exposed', severity: 'info', help: 'The policy declares a public port that nothing in the code exposes publicly. The policy may be stale.' },
];

/** A declared port range, optionally with a protocol. */
interface PortSpec {
  from: number;
  to: number;
  protocol?: string;
  raw: string;
}

/** Parses the policy's port specs. */
export function parsePortSpec(p: number | string): PortSpec {
  if (typeof p === 'number') return { from: p, to: p, raw: String(p) };
  const [rng, pr] = p.split('/');
  const [a, b] = rng!.split('-');
  return { from: Number(a), to: Number(b ?? a), raw: p, ...(pr ? { protocol: pr } : {}) };
}

/** The verdict on one exposure. */
export interface Verdict {
  exposure: Exposure;
  /** Declared service it belongs to, if any. */
  service?: string;
  /** `ok`, or the rule id of the difference. */
  status: 'ok' | 'undeclared' | 'wider' | 'closed' | 'unmatched';
  /** Port ranges of the exposure that are in breach (for messages). */
  ports?: string;
}

/** A position in pipeguard.yml of a declared port, for declared-not-exposed findings. */
export type PolicyLocator = (service: string, kind: 'public', index: number) => { path: string; span?: Span };

const asList = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** True when an exposure belongs to a declared service. */
export function matches(name: string, svc: ExposureService, e: Exposure): boolean {
  const m = svc.match;
  if (!m) {
    if (e.keys.compose !== undefined) return e.keys.compose === name;
    if (e.keys.k8s) return e.keys.k8s.some((k) => k.slice(k.indexOf('/') + 1) === name);
    if (e.keys.docker !== undefined) return e.keys.name === name;
    if (e.keys.terraform !== undefined) return e.keys.name === name;
    if (e.keys.image !== undefined) return e.keys.name === name;
    return false;
  }
  const compose = asList(m.compose);
  if (compose && e.keys.compose !== undefined && compose.some((c) => c === e.keys.compose || c === `${e.path}#${e.keys.compose}`)) return true;
  const k8s = asList(m.k8s);
  if (k8s && e.keys.k8s) {
    for (const want of k8s) {
      const w = want.toLowerCase();
      if (e.keys.k8s.some((k) => k.toLowerCase() === w || (!w.includes('/') && k.slice(k.indexOf('/') + 1).toLowerCase() === w))) return true;
    }
  }
  const docker = asList(m.docker);
  if (docker && e.keys.docker !== undefined && docker.some((g) => g === e.keys.docker || globMatch(e.keys.docker!, g))) return true;
  const img = asList(m.image);
  if (img && e.keys.image !== undefined && img.some((g) => g === e.keys.image || globMatch(e.keys.image!, g))) return true;
  const tf = asList(m.terraform);
  if (tf && e.keys.terraform !== undefined && tf.some((g) => g === e.keys.terraform || globMatch(e.keys.terraform!, g))) return true;
  return false;
}

/** Subtracts the covered ranges from `[from, to]`; returns what is left. */
function subtract(from: number, to: number, covered: PortSpec[]): [number, number][] {
  let left: [number, number][] = [[from, to]];
  for (const c of covered) {
    const next: [number, number][] = [];
    for (const [a, b] of left) {
      if (c.to < a || c.from > b) next.push([a, b]);
      else {
        if (c.from > a) next.push([a, c.from - 1]);
        if (c.to < b) next.push([c.to + 1, b]);
      }
    }
    left = next;
  }
  return left;
}

const overlaps = (from: number, to: number, specs: PortSpec[]) => specs.filter((s) => s.from <= to && s.to >= from);
const protoOk = (e: Exposure) => (s: PortSpec) => !s.protocol || e.protocol === 'any' || s.protocol === e.protocol;
const fmt = (rs: [number, number][]) => rs.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
export const portText = (e: { from: number; to: number }) => (e.from === e.to ? String(e.from) : `${e.from}-${e.to}`);

/** Compares exposures with the policy: one verdict per exposure plus findings for every difference. */
export function evaluate(exposures: Exposure[], cfg: ExposureConfig, locate?: PolicyLocator): { verdicts: Verdict[]; findings: RawFinding<FileLocation>[] } {
  const verdicts: Verdict[] = [];
  const findings: RawFinding<FileLocation>[] = [];
  const disabled = new Set(cfg.disable);
  const services = Object.entries(cfg.services);
  const add = (rule: string, severity: Severity | undefined, path: string, span: Span | undefined, identity: string, message: string, logical?: string) => {
    if (disabled.has(rule)) return;
    const def = EXPOSURE_RULES.find((r) => r.id === rule)!;
    findings.push({ scanner: 'exposure', ruleId: rule, severity: severity ?? def.severity, confidence: 'high', message, location: { path, ...(span ?? {}), ...(logical ? { logical } : {}) }, identity, ...(def.cwe ? { cwe: def.cwe } : {}) });
  };
  for (const e of exposures) {
    const id = `${e.resource}|${e.protocol}/${portText(e)}|${e.reach}`;
    const owner = services.find(([n, s]) => matches(n, s, e));
    if (!owner) {
      verdicts.push({ exposure: e, status: 'unmatched' });
      if (cfg.unmatched === 'report') add('exposure-unmatched-resource', e.reach === 'public' ? 'medium' : 'low', e.path, e.span, id, `${e.resource} exposes ${e.protocol === 'any' ? '' : `${e.protocol}/`}${portText(e)} (${e.reach}, via ${e.via}) but matches no service of the exposure policy.`, e.resource);
      continue;
    }
    const [name, svc] = owner;
    const pub = svc.public.map(parsePortSpec).filter(protoOk(e));
    const internal = svc.internal.map(parsePortSpec).filter(protoOk(e));
    const closed = svc.closed.map(parsePortSpec).filter(protoOk(e));
    const allowed = e.reach === 'public' ? pub : [...pub, ...internal];
    const rest = subtract(e.from, e.to, allowed);
    if (rest.length === 0) {
      verdicts.push({ exposure: e, service: name, status: 'ok' });
      continue;
    }
    let status: Verdict['status'] = 'undeclared';
    const closedHit = rest.flatMap(([a, b]) => overlaps(a, b, closed));
    const widerHit = e.reach === 'public' ? rest.flatMap(([a, b]) => overlaps(a, b, internal)) : [];
    if (closedHit.length) {
      status = 'closed';
      add('exposure-closed-port-exposed', e.reach === 'public' ? 'high' : 'medium', e.path, e.span, `${id}|closed`, `Service ${name}: port ${closedHit.map((s) => s.raw).join(', ')} is declared closed but ${e.resource} exposes it (${e.reach}, via ${e.via}).`, e.resource);
    }
    if (widerHit.length) {
      status = status === 'closed' ? status : 'wider';
      add('exposure-wider-than-declared', 'high', e.path, e.span, `${id}|wider`, `Service ${name}: port ${widerHit.map((s) => s.raw).join(', ')} is declared internal but ${e.resource} makes it reachable from anywhere (via ${e.via}).`, e.resource);
    }
    const undeclared = subtract(e.from, e.to, [...allowed, ...closed, ...(e.reach === 'public' ? internal : [])]);
    if (undeclared.length) {
      add('exposure-undeclared-port', e.reach === 'public' ? 'high' : 'medium', e.path, e.span, `${id}|undeclared`, `Service ${name}: ${e.resource} exposes ${e.protocol === 'any' ? 'port' : `${e.protocol} port`} ${fmt(undeclared)} (${e.reach}, via ${e.via}), which the policy does not declare.`, e.resource);
    }
    verdicts.push({ exposure: e, service: name, status, ports: fmt(rest) });
  }
  for (const [name, svc] of services) {
    svc.public.forEach((p, i) => {
      const spec = parsePortSpec(p);
      const seen = exposures.some((e) => e.reach === 'public' && matches(name, svc, e) && e.from <= spec.from && e.to >= spec.to);
      if (!seen) {
        const loc = locate?.(name, 'public', i) ?? { path: 'pipeguard.yml' };
        add('exposure-declared-not-exposed', undefined, loc.path, loc.span, `policy|${name}|public|${spec.raw}`, `Service ${name} declares port ${spec.raw} public, but nothing in the code exposes it publicly.`, `services.${name}`);
      }
    });
  }
  return { verdicts, findings };
}
