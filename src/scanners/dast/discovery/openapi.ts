/**
 * OpenAPI 2.0 / 3.0 / 3.1 import (a local file or a URL): every operation becomes an endpoint with its path
 * template, parameters (path, query, header, cookie) and a request body generated from the schema's examples,
 * defaults, enums and types. Parsing and `$ref` resolution by @apidevtools/swagger-parser.
 */
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../../core/errors.js';
import type { ParameterIn } from '../../../core/types.js';
import { jsonParams, xmlEscape, type Endpoint, type Param } from '../endpoints.js';

type Obj = Record<string, unknown>;
/** The one function of swagger-parser used here. */
interface Dereferencer {
  dereference(api: string | object): Promise<unknown>;
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];
const MAX_DEPTH = 5;

/** Reads an OpenAPI document (file path or already-fetched text) into endpoints relative to `origin`. */
export async function importOpenApi(source: { path?: string; text?: string; name: string }, origin: string): Promise<Endpoint[]> {
  // Loaded here, not with the module: `pipeguard scan` loads every scanner and never needs it.
  // Node gives the class as `default`; a bundle may give the module object with `default` on it, or the class.
  const loaded = (await import('@apidevtools/swagger-parser')) as unknown as { default?: Dereferencer } & Partial<Dereferencer>;
  const SwaggerParser: Dereferencer = typeof loaded.default?.dereference === 'function' ? loaded.default : (loaded as Dereferencer);
  let api: Obj;
  try {
    if (source.text !== undefined) {
      const doc = parseYaml(source.text) as unknown;
      if (!doc || typeof doc !== 'object') throw new Error('not a JSON or YAML object');
      api = (await SwaggerParser.dereference(doc as object)) as Obj;
    } else {
      api = (await SwaggerParser.dereference(source.path!)) as Obj;
    }
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    throw new InputError(`not a valid OpenAPI document: ${msg}`, source.name);
  }
  return endpointsOf(api, origin);
}

/** The endpoints of a dereferenced OpenAPI document. */
export function endpointsOf(api: Obj, origin: string): Endpoint[] {
  const basePath = serverPath(api, origin);
  const out: Endpoint[] = [];
  const paths = (api.paths ?? {}) as Record<string, Obj>;
  const globalSecurity = Array.isArray(api.security) && api.security.length > 0;
  for (const [path, item] of Object.entries(paths)) {
    if (!item || typeof item !== 'object') continue;
    const shared = (item.parameters ?? []) as Obj[];
    for (const method of METHODS) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const params: Param[] = [];
      const pathValues: Record<string, string> = {};
      const all = [...shared.filter((p) => !((op.parameters ?? []) as Obj[]).some((q) => q.name === p.name && q.in === p.in)), ...((op.parameters ?? []) as Obj[])];
      let body: unknown;
      let bodyType: Endpoint['bodyType'];
      let xml: string | undefined;
      for (const p of all) {
        const where = String(p.in);
        if (where === 'body') {
          body = example(p.schema as Obj, 0);
          bodyType = 'json';
          continue;
        }
        if (where === 'formData') {
          params.push({ name: String(p.name), in: 'form', value: scalarExample(p) });
          bodyType = 'form';
          continue;
        }
        if (!['path', 'query', 'header', 'cookie'].includes(where)) continue;
        const value = scalarExample(p);
        if (where === 'path') pathValues[String(p.name)] = String(value);
        params.push({ name: String(p.name), in: where as ParameterIn, value });
      }
      const rb = op.requestBody as Obj | undefined;
      const content = (rb?.content ?? {}) as Record<string, Obj>;
      const json = Object.keys(content).find((t) => /json/i.test(t));
      const form = Object.keys(content).find((t) => /x-www-form-urlencoded/i.test(t));
      const xmlType = Object.keys(content).find((t) => /xml/i.test(t));
      if (json) {
        body = mediaExample(content[json]!);
        bodyType = 'json';
      } else if (form) {
        const v = mediaExample(content[form]!);
        for (const [k, x] of Object.entries((v ?? {}) as Obj)) params.push({ name: k, in: 'form', value: typeof x === 'object' ? JSON.stringify(x) : x });
        bodyType = 'form';
      } else if (xmlType) {
        const v = mediaExample(content[xmlType]!);
        const root = ((content[xmlType]!.schema as Obj | undefined)?.xml as Obj | undefined)?.name ?? 'request';
        xml = toXml(String(root), v);
        for (const [k, x] of Object.entries((v ?? {}) as Obj)) if (typeof x !== 'object') params.push({ name: k, in: 'xml', value: String(x) });
        bodyType = 'xml';
      }
      if (bodyType === 'json') params.push(...jsonParams(body));
      const security = Array.isArray(op.security) ? op.security.length > 0 : globalSecurity;
      out.push({
        method: method.toUpperCase(),
        pathTemplate: joinPath(basePath, path),
        pathValues,
        params,
        ...(bodyType ? { bodyType } : {}),
        ...(xml !== undefined ? { xml } : {}),
        source: 'openapi',
        ...(security ? { auth: true } : {}),
      });
    }
  }
  return out;
}

function serverPath(api: Obj, origin: string): string {
  if (typeof api.swagger === 'string') return typeof api.basePath === 'string' ? api.basePath : '';
  const servers = (api.servers ?? []) as Obj[];
  const url = servers[0]?.url;
  if (typeof url !== 'string') return '';
  try {
    const u = new URL(url.replace(/\{[^}]+\}/g, 'x'), origin);
    return u.pathname.replace(/\/$/, '');
  } catch {
    return '';
  }
}

function joinPath(base: string, path: string): string {
  return `${base}${path.startsWith('/') ? path : `/${path}`}`.replace(/\/{2,}/g, '/');
}

function mediaExample(media: Obj): unknown {
  if (media.example !== undefined) return media.example;
  const ex = media.examples as Record<string, Obj> | undefined;
  const first = ex ? Object.values(ex)[0] : undefined;
  if (first && first.value !== undefined) return first.value;
  return example(media.schema as Obj, 0);
}

function scalarExample(p: Obj): unknown {
  if (p.example !== undefined) return p.example;
  const ex = p.examples as Record<string, Obj> | undefined;
  const first = ex ? Object.values(ex)[0] : undefined;
  if (first && first.value !== undefined) return first.value;
  const schema = (p.schema as Obj | undefined) ?? p;
  const v = example(schema, 0);
  return v === undefined || typeof v === 'object' ? (p.in === 'path' ? '1' : 'pipeguard') : v;
}

/** An example value for a JSON schema: its example, default, first enum value, or one made from its type. */
export function example(schema: Obj | undefined, depth: number): unknown {
  if (!schema || typeof schema !== 'object' || depth > MAX_DEPTH) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    const list = schema[k] as Obj[] | undefined;
    if (Array.isArray(list) && list.length) {
      if (k === 'allOf') return Object.assign({}, ...list.map((s) => example(s, depth + 1) ?? {}));
      return example(list[0], depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object' || (type === undefined && schema.properties)) {
    const out: Obj = {};
    for (const [k, s] of Object.entries((schema.properties ?? {}) as Record<string, Obj>)) {
      if ((s as Obj).readOnly) continue;
      const v = example(s, depth + 1);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (type === 'array') {
    const v = example(schema.items as Obj, depth + 1);
    return v === undefined ? [] : [v];
  }
  if (type === 'integer') return typeof schema.minimum === 'number' ? Math.max(1, schema.minimum) : 1;
  if (type === 'number') return typeof schema.minimum === 'number' ? Math.max(1, schema.minimum) : 1.5;
  if (type === 'boolean') return true;
  if (type === 'string') {
    switch (schema.format) {
      case 'email':
        return 'pipeguard@example.com';
      case 'uuid':
        return '00000000-0000-4000-8000-000000000001';
      case 'date':
        return '2024-01-01';
      case 'date-time':
        return '2024-01-01T00:00:00Z';
      case 'uri':
      case 'url':
        return 'https://example.com/';
      case 'password':
        return 'Pipeguard-1';
      default:
        return 'pipeguard';
    }
  }
  return undefined;
}

function toXml(root: string, v: unknown): string {
  const inner = (x: unknown): string =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.entries(x as Obj)
          .map(([k, y]) => `<${k}>${inner(y)}</${k}>`)
          .join('')
      : xmlEscape(String(x ?? ''));
  return `<?xml version="1.0" encoding="UTF-8"?><${root}>${inner(v)}</${root}>`;
}
