/**
 * Exposure at test time: the ports the running target's host accepts connections on, compared with the exposure
 * policy `pipeguard exposure` reads (`scanners.exposure.services`). Probed: every port the policy names, a list of
 * common service ports, and `dast.exposure.ports`. A TCP connect (1 s timeout) is all that is sent.
 */
import net from 'node:net';
import type { DastRun } from '../context.js';
import { pool } from '../context.js';

/** Service ports worth probing on any host. */
export const COMMON_PORTS = [21, 22, 23, 25, 53, 80, 110, 143, 443, 445, 1433, 1521, 2375, 2376, 3000, 3306, 3389, 5000, 5432, 5601, 5672, 5900, 5984, 6379, 8000, 8080, 8081, 8443, 8888, 9000, 9090, 9200, 9300, 11211, 15672, 27017];

/** A declared service's ports. */
export interface PortPolicy {
  name: string;
  allowed: (port: number) => boolean;
  closed: (port: number) => boolean;
  named: number[];
}

/** Parses port specs (`443`, `"8000-8100"`, `"53/udp"`; UDP ones are ignored here). */
export function portSet(specs: (number | string)[]): { has: (p: number) => boolean; list: number[] } {
  const ranges: [number, number][] = [];
  for (const s of specs) {
    if (typeof s === 'number') ranges.push([s, s]);
    else {
      const [rng, proto] = s.split('/');
      if (proto && proto !== 'tcp') continue;
      const [a, b] = rng!.split('-').map(Number);
      ranges.push([a!, b ?? a!]);
    }
  }
  const list = ranges.filter(([a, b]) => b - a < 100).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
  return { has: (p) => ranges.some(([a, b]) => p >= a && p <= b), list };
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}

/** Probes the target host and reports ports that break the policy. */
export async function checkPorts(run: DastRun, policy: PortPolicy | undefined): Promise<void> {
  if (!policy || !run.any('dast-port-closed-open', 'dast-port-undeclared')) return;
  const base = new URL(run.origin);
  const own = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
  const ports = [...new Set([...policy.named, ...COMMON_PORTS, ...run.config.exposure.ports])].filter((p) => p !== own).sort((a, b) => a - b);
  const open: number[] = [];
  await pool(ports, 16, async (p) => {
    if (await answers(base.hostname, p)) open.push(p);
  });
  run.count('ports-probed', ports.length);
  for (const p of open.sort((a, b) => a - b)) {
    const at = { url: `${base.protocol}//${base.host.replace(/:\d+$/, '')}:${p}/`, method: 'CONNECT', pathTemplate: `:${p}` };
    if (policy.closed(p)) run.report('dast-port-closed-open', { ...at, message: `Port ${p} on ${base.hostname} accepts connections, but the exposure policy declares it closed for ${policy.name}.`, evidence: `TCP connect to ${base.hostname}:${p} succeeded` });
    else if (!policy.allowed(p)) run.report('dast-port-undeclared', { ...at, message: `Port ${p} on ${base.hostname} accepts connections, but the exposure policy does not declare it for ${policy.name}.`, evidence: `TCP connect to ${base.hostname}:${p} succeeded` });
  }
}
