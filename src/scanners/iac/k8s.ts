import type { LineCounter, Node } from 'yaml';
import { rule as r } from '../../core/rules.js';
import type { RuleDef } from './common.js';
import type { Span } from '../../core/lines.js';
import type { Hit } from '../../analyzers/iac/common.js';
import { isPlaceholderValue, isSecretName } from '../../analyzers/iac/common.js';
import { isInternalLoadBalancer, podSpecOf, WORKLOADS, type K8sObject } from '../../analyzers/iac/k8s.js';
import { bool, entries, get, getPath, isMap, items, pairOf, spanOf, str } from '../../analyzers/yaml.js';
import { splitImage } from '../../analyzers/iac/dockerfile.js';

/** Every Kubernetes rule. */
export const K8S_RULES: RuleDef[] = [
  r('k8s-privileged', 'Privileged container', 'critical', 'A privileged container has all capabilities and host devices. Remove `privileged: true`.', 'CWE-250'),
  r('k8s-allow-privilege-escalation', 'Privilege escalation allowed', 'medium', 'Set `securityContext.allowPrivilegeEscalation: false` so setuid binaries cannot gain privileges.', 'CWE-250'),
  r('k8s-capabilities-added', 'Dangerous capability added', 'high', 'Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or ALL give near-root power over the node.', 'CWE-250'),
  r('k8s-capabilities-not-dropped', 'Capabilities not dropped', 'low', 'Add `capabilities: { drop: [ALL] }` and add back only what is needed.', 'CWE-250'),
  r('k8s-run-as-root', 'Runs as root (uid 0)', 'high', '`runAsUser: 0` runs the container as root. Use a non-zero uid.', 'CWE-250'),
  r('k8s-run-as-non-root-missing', 'runAsNonRoot not set', 'medium', 'Neither the pod nor the container sets `runAsNonRoot: true`, so an image running as root is accepted.', 'CWE-250'),
  r('k8s-writable-root-filesystem', 'Root filesystem writable', 'low', 'Set `readOnlyRootFilesystem: true` and mount writable volumes where needed.', 'CWE-732'),
  r('k8s-no-memory-limit', 'No memory limit', 'medium', 'A container without `resources.limits.memory` can exhaust the node.', 'CWE-770'),
  r('k8s-no-cpu-limit', 'No CPU limit', 'low', 'A container without `resources.limits.cpu` can starve its neighbours.', 'CWE-770'),
  r('k8s-image-latest', 'Image uses :latest or no tag', 'medium', 'Pin image versions; `latest` and untagged images change under you.', 'CWE-1357'),
  r('k8s-image-no-digest', 'Image not pinned by digest', 'low', 'Pin images by digest (`image@sha256:...`) so the running content is what was reviewed.', 'CWE-1357'),
  r('k8s-host-port', 'hostPort used', 'medium', '`hostPort` binds the port on the node\'s interfaces, bypassing Service and NetworkPolicy controls.', 'CWE-284'),
  r('k8s-ssh-port', 'SSH port exposed', 'medium', 'A container port 22 suggests an SSH daemon in the pod.', 'CWE-284'),
  r('k8s-secret-in-env', 'Literal secret in env', 'high', 'A secret written as a literal `env.value` is visible to anyone who can read the manifest. Use `valueFrom.secretKeyRef`.', 'CWE-798'),
  r('k8s-seccomp-unconfined', 'Seccomp unconfined', 'high', '`seccompProfile.type: Unconfined` disables syscall filtering. Use `RuntimeDefault`.', 'CWE-693'),
  r('k8s-apparmor-unconfined', 'AppArmor unconfined', 'medium', 'An `unconfined` AppArmor profile disables mandatory access control for the container.', 'CWE-693'),
  r('k8s-proc-mount-unmasked', 'procMount Unmasked', 'high', '`procMount: Unmasked` exposes the host\'s /proc paths to the container.', 'CWE-200'),
  r('k8s-host-network', 'hostNetwork', 'high', 'The pod shares the node\'s network namespace and can bind and sniff host interfaces.', 'CWE-284'),
  r('k8s-host-pid', 'hostPID', 'high', 'The pod sees and can signal every process on the node.', 'CWE-250'),
  r('k8s-host-ipc', 'hostIPC', 'high', 'The pod shares the node\'s IPC namespace.', 'CWE-250'),
  r('k8s-host-path', 'hostPath volume', 'medium', 'hostPath volumes expose the node filesystem to the pod.', 'CWE-552'),
  r('k8s-docker-socket', 'Container runtime socket mounted', 'critical', 'Mounting docker.sock/containerd.sock gives root on the node.', 'CWE-250'),
  r('k8s-automount-service-account-token', 'Service account token automounted', 'low', 'Set `automountServiceAccountToken: false` unless the pod calls the API server.', 'CWE-200'),
  r('k8s-default-namespace', 'Default namespace', 'low', 'Resources in `default` share it with everything deployed without care. Use a dedicated namespace.'),
  r('k8s-rbac-wildcard-verbs', 'RBAC wildcard verbs', 'high', 'A rule with `verbs: ["*"]` grants every current and future verb.', 'CWE-269'),
  r('k8s-rbac-wildcard-resources', 'RBAC wildcard resources', 'high', 'A rule with `resources: ["*"]` (or apiGroups `*`) grants access to every resource type.', 'CWE-269'),
  r('k8s-rbac-escalation-verbs', 'RBAC escalate/bind/impersonate', 'high', 'The `escalate`, `bind` and `impersonate` verbs let a subject grant itself more privileges.', 'CWE-269'),
  r('k8s-rbac-secrets-read-cluster', 'Cluster-wide read of secrets', 'high', 'A ClusterRole that can get/list/watch secrets reads every secret of the cluster.', 'CWE-200'),
  r('k8s-rbac-pods-exec', 'RBAC allows exec/attach into pods', 'medium', '`create` on pods/exec or pods/attach runs commands inside any pod in scope.', 'CWE-269'),
  r('k8s-rbac-nodes-proxy', 'RBAC allows nodes/proxy', 'high', 'nodes/proxy reaches the kubelet API and bypasses audit and admission.', 'CWE-269'),
  r('k8s-rbac-cluster-admin-binding', 'cluster-admin bound', 'high', 'Binding cluster-admin gives full control of the cluster. Bind a narrower role.', 'CWE-269'),
  r('k8s-rbac-anonymous-subject', 'Role bound to anonymous users', 'critical', 'Binding to system:anonymous or system:unauthenticated grants access without credentials.', 'CWE-306'),
  r('k8s-service-nodeport', 'NodePort Service', 'medium', 'A NodePort Service opens the port on every node. Prefer ClusterIP behind an Ingress.', 'CWE-284'),
  r('k8s-service-loadbalancer', 'LoadBalancer Service without source ranges', 'medium', 'A LoadBalancer Service is reachable from anywhere unless `loadBalancerSourceRanges` restricts it.', 'CWE-284'),
  r('k8s-service-external-ips', 'Service externalIPs', 'medium', '`externalIPs` route outside traffic to the Service and have been abused to intercept traffic (CVE-2020-8554).', 'CWE-284'),
  r('k8s-ingress-no-tls', 'Ingress without TLS', 'medium', 'The Ingress serves its hosts over plain HTTP. Add a `tls:` section.', 'CWE-319'),
];

const DANGEROUS_CAPS = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'NET_RAW', 'SYS_RAWIO', 'BPF', 'PERFMON', 'SYS_BOOT', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYS_TIME', 'DAC_OVERRIDE', 'SETUID', 'SETGID', 'CHOWN', 'FOWNER']);
const SOCKETS = /(?:^|\/)(?:docker|containerd|crio|cri-dockerd|podman)\.sock$|^\/var\/run\/docker$|^\/run\/containerd$/;

/** Runs every Kubernetes rule on one object. */
export function checkK8sObject(o: K8sObject, lc: LineCounter): Hit[] {
  const hits: Hit[] = [];
  const addr = `${o.kind}/${o.namespace}/${o.name}`;
  const nameNode = getPath(o.node, 'metadata', 'name');
  const objSpan: Span = spanOf(lc, nameNode ?? pairOf(o.node, 'kind'));
  const add = (rule: string, n: Parameters<typeof spanOf>[1], identity: string, message: string, fallback: Span = objSpan) =>
    hits.push({ rule, span: spanOf(lc, n, fallback), identity, message, logical: identity.split('|')[0]! });

  if (o.namespaceSet && o.namespace === 'default') add('k8s-default-namespace', getPath(o.node, 'metadata', 'namespace'), addr, `${o.kind} ${o.name} is deployed in the default namespace.`);

  const pod = podSpecOf(o);
  if (pod && isMap(pod)) checkPod(o, pod, addr, lc, add, objSpan);
  if (o.kind === 'Role' || o.kind === 'ClusterRole') checkRole(o, addr, add);
  if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
    const role = str(getPath(o.node, 'roleRef', 'name'));
    if (role === 'cluster-admin') add('k8s-rbac-cluster-admin-binding', getPath(o.node, 'roleRef', 'name'), addr, `${o.kind} ${o.name} binds cluster-admin.`);
    for (const s of items(get(o.node, 'subjects'))) {
      const n = str(get(s, 'name'));
      if (n === 'system:anonymous' || n === 'system:unauthenticated') add('k8s-rbac-anonymous-subject', get(s, 'name'), `${addr}|${n}`, `${o.kind} ${o.name} grants ${role ?? 'a role'} to ${n}.`);
    }
  }
  if (o.kind === 'Service') {
    const spec = get(o.node, 'spec');
    const type = str(get(spec, 'type'));
    if (type === 'NodePort') add('k8s-service-nodeport', get(spec, 'type'), addr, `Service ${o.name} opens a port on every node.`);
    if (type === 'LoadBalancer') {
      const ranges = items(get(spec, 'loadBalancerSourceRanges')).map(str);
      const open = (ranges.length === 0 || ranges.some((x) => x === '0.0.0.0/0' || x === '::/0')) && !isInternalLoadBalancer(o.node);
      if (open) add('k8s-service-loadbalancer', get(spec, 'type'), addr, `LoadBalancer Service ${o.name} is reachable from any address.`);
    }
    if (items(get(spec, 'externalIPs')).length) add('k8s-service-external-ips', pairOf(spec, 'externalIPs'), addr, `Service ${o.name} sets externalIPs.`);
  }
  if (o.kind === 'Ingress') {
    const spec = get(o.node, 'spec');
    if (items(get(spec, 'tls')).length === 0) add('k8s-ingress-no-tls', nameNode, addr, `Ingress ${o.name} has no TLS section.`);
  }
  return hits;
}

type Add = (rule: string, n: Parameters<typeof spanOf>[1], identity: string, message: string, fallback?: Span) => void;

function checkPod(o: K8sObject, pod: Node, addr: string, lc: LineCounter, add: Add, objSpan: Span): void {
  const podSc = get(pod, 'securityContext');
  for (const [key, rule] of [['hostNetwork', 'k8s-host-network'], ['hostPID', 'k8s-host-pid'], ['hostIPC', 'k8s-host-ipc']] as const) {
    if (bool(get(pod, key)) === true) add(rule, pairOf(pod, key), addr, `${o.kind} ${o.name} sets ${key}: true.`);
  }
  const automount = bool(get(pod, 'automountServiceAccountToken'));
  if (automount !== false) add('k8s-automount-service-account-token', automount === true ? pairOf(pod, 'automountServiceAccountToken') : undefined, addr, `${o.kind} ${o.name} mounts a service account token.`);
  for (const v of items(get(pod, 'volumes'))) {
    const hp = get(v, 'hostPath');
    if (!hp) continue;
    const p = str(get(hp, 'path')) ?? '';
    const vname = str(get(v, 'name')) ?? '-';
    if (SOCKETS.test(p)) add('k8s-docker-socket', get(hp, 'path'), `${addr}/volumes/${vname}`, `Volume ${vname} mounts the container runtime socket ${p}.`);
    else add('k8s-host-path', get(hp, 'path') ?? pairOf(v, 'hostPath'), `${addr}/volumes/${vname}`, `Volume ${vname} mounts host path ${p}.`);
  }
  const podSeccomp = str(getPath(podSc, 'seccompProfile', 'type'));
  if (podSeccomp === 'Unconfined') add('k8s-seccomp-unconfined', getPath(podSc, 'seccompProfile', 'type'), `${addr}|pod`, `${o.kind} ${o.name} runs without seccomp filtering.`);
  const tplAnn = getPath(o.node, ...(WORKLOADS[o.kind] ?? []).slice(0, -1), 'metadata', 'annotations');
  for (const ann of [tplAnn]) {
    for (const [k, v, pair] of entries(ann)) {
      const val = str(v) ?? '';
      if (/^seccomp\.security\.alpha\.kubernetes\.io\/pod$|^container\.seccomp\.security\.alpha\.kubernetes\.io\//.test(k) && val === 'unconfined') add('k8s-seccomp-unconfined', pair, `${addr}|ann:${k}`, `Annotation ${k} disables seccomp.`);
      if (/^container\.apparmor\.security\.beta\.kubernetes\.io\//.test(k) && val === 'unconfined') add('k8s-apparmor-unconfined', pair, `${addr}|ann:${k}`, `Annotation ${k} disables AppArmor.`);
    }
  }
  if (str(getPath(podSc, 'appArmorProfile', 'type')) === 'Unconfined') add('k8s-apparmor-unconfined', getPath(podSc, 'appArmorProfile', 'type'), `${addr}|pod`, `${o.kind} ${o.name} runs without AppArmor.`);
  const podNonRoot = bool(get(podSc, 'runAsNonRoot'));
  const podUser = str(get(podSc, 'runAsUser'));
  if (podUser === '0') add('k8s-run-as-root', get(podSc, 'runAsUser'), `${addr}|pod`, `${o.kind} ${o.name} runs as uid 0.`);

  for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of items(get(pod, group))) {
      const cname = str(get(c, 'name')) ?? '-';
      const caddr = `${addr}/${group}/${cname}`;
      const cSpan = spanOf(lc, get(c, 'name') ?? c, objSpan);
      const sc = get(c, 'securityContext');
      const at = (rule: string, n: Parameters<typeof spanOf>[1], message: string, extra = '') => add(rule, n, extra ? `${caddr}|${extra}` : caddr, message, cSpan);
      if (bool(get(sc, 'privileged')) === true) at('k8s-privileged', pairOf(sc, 'privileged'), `Container ${cname} is privileged.`);
      const ape = bool(get(sc, 'allowPrivilegeEscalation'));
      if (ape !== false) at('k8s-allow-privilege-escalation', ape === true ? pairOf(sc, 'allowPrivilegeEscalation') : undefined, `Container ${cname} allows privilege escalation.`);
      const caps = get(sc, 'capabilities');
      for (const cap of items(get(caps, 'add'))) {
        const v = (str(cap) ?? '').toUpperCase().replace(/^CAP_/, '');
        if (DANGEROUS_CAPS.has(v)) at('k8s-capabilities-added', cap, `Container ${cname} adds capability ${v}.`, v);
      }
      const drops = items(get(caps, 'drop')).map((d) => (str(d) ?? '').toUpperCase());
      if (!drops.includes('ALL')) at('k8s-capabilities-not-dropped', pairOf(caps, 'drop'), `Container ${cname} does not drop ALL capabilities.`);
      const user = str(get(sc, 'runAsUser'));
      if (user === '0') at('k8s-run-as-root', get(sc, 'runAsUser'), `Container ${cname} runs as uid 0.`);
      const nonRoot = bool(get(sc, 'runAsNonRoot')) ?? podNonRoot;
      const effUser = user ?? podUser;
      if (nonRoot !== true && (effUser === undefined || effUser === '0') && user !== '0' && podUser !== '0') at('k8s-run-as-non-root-missing', pairOf(sc, 'runAsNonRoot'), `Container ${cname} may run as root: runAsNonRoot is not true.`);
      if (bool(get(sc, 'readOnlyRootFilesystem')) !== true) at('k8s-writable-root-filesystem', pairOf(sc, 'readOnlyRootFilesystem'), `Container ${cname} has a writable root filesystem.`);
      if (str(getPath(sc, 'seccompProfile', 'type')) === 'Unconfined') at('k8s-seccomp-unconfined', getPath(sc, 'seccompProfile', 'type'), `Container ${cname} runs without seccomp filtering.`);
      if (str(getPath(sc, 'appArmorProfile', 'type')) === 'Unconfined') at('k8s-apparmor-unconfined', getPath(sc, 'appArmorProfile', 'type'), `Container ${cname} runs without AppArmor.`);
      if (str(get(sc, 'procMount')) === 'Unmasked') at('k8s-proc-mount-unmasked', pairOf(sc, 'procMount'), `Container ${cname} uses an unmasked /proc.`);
      if (group !== 'ephemeralContainers') {
        const limits = getPath(c, 'resources', 'limits');
        if (str(get(limits, 'memory')) === undefined) at('k8s-no-memory-limit', pairOf(get(c, 'resources'), 'limits'), `Container ${cname} has no memory limit.`);
        if (str(get(limits, 'cpu')) === undefined) at('k8s-no-cpu-limit', pairOf(get(c, 'resources'), 'limits'), `Container ${cname} has no CPU limit.`);
      }
      const image = str(get(c, 'image'));
      if (image && !image.includes('{{')) {
        const { name, tag, digest } = splitImage(image);
        if (!digest && (tag === undefined || tag === 'latest')) at('k8s-image-latest', get(c, 'image'), `Container ${cname} uses ${name}${tag ? ':latest' : ' without a tag'}.`);
        else if (!digest) at('k8s-image-no-digest', get(c, 'image'), `Container ${cname} image ${name}:${tag} is not pinned by digest.`);
      }
      for (const p of items(get(c, 'ports'))) {
        const cp = str(get(p, 'containerPort'));
        if (str(get(p, 'hostPort')) !== undefined) at('k8s-host-port', pairOf(p, 'hostPort'), `Container ${cname} binds hostPort ${str(get(p, 'hostPort'))}.`, `hostPort:${str(get(p, 'hostPort'))}`);
        if (cp === '22') at('k8s-ssh-port', get(p, 'containerPort'), `Container ${cname} exposes port 22.`, 'port:22');
      }
      for (const e of items(get(c, 'env'))) {
        const n = str(get(e, 'name')) ?? '';
        const v = str(get(e, 'value'));
        if (v !== undefined && isSecretName(n) && !isPlaceholderValue(v) && !v.includes('$(')) at('k8s-secret-in-env', get(e, 'value'), `Container ${cname} sets ${n} to a literal value; use a secretKeyRef.`, `env:${n}`);
      }
    }
  }
}

function checkRole(o: K8sObject, addr: string, add: Add): void {
  items(get(o.node, 'rules')).forEach((rule) => {
    const verbs = items(get(rule, 'verbs'));
    const res = items(get(rule, 'resources'));
    const groups = items(get(rule, 'apiGroups'));
    const vs = verbs.map((v) => str(v) ?? '');
    const rs = res.map((v) => str(v) ?? '');
    const rid = `${addr}|rules:${[...new Set(rs)].sort().join(',')}:${[...new Set(vs)].sort().join(',')}`;
    const wv = verbs.find((v) => str(v) === '*');
    if (wv) add('k8s-rbac-wildcard-verbs', wv, rid, `${o.kind} ${o.name} grants every verb.`);
    const wr = res.find((v) => str(v) === '*') ?? (res.length ? groups.find((g) => str(g) === '*') : undefined);
    if (wr) add('k8s-rbac-wildcard-resources', wr, rid, `${o.kind} ${o.name} grants access to every resource.`);
    for (const v of verbs) {
      const s = str(v);
      if (s === 'escalate' || s === 'bind' || s === 'impersonate') add('k8s-rbac-escalation-verbs', v, `${rid}|${s}`, `${o.kind} ${o.name} grants the ${s} verb.`);
    }
    const reads = vs.some((v) => v === 'get' || v === 'list' || v === 'watch' || v === '*');
    const secretRes = res.find((v) => str(v) === 'secrets');
    const named = items(get(rule, 'resourceNames')).length > 0;
    if (o.kind === 'ClusterRole' && reads && secretRes && !named) add('k8s-rbac-secrets-read-cluster', secretRes, rid, `ClusterRole ${o.name} can read every secret in the cluster.`);
    const execRes = res.find((v) => str(v) === 'pods/exec' || str(v) === 'pods/attach');
    if (execRes && vs.some((v) => v === 'create' || v === '*' || v === 'get')) add('k8s-rbac-pods-exec', execRes, rid, `${o.kind} ${o.name} can exec into pods.`);
    const proxy = res.find((v) => str(v) === 'nodes/proxy');
    if (proxy) add('k8s-rbac-nodes-proxy', proxy, rid, `${o.kind} ${o.name} grants nodes/proxy.`);
  });
}
