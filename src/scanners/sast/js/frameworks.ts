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
export const NEST_SOURCE_DECORATORS = new Set(['Query', 'Param', 'Body', 'Headers', 'Req', 'Request', 'Cookies', 'UploadedFile', 'UploadedFiles', 'HostParam',
  // GraphQL arguments (NestJS `@Args`, TypeGraphQL `@Arg`/`@Args`), message payloads (NestJS microservices and gateways)
  'Args', 'Arg', 'Payload', 'MessageBody']);
/** Tagged templates that build parameterised SQL (their interpolations are bound values, not SQL text). */
export const SQL_TAGS = /^(sql|SQL|Prisma\.sql|sql\.raw?|db\.sql|psql|mysql)$/;
/** Assignment targets that navigate the browser (open redirect when assigned input). */
export const LOCATION_SINKS = /^(window\.|document\.|self\.|top\.)?location(\.href)?$/;

/** Fields of an uploaded file (multer) that the server sets itself: where it stored the file and under which name. */
export const UPLOAD_SERVER_FIELDS = new Set(['path', 'filename', 'destination', 'size']);
/** Receivers of WebSocket / socket.io messages: every event's payload comes from the peer. */
export const SOCKET_RECEIVERS = /(^|\.)(socket|ws|websocket|webSocket|client|peer|conn|connection)$/;
/** Socket events that carry no peer data. */
export const SOCKET_LIFECYCLE = new Set(['connect', 'connection', 'disconnect', 'disconnecting', 'close', 'open', 'error', 'end', 'drain', 'finish', 'listening', 'ready', 'timeout']);
/** Declared types of serverless events (AWS Lambda, Netlify): the whole event is input. */
export const EVENT_TYPES = /^(APIGateway\w*Event\w*|ALBEvent|LambdaFunctionURLEvent|HandlerEvent|S3Event|SQSEvent|SNSEvent|EventBridgeEvent\w*|DynamoDBStreamEvent|CloudFrontRequestEvent|KinesisStreamEvent)\b/;
/** First parameters of GraphQL resolvers `(parent, args, context, info)`: the second parameter is the client's arguments. */
const RESOLVER_PARENTS = /^(_+\w*|parent|root|obj|source|src|_parent|_root)$/;

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
  if (type && EVENT_TYPES.test(type)) return 'src';
  const name = p.name.getText(sf);
  const other = (j: number): string => params[j]?.name.getText(sf) ?? '';
  // AWS Lambda, Netlify and Vercel functions: handler(event, context)
  if (i === 0 && /^(event|evt)$/.test(name) && (/^_?(context|ctx|callback|cb)$/.test(other(1)) || /(^|\.)handler$/i.test(functionName(p.parent, sf))) && !/^(Event|MouseEvent|KeyboardEvent|CustomEvent)\b/.test(type)) return 'src';
  // a function stored in a variable typed as a Lambda handler (`const main: APIGatewayProxyHandler = async (event) =>`),
  // or an `event` parameter in a file that imports the Lambda or Netlify types
  if (i === 0 && (LAMBDA_HANDLER_TYPE.test(declaredType(p.parent, sf)) || (/^(event|evt)$/.test(name) && !type && /from\s+['"](aws-lambda|@netlify\/functions|@vercel\/node)['"]/.test(sf.text)))) return 'src';
  // GraphQL resolvers: (parent, args, context, info)
  if (i === 1 && RESOLVER_PARENTS.test(other(0)) && (name === 'args' || ts.isObjectBindingPattern(p.name)) && (params.length >= 3 || name === 'args' || inObjectLiteral(p.parent))) return 'src';
  // Next.js route handlers GET(request, { params }) and page props { params, searchParams }
  if (ts.isObjectBindingPattern(p.name) && p.name.elements.some((e) => /^(params|searchParams)$/.test(e.name.getText(sf))) && (i === 1 ? REQ_TYPES.test(params[0]?.type?.getText(sf) ?? '') || /^req(uest)?$/.test(other(0)) : i === 0 && NEXT_ROUTE_FILE.test(sf.fileName))) return 'src';
  // Next.js server actions: the parameters of a module-level function in a 'use server' file
  if (usesServerDirective(sf) && isModuleLevel(p.parent)) return 'src';
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
  // a Koa/Strapi controller method `async find(ctx) { ... ctx.request.body ... }`
  if (n === 'ctx' && i === 0 && params.length === 1 && /\bctx\.(request\.(body|query)|query\b|params\b)/.test(p.parent.getText(sf))) return 'req';
  return undefined;
}

const LAMBDA_HANDLER_TYPE = /^(APIGateway\w*Handler|ALBHandler|LambdaFunctionURLHandler|Handler|SQSHandler|SNSHandler|S3Handler|EventBridgeHandler)\b/;

/** The declared type of the variable a function is assigned to (`const f: Handler = ...`), or ''. */
function declaredType(fn: TS.Node, sf: TS.SourceFile): string {
  const p = fn.parent;
  return p && ts.isVariableDeclaration(p) && p.type ? p.type.getText(sf) : '';
}

/** Whether a function is a property value or method of an object literal (a resolver map `{ Query: { f(_, { id }) {} } }`). */
function inObjectLiteral(fn: TS.Node): boolean {
  const p = fn.parent;
  return (ts.isMethodDeclaration(fn) && !!p && ts.isObjectLiteralExpression(p)) || (!!p && ts.isPropertyAssignment(p));
}

const NEXT_ROUTE_FILE = /(^|\/)(app|pages)\/.*\.[jt]sx?$/;

function usesServerDirective(sf: TS.SourceFile): boolean {
  const first = sf.statements[0];
  return !!first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === 'use server';
}

function isModuleLevel(fn: TS.Node): boolean {
  for (let n: TS.Node | undefined = fn.parent; n; n = n.parent) {
    if (ts.isSourceFile(n)) return true;
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
  }
  return false;
}

/** The name a function is declared or assigned under (`handler`, `exports.handler`), or ''. */
function functionName(fn: TS.Node, sf: TS.SourceFile): string {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText(sf);
  if (p && ts.isBinaryExpression(p)) return p.left.getText(sf);
  if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
  return '';
}

/**
 * Whether a module is an AWS Lambda function: it exports a `handler` (`exports.handler = ...`, `export const handler`,
 * `export async function handler`) or imports the `aws-lambda` types.
 */
export function isLambdaModule(sf: TS.SourceFile): boolean {
  return /(^|\n)\s*(module\.)?exports\.handler\s*=|export\s+(const|let|async\s+function|function)\s+handler\b|from\s+['"]aws-lambda['"]/.test(sf.text);
}
