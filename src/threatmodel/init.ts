/**
 * `threat-model init`: drafts a model from what pipeguard sees in the repository (services and ports, data stores,
 * external services, HTTP routes), with a comment on each element saying where it was seen. The team edits it from
 * there: assets, authentication and the trust placed in each part are theirs to state.
 */
import { stringify } from 'yaml';
import { canonicalTech } from './derive/catalog.js';
import type { CodeService, Evidence, Inventory } from './derive/inventory.js';
import type { CodeRoute } from './derive/routes.js';

/** Default ports of data-store and broker protocols, for drafted flows. */
const PROTOCOL: Record<string, [string, number]> = {
  postgres: ['postgres', 5432], mysql: ['mysql', 3306], mssql: ['tds', 1433], mongodb: ['mongodb', 27017], redis: ['redis', 6379], memcached: ['memcached', 11211],
  rabbitmq: ['amqp', 5672], kafka: ['kafka', 9092], nats: ['nats', 4222], elasticsearch: ['https', 9200], cassandra: ['cql', 9042], clickhouse: ['http', 8123],
  s3: ['https', 443], sqlite: ['file', 0],
};

function slug(s: string): string {
  const v = s.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return v || 'element';
}

/** The folder a service's code lives in, guessed from where its evidence is. */
function owns(service: CodeService, path: string): boolean {
  const n = service.name.toLowerCase();
  return path.toLowerCase().split('/').slice(0, -1).includes(n);
}

/** Drafts the model text (YAML with comments). `name` is the system's name (the folder's). */
export function draftModel(inv: Inventory, name: string): string {
  const elements: Record<string, Record<string, unknown>> = {};
  const comments = new Map<string, string>();
  const flows: Record<string, unknown>[] = [];
  const where = (ev: Evidence) => `${ev.path}:${ev.line} (${ev.what})`;
  const used = new Set<string>();
  const unique = (base: string) => {
    let id = slug(base);
    for (let i = 2; used.has(id); i++) id = `${slug(base)}-${i}`;
    used.add(id);
    return id;
  };

  const processes = inv.services.map((s) => ({ s, id: unique(s.name) }));
  const routesOf = new Map<string, CodeRoute[]>();
  const unassigned: CodeRoute[] = [];
  for (const r of inv.routes) {
    const p = processes.find(({ s }) => owns(s, r.file)) ?? (processes.length === 1 ? processes[0] : undefined);
    if (p) (routesOf.get(p.id) ?? routesOf.set(p.id, []).get(p.id)!).push(r);
    else unassigned.push(r);
  }
  if (unassigned.length) {
    const id = unique(processes.length ? 'web' : 'app');
    processes.push({ s: { name: id, source: 'dockerfile', built: false, ports: [], evidence: { path: unassigned[0]!.file, line: unassigned[0]!.line, what: 'HTTP routes' } }, id });
    routesOf.set(id, unassigned);
  }
  const publicProcs = processes.filter(({ s, id }) => s.ports.some((p) => p.reach === 'public') || (routesOf.get(id)?.length && !s.ports.length));
  const userId = publicProcs.length ? unique('user') : undefined;
  if (userId) {
    elements[userId] = { kind: 'external', title: 'Users (browser or API client)', technology: 'browser', boundary: 'internet', internetFacing: true };
    comments.set(userId, 'who calls the internet-facing services');
  }
  for (const { s, id } of processes) {
    const routes = routesOf.get(id) ?? [];
    const pub = s.ports.some((p) => p.reach === 'public') || (routes.length > 0 && publicProcs.some((p) => p.id === id));
    elements[id] = {
      kind: 'process',
      title: s.name,
      boundary: 'app',
      internetFacing: pub,
      authenticates: false,
      container: s.built,
      ...(s.ports.length ? { ports: [...new Set(s.ports.map((p) => (/^\d+$/.test(p.port) ? Number(p.port) : p.port)))] } : {}),
      ...(routes.length ? { routes: [...new Set(routes.map((r) => `${r.method} ${r.path}`))] } : {}),
      ...(slug(s.name) !== id ? { match: { services: [s.name] } } : {}),
    };
    comments.set(id, `seen at ${where(s.evidence)}${s.image ? `, image ${s.image}` : ''}; set authenticates/authorizes/validatesInput/logs as they are`);
  }
  const storeIds: { id: string; tech: string; ev: Evidence[] }[] = [];
  for (const d of inv.datastores) {
    const id = unique(d.service ?? d.technology);
    const pkgs = [...new Set(d.evidence.map((e) => /^dependency (.+)$/.exec(e.what)?.[1]).filter((p): p is string => !!p))];
    elements[id] = { kind: 'datastore', title: d.service ? `${d.service} (${d.technology})` : d.technology, technology: canonicalTech(d.technology), boundary: 'data', encryptsAtRest: false, ...(pkgs.length ? { match: { packages: pkgs } } : {}) };
    comments.set(id, `seen at ${d.evidence.slice(0, 3).map(where).join('; ')}`);
    storeIds.push({ id, tech: d.technology, ev: d.evidence });
  }
  const extIds: { id: string; ev: Evidence[] }[] = [];
  for (const x of inv.externals) {
    const id = unique(x.service);
    const pkgs = [...new Set(x.evidence.map((e) => /^dependency (.+)$/.exec(e.what)?.[1]).filter((p): p is string => !!p))];
    elements[id] = { kind: 'external', title: x.service, technology: x.service, boundary: 'third-parties', ...(pkgs.length ? { match: { packages: pkgs } } : {}) };
    comments.set(id, `seen at ${x.evidence.slice(0, 3).map(where).join('; ')}`);
    extIds.push({ id, ev: x.evidence });
  }
  // Flows: users to the public processes; each process to the stores and services its own code uses.
  for (const p of publicProcs) {
    const port = p.s.ports.find((x) => x.reach === 'public')?.port;
    flows.push({ from: userId, to: p.id, protocol: 'https', ...(port && /^\d+$/.test(port) ? { port: Number(port) } : {}), authentication: 'none' });
  }
  const users = (ev: Evidence[]) => {
    const own = processes.filter(({ s }) => ev.some((e) => owns(s, e.path)));
    return own.length ? own : processes.filter(({ s }) => s.built || processes.length === 1);
  };
  for (const st of storeIds) {
    const [protocol, port] = PROTOCOL[st.tech] ?? ['tcp', 0];
    for (const p of users(st.ev)) flows.push({ from: p.id, to: st.id, protocol, ...(port ? { port } : {}), authentication: 'password' });
  }
  for (const x of extIds) for (const p of users(x.ev)) flows.push({ from: p.id, to: x.id, protocol: 'https', port: 443, authentication: 'api-key' });

  const boundaries: Record<string, Record<string, unknown>> = {};
  const usedB = new Set(Object.values(elements).map((e) => e['boundary'] as string));
  if (usedB.has('internet')) boundaries['internet'] = { title: 'Internet', trust: 'untrusted' };
  if (usedB.has('app')) boundaries['app'] = { title: 'Application', trust: 'internal' };
  if (usedB.has('data')) boundaries['data'] = { title: 'Data', trust: 'restricted' };
  if (usedB.has('third-parties')) boundaries['third-parties'] = { title: 'Third parties', trust: 'untrusted' };

  const doc = { version: 1, title: name, boundaries, assets: {}, elements, flows, assumptions: [], controls: {}, accepted: [] };
  let text = stringify(doc, { lineWidth: 0 });
  // A comment above each drafted element saying where it was seen.
  text = text.replace(/^ {2}([A-Za-z0-9][A-Za-z0-9_.-]*):$/gm, (line, id: string) => (comments.has(id) && elements[id] ? `  # ${comments.get(id)}\n${line}` : line));
  text = text.replace(/^assets: \{\}$/m, '# Add the data worth protecting, e.g.\n#   customer-data: { classification: confidential, pii: true }\n#   session: { classification: confidential, credentials: true }\n# and list them under elements (stores, processes) and flows (data).\nassets: {}');
  return `# yaml-language-server: $schema=https://pipeguard.dev/schema/threatmodel.schema.json
# Threat model drafted by \`pipeguard threat-model init\` from what the repository declares
# (${inv.services.length} service${inv.services.length === 1 ? '' : 's'}, ${inv.datastores.length} data store${inv.datastores.length === 1 ? '' : 's'}, ${inv.externals.length} external service${inv.externals.length === 1 ? '' : 's'}, ${inv.routes.length} route${inv.routes.length === 1 ? '' : 's'}).
# It is a start: state what only you know (assets, authentication, trust), then run
#   pipeguard threat-model check
${text}`;
}
