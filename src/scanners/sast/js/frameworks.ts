import ts from './tslib.js';
import type * as TS from 'typescript';

/**
 * Web frameworks as data: how the interpreter recognises request objects (whose properties are sources), response
 * objects, route registrations and framework callbacks. Library APIs (sinks, sanitisers, other sources) are rows in
 * `models.ts`; what is here is the shape of frameworks rather than one API.
 */

/** Request properties that hold parsed objects (an attacker can send `{"$ne": 1}`): Express, Koa, Fastify, Hapi. */
export const REQ_OBJECT_PROPS = new Set(['query', 'body', 'payload', 'files', 'file', 'fields']);
/** Request properties that hold strings (or maps of strings). */
export const REQ_STRING_PROPS = new Set([
  'params', 'headers', 'cookies', 'signedCookies', 'url', 'originalUrl', 'path', 'hostname', 'querystring', 'search',
  'nextUrl', 'searchParams', 'href', 'header',
]);
/** Request methods that return input (`req.get('x')`, `await request.json()`). */
export const REQ_METHODS = new Set(['get', 'header', 'param', 'json', 'text', 'formData', 'query', 'cookie']);
/** Declared parameter types of a request object. */
export const REQ_TYPES = /^(express\.)?(Request|FastifyRequest|NextRequest|NextApiRequest|IncomingMessage|Hapi\.Request|Koa\.Context|Context|ParameterizedContext)\b/;
/** Declared parameter types of a response object. */
export const RES_TYPES = /^(express\.)?Response\b|^FastifyReply\b|^ServerResponse\b/;
/** Methods that register a route handler: `app.get(path, handler)`; the handler's first parameters are request and response. */
export const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'all', 'use', 'options', 'head', 'route', 'del']);
/** Array methods whose callback receives the elements. */
export const ARRAY_CALLBACKS = new Set(['map', 'forEach', 'filter', 'find', 'some', 'every', 'flatMap', 'findIndex', 'sort', 'findLast']);
/** NestJS parameter decorators that inject request data. */
export const NEST_SOURCE_DECORATORS = new Set(['Query', 'Param', 'Body', 'Headers', 'Req', 'Request', 'Cookies', 'UploadedFile']);
/** Tagged templates that build parameterised SQL (their interpolations are bound values, not SQL text). */
export const SQL_TAGS = /^(sql|SQL|Prisma\.sql|sql\.raw?|db\.sql|psql|mysql)$/;
/** Assignment targets that navigate the browser (open redirect when assigned input). */
export const LOCATION_SINKS = /^(window\.|document\.|self\.|top\.)?location(\.href)?$/;

/** The role of a handler parameter. */
export type RequestRole = 'req' | 'res' | 'src';

/**
 * What a handler parameter is, from its decorators, declared type or name: the framework's request object (`req`),
 * its response object (`res`), a value taken from the request (`src`, NestJS `@Query()` and friends), or none.
 */
export function requestRole(p: TS.ParameterDeclaration, i: number, params: TS.NodeArray<TS.ParameterDeclaration>, sf: TS.SourceFile): RequestRole | undefined {
  const decos = ts.canHaveDecorators(p) ? (ts.getDecorators(p) ?? []) : [];
  for (const d of decos) {
    const e = d.expression;
    const name = ts.isCallExpression(e) ? e.expression.getText(sf) : e.getText(sf);
    if (name === 'Req' || name === 'Request') return 'req';
    if (NEST_SOURCE_DECORATORS.has(name)) return 'src';
    if (name === 'Res' || name === 'Response') return 'res';
  }
  const type = p.type ? p.type.getText(sf) : '';
  if (type && REQ_TYPES.test(type)) return 'req';
  if (RES_TYPES.test(type)) return 'res';
  // A parameter declared with some other type (`req: ScanRequest`) is not a web request, whatever its name.
  if (type && !/^(any|unknown|object)$/.test(type)) return undefined;
  if (!ts.isIdentifier(p.name)) {
    return i === 0 && ts.isObjectBindingPattern(p.name) && params.length >= 2 && ['res', 'response', 'reply'].includes(params[1]!.name.getText(sf)) ? 'req' : undefined;
  }
  const n = p.name.text;
  if ((n === 'req' || n === 'request') && i <= 1) return 'req';
  if ((n === 'res' || n === 'response' || n === 'reply') && i >= 1 && i <= 2) return 'res';
  if (n === 'ctx' && i === 0 && params[1] && params[1].name.getText(sf) === 'next') return 'req';
  return undefined;
}
