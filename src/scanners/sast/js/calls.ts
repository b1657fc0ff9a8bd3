import ts from './tslib.js';
import type * as TS from 'typescript';
import { NUMERIC_CLEARS, TAINT_RULES } from './classes.js';
import { servesNonHtml } from './content-type.js';
import { schemaShape, type SchemaShape } from './validators.js';
import { ARRAY_CALLBACKS, REQ_METHODS, ROUTE_METHODS, SOCKET_LIFECYCLE, SOCKET_RECEIVERS, isLambdaModule } from './frameworks.js';
import type { ModelRow } from './models.js';
import { FunctionSummaries } from './summaries.js';
import { isBound, lookup, normText, setVar, type Scope, type Site } from './scope.js';
import { EMPTY, STRINGIFIED, bit, bits, clean, cleanCustom, collapse, dataOf, force, join, type CheckedFields, type Val } from './values.js';

/**
 * Calls: `require`/`import()`, custom (YAML) hooks, library models (sinks, sanitisers, sources from `models.ts`),
 * callbacks with known semantics (promises, array methods, route registration, event handlers), then resolved
 * functions through their summaries; an unknown call passes its arguments' and receiver's taint to its result.
 */
export abstract class CallEvaluator extends FunctionSummaries {
  protected evalCall(c: TS.CallExpression | TS.NewExpression, sc: Scope): Val {
    const sf = sc.file.unit.sf;
    const isNew = ts.isNewExpression(c);
    const callee = c.expression;
    const argNodes = c.arguments ?? ts.factory.createNodeArray<TS.Expression>();
    // require('x') and import('x')
    if (ts.isCallExpression(c) && (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require' && !isBound(sc, 'require')))) {
      const a0 = argNodes[0];
      if (a0 && ts.isStringLiteralLike(a0)) return this.moduleObject(sc.file, a0.text);
      // `require(input)` / `import(input)` loads and runs whatever module the input names
      if (a0) {
        const taints = collapse(this.eval(a0, sc));
        if (taints.length) {
          const s = this.site(sc, c, `${callee.getText(sf)}()`);
          for (const t of taints) this.reportTaint(t, 'code', TAINT_RULES.code.ruleId, s);
        }
      }
      return EMPTY;
    }
    let recv: Val | undefined;
    let method: string | undefined;
    let calleeVal: Val;
    let recvText = '';
    if ((ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) && !isNew) {
      method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isStringLiteralLike(callee.argumentExpression) ? callee.argumentExpression.text : undefined;
      recv = this.eval(callee.expression, sc);
      recvText = callee.expression.getText(sf).replace(/\s+/g, '');
      calleeVal = method !== undefined ? this.member(recv, method, callee, sc) : EMPTY;
    } else calleeVal = this.eval(callee, sc);
    const args = argNodes.map((a) => this.eval(a, sc));
    const f = force(calleeVal);
    const name = normText(callee.getText(sf)).slice(0, 80);
    const site = (): Site => this.site(sc, c, `${isNew ? 'new ' : ''}${name}()`);

    // custom hooks
    const hooks = this.opts.hooks;
    if (hooks?.sink) {
      for (const h of hooks.sink(c, sf)) {
        const idx = h.args === '*' ? args.map((_, i) => i) : h.args;
        const taints = idx.flatMap((i) => (args[i] ? collapse(args[i]!) : []));
        if (!h.requires) {
          for (const t of taints) this.reportTaint(t, 'code', h.ruleId, site());
          continue;
        }
        // `requires:` is judged on every label the value carries (`A and B` needs both); a parameter's taint is
        // judged label by label when the summary is applied
        const labels = new Set(taints.filter((t) => t.origin === 'source' && t.rule === h.ruleId).map((t) => t.tlabel ?? '__SOURCE__'));
        const all = h.requires(labels);
        const s = site();
        for (const t of taints) {
          if (t.origin !== 'source') this.reportTaint(t, 'code', h.ruleId, { ...s, requires: h.requires });
          else if (all) this.reportTaint(t, 'code', h.ruleId, s);
        }
      }
    }
    if (hooks?.propagate) {
      for (const p of hooks.propagate(c, sf)) {
        const v = dataOf(this.eval(p.from, sc));
        if (v.t.length) setVar(sc, p.to, join(lookup(sc, p.to) ?? EMPTY, v));
      }
    }
    if (hooks?.sanitizesVars) {
      for (const { name, rules } of hooks.sanitizesVars(c, sf)) {
        const cur = lookup(sc, name);
        if (cur?.t.length) setVar(sc, name, cleanCustom(cur, rules));
      }
    }
    if (hooks?.taintsVars) {
      for (const { name, source } of hooks.taintsVars(c, sf)) {
        const t = this.source(sc, c, source.label, 0).t.map((x) => ({ ...x, rule: source.ruleId, ...(source.tlabel ? { tlabel: source.tlabel } : {}) }));
        setVar(sc, name, join(lookup(sc, name) ?? EMPTY, { t }));
      }
    }
    const sanitizes = hooks?.sanitizer?.(c, sf);
    if (sanitizes) return cleanCustom(dataOf(join(...args)), sanitizes);

    // request object methods
    const r = recv ? force(recv) : undefined;
    if (r?.req && method && REQ_METHODS.has(method)) return this.source(sc, c, `req.${method}(${argNodes[0] && ts.isStringLiteralLike(argNodes[0]) ? argNodes[0].text : ''})`, method === 'json' || method === 'formData' ? 0 : STRINGIFIED);

    // `x.replace(/[\r\n]/g, '')` strips line breaks (log and header injection); a pattern that removes or encodes `<`
    // clears HTML. `util.promisify(f)` is `f`.
    if ((method === 'replace' || method === 'replaceAll') && r && argNodes[0] && ts.isRegularExpressionLiteral(argNodes[0])) {
      const re = argNodes[0].text;
      // `path.normalize(p).replace(/^(\.\.(\/|\\|$))+/, '')` strips the leading `..` a normalised path can keep
      const mask = (/\\[rn]|\\s/.test(re) ? bits(['log', 'header']) : 0) | (re.includes('<') ? bits(['xss']) : 0) | (re.startsWith('/^') && re.includes('\\.\\.') && /(^|\.)normalize\(/.test(recvText) ? bits(['path']) : 0);
      if (mask) return clean(dataOf(r), mask);
    }
    if ((f.mod === 'util|promisify' || f.mod === 'global|util.promisify') && args[0]) return args[0];
    // `vm.createContext(sandbox)` contextifies the object and returns it
    if (f.mod === 'vm|createContext' && args[0]) return args[0];

    // express-validator's `matchedData(req)`: the fields the route's chains validated, each cleaned for what its chain clears
    if (/(^|\.)matchedData$/.test(name) && args[0] && force(args[0]).checked) return this.matchedData(force(args[0]).checked!, c, sc);

    // zod/joi/yup object schemas written in the file: each field of the result is cleared by its type
    if (method && SCHEMA_METHODS.test(method) && ts.isPropertyAccessExpression(callee) && args[0]) {
      const shape = schemaShape(callee.expression, sf);
      if (shape) return this.schemaResult(shape, method, args[0], c, sc);
    }

    // `res.render(view, locals)`: locals are linked to the view's template (views.ts); input as the locals object, its
    // `layout` or `settings` picks the engine's options
    if ((method === 'render' && (r?.res || RENDER_RECV.test(recvText))) || (method === 'view' && (r?.res || /^(reply|res|h)$/.test(recvText)))) this.renderLocals(argNodes, args, c, sc, name);

    // `vm.runInContext('safeEval(data)', { safeEval, data })`: fixed code that calls what the sandbox hands it
    if ((f.mod === 'vm|runInContext' || f.mod === 'vm|runInNewContext') && argNodes[0] && ts.isStringLiteral(argNodes[0]) && args[1]) this.sandboxCode(argNodes[0], args[1], sc);

    // models
    const rows = this.modelRows(f, method, recvText, r, isNew, callee, sc);
    let result: Val | undefined;
    let sank = false;
    for (const row of rows) {
      if (row.kind === 'sink') {
        sank = true;
        this.applySink(row, args, argNodes, site, sc);
      } else if (row.kind === 'sanitizer' && result === undefined) {
        const input = args[0] ?? (r ? dataOf(r) : EMPTY);
        result = clean(dataOf(input), bits(row.clears ?? []));
      } else if (row.kind === 'source' && result === undefined) result = this.source(sc, c, row.label ?? name, 0);
      else if (row.kind === 'clean' && result === undefined) result = EMPTY;
    }
    if (result !== undefined) return result;
    // second-order: rows read back from a model, collection or table the program writes request data into
    if (method && STORE_READS.test(method) && !r?.req) {
      const stored = this.storedInput();
      if (stored.size) {
        const name = storeName(method, recvText, argNodes[0]);
        if (name && stored.has(name)) return this.source(sc, c, `stored data from ${name} (second-order)`, STRINGIFIED);
      }
    }
    // `res.status(404).send(...)`: the response's chaining methods give the response back
    if (r?.res && method && RES_CHAIN.has(method)) return { t: [], res: true };

    // callbacks with known semantics
    if (method === 'then' || method === 'catch' || method === 'finally') {
      const inVal = method === 'then' && r ? r : EMPTY;
      const outs = args.map((a) => join(...(force(a).fns ?? []).map((fn) => this.invoke(fn, [inVal], c, sc, `${name} callback`))));
      return method === 'then' ? join(...outs) : join(r, ...outs);
    }
    if (method && ARRAY_CALLBACKS.has(method) && r && args.some((a) => force(a).fns)) {
      const elem = this.member(r, '*', c, sc);
      const outs = args.map((a) => join(...(force(a).fns ?? []).map((fn) => this.invoke(fn, [elem, EMPTY, r], c, sc, `${name} callback`))));
      return method === 'map' || method === 'flatMap' ? join(...outs.map(dataOf)) : method === 'forEach' || method === 'some' || method === 'every' || method === 'findIndex' ? EMPTY : dataOf(r);
    }
    if (method === 'reduce' && r) {
      const outs = args.map((a) => join(...(force(a).fns ?? []).map((fn) => this.invoke(fn, [join(args[1]), this.member(r, '*', c, sc)], c, sc, `${name} callback`))));
      return join(...outs, args[1]);
    }
    if (method && (method === 'push' || method === 'unshift' || method === 'add' || method === 'append') && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const added = join(...args.map(dataOf));
      if (added.t.length && r && !r.mod) setVar(sc, callee.expression.text, join(r, added));
      return EMPTY;
    }
    const fnArgs = args.map((a, i) => [force(a), i] as const).filter(([a]) => a.fns?.length);
    // Electron's main process: what a renderer sends over IPC (`ipcMain.on/handle(channel, (event, ...args))`) is input
    if (method && /^(on|once|handle|handleOnce)$/.test(method) && fnArgs.length && /(^|\.)ipcMain$/.test(recvText)) {
      const input = this.source(sc, argNodes[0] ?? c, 'IPC message', 0);
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [EMPTY, input, input, input], c, sc, 'IPC handler');
      return EMPTY;
    }
    // readline: `rl.question(prompt, (answer) => ...)` and `rl.on('line', (line) => ...)` read what the user types
    if (method && fnArgs.length && (method === 'question' || (method === 'on' && argNodes[0] && ts.isStringLiteralLike(argNodes[0]) && argNodes[0].text === 'line')) && /(^|\.)(rl|readline|readlineInterface|iface|prompt|cli|input|reader|lineReader)$/.test(recvText)) {
      const input = this.source(sc, argNodes[0] ?? c, 'terminal input', STRINGIFIED);
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [input], c, sc, 'readline handler');
      return EMPTY;
    }
    // Express `app.param(name, (req, res, next, value) => ...)`: the value is the route parameter
    if (method === 'param' && fnArgs.length && argNodes[0] && ts.isStringLiteralLike(argNodes[0]) && !r?.t.length) {
      const input = this.source(sc, argNodes[0], `req.params.${argNodes[0].text}`, STRINGIFIED);
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [{ t: [], req: true }, { t: [], res: true }, EMPTY, input], c, sc, `${name} handler`);
      return r ?? EMPTY;
    }
    // MCP servers (@modelcontextprotocol/sdk): a tool's, prompt's or resource's arguments and a raw request come from
    // the model's client, i.e. from whatever text steered the model
    if (method && fnArgs.length && MCP_METHODS.has(method) && /@modelcontextprotocol\/sdk/.test(sf.text)) {
      const input = this.source(sc, argNodes[0] ?? c, `MCP ${method === 'setRequestHandler' ? 'request' : method.replace(/^register/, '').toLowerCase() + ' arguments'}`, 0);
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [input, input], c, sc, `MCP ${method} handler`);
      return EMPTY;
    }
    // `handlers[input](...)`: the client picks which function runs (unsafe reflection)
    if (ts.isCallExpression(c) && ts.isElementAccessExpression(callee) && !ts.isStringLiteralLike(callee.argumentExpression) && !ts.isNumericLiteral(callee.argumentExpression)) {
      const key = this.eval(callee.argumentExpression, sc);
      if (key.t.length) this.sinkVal(key, 'reflection', site());
    }
    if (method && ROUTE_METHODS.has(method) && fnArgs.length && !r?.t.length) {
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [{ t: [], req: true }, { t: [], res: true }, EMPTY], c, sc, `${name} handler`);
      return r ?? EMPTY;
    }
    if ((method === 'on' || method === 'addEventListener' || method === 'once') && fnArgs.length) {
      const ev = argNodes[0] && ts.isStringLiteralLike(argNodes[0]) ? argNodes[0].text : '';
      // Messages between a program's own threads (worker_threads' parentPort, a Worker it started) are not input.
      const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression.getText(sc.file.unit.sf).replace(/!$/, '') : '';
      const ownThread = /(^|\.)parentPort$|^(this\.)?\w*[wW]orker$/.test(receiver);
      const peer = SOCKET_RECEIVERS.test(receiver) && ev !== '' && !SOCKET_LIFECYCLE.has(ev);
      // an archive's `entry` events (unzipper, yauzl, tar-stream) carry names the archive's author chose (zip slip)
      const input = ((ev === 'message' || ev === 'data') && !ownThread) || peer || ev === 'entry' ? this.source(sc, argNodes[0]!, ev === 'entry' ? 'archive entry' : `${ev} event`, 0) : EMPTY;
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [input], c, sc, `${ev} handler`);
      // a request body read by hand (`req.on('data', (chunk) => { body += chunk })`): the accumulator is input
      if (ev === 'data' && r?.req) {
        for (const [a] of fnArgs) {
          for (const fn of a.fns!) {
            const p0 = (fn.node as TS.FunctionLikeDeclaration).parameters?.[0];
            if (!p0 || !ts.isIdentifier(p0.name)) continue;
            const chunk = p0.name.text;
            const visit = (n: TS.Node): void => {
              let target: string | undefined;
              if (ts.isBinaryExpression(n) && ts.isIdentifier(n.left) && [ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.EqualsToken].includes(n.operatorToken.kind) && new RegExp(`\\b${chunk}\\b`).test(n.right.getText(sf))) target = n.left.text;
              if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'push' && ts.isIdentifier(n.expression.expression) && n.arguments.some((x) => ts.isIdentifier(x) && x.text === chunk)) target = n.expression.expression.text;
              if (target && target !== chunk) setVar(sc, target, join(lookup(sc, target) ?? EMPTY, this.source(sc, n, 'request body', 0)));
              ts.forEachChild(n, visit);
            };
            if (fn.node.body) visit(fn.node.body);
          }
        }
      }
      return EMPTY;
    }

    // resolved functions
    let out: Val | undefined;
    const fns = f.fns ?? [];
    if (isNew && f.klass) {
      const ctor = f.klass.node.members.find(ts.isConstructorDeclaration);
      if (ctor?.body) this.invoke({ node: ctor, file: f.klass.file, closure: f.klass.scope, thisCls: f.klass }, args, c, sc, name);
      return { t: [], inst: f.klass };
    }
    for (const fn of fns.slice(0, 4)) out = join(out, this.invoke(fn, args, c, sc, name));
    // functions passed to unknown calls still run: analyse them with untrusted-free arguments
    if (!fns.length) for (const [a] of fnArgs) for (const fn of a.fns!) this.summary(fn);
    if (out !== undefined) return out;
    // a sink's result carries no taint, but what it returns still has its module path (`compile()` gives a template)
    if (sank) return f.mod && !f.mod.startsWith('global|') ? { t: [], mod: `${f.mod}()` } : EMPTY;
    // a file path built from input read in this function (`path.join(base, req.query.f)`): an audit where the path is
    // built (a parameter's value is judged where it reaches a file API), unless the call is
    // handed straight to another call (a file API reports there) or the result is checked against its base later
    if (PATH_BUILDERS.has(f.mod ?? '') && !(c.parent && (ts.isCallExpression(c.parent) || ts.isNewExpression(c.parent)) && c.parent.arguments?.includes(c)) && !checkedLater(c, sf)) {
      const taints = args.flatMap((a) => collapse(a)).filter((t) => t.origin === 'source' && !t.rule);
      if (taints.length) {
        const s = { ...site(), audit: true };
        for (const t of taints) this.reportTaint(t, 'path', TAINT_RULES.path.ruleId, s);
      }
    }
    if (f.mod && !f.mod.startsWith('global|')) {
      const d = join(r ? dataOf(r) : undefined, ...args.map((a) => dataOf(a)));
      return { t: d.t, mod: `${f.mod}()` };
    }
    // a function of the program we cannot see that says it sanitises (`sanitizeUrl(x)`, `sanitizer(x)`)
    if ((!f.mod || (f.mod.startsWith('global|') && !rows.length)) && /^[$_]?(sanitiz|sanitis)\w*$|\w(Sanitiz|Sanitis)\w*$/.test(ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '')) {
      return clean(join(...args.map((a) => dataOf(a))), NUMERIC_MASK);
    }
    if (f.mod === 'global|Promise.all' || f.mod === 'global|Promise.race' || f.mod === 'global|Promise.allSettled') return dataOf(join(...args));
    // unknown call: arguments and receiver flow into the result
    const recvData = r && method && !r.mod && !r.inst && !r.klass ? this.member(r, `()${method}`, c, sc) : undefined;
    // A keyed lookup (`cache.get(key)`, `seen.has(key)`) answers with what the collection holds, not with the key:
    // an untrusted key picks a stored value, it does not become one.
    if (r && args.length === 1 && (method === 'get' || method === 'has')) return recvData ? dataOf(recvData) : EMPTY;
    return join(recvData ? dataOf(recvData) : undefined, ...args.map((a) => dataOf(a)));
  }

  /**
   * Runs the fixed code a `vm` context is given (a string literal) with the sandbox's fields as its globals, so what
   * it does with them is judged as if written in place (`safeEval(orderLinesData)` with notevil,
   * `libxml.parseXml(data, { noent: true })`). The code's nodes are placed where its text stands in the file, so a
   * finding in it points at the literal.
   */
  protected sandboxCode(lit: TS.StringLiteral, sandbox: Val, sc: Scope): void {
    const sf = sc.file.unit.sf;
    const start = lit.getStart(sf) + 1;
    const end = lit.getEnd() - 1;
    // escapes would shift positions; such code is rare in sandboxes
    if (sf.text.slice(start, end) !== lit.text) return;
    const box = force(sandbox);
    if (!box.fields) return;
    const code = ts.createSourceFile(sf.fileName, lit.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    if ((code as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length) return;
    // move every node to where its text stands in the file (the literal's content is the same text)
    const shift = (n: TS.Node): void => {
      const m = n as { pos: number; end: number };
      m.pos += start;
      m.end += start;
      ts.forEachChild(n, shift);
    };
    code.statements.forEach(shift);
    const inner: Scope = { ...sc, vars: new Map(box.fields), parent: undefined, returns: [], dotted: false };
    for (const st of code.statements) this.exec(st, inner);
  }

  protected modelRows(f: Val, method: string | undefined, recvText: string, r: Val | undefined, isNew: boolean, callee: TS.Expression, sc: Scope): ModelRow[] {
    const idx = this.opts.models;
    const out: ModelRow[] = [];
    if (f.mod) {
      let key = f.mod;
      if (isNew) {
        const bar = key.indexOf('|');
        const path = key.slice(bar + 1);
        const dot = path.lastIndexOf('.');
        key = `${key.slice(0, bar + 1)}${dot >= 0 ? path.slice(0, dot + 1) : ''}new:${dot >= 0 ? path.slice(dot + 1) : path}`;
      }
      const rows = idx.byName.get(key);
      if (rows) out.push(...rows);
    }
    if (method) {
      const rows = idx.byMethod.get(method);
      if (rows) {
        const rt = r?.res ? 'res' : recvText;
        for (const row of rows) if (!row.recv || row.recv.test(rt)) out.push(row);
      }
    }
    void callee;
    void sc;
    return out;
  }

  /**
   * Whether a URL expression's origin is fixed by the program, so input can only choose a path below it: it starts
   * with a literal scheme and host (`'https://api.example.com/' + id`, `` `/users/${id}` ``), or with a value that
   * carries no input (`config.baseUrl + path`, `'https://' + host + path`). Input at the start, or after a bare
   * scheme or `/`, still chooses the host (`'https://' + input`, `'/' + input` = `//evil.example`). A variable is
   * judged by the expression it was declared with in the same function.
   */
  protected fixedOrigin(n: TS.Expression, sc: Scope, depth = 0): boolean {
    while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n)) n = n.expression;
    if (ts.isIdentifier(n) && depth < 3) {
      const init = declaredInit(n, sc.file.unit.sf);
      return init ? this.fixedOrigin(init, sc, depth + 1) : false;
    }
    const parts: (string | TS.Expression)[] = [];
    const flat = (e: TS.Expression): void => {
      while (ts.isParenthesizedExpression(e)) e = e.expression;
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        flat(e.left);
        flat(e.right);
      } else if (ts.isTemplateExpression(e)) {
        parts.push(e.head.text);
        for (const sp of e.templateSpans) parts.push(sp.expression, sp.literal.text);
      } else if (ts.isStringLiteralLike(e)) parts.push(e.text);
      else parts.push(e);
    };
    flat(n);
    if (parts.length < 2) return false;
    let lit = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        lit += p;
        if (FIXED_ORIGIN.test(lit)) return true;
        continue;
      }
      // a value with no input where the host goes: the program's own base URL or host
      const clean = collapse(this.eval(p, sc)).length === 0 && !force(this.eval(p, sc)).req;
      return clean && /^((https?:)?\/\/)?$/i.test(lit);
    }
    return false;
  }

  /** What `schema.parse/validate(input)` returns for an object schema (validators.ts): zod and joi drop unknown keys. */
  protected schemaResult(shape: SchemaShape, method: string, input: Val, c: TS.Node, sc: Scope): Val {
    // joi's `validate` returns the value even when it fails: only an `if (error)` check makes the types hold
    let checked = true;
    if (shape.lib === 'joi' && method === 'validate') {
      let fn: TS.Node | undefined = c;
      while (fn && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
      checked = !!fn && /\bif\s*\(\s*!?\s*[\w.]*(error|err)\b/i.test(fn.getText(sc.file.unit.sf));
    }
    const fields = new Map<string, Val>();
    for (const [field, mask] of shape.fields) fields.set(field, clean(dataOf(this.member(input, field, c, sc)), checked ? mask : 0));
    const value: Val = { t: shape.lib === 'yup' ? dataOf(input).t : [], fields, obj: true };
    if (method.startsWith('safeParse')) return { t: [], fields: new Map([['data', value]]), obj: true };
    if (shape.lib === 'joi' && method === 'validate') return { t: [], fields: new Map([['value', value]]), obj: true };
    return value;
  }

  /** The value of `matchedData(req)` for a route whose chains cover `checked` (validators.ts). */
  protected matchedData(checked: CheckedFields, c: TS.Node, sc: Scope): Val {
    const masks = new Map<string, number>();
    for (const [key, mask] of checked.matched) {
      const field = key.slice(key.indexOf('.') + 1);
      masks.set(field, masks.has(field) ? masks.get(field)! & mask : mask);
    }
    const fields = new Map<string, Val>();
    for (const [field, mask] of masks) fields.set(field, clean(this.source(sc, c, `matchedData(req).${field}`, 0), mask));
    return { t: [], fields, obj: true };
  }

  /**
   * The locals of `res.render(view, locals)`. Each tainted local (one level below an object local: `user.bio`) is a
   * sink site marked with the view and the local's path: views.ts reports it where the view's template writes that
   * local without escaping, and drops it otherwise. A locals object that is itself input (`res.render(v, req.query)`)
   * lets the client set the engine's options (`settings`, ejs `outputFunctionName`, hbs `layout`): code injection;
   * an input `layout` names the layout file (path traversal).
   */
  protected renderLocals(argNodes: TS.NodeArray<TS.Expression>, args: Val[], c: TS.CallExpression | TS.NewExpression, sc: Scope, name: string): void {
    const localsNode = argNodes[1];
    if (!localsNode || !args[1] || ts.isFunctionLike(localsNode)) return;
    const l = force(args[1]);
    // only input read here: a helper's parameter may be handed an object literal whose fields are input
    const objectInput = l.t.filter((t) => t.origin === 'source' && !(t.cleaned & bit('nosql')));
    if (objectInput.length) {
      const s = this.site(sc, c, `${name}() options`);
      for (const t of objectInput) this.reportTaint(t, 'code', TAINT_RULES.code.ruleId, s);
    }
    const layout = l.fields?.get('layout');
    if (layout) this.sinkVal(layout, 'path', this.site(sc, localsNode, `${name}() layout`));
    const settings = l.fields?.get('settings');
    if (settings) this.sinkVal(settings, 'code', this.site(sc, localsNode, `${name}() settings`));
    const view = argNodes[0] && ts.isStringLiteralLike(argNodes[0]) ? argNodes[0].text : undefined;
    if (view === undefined) return;
    let base: Site | undefined;
    const link = (key: string, v: Val): void => {
      const taints = collapse(v);
      if (!taints.length) return;
      base ??= this.site(sc, c, `${name}('${view}')`);
      const s: Site = { ...base, sinkName: `${name}('${view}') as local \`${key}\``, text: `${base.text}|${key}`, render: { view, key } };
      for (const t of taints) this.reportTaint(t, 'xss', TAINT_RULES.xss.ruleId, s);
    };
    if (l.t.length) link('*', { t: l.t });
    for (const [k, v] of l.fields ?? []) {
      if (k === 'layout' || k === 'settings') continue;
      const fv = force(v);
      if (k !== '*' && fv.fields?.size && !fv.t.length && !fv.fns) for (const [k2, v2] of fv.fields) link(k2 === '*' ? k : `${k}.${k2}`, v2);
      else link(k, v);
    }
  }

  protected applySink(row: ModelRow, args: Val[], argNodes: TS.NodeArray<TS.Expression>, site: () => Site, sc: Scope): void {
    const sf = sc.file.unit.sf;
    if (row.opt) {
      const { key, value } = row.opt;
      const matches = (text: string): boolean => (value.startsWith('~') ? text.includes(value.slice(1)) : text === value);
      // the options as a literal, or as a name declared once with one (`const opts = { noent: true }`)
      const objects = argNodes.map((a) => (ts.isIdentifier(a) ? declaredInit(a, sf) ?? moduleConst(a, sf) : a));
      const ok = objects.some((a) => a && ts.isObjectLiteralExpression(a) && a.properties.some((p) => ts.isPropertyAssignment(p) && p.name.getText(sf) === key && matches(p.initializer.getText(sf))));
      if (!ok) return;
    }
    if (row.unless && argNodes.some((a) => ts.isObjectLiteralExpression(a) && a.properties.some((p) => p.name?.getText(sf) === row.unless))) return;
    // an options variable we cannot see into may set that key (`sendFile(p, options)` with a `root` built elsewhere)
    if (row.unless && argNodes.slice(1).some((a) => ts.isIdentifier(a) && !/^(cb|callback|done|next|err|fn)$/.test(a.text))) {
      const opts = argNodes.slice(1).filter(ts.isIdentifier).map((a) => declaredInit(a, sf));
      if (opts.some((o) => !o || !ts.isObjectLiteralExpression(o) || o.properties.some((p) => p.name?.getText(sf) === row.unless))) return;
    }
    if (row.cls === 'xss' && row.recv && servesNonHtml(argNodes[0], sf, () => [...this.files.values()].map((f) => f.unit.sf))) return;
    // AWS Lambda's Node.js runtime writes each console call as one log event, line breaks kept inside it: text
    // logged with console.* in a Lambda function cannot forge another entry
    if (row.cls === 'log' && row.pkg === 'global' && isLambdaModule(sf)) return;
    if (row.first) {
      // the program name as a literal, or as a variable declared once with one (`const shell = 'bash'`)
      const a0 = argNodes[0] && ts.isIdentifier(argNodes[0]) ? declaredInit(argNodes[0], sf) : argNodes[0];
      if (!(a0 && ts.isStringLiteralLike(a0) && row.first.test(a0.text))) return;
    }
    // fixed code that names the context's fields is judged as if written in place (sandboxCode); only a context the
    // code does not visibly read from is a sink
    if (row.pkg === 'vm' && row.cls === 'code' && Array.isArray(row.args) && row.args[0] !== 0 && argNodes[0] && ts.isStringLiteralLike(argNodes[0])) {
      const ctx = force(args[row.args[0]!] ?? EMPTY);
      const fields = row.field ? force(ctx.fields?.get(row.field) ?? EMPTY).fields : ctx.fields;
      const names = new Set(argNodes[0].text.match(/[A-Za-z_$][\w$]*/g) ?? []);
      if (!fields || [...fields.keys()].some((k) => names.has(k))) return;
    }
    if (row.has && !argNodes.some((a) => ts.isArrayLiteralExpression(a) && a.elements.some((e) => ts.isStringLiteralLike(e) && row.has!.test(e.text)))) return;
    const idx = row.args === '*' ? args.map((_, i) => i) : row.args === 'last' ? [args.length - 1] : (row.args ?? [0]);
    let s: Site | undefined;
    for (const i of idx) {
      const a = args[i];
      const n = argNodes[i];
      if (!a || !n) continue;
      if (row.str && (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n) || ts.isFunctionLike(n))) continue;
      if (row.str && ts.isIdentifier(n)) {
        // a variable declared once with an object literal is that object
        const init = declaredInit(n, sf);
        if (init && (ts.isObjectLiteralExpression(init) || ts.isArrayLiteralExpression(init))) continue;
      }
      if ((row.cls === 'redirect' || row.cls === 'ssrf') && !row.field && this.fixedOrigin(n, sc)) continue;
      if (row.cls === 'nosql') {
        // Sequelize, TypeORM and Prisma take `{ where: ... }`: values there are bound, not query operators.
        if (ts.isObjectLiteralExpression(n) && n.properties.some((p) => p.name?.getText(sf) === 'where')) continue;
        const fa = force(a);
        const where = fa.fields?.get('$where');
        if (where) this.sinkVal(where, 'code', (s ??= site()));
      }
      // a query object (`{ text, values }` of pg, `{ sql, values }` of mysql): only its SQL text is SQL
      const sqlField = row.cls === 'sql' && !row.field && ts.isObjectLiteralExpression(n) ? (['text', 'sql', 'query'].find((k) => force(a).fields?.has(k)) ?? '') : undefined;
      const field = row.field ?? sqlField;
      const taints = collapse(field !== undefined ? (force(a).fields?.get(field) ?? EMPTY) : a);
      if (taints.length === 0) continue;
      s ??= site();
      for (const t of taints) this.reportTaint(t, row.cls!, TAINT_RULES[row.cls!].ruleId, s);
    }
  }
}

/** A literal URL start that fixes the origin: scheme and host followed by a path, query or fragment, or a local path. */
const FIXED_ORIGIN = /^(?:[a-z][\w+.-]*:\/\/[^/?#\\\s]+[/?#]|\/[^/\\])/i;

/** The initialiser of a module-level `const` of that name (`const OPTIONS = { ... }` at the top of the file). */
function moduleConst(id: TS.Identifier, sf: TS.SourceFile): TS.Expression | undefined {
  // a parameter of a function around the name shadows the module's constant
  for (let p: TS.Node | undefined = id.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p) && p.parameters.some((q) => ts.isIdentifier(q.name) && q.name.text === id.text)) return undefined;
  }
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === id.text) return d.initializer;
  }
  return undefined;
}

/** The initialiser of the declaration of `id` in its function (or the file), when it is declared once there. */
export function declaredInit(id: TS.Identifier, sf: TS.SourceFile): TS.Expression | undefined {
  let scope: TS.Node | undefined = id.parent;
  while (scope && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  if (!scope) return undefined;
  let found: TS.Expression | undefined;
  let count = 0;
  const visit = (m: TS.Node): void => {
    if (count > 1) return;
    if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === id.text) {
      count++;
      if (m.initializer && m.getStart(sf) < id.getStart(sf)) found = m.initializer;
    } else if (ts.isBinaryExpression(m) && m.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && m.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(m.left) && m.left.text === id.text) count += 2;
    if (!(ts.isFunctionLike(m) && m !== scope)) ts.forEachChild(m, visit);
  };
  ts.forEachChild(scope, visit);
  return count === 1 ? found : undefined;
}

/** `path` functions that build a file path from their arguments. */
const PATH_BUILDERS = new Set(['path|join', 'path|resolve', 'path|posix.join', 'path|posix.resolve', 'path|win32.join', 'path|win32.resolve']);

/**
 * Whether the path a call builds is stored in a variable that the function later checks against a base
 * (`p.startsWith(root)`, `p.indexOf(root) === 0`, `path.relative(root, p)`).
 */
function checkedLater(c: TS.Node, sf: TS.SourceFile): boolean {
  const p = c.parent;
  const v = p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : p && ts.isBinaryExpression(p) && ts.isIdentifier(p.left) ? p.left.text : undefined;
  if (!v) return false;
  let fn: TS.Node | undefined = c.parent;
  while (fn && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
  if (!fn) return false;
  const after = sf.text.slice(c.end, fn.end);
  return new RegExp(`\\b${v}\\s*\\.\\s*(startsWith|indexOf)\\(|\\brelative\\([^)]*\\b${v}\\b`).test(after);
}

/** MCP server registrations whose handler receives the client's arguments. */
const MCP_METHODS = new Set(['tool', 'registerTool', 'prompt', 'registerPrompt', 'resource', 'registerResource', 'setRequestHandler']);

/** Every class but resource exhaustion (what a sanitiser of unknown kind is trusted to clear). */
const NUMERIC_MASK = bits(NUMERIC_CLEARS);

/** Methods of schema objects that return the checked value. */
const SCHEMA_METHODS = /^(parse|parseAsync|safeParse|safeParseAsync|validate|validateAsync|validateSync|cast)$/;

/** Receivers of `render(view, locals)`: Express responses, Koa contexts with koa-views (Fastify's is `reply.view`). */
const RENDER_RECV = /^(res|response|ctx|this\.ctx)$/;

/** Methods that read stored records. */
const STORE_READS = /^(find|findOne|findById|findAll|findByPk|findMany|findFirst|findUnique|query|all|get|each)$/;

/** The model, collection or table a read names (lower case), or undefined. */
function storeName(method: string, recvText: string, a0: TS.Expression | undefined): string | undefined {
  const col = /collection\(['"`](\w+)['"`]\)$/.exec(recvText);
  if (col) return col[1]!.toLowerCase();
  const prisma = /^(?:this\.)?prisma\.(\w+)$/.exec(recvText);
  if (prisma) return prisma[1]!.toLowerCase();
  if (/^(query|all|get|each)$/.test(method)) {
    const sql = a0 && ts.isStringLiteralLike(a0) ? a0.text : a0 && ts.isTemplateExpression(a0) ? a0.head.text : '';
    const m = /^\s*SELECT\b[\s\S]*?\bFROM\s+[`"[]?(\w+)/i.exec(sql);
    return m?.[1]!.toLowerCase();
  }
  // `User`, `this.User`, and a model read through its module (`models.User`, `db.User`)
  const model = /^(?:[a-z]\w*\.)?([A-Z]\w*|\w+Model|\w+Repository|\w+Repo)$/.exec(recvText.replace(/^this\./, ''));
  return model ? model[1]!.replace(/(Model|Repository|Repo)$/, '').toLowerCase() : undefined;
}

/** Response methods that return the response itself (Express, Fastify). */
const RES_CHAIN = new Set(['status', 'type', 'set', 'header', 'append', 'cookie', 'clearCookie', 'vary', 'links', 'code', 'headers', 'contentType', 'location']);
