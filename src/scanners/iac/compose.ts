import type { LineCounter } from 'yaml';
import { rule as r } from '../../core/rules.js';
import type { RuleDef } from './common.js';
import type { Hit } from '../../analyzers/iac/common.js';
import { isPlaceholderValue, isSecretName } from '../../analyzers/iac/common.js';
import { composePorts } from '../../analyzers/iac/compose.js';
import { bool, entries, get, isMap, items, pairOf, spanOf, str } from '../../analyzers/yaml.js';
import { splitImage } from '../../analyzers/iac/dockerfile.js';

/** Every docker-compose rule. */
export const COMPOSE_RULES: RuleDef[] = [
  r('compose-privileged', 'Privileged service', 'critical', '`privileged: true` gives the container full access to the host.', 'CWE-250'),
  r('compose-network-host', 'Host network', 'high', '`network_mode: host` shares the host network stack: every listening port is on the host\'s interfaces.', 'CWE-284'),
  r('compose-port-all-interfaces', 'Port published on all interfaces', 'medium', 'A published port without a host IP binds 0.0.0.0. Bind `127.0.0.1:` unless it must be public.', 'CWE-284'),
  r('compose-docker-socket', 'Docker socket mounted', 'critical', 'Mounting /var/run/docker.sock gives the container root on the host.', 'CWE-250'),
  r('compose-secret-in-environment', 'Literal secret in environment', 'high', 'Secrets written into compose files end up in version control. Use `secrets:` or an env file kept out of the repository.', 'CWE-798'),
  r('compose-cap-add', 'Dangerous capability added', 'high', '`cap_add` of ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE... gives near-root power.', 'CWE-250'),
  r('compose-pid-host', 'Host PID namespace', 'high', '`pid: host` lets the container see and signal host processes.', 'CWE-250'),
  r('compose-ipc-host', 'Host IPC namespace', 'medium', '`ipc: host` shares the host IPC namespace.', 'CWE-250'),
  r('compose-security-opt-unconfined', 'seccomp/AppArmor disabled', 'high', '`security_opt: [seccomp:unconfined]` or `apparmor:unconfined` removes kernel hardening.', 'CWE-693'),
  r('compose-image-latest', 'Image uses :latest or no tag', 'low', 'Pin image versions in compose files.', 'CWE-1357'),
];

const CAPS = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'SYS_RAWIO', 'BPF', 'SYS_BOOT', 'MAC_ADMIN']);

/** Runs every compose rule on one compose document. */
export function checkCompose(root: unknown, lc: LineCounter): Hit[] {
  const hits: Hit[] = [];
  for (const [name, svc, pair] of entries(get(root, 'services'))) {
    const addr = `services/${name}`;
    const svcSpan = spanOf(lc, pair.key);
    const add = (rule: string, n: Parameters<typeof spanOf>[1], message: string, extra = '') =>
      hits.push({ rule, span: spanOf(lc, n, svcSpan), identity: extra ? `${addr}|${extra}` : addr, message, logical: addr });
    if (bool(get(svc, 'privileged')) === true) add('compose-privileged', pairOf(svc, 'privileged'), `Service ${name} is privileged.`);
    if (str(get(svc, 'network_mode')) === 'host') add('compose-network-host', pairOf(svc, 'network_mode'), `Service ${name} uses the host network.`);
    if (str(get(svc, 'pid')) === 'host') add('compose-pid-host', pairOf(svc, 'pid'), `Service ${name} shares the host PID namespace.`);
    if (str(get(svc, 'ipc')) === 'host') add('compose-ipc-host', pairOf(svc, 'ipc'), `Service ${name} shares the host IPC namespace.`);
    for (const c of items(get(svc, 'cap_add'))) {
      const v = (str(c) ?? '').toUpperCase().replace(/^CAP_/, '');
      if (CAPS.has(v)) add('compose-cap-add', c, `Service ${name} adds capability ${v}.`, v);
    }
    for (const o of items(get(svc, 'security_opt'))) {
      const v = (str(o) ?? '').replace(/\s/g, '');
      if (/^(?:seccomp|apparmor)[:=]unconfined$/.test(v)) add('compose-security-opt-unconfined', o, `Service ${name} sets ${v}.`, v);
    }
    for (const p of composePorts(svc)) {
      const ip = p.hostIp;
      if (ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::') add('compose-port-all-interfaces', p.node, `Service ${name} publishes port ${p.target} on all interfaces.`, `port:${p.published ?? ''}:${p.target}/${p.protocol}`);
    }
    for (const v of items(get(svc, 'volumes'))) {
      const src = isMap(v) ? str(get(v, 'source')) ?? '' : (str(v) ?? '').split(':')[0]!;
      if (/(?:^|\/)(?:docker|containerd|podman)\.sock$/.test(src)) add('compose-docker-socket', v, `Service ${name} mounts the Docker socket.`, src);
    }
    const env = get(svc, 'environment');
    if (isMap(env)) {
      for (const [k, vn, pr] of entries(env)) {
        const val = str(vn);
        if (val !== undefined && isSecretName(k) && !isPlaceholderValue(val)) add('compose-secret-in-environment', pr, `Service ${name} sets ${k} to a literal secret.`, `env:${k}`);
      }
    } else {
      for (const e of items(env)) {
        const s = str(e) ?? '';
        const eq = s.indexOf('=');
        if (eq > 0 && isSecretName(s.slice(0, eq)) && !isPlaceholderValue(s.slice(eq + 1))) add('compose-secret-in-environment', e, `Service ${name} sets ${s.slice(0, eq)} to a literal secret.`, `env:${s.slice(0, eq)}`);
      }
    }
    const image = str(get(svc, 'image'));
    if (image && !image.includes('$')) {
      const { tag, digest } = splitImage(image);
      if (!digest && (tag === undefined || tag === 'latest')) add('compose-image-latest', get(svc, 'image'), `Service ${name} image ${image} is not pinned to a version.`);
    }
  }
  return hits;
}
