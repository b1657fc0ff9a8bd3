/**
 * The API inventory: every endpoint found (crawl, OpenAPI, GraphQL, browser), with its path template and its
 * insertion points, and how to build a request from it with one insertion point replaced by a probe.
 */
import type { ParameterIn } from '../../core/types.js';
import type { Req } from './http/client.js';

/** One place a probe can go. */
export interface Param {
  /** The name; for nested JSON fields the dotted path (`address.city`). */
  name: string;
  in: ParameterIn;
  /** The example value the endpoint is requested with. */
  value: unknown;
  /** Part of the request's shape, never a probe target (a GraphQL query document). */
  fixed?: boolean;
}

/** An endpoint: method + path template + parameters. */
export interface Endpoint {
  method: string;
  /** `/users/{id}`. */
  pathTemplate: string;
  /** Values of the template's variables. */
  pathValues: Record<string, string>;
  params: Param[];
  bodyType?: 'form' | 'json' | 'xml';
  /** The XML body for `bodyType: 'xml'`, with each text parameter's value in place. */
  xml?: string;
  /** Where it was found: crawl, openapi, graphql, browser. */
  source: string;
  /** Needs a signed-in user (from the spec's security, or found only when signed in). */
  auth?: boolean;
  /** Names of password fields (forms), for the login and credentials-in-URL checks. */
  password?: string[];
}

/** A probe in one parameter: the value (a string, or any JSON for body fields), sent raw (unencoded) or encoded. */
export interface Mutation {
  param: Param;
  value: unknown;
  /** Put the value in the URL without percent-encoding it (traversal). */
  raw?: boolean;
}

const SEGMENT_KINDS: [RegExp, string][] = [
  [/^\d+$/, 'id'],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'uuid'],
  [/^[0-9a-f]{16,}$/i, 'hash'],
  [/^(?=.*\d)(?=.*[a-zA-Z])[A-Za-z0-9_-]{20,}$/, 'token'],
];

/**
 * The path template of a concrete path: numeric ids, UUIDs, long hex and token-like segments become variables,
 * so `/users/7` and `/users/9` are one endpoint (and one finding).
 */
export function templateOf(path: string): { template: string; values: Record<string, string> } {
  const values: Record<string, string> = {};
  const segs = path.split('/').map((seg) => {
    const kind = SEGMENT_KINDS.find(([re]) => re.test(seg))?.[1];
    if (!kind) return seg;
    let name = kind;
    for (let i = 2; name in values; i++) name = `${kind}${i}`;
    values[name] = seg;
    return `{${name}}`;
  });
  return { template: segs.join('/') || '/', values };
}

/** A last path segment that names a file (`readme.txt`, `report.pdf`): a path insertion point of its own. */
const FILE_SEGMENT = /^[\w.-]+\.[A-Za-z0-9]{1,8}$/;

/**
 * An endpoint for a concrete URL found by the crawler (GET, its query as parameters). A file name below a folder
 * (`/static/readme.txt`) becomes the variable `{file}`, so the file server behind it is one endpoint whose path
 * segment can be probed.
 */
export function endpointFromUrl(method: string, url: URL, source: string): Endpoint {
  const t = templateOf(url.pathname);
  let { template } = t;
  const { values } = t;
  const segs = template.split('/');
  const last = segs[segs.length - 1]!;
  if (segs.length >= 3 && FILE_SEGMENT.test(last) && !last.startsWith('.')) {
    values.file = last;
    template = [...segs.slice(0, -1), '{file}'].join('/');
  }
  const params: Param[] = [...url.searchParams].map(([name, value]) => ({ name, in: 'query', value }));
  for (const [name, value] of Object.entries(values)) params.push({ name, in: 'path', value });
  return { method: method.toUpperCase(), pathTemplate: template, pathValues: values, params, source };
}

/** The key endpoints are de-duplicated by: method, template, parameter names. */
export function endpointKey(e: Endpoint): string {
  return `${e.method} ${e.pathTemplate} ${e.params.map((p) => `${p.in}:${p.name}`).sort().join(',')}`;
}

/** The parameters a probe can go in. */
export function insertionPoints(e: Endpoint): Param[] {
  return e.params.filter((p) => !p.fixed);
}

/** Builds a request for `e` on `origin` (+ base path), with `m` applied. */
export function buildRequest(origin: string, e: Endpoint, m?: Mutation): Req {
  const val = (p: Param): unknown => (m && m.param.name === p.name && m.param.in === p.in ? m.value : p.value);
  const isMut = (p: Param) => m !== undefined && m.param.name === p.name && m.param.in === p.in;
  const enc = (p: Param, v: unknown) => (isMut(p) && m!.raw ? String(v) : encodeURIComponent(String(v)));
  // `/graphql#user`: the fragment names a GraphQL field for the fingerprint and is not sent.
  let path = e.pathTemplate.replace(/#.*$/, '').replace(/\{([^}]+)\}/g, (_, name: string) => {
    const p = e.params.find((x) => x.in === 'path' && x.name === name);
    return p ? enc(p, val(p)) : encodeURIComponent(e.pathValues[name] ?? '1');
  });
  const query = e.params.filter((p) => p.in === 'query');
  const qs = query.map((p) => queryPair(p.name, val(p), isMut(p) && m!.raw === true)).filter(Boolean).join('&');
  if (qs) path += (path.includes('?') ? '&' : '?') + qs;
  const headers: Record<string, string> = {};
  for (const p of e.params.filter((x) => x.in === 'header')) headers[p.name] = String(val(p));
  const cookies = e.params.filter((x) => x.in === 'cookie').map((p) => `${p.name}=${encodeURIComponent(String(val(p)))}`);
  if (cookies.length) headers['cookie'] = cookies.join('; ');
  let body: string | undefined;
  if (e.bodyType === 'json') {
    const obj: Record<string, unknown> = {};
    for (const p of e.params.filter((x) => x.in === 'json')) setPath(obj, p.name, val(p));
    body = JSON.stringify(m?.param.in === 'body' ? m.value : obj);
    headers['content-type'] = 'application/json';
  } else if (e.bodyType === 'form') {
    body = e.params
      .filter((x) => x.in === 'form')
      .map((p) => queryPair(p.name, val(p), false))
      .filter(Boolean)
      .join('&');
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (e.bodyType === 'xml') {
    if (m?.param.in === 'body') body = String(m.value);
    else {
      body = e.xml ?? '';
      for (const p of e.params.filter((x) => x.in === 'xml')) body = body.replace(`>${xmlEscape(String(p.value))}<`, `>${isMut(p) ? String(val(p)) : xmlEscape(String(p.value))}<`);
    }
    headers['content-type'] = 'application/xml';
  }
  return { method: e.method, url: origin + path, headers, ...(body !== undefined ? { body } : {}) };
}

/** `name=value`, or `name[$op]=v` pairs for an object value (how PHP/Express `qs` read operators). */
function queryPair(name: string, v: unknown, raw: boolean): string {
  const e = (s: string) => (raw ? s : encodeURIComponent(s));
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${encodeURIComponent(name)}[${encodeURIComponent(k)}]=${e(String(x))}`)
      .join('&');
  }
  return `${encodeURIComponent(name)}=${e(String(v ?? ''))}`;
}

/** Sets `a.b.c` in `obj`. */
export function setPath(obj: Record<string, unknown>, path: string, v: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = v;
}

/** JSON body fields as parameters (nested objects one level deep, dotted names). */
export function jsonParams(body: unknown, prefix = '', depth = 0): Param[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const out: Param[] = [];
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 2) out.push(...jsonParams(v, name, depth + 1));
    else out.push({ name, in: 'json', value: v });
  }
  return out;
}

/** XML text escaping. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
