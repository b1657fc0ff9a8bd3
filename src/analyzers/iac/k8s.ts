/** Kubernetes objects in parsed YAML: what the manifest checks and the exposure map read. */
import type { Node } from 'yaml';
import { entries, get, getPath, isMap, items, str } from '../yaml.js';

/** Where each workload kind keeps its pod spec. */
export const WORKLOADS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** A Kubernetes object found in a YAML document. */
export interface K8sObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
  /** Whether `metadata.namespace` was written. */
  namespaceSet: boolean;
  node: Node;
}

/** True when a parsed YAML value looks like a Kubernetes object. */
export function isK8sObject(n: unknown): boolean {
  return isMap(n) && str(get(n, 'apiVersion')) !== undefined && str(get(n, 'kind')) !== undefined;
}

/** Kubernetes objects of a document, expanding `kind: List`. */
export function k8sObjects(root: unknown): K8sObject[] {
  if (!isK8sObject(root)) return [];
  const kind = str(get(root, 'kind'))!;
  if (kind === 'List' || kind.endsWith('List')) return items(get(root, 'items')).flatMap((i) => k8sObjects(i));
  const ns = str(getPath(root, 'metadata', 'namespace'));
  return [{ kind, apiVersion: str(get(root, 'apiVersion'))!, name: str(getPath(root, 'metadata', 'name')) ?? str(getPath(root, 'metadata', 'generateName')) ?? '-', namespace: ns ?? 'default', namespaceSet: ns !== undefined, node: root as Node }];
}

/** The pod spec of a workload, if it is one. */
export function podSpecOf(o: K8sObject): Node | undefined {
  const path = WORKLOADS[o.kind];
  return path ? getPath(o.node, ...path) : undefined;
}

/** True when a LoadBalancer Service asks the cloud for an internal (VPC-only) load balancer. */
export function isInternalLoadBalancer(svc: Node): boolean {
  for (const [k, v] of entries(getPath(svc, 'metadata', 'annotations'))) {
    const val = (str(v) ?? '').toLowerCase();
    if (/^service\.beta\.kubernetes\.io\/(?:aws|azure)-load-balancer-internal$/.test(k) && (val === 'true' || /^\d/.test(val))) return true;
    if ((k === 'networking.gke.io/load-balancer-type' || k === 'cloud.google.com/load-balancer-type') && val === 'internal') return true;
    if (k === 'service.beta.kubernetes.io/aws-load-balancer-scheme' && val === 'internal') return true;
    if (k === 'service.beta.kubernetes.io/oci-load-balancer-internal' && val === 'true') return true;
  }
  return false;
}
