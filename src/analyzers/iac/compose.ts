/** Compose files in parsed YAML: published ports, and whether a document is one. */
import type { Node } from 'yaml';
import { deref, get, isMap, isScalar, rawItems, str } from '../yaml.js';

/** A published compose port, parsed from short or long syntax. */
export interface ComposePort {
  hostIp?: string;
  published?: string;
  target: string;
  protocol: string;
  node: Node;
}

/** Parses `ports:` entries (short `[ip:]published:target[/proto]` and long syntax). */
export function composePorts(svc: unknown): ComposePort[] {
  const out: ComposePort[] = [];
  for (const at of rawItems(get(svc, 'ports'))) {
    const p = deref(at);
    if (isMap(p)) {
      const target = str(get(p, 'target'));
      if (!target) continue;
      const hostIp = str(get(p, 'host_ip'));
      const published = str(get(p, 'published'));
      out.push({ target, protocol: str(get(p, 'protocol')) ?? 'tcp', node: at, ...(hostIp ? { hostIp } : {}), ...(published ? { published } : {}) });
      continue;
    }
    if (!isScalar(p)) continue;
    const s = String(p.value);
    const [spec, proto] = s.split('/');
    const m = /^(?:(\[[^\]]+\]|[^:]*):)??(?:([\d-]*):)?([\d-]+)$/.exec(spec!);
    if (!m) continue;
    const hostIp = m[1]?.replace(/^\[|\]$/g, '');
    out.push({ target: m[3]!, protocol: proto ?? 'tcp', node: at, ...(hostIp ? { hostIp } : {}), ...(m[2] ? { published: m[2] } : {}) });
  }
  return out;
}

/** True for a YAML document that is a compose file (has `services:` as a map). */
export function isComposeDoc(root: unknown): boolean {
  return isMap(get(root, 'services'));
}
