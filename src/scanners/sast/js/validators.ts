import ts from './tslib.js';
import type * as TS from 'typescript';
import { NUMERIC_CLEARS, type SinkClass } from './classes.js';
import { bits, type CheckedFields } from './values.js';

/*
 * express-validator chains as guards and sanitisers. A route registered with validation chains
 * (`app.post('/u/:id', param('id').isUUID(), body('age').isInt().toInt(), handler)`, also in arrays, in constants
 * of the file and as arguments of a `validate(...)` middleware factory) gets a request whose fields the chains
 * cover: a sanitiser (`.escape()`, `.toInt()`) rewrites the field in place, so it holds whatever the route does
 * next; a validator (`.isInt()`, `.isUUID()`) only holds once the route rejects invalid requests: the handler
 * calls `validationResult(req)` (or a middleware of the route whose name says it validates does, in a group that
 * calls `validationResult`). `matchedData(req)` gives the validated fields alone, each with what its chain clears.
 */

/** Validators whose passing value is a number, a UUID, a word or one of fixed values: no injection class is left. */
const SAFE_TYPE = new Set([
  'isInt', 'isNumeric', 'isFloat', 'isDecimal', 'isUUID', 'isMongoId', 'isBoolean', 'isAlphanumeric', 'isAlpha', 'isHexadecimal',
  'isIn', 'isPort', 'isIP', 'isISO8601', 'isDate', 'isSlug', 'isHexColor', 'isLocale', 'isISO31661Alpha2', 'isCurrency', 'isJWT',
]);

/** What the other validators and the sanitisers clear. */
const CLEARS: Record<string, readonly SinkClass[]> = {
  // an e-mail address has no `<`, no line break and is a string; its local part may hold `'`, `|`, `$`, `` ` `` and `/`
  isEmail: ['xss', 'nosql', 'proto', 'log', 'header'],
  isString: ['nosql', 'proto'],
  isURL: ['nosql', 'proto', 'log', 'header'],
  // sanitisers: the field is rewritten whether or not the route checks the result
  escape: ['xss'],
  stripLow: ['log', 'header'],
  toInt: NUMERIC_CLEARS, toFloat: NUMERIC_CLEARS, toBoolean: NUMERIC_CLEARS, toDate: NUMERIC_CLEARS,
};
const SANITIZERS = new Set(['escape', 'stripLow', 'toInt', 'toFloat', 'toBoolean', 'toDate']);

/** Where each chain function reads (request property names). */
const LOCATIONS: Record<string, string[]> = {
  body: ['body'], param: ['params'], query: ['query'], cookie: ['cookies'], header: ['headers'],
  check: ['body', 'query', 'params', 'cookies', 'headers'],
};

/**
 * The request fields the validation chains of the route that registers handler `fn` cover, or undefined when there
 * are none. Routes are found where the handler is written inline (`app.post(path, ...chains, (req, res) => ...)`)
 * or where the file registers the handler by name (then every such route must cover the field).
 */
export function checkedFields(fn: TS.Node, sf: TS.SourceFile, groupChecks: () => boolean): CheckedFields | undefined {
  if (!/['"]express-validator['"]/.test(sf.text)) return undefined;
  const routes: TS.CallExpression[] = [];
  if (fn.parent && ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as TS.Expression)) routes.push(fn.parent);
  else {
    const name = handlerName(fn);
    if (!name) return undefined;
    const visit = (n: TS.Node): void => {
      if (ts.isCallExpression(n) && n.arguments.some((a) => ts.isIdentifier(a) && a.text === name)) routes.push(n);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  if (!routes.length) return undefined;
  const consts = constants(sf);
  let out: CheckedFields | undefined;
  for (const route of routes) {
    const chains: Chain[] = [];
    let validates = /\bvalidationResult\s*\(/.test(fn.getText(sf));
    for (const a of route.arguments) {
      if (a === fn) continue;
      collectChains(a, consts, chains, 0);
      const n = ts.isCallExpression(a) ? a.expression.getText(sf) : ts.isIdentifier(a) ? a.text : '';
      if (/valid/i.test(n) && groupChecks()) validates = true;
    }
    const one = fieldsOf(chains, validates);
    if (!out) out = one;
    else out = { req: intersect(out.req, one.req), matched: intersect(out.matched, one.matched) };
  }
  return out && (out.req.size || out.matched.size) ? out : undefined;
}

/** One chain: where it reads, the field, and its methods in order. */
interface Chain {
  locations: string[];
  field: string;
  methods: string[];
}

function fieldsOf(chains: Chain[], validates: boolean): CheckedFields {
  const req = new Map<string, number>();
  const matched = new Map<string, number>();
  for (const c of chains) {
    let all = 0;
    let sanitised = 0;
    for (let i = 0; i < c.methods.length; i++) {
      const m = c.methods[i]!;
      if (c.methods[i - 1] === 'not') continue;
      const mask = SAFE_TYPE.has(m) ? bits(NUMERIC_CLEARS) : CLEARS[m] ? bits(CLEARS[m]) : 0;
      all |= mask;
      if (SANITIZERS.has(m)) sanitised |= mask;
    }
    for (const loc of c.locations) {
      const key = `${loc}.${c.field}`;
      const inReq = validates ? all : sanitised;
      if (inReq) req.set(key, (req.get(key) ?? 0) | inReq);
      matched.set(key, (matched.get(key) ?? 0) | all);
    }
  }
  return { req, matched };
}

function intersect(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of a) if (b.has(k) && (v & b.get(k)!)) out.set(k, v & b.get(k)!);
  return out;
}

/** Chains in an expression: arrays, constants of the file, arguments of a middleware factory. */
function collectChains(e: TS.Expression, consts: Map<string, TS.Expression>, out: Chain[], depth: number): void {
  if (depth > 3) return;
  if (ts.isIdentifier(e)) {
    const c = consts.get(e.text);
    if (c) collectChains(c, consts, out, depth + 1);
    return;
  }
  if (ts.isArrayLiteralExpression(e)) {
    for (const x of e.elements) collectChains(ts.isSpreadElement(x) ? x.expression : x, consts, out, depth + 1);
    return;
  }
  if (!ts.isCallExpression(e)) return;
  const chain = chainOf(e);
  if (chain) {
    out.push(chain);
    return;
  }
  // `validate([body('x').isInt()])`, `checkExact([...])`, `oneOf` is left out: one of its chains may fail
  if (!/^oneOf$/.test(e.expression.getText())) for (const a of e.arguments) collectChains(a, consts, out, depth + 1);
}

/** A chain `body('age').isInt().toInt()` read from its outermost call, or undefined. */
function chainOf(e: TS.CallExpression): Chain | undefined {
  const methods: string[] = [];
  let cur: TS.Expression = e;
  while (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression)) {
    methods.unshift(cur.expression.name.text);
    cur = cur.expression.expression;
  }
  if (!ts.isCallExpression(cur) || !ts.isIdentifier(cur.expression)) return undefined;
  const locations = LOCATIONS[cur.expression.text];
  const a0 = cur.arguments[0];
  // one plain field (`user.email` and wildcards are left out)
  if (!locations || !a0 || !ts.isStringLiteralLike(a0) || !/^[\w$-]+$/.test(a0.text)) return undefined;
  // a conditional chain (`.if(...)`) may not run
  if (methods.includes('if')) return undefined;
  return { locations, field: a0.text, methods };
}

/** `const` declarations at the top of a file and in its blocks, by name (chains kept in arrays or variables). */
function constants(sf: TS.SourceFile): Map<string, TS.Expression> {
  const out = new Map<string, TS.Expression>();
  const visit = (n: TS.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && n.parent.flags & ts.NodeFlags.Const) out.set(n.name.text, n.initializer);
    if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The name a handler function is declared or stored under, or undefined. */
function handlerName(fn: TS.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

/*
 * Schema libraries: `schema.parse(input)` (zod), `schema.validate(input)` (joi: `{ value, error }`; yup: the value),
 * `validateSync`, `safeParse` (`{ success, data }`). Where the schema is an object schema written in the file
 * (`const S = z.object({ id: z.number(), role: z.enum([...]) })`), each field of the result is cleared by its type.
 */

/** A resolved object schema: its library and what each field's type clears. */
export interface SchemaShape {
  lib: 'zod' | 'joi' | 'yup';
  fields: Map<string, number>;
}

/** Types whose values carry no injection: numbers, booleans, UUIDs, dates, one of fixed values. */
const SAFE_SCHEMA = /\b(number|integer|int|bigint|boolean|bool|uuid|guid|nativeEnum|literal|date|isoDate|port)\s*\(|\b(z|zod)\.enum\s*\(|\.(valid|oneOf|allow\s*\(\s*['"][^'"]*['"]\s*\)\s*\.only)\s*\(/;

/** The object schema an expression names, or undefined. */
export function schemaShape(e: TS.Expression, sf: TS.SourceFile): SchemaShape | undefined {
  if (!/['"](zod|joi|@hapi\/joi|yup)['"]/.test(sf.text)) return undefined;
  let expr: TS.Expression | undefined = e;
  if (ts.isIdentifier(e)) expr = constants(sf).get(e.text);
  if (!expr) return undefined;
  const text = expr.getText(sf);
  const lib = /^(Joi|joi)\b/.test(text) ? 'joi' : /^(yup|Yup)\b/.test(text) ? 'yup' : /^(z|zod)\b/.test(text) ? 'zod' : undefined;
  if (!lib) return undefined;
  // the object literal of `z.object({...})`, `Joi.object().keys({...})`, `yup.object().shape({...})`
  let shapeObj: TS.ObjectLiteralExpression | undefined;
  for (let cur: TS.Expression = expr; ts.isCallExpression(cur); ) {
    const name = ts.isPropertyAccessExpression(cur.expression) ? cur.expression.name.text : '';
    const a0 = cur.arguments[0];
    if ((name === 'object' || name === 'keys' || name === 'shape') && a0 && ts.isObjectLiteralExpression(a0)) shapeObj = a0;
    if (!ts.isPropertyAccessExpression(cur.expression)) break;
    cur = cur.expression.expression;
  }
  if (!shapeObj) return undefined;
  const fields = new Map<string, number>();
  for (const p of shapeObj.properties) {
    if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name))) continue;
    const t = p.initializer.getText(sf);
    const mask = SAFE_SCHEMA.test(t) ? bits(NUMERIC_CLEARS) : /\.email\s*\(/.test(t) ? bits(CLEARS.isEmail!) : /\bstring\s*\(/.test(t) ? bits(CLEARS.isString!) : 0;
    fields.set(p.name.text, mask);
  }
  return { lib, fields };
}
