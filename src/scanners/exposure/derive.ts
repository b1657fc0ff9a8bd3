/**
 * Derives what the code actually exposes on the network from Dockerfile EXPOSE, compose `ports`/`expose`/
 * `network_mode`, Kubernetes Services/Ingress/hostPort/hostNetwork and Terraform firewall rules.
 */
import type { LineCounter, Node } from 'yaml';
import { LineIndex, type Span } from '../../core/lines.js';
import { dockerfileAnalyzer } from '../../analyzers/iac/dockerfile.js';
import { composePorts, isComposeDoc } from '../../analyzers/iac/compose.js';
import { isInternalLoadBalancer, k8sObjects, podSpecOf } from '../../analyzers/iac/k8s.js';
import { bool, entries, get, getPath, items, pairOf, spanOf, str, yamlAnalyzer } from '../../analyzers/yaml.js';
import { hclAnalyzer, attr, blocksOf, listOf, scalar } from '../../analyzers/iac/hcl.js';
import type { Block, Expr } from '../../analyzers/iac/hcl.js';
import { portRange } from '../../analyzers/iac/hcl.js';
import { isComposeFile, isDockerfile, isManifestCandidate, isTerraform, isUnrenderedTemplate, looksLikeManifest } from '../../analyzers/iac/files.js';
import { parseDirect, type Parse } from '../../core/types.js';

/** How far a port reaches: from anywhere, or only inside a network/cluster/host. */
export type Reach = 'public' | 'internal';

/** Where an exposure comes from. */
export type ExposureSource = 'dockerfile' | 'compose' | 'k8s' | 'terraform' | 'image';

/** One port (range) that the code exposes. */
export interface Exposure {
  source: ExposureSource;
  /** Address of the resource: `services/api`, `Service/shop/web`, `aws_security_group.web.ingress[0]`, a Dockerfile path. */
  resource: string;
  /** Keys a policy `match` compares against: compose service name, `kind/name`, Dockerfile path, Terraform address. */
  keys: { compose?: string; k8s?: string[]; docker?: string; terraform?: string; image?: string; name: string };
  from: number;
  to: number;
  protocol: 'tcp' | 'udp' | 'sctp' | 'any';
  reach: Reach;
  /** What makes it exposed: `EXPOSE`, `ports`, `expose`, `network_mode: host`, `NodePort`, `Ingress`, `0.0.0.0/0`... */
  via: string;
  path: string;
  span: Span;
}

/** True for files the exposure derivation reads. */
export function isExposurePath(p: string): boolean {
  return isDockerfile(p) || isComposeFile(p) || isTerraform(p) || isManifestCandidate(p);
}

const proto = (s: string | undefined): Exposure['protocol'] => {
  const t = (s ?? 'tcp').toLowerCase();
  return t === 'udp' ? 'udp' : t === 'sctp' ? 'sctp' : t === '-1' || t === 'all' || t === '*' ? 'any' : 'tcp';
};
const dirName = (p: string) => {
  const parts = p.split('/');
  return parts.length > 1 ? parts[parts.length - 2]! : '.';
};
const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|::1|localhost)$/;
const WORLD = new Set(['0.0.0.0/0', '::/0']);
const AZ_WORLD = new Set(['*', 'internet', '0.0.0.0/0', '::/0', 'any']);

/** The path exposures of an image's configuration are reported at (turned into an image location). */
export const IMAGE_CONFIG_PATH = 'config';

/**
 * The ports an image's configuration exposes (`EXPOSE`, kept in `config.ExposedPorts`): reachable inside the
 * container network, as a Dockerfile's EXPOSE. Matched to a service by `match.image` or the repository's last name.
 */
export function deriveFromImage(reference: string, ports: string[]): Exposure[] {
  const repo = reference.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
  const name = repo.slice(repo.lastIndexOf('/') + 1);
  const out: Exposure[] = [];
  for (const p of ports) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(p);
    if (!m) continue;
    const from = Number(m[1]);
    out.push({ source: 'image', resource: reference, keys: { image: reference, name }, from, to: m[2] ? Number(m[2]) : from, protocol: proto(m[3]), reach: 'internal', via: 'EXPOSE (image config)', path: IMAGE_CONFIG_PATH, span: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } });
  }
  return out;
}

/** Exposures declared by one non-Terraform file. `onError` receives `line N: ...` messages. */
export function deriveFromText(path: string, text: string, onError: (path: string, message: string) => void, parse: Parse = parseDirect): Exposure[] {
  const out: Exposure[] = [];
  if (isDockerfile(path)) {
    const df = parse(dockerfileAnalyzer, path, text);
    const final = df.stages[df.stages.length - 1];
    for (const ins of df.instructions) {
      if (ins.keyword !== 'EXPOSE' || (final && ins.stage !== final.index)) continue;
      for (const m of ins.args.text.matchAll(/(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?/gi)) {
        const from = Number(m[1]);
        out.push({ source: 'dockerfile', resource: path, keys: { docker: path, name: dirName(path) }, from, to: m[2] ? Number(m[2]) : from, protocol: proto(m[3]), reach: 'internal', via: 'EXPOSE', path, span: ins.args.span(m.index!, m.index! + m[0].length) });
      }
    }
    return out;
  }
  const compose = isComposeFile(path);
  if (!compose && (!looksLikeManifest(text) || isUnrenderedTemplate(path, text))) return out;
  const y = parse(yamlAnalyzer, path, text);
  if (y.error) {
    onError(path, y.error);
    return out;
  }
  for (const d of y.docs) {
    if (compose && isComposeDoc(d.contents)) out.push(...fromCompose(path, d.contents, y.lc));
    else if (!compose) for (const o of k8sObjects(d.contents)) out.push(...fromK8s(path, o, y.lc));
  }
  return out;
}

function fromCompose(path: string, root: unknown, lc: LineCounter): Exposure[] {
  const out: Exposure[] = [];
  for (const [name, svc, pair] of entries(get(root, 'services'))) {
    const resource = `${path}#services/${name}`;
    const keys = { compose: name, name };
    const base = { source: 'compose' as const, resource, keys, path };
    const hostNet = str(get(svc, 'network_mode')) === 'host';
    const known: { from: number; to: number; protocol: Exposure['protocol']; node: Node }[] = [];
    for (const p of composePorts(svc)) {
      const rng = portRange(p.published ?? p.target);
      if (!rng) continue;
      const ip = p.hostIp;
      const reach: Reach = hostNet || !(ip && LOOPBACK.test(ip)) ? 'public' : 'internal';
      out.push({ ...base, ...rng, protocol: proto(p.protocol), reach, via: ip && LOOPBACK.test(ip) ? `ports (${ip})` : 'ports (all interfaces)', span: spanOf(lc, p.node) });
      known.push({ ...rng, protocol: proto(p.protocol), node: p.node });
    }
    for (const e of items(get(svc, 'expose'))) {
      const [spec, pr] = (str(e) ?? '').split('/');
      const rng = portRange(spec);
      if (!rng) continue;
      out.push({ ...base, ...rng, protocol: proto(pr), reach: hostNet ? 'public' : 'internal', via: hostNet ? 'expose + network_mode: host' : 'expose', span: spanOf(lc, e) });
      known.push({ ...rng, protocol: proto(pr), node: e });
    }
    if (hostNet && known.length === 0) {
      out.push({ ...base, from: 1, to: 65535, protocol: 'any', reach: 'public', via: 'network_mode: host', span: spanOf(lc, pairOf(svc, 'network_mode') ?? pair.key) });
    }
  }
  return out;
}

function fromK8s(path: string, o: ReturnType<typeof k8sObjects>[number], lc: LineCounter): Exposure[] {
  const out: Exposure[] = [];
  const kind = o.kind.toLowerCase();
  const resource = `${o.kind}/${o.namespace}/${o.name}`;
  const base = { source: 'k8s' as const, resource, path };
  if (o.kind === 'Service') {
    const spec = get(o.node, 'spec');
    const type = str(get(spec, 'type')) ?? 'ClusterIP';
    const ranges = items(get(spec, 'loadBalancerSourceRanges')).map((x) => str(x) ?? '');
    const lbOpen = (ranges.length === 0 || ranges.some((x) => WORLD.has(x))) && !isInternalLoadBalancer(o.node);
    const external = items(get(spec, 'externalIPs')).length > 0;
    const keys = { k8s: [`service/${o.name}`], name: o.name };
    for (const p of items(get(spec, 'ports'))) {
      const port = Number(str(get(p, 'port')));
      if (!Number.isFinite(port)) continue;
      const pr = proto(str(get(p, 'protocol')));
      const at = spanOf(lc, get(p, 'port') ?? p);
      if ((type === 'NodePort' && str(get(p, 'nodePort')) !== undefined) || (type === 'LoadBalancer' && str(get(p, 'nodePort')) !== undefined)) {
        const np = Number(str(get(p, 'nodePort')));
        if (Number.isFinite(np)) out.push({ ...base, keys, from: np, to: np, protocol: pr, reach: 'public', via: 'NodePort', span: spanOf(lc, get(p, 'nodePort')) });
      } else if (type === 'NodePort') {
        // No nodePort given: the cluster picks one from its node-port range (30000-32767 by default).
        out.push({ ...base, keys, from: 30000, to: 32767, protocol: pr, reach: 'public', via: 'NodePort (allocated)', span: at });
      }
      if (type === 'LoadBalancer') out.push({ ...base, keys, from: port, to: port, protocol: pr, reach: lbOpen ? 'public' : 'internal', via: lbOpen ? 'LoadBalancer' : ranges.length ? 'LoadBalancer (source ranges)' : 'LoadBalancer (internal)', span: at });
      else if (external) out.push({ ...base, keys, from: port, to: port, protocol: pr, reach: 'public', via: 'externalIPs', span: at });
      else out.push({ ...base, keys, from: port, to: port, protocol: pr, reach: 'internal', via: type === 'NodePort' ? 'NodePort service port' : type, span: at });
    }
  }
  if (o.kind === 'Ingress') {
    const spec = get(o.node, 'spec');
    const backends = new Set<string>();
    const def = str(getPath(spec, 'defaultBackend', 'service', 'name'));
    if (def) backends.add(def);
    for (const r of items(get(spec, 'rules'))) for (const p of items(getPath(r, 'http', 'paths'))) {
      const b = str(getPath(p, 'backend', 'service', 'name')) ?? str(getPath(p, 'backend', 'serviceName'));
      if (b) backends.add(b);
    }
    const keys = { k8s: [`ingress/${o.name}`, ...[...backends].map((b) => `service/${b}`)], name: o.name };
    const at = spanOf(lc, getPath(o.node, 'metadata', 'name'));
    out.push({ ...base, keys, from: 80, to: 80, protocol: 'tcp', reach: 'public', via: 'Ingress', span: at });
    if (items(get(spec, 'tls')).length) out.push({ ...base, keys, from: 443, to: 443, protocol: 'tcp', reach: 'public', via: 'Ingress TLS', span: spanOf(lc, pairOf(spec, 'tls')) });
  }
  if (o.kind === 'Gateway' && o.apiVersion.startsWith('gateway.networking.k8s.io/')) {
    const keys = { k8s: [`gateway/${o.name}`], name: o.name };
    for (const l of items(getPath(o.node, 'spec', 'listeners'))) {
      const port = Number(str(get(l, 'port')));
      if (Number.isFinite(port)) out.push({ ...base, keys, from: port, to: port, protocol: (str(get(l, 'protocol')) ?? '').toUpperCase() === 'UDP' ? 'udp' : 'tcp', reach: 'public', via: `Gateway listener ${str(get(l, 'name')) ?? ''}`.trim(), span: spanOf(lc, get(l, 'port')) });
    }
  }
  const pod = podSpecOf(o);
  if (pod) {
    const keys = { k8s: [`${kind}/${o.name}`], name: o.name };
    const hostNet = bool(get(pod, 'hostNetwork')) === true;
    for (const group of ['initContainers', 'containers']) {
      for (const c of items(get(pod, group))) {
        for (const p of items(get(c, 'ports'))) {
          const hp = str(get(p, 'hostPort'));
          const cp = str(get(p, 'containerPort'));
          const pr = proto(str(get(p, 'protocol')));
          if (hp !== undefined) out.push({ ...base, keys, from: Number(hp), to: Number(hp), protocol: pr, reach: 'public', via: 'hostPort', span: spanOf(lc, get(p, 'hostPort')) });
          else if (hostNet && cp !== undefined) out.push({ ...base, keys, from: Number(cp), to: Number(cp), protocol: pr, reach: 'public', via: 'hostNetwork', span: spanOf(lc, get(p, 'containerPort')) });
        }
      }
    }
  }
  return out;
}

/** Exposures declared by Terraform files (parsed one by one; errors through `onError`). */
export function deriveFromTerraform(path: string, text: string, onError: (path: string, message: string) => void, parse: Parse = parseDirect): Exposure[] {
  const index = new LineIndex(text);
  let body;
  try {
    body = parse(hclAnalyzer, path, text);
  } catch (e) {
    onError(path, `line ${index.at((e as { offset?: number }).offset ?? 0).line}: ${(e as Error).message}`);
    return [];
  }
  const out: Exposure[] = [];
  const sp = (e: Expr) => index.span(e.range[0], e.range[1]);
  const push = (b: Block, resource: string, from: number, to: number, pr: string | undefined, cidrs: Expr[], via: string, world: Set<string>) => {
    if (!Number.isFinite(from) || !Number.isFinite(to)) return;
    const all = proto(pr) === 'any';
    const f = all ? 1 : Math.max(from, 1);
    const t = all || to <= 0 || to === -1 ? (all ? 65535 : f) : to;
    for (const c of cidrs) {
      const v = scalar(c);
      if (v === undefined) continue;
      const pub = world.has(v.toLowerCase()) || world.has(v);
      out.push({ source: 'terraform', resource, keys: { terraform: `${b.labels[0]}.${b.labels[1]}`, name: b.labels[1]! }, from: f, to: t, protocol: proto(pr), reach: pub ? 'public' : 'internal', via: `${via} from ${v}`, path, span: sp(c) });
    }
  };
  for (const b of body.blocks) {
    if (b.type !== 'resource' || b.labels.length < 2) continue;
    const [type, name] = b.labels as [string, string];
    const addr = `${type}.${name}`;
    const v = (bd: typeof b.body, n: string) => attr(bd, n)?.value;
    const num = (e: Expr | undefined) => Number(scalar(e) ?? 'NaN');
    if (type === 'aws_security_group') {
      blocksOf(b.body, 'ingress').forEach((ing, i) => push(b, `${addr}.ingress[${i}]`, num(v(ing.body, 'from_port')), num(v(ing.body, 'to_port')), scalar(v(ing.body, 'protocol')), [...listOf(v(ing.body, 'cidr_blocks')), ...listOf(v(ing.body, 'ipv6_cidr_blocks'))], 'ingress', WORLD));
    } else if (type === 'aws_security_group_rule' && scalar(v(b.body, 'type')) === 'ingress') {
      push(b, addr, num(v(b.body, 'from_port')), num(v(b.body, 'to_port')), scalar(v(b.body, 'protocol')), [...listOf(v(b.body, 'cidr_blocks')), ...listOf(v(b.body, 'ipv6_cidr_blocks'))], 'ingress', WORLD);
    } else if (type === 'aws_vpc_security_group_ingress_rule') {
      push(b, addr, num(v(b.body, 'from_port')), num(v(b.body, 'to_port')), scalar(v(b.body, 'ip_protocol')), [v(b.body, 'cidr_ipv4'), v(b.body, 'cidr_ipv6')].filter((x): x is Expr => !!x), 'ingress', WORLD);
    } else if (type === 'google_compute_firewall' && (scalar(v(b.body, 'direction')) ?? 'INGRESS').toUpperCase() === 'INGRESS') {
      const srcs = listOf(v(b.body, 'source_ranges'));
      blocksOf(b.body, 'allow').forEach((al, i) => {
        const pr = scalar(v(al.body, 'protocol'));
        const ports = listOf(v(al.body, 'ports')).map((p) => portRange(scalar(p))).filter((p): p is { from: number; to: number } => !!p);
        if (ports.length === 0) push(b, `${addr}.allow[${i}]`, 1, 65535, pr === 'all' ? 'all' : pr, srcs, 'firewall', WORLD);
        for (const p of ports) push(b, `${addr}.allow[${i}]`, p.from, p.to, pr, srcs, 'firewall', WORLD);
      });
    } else if (type === 'azurerm_network_security_rule' || type === 'azurerm_network_security_group') {
      const rules = type === 'azurerm_network_security_rule' ? [{ body: b.body, addr }] : blocksOf(b.body, 'security_rule').map((r, i) => ({ body: r.body, addr: `${addr}.security_rule[${i}]` }));
      for (const r of rules) {
        if ((scalar(v(r.body, 'direction')) ?? '').toLowerCase() !== 'inbound' || (scalar(v(r.body, 'access')) ?? '').toLowerCase() !== 'allow') continue;
        const srcs = [v(r.body, 'source_address_prefix'), ...listOf(v(r.body, 'source_address_prefixes'))].filter((x): x is Expr => !!x);
        const ports = [scalar(v(r.body, 'destination_port_range')), ...listOf(v(r.body, 'destination_port_ranges')).map(scalar)].map(portRange).filter((p): p is { from: number; to: number } => !!p);
        for (const p of ports) push(b, r.addr, Math.max(p.from, 1), p.to, scalar(v(r.body, 'protocol')), srcs, 'nsg', AZ_WORLD);
      }
    }
  }
  return out;
}

/** Exposures of one file, whatever its kind. */
export function deriveExposures(path: string, text: string, onError: (path: string, message: string) => void, parse: Parse = parseDirect): Exposure[] {
  return isTerraform(path) ? deriveFromTerraform(path, text, onError, parse) : deriveFromText(path, text, onError, parse);
}
