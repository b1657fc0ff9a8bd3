/**
 * GraphQL: an introspection query at the usual paths; when one answers, the schema's query fields that take
 * arguments become endpoints whose variables are the insertion points (mutations are not sent unless
 * destructive requests are enabled). The introspection answer itself is reported (dast-graphql-introspection).
 */
import type { GraphQLField, GraphQLSchema, IntrospectionQuery } from 'graphql';
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';

const MAX_FIELDS = 100;

/** Tries introspection at each configured path; adds endpoints and reports introspection. */
export async function discoverGraphql(run: DastRun): Promise<number> {
  // Loaded here, not with the module: `pipeguard scan` loads every scanner and never needs it.
  const gql = cjsNamespace(await import('graphql'), 'getIntrospectionQuery');
  const { buildClientSchema, getIntrospectionQuery } = gql;
  let added = 0;
  const base = run.client.o.scope.base.href;
  const urls = [...new Set(run.config.graphql.flatMap((p) => [new URL(p.replace(/^\//, ''), base).href, run.client.url(p)]))];
  for (const url of urls) {
    const res = await run.send({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }), quiet: true });
    if (!res || res.status !== 200) continue;
    let schema: GraphQLSchema;
    try {
      const data = (JSON.parse(res.body) as { data?: IntrospectionQuery }).data;
      if (!data?.__schema) continue;
      schema = buildClientSchema(data);
    } catch {
      continue;
    }
    const pathTemplate = new URL(url).pathname;
    run.report('dast-graphql-introspection', { method: 'POST', url, pathTemplate, message: `The GraphQL endpoint ${pathTemplate} answers introspection: its whole schema is public.`, res, proof: '__schema' });
    const roots = [schema.getQueryType(), run.config.allowDestructive ? schema.getMutationType() : undefined];
    for (const root of roots) {
      if (!root) continue;
      const kind = root === schema.getQueryType() ? 'query' : 'mutation';
      for (const field of Object.values(root.getFields()).slice(0, MAX_FIELDS)) {
        const e = fieldEndpoint(gql, kind, field, pathTemplate);
        if (e && run.addEndpoint(e)) added++;
      }
    }
  }
  return added;
}

function fieldEndpoint(gql: typeof import('graphql'), kind: string, field: GraphQLField<unknown, unknown>, pathTemplate: string): Endpoint | undefined {
  const { getNamedType, isLeafType, isObjectType } = gql;
  const args = field.args.filter((a) => isLeafType(getNamedType(a.type)));
  if (!args.length) return undefined;
  const decl = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const t = getNamedType(field.type);
  let selection = '';
  if (isObjectType(t)) {
    const leaves = Object.values(t.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && f.args.length === 0).map((f) => f.name);
    selection = ` { ${(leaves.length ? leaves : ['__typename']).slice(0, 20).join(' ')} }`;
  }
  const query = `${kind} PG(${decl}) { ${field.name}(${call})${selection} }`;
  const params: Param[] = args.map((a) => {
    const n = getNamedType(a.type).name;
    const value = n === 'Int' || n === 'Float' ? 1 : n === 'Boolean' ? true : n === 'ID' ? '1' : 'pipeguard';
    return { name: `variables.${a.name}`, in: 'json', value };
  });
  params.push({ name: 'query', in: 'json', value: query, fixed: true });
  return { method: 'POST', pathTemplate: `${pathTemplate}#${field.name}`, pathValues: {}, params, bodyType: 'json', source: 'graphql' };
}

/**
 * The module namespace of a CommonJS package loaded with `import()`: Node gives its named exports, the CLI bundle
 * (esbuild) may give them under `default` only.
 */
function cjsNamespace<T extends object>(mod: T, probe: string): T {
  return probe in mod ? mod : ((mod as { default?: T }).default ?? mod);
}
