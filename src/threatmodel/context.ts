/**
 * What a rule condition sees: `element` (for process, data store and external rules) or `flow` (with `flow.from` and
 * `flow.to`), as plain CEL maps with every field present (so a condition never trips on a missing key), plus facts
 * worked out from the whole model (what crosses a boundary, what receives untrusted input, the most sensitive data).
 */
import { classificationLevel } from './levels.js';
import type { Element, Flow, Model } from './model.js';

/** Unknown data is taken as `internal` (level 1): neither harmless nor secret. */
export const DEFAULT_LEVEL = 1;

/** Technology names → category, for conditions such as `element.category == 'queue'`. */
const CATEGORIES: [RegExp, string][] = [
  [/^(postgres(ql)?|mysql|mariadb|mssql|sql-?server|oracle|sqlite|cockroach(db)?|aurora|rds|db2|sql)$/, 'sql'],
  [/^(mongo(db)?|dynamodb|cassandra|couchdb|couchbase|firestore|cosmosdb|neo4j|nosql)$/, 'nosql'],
  [/^(redis|memcached|valkey|keydb|cache)$/, 'cache'],
  [/^(rabbitmq|amqp|kafka|sqs|sns|nats|pubsub|activemq|bullmq|bull|celery|queue|eventbridge|kinesis|service-?bus)$/, 'queue'],
  [/^(s3|gcs|minio|blob|azure-blob|object-storage|filesystem|nfs|file-server)$/, 'object-store'],
  [/^(elasticsearch|opensearch|solr|search)$/, 'search'],
  [/^(browser|web-browser|mobile-app|desktop|user|human)$/, 'client'],
  [/^(github-actions|gitlab-ci|jenkins|circleci|ci|buildkite|azure-pipelines)$/, 'ci'],
  [/^(git|github|gitlab|bitbucket|gitea|forgejo|gogs|scm|svn|mercurial|source-?code-?repository)$/, 'scm'],
  [/^(keycloak|auth0|okta|cognito|ldap|active-directory|idp|identity-provider|oauth)$/, 'identity'],
  [/^(registry|container-registry|ghcr|ecr|gcr|docker-hub|npm-registry|package-registry)$/, 'registry'],
  [/^(load-?balancer|reverse-?proxy|proxy|haproxy|envoy|traefik|nginx|caddy|api-?gateway|gateway|waf|cdn|ingress|alb|elb)$/, 'proxy'],
];

/** The category of a technology name (`postgres` → `sql`), or ''. */
export function categoryOf(technology: string | undefined): string {
  const t = (technology ?? '').toLowerCase().trim();
  for (const [re, c] of CATEGORIES) if (re.test(t)) return c;
  return '';
}

/** CEL bindings per element and flow id, computed once per model. */
export interface Bindings {
  elements: Map<string, Record<string, unknown>>;
  flows: Map<string, Record<string, unknown>>;
}

/** Builds the maps every condition reads. */
export function buildBindings(model: Model): Bindings {
  const trustOf = (e: Element): string => {
    const b = e.boundary !== undefined ? model.boundaries.get(e.boundary) : undefined;
    return b ? b.trust : e.kind === 'external' ? 'untrusted' : 'internal';
  };
  const assetMap = (ids: string[]) =>
    ids.flatMap((id) => {
      const a = model.assets.get(id);
      return a ? [{ id, classification: a.classification, level: classificationLevel(a.classification), credentials: a.credentials, pii: a.pii }] : [];
    });
  const maxLevel = (data: { level: number }[]) => (data.length ? Math.max(...data.map((d) => d.level)) : DEFAULT_LEVEL);
  const inbound = new Map<string, Flow[]>();
  const outbound = new Map<string, Flow[]>();
  for (const f of model.flows) {
    (inbound.get(f.to) ?? inbound.set(f.to, []).get(f.to)!).push(f);
    (outbound.get(f.from) ?? outbound.set(f.from, []).get(f.from)!).push(f);
  }
  const untrustedSource = (e: Element) => trustOf(e) === 'untrusted' || (e.kind === 'external' && e.internetFacing);
  // Exposure and browser traffic pass through proxies (load balancers, gateways, WAFs): what a proxy receives from
  // the internet or from browsers, the elements behind it receive too. Worked out to a fixed point over chains.
  const isProxy = (e: Element) => categoryOf(e.technology) === 'proxy';
  const exposed = new Set<string>();
  const browsers = new Set<string>();
  for (const e of model.elements.values()) {
    if (e.internetFacing || (inbound.get(e.id) ?? []).some((f) => untrustedSource(model.elements.get(f.from)!))) exposed.add(e.id);
    if ((inbound.get(e.id) ?? []).some((f) => categoryOf(model.elements.get(f.from)!.technology) === 'client')) browsers.add(e.id);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of model.flows) {
      const from = model.elements.get(f.from)!;
      if (!isProxy(from)) continue;
      for (const set of [exposed, browsers]) {
        if (set.has(f.from) && !set.has(f.to)) {
          set.add(f.to);
          changed = true;
        }
      }
    }
  }
  const summary = (e: Element) => ({
    id: e.id,
    kind: e.kind,
    title: e.title,
    technology: (e.technology ?? '').toLowerCase(),
    category: categoryOf(e.technology),
    boundary: e.boundary ?? '',
    trust: trustOf(e),
    internetFacing: e.internetFacing,
    authenticates: e.authenticates,
    authorizes: e.authorizes,
    validatesInput: e.validatesInput,
    encryptsAtRest: e.encryptsAtRest,
    logs: e.logs,
    container: e.container,
    custom: e.custom,
    // Receives requests or messages from something untrusted, or is reachable from the internet (directly or
    // through proxies).
    exposed: exposed.has(e.id),
    // Receives requests from browsers or other clients (directly or through proxies).
    reachedByClients: browsers.has(e.id),
    tags: e.tags,
    props: e.props,
  });
  const summaries = new Map([...model.elements.values()].map((e) => [e.id, summary(e)]));
  const flowSummary = (f: Flow) => ({
    id: f.id,
    protocol: f.protocol,
    port: f.port ?? 0,
    encrypted: f.encrypted,
    authentication: f.authentication,
    authenticated: f.authentication !== 'none',
    from: f.from,
    to: f.to,
    fromKind: model.elements.get(f.from)!.kind,
    toKind: model.elements.get(f.to)!.kind,
    toCategory: categoryOf(model.elements.get(f.to)!.technology),
    fromCategory: categoryOf(model.elements.get(f.from)!.technology),
    fromTrust: trustOf(model.elements.get(f.from)!),
    toLogs: model.elements.get(f.to)!.logs,
  });

  const flows = new Map<string, Record<string, unknown>>();
  for (const f of model.flows) {
    const from = model.elements.get(f.from)!;
    const to = model.elements.get(f.to)!;
    const data = assetMap(f.data);
    flows.set(f.id, {
      ...flowSummary(f),
      title: f.title,
      data,
      maxLevel: maxLevel(data),
      credentials: data.some((d) => d.credentials) || f.authentication === 'password' || f.authentication === 'api-key' || f.authentication === 'mfa',
      pii: data.some((d) => d.pii),
      crossesBoundary: (from.boundary ?? '') !== (to.boundary ?? ''),
      fromUntrusted: untrustedSource(from),
      tags: f.tags,
      props: f.props,
      from: summaries.get(f.from)!,
      to: summaries.get(f.to)!,
    });
  }
  const elements = new Map<string, Record<string, unknown>>();
  for (const e of model.elements.values()) {
    const ins = inbound.get(e.id) ?? [];
    const outs = outbound.get(e.id) ?? [];
    const own = assetMap([...new Set([...e.stores, ...e.processes])]);
    const carried = assetMap([...new Set([...ins, ...outs].flatMap((f) => f.data))]);
    const all = [...own, ...carried];
    elements.set(e.id, {
      ...summaries.get(e.id)!,
      stores: e.stores,
      processes: e.processes,
      data: own,
      maxLevel: maxLevel(all),
      credentials: all.some((d) => d.credentials),
      pii: all.some((d) => d.pii),
      ports: (e.ports ?? []).map(String),
      routes: e.routes ?? [],
      inbound: ins.map(flowSummary),
      outbound: outs.map(flowSummary),
    });
  }
  return { elements, flows };
}
