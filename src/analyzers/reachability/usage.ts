import type { TargetAnalyzer } from '../../core/types.js';
import { targetFiles } from '../../core/types.js';
import { pyImports } from './python.js';
import type { ImportUse } from './types.js';

export type { ImportUse } from './types.js';

/**
 * What the application's own source code uses of its dependencies: per source file, the packages (npm), import
 * paths (Go) and modules (Python) it imports and the names it uses from each. Read once per scan, for reachability of vulnerable
 * dependencies. Files under `node_modules/`, `vendor/` and other installed trees are not the application's.
 */

/** The ecosystems whose imports are read from source. */
export type SourceEcosystem = 'npm' | 'Go' | 'PyPI';

/** One source file's imports. */
export interface SourceFileUse {
  path: string;
  ecosystem: SourceEcosystem;
  imports: ImportUse[];
}

/** Every application source file that imports something. */
export interface SourceUsage {
  files: SourceFileUse[];
  /** Source files read per ecosystem (with or without imports), by path: reachability is only judged where code exists. */
  sources: Record<SourceEcosystem, string[]>;
}

const JS = /\.(c|m)?(j|t)sx?$/;
const GO = /\.go$/;
const PY = /\.pyw?$/;
const NOT_APP = /(^|\/)(node_modules|vendor|bower_components|\.git|\.venv|venv|\.tox|\.nox|__pycache__|\.eggs|site-packages|dist-packages|dist|coverage)\//;
const MAX_BYTES = 1 << 20;

/** The package a bare specifier names (`lodash/fp` → `lodash`, `@a/b/c` → `@a/b`), undefined for relative and builtin ones. */
export function npmPackageOf(spec: string): { name: string; sub?: string } | undefined {
  if (!spec || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || /^[a-z]+:/i.test(spec)) return undefined;
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  if (parts.length < n || parts.slice(0, n).some((p) => !p)) return undefined;
  const sub = parts.slice(n).join('/');
  return { name: parts.slice(0, n).join('/'), ...(sub ? { sub } : {}) };
}

/** A JS/TS token: an identifier or keyword, a string literal's text, or one punctuation mark. */
interface Tok {
  t: 'id' | 'str' | 'p';
  v: string;
}

/** Keywords after which a `/` starts a regular expression, not a division. */
const BEFORE_EXPR = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * Tokens of JS/TS source: comments skipped, strings and template literals read whole (the expressions inside
 * `${...}` lexed as code), regular expression literals skipped. Enough to find imports and member uses; no parse.
 */
export function lexJs(src: string): Tok[] {
  const out: Tok[] = [];
  const n = src.length;
  const templates: number[] = []; // brace depth at each open `${`
  let depth = 0;
  let i = src.startsWith('#!') ? src.indexOf('\n') + 1 || n : 0;
  const regexAllowed = (): boolean => {
    const last = out[out.length - 1];
    if (!last) return true;
    if (last.t === 'str') return false;
    if (last.t === 'id') return BEFORE_EXPR.has(last.v);
    return last.v !== ')' && last.v !== ']' && last.v !== '}';
  };
  // reads template text from i (after a backtick or a closing `}`) up to the closing backtick or the next `${`
  const template = (): void => {
    while (i < n) {
      const c = src[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        out.push({ t: 'str', v: '' });
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        templates.push(depth);
        depth++;
        out.push({ t: 'p', v: '(' });
        return;
      } else i++;
    }
  };
  while (i < n) {
    const c = src[i] as string;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      const e = src.indexOf('\n', i);
      i = e < 0 ? n : e;
    } else if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      out.push({ t: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let cls = false;
      while (j < n && src[j] !== '\n' && (cls || src[j] !== '/')) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') cls = true;
        else if (src[j] === ']') cls = false;
        j++;
      }
      i = j + 1;
      while (i < n && /[a-z]/i.test(src[i] as string)) i++;
      out.push({ t: 'str', v: '' });
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(src[j] as string)) j++;
      out.push({ t: 'id', v: src.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(src[j] as string)) j++;
      out.push({ t: 'str', v: '' });
      i = j;
    } else if (c === '{') {
      depth++;
      out.push({ t: 'p', v: c });
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (templates.length && templates[templates.length - 1] === depth) {
        templates.pop();
        out.push({ t: 'p', v: ')' });
        template();
      } else out.push({ t: 'p', v: c });
    } else if (c === '?' && src[i + 1] === '.' && !/[0-9]/.test(src[i + 2] ?? '')) {
      out.push({ t: 'p', v: '.' }); // optional chaining reads like a member access
      i += 2;
    } else if (c === '.' && src[i + 1] === '.' && src[i + 2] === '.') {
      out.push({ t: 'p', v: '...' });
      i += 3;
    } else {
      out.push({ t: 'p', v: c });
      i++;
    }
  }
  return out;
}

/**
 * The imports of a JS/TS file and the names it uses from each, read from tokens (a hand-written lexer: no parser
 * is loaded): ESM imports and re-exports, `require`, `import()`, TypeScript `import x = require()`; type-only
 * imports are not uses. Names: named imports, destructured requires, `x.member` of a default or namespace binding,
 * `default` when the module itself is called or passed on, a subpath's first segment (`lodash/template`).
 */
export function jsImports(_path: string, text: string): ImportUse[] {
  const toks = lexJs(text);
  const byModule = new Map<string, ImportUse>();
  const use = (spec: string): ImportUse | undefined => {
    const pkg = npmPackageOf(spec);
    if (!pkg) return undefined;
    let u = byModule.get(pkg.name);
    if (!u) byModule.set(pkg.name, (u = { module: pkg.name, names: new Set(), methods: new Set() }));
    if (pkg.sub) u.names.add(pkg.sub.split('/')[0] as string); // lodash/template
    return u;
  };
  // local name → what it is bound to: the module itself (default, namespace, require) or one export
  const bindings = new Map<string, { u: ImportUse; name?: string; at: number }>();
  const is = (k: number, t: Tok['t'], v?: string): boolean => toks[k]?.t === t && (v === undefined || toks[k]?.v === v);
  // `{ a, b: c, d = 1, ...rest }` or `{ a as b, type c }` from the `{` at k; returns the index after `}`
  const members = (k: number, u: ImportUse, sep: ':' | 'as'): number => {
    let j = k + 1;
    while (j < toks.length && !is(j, 'p', '}')) {
      if (is(j, 'id', 'type') && is(j + 1, 'id')) j++; // import { type X }
      const first = toks[j];
      if (first && (first.t === 'id' || first.t === 'str')) {
        let local = first.v;
        if ((sep === 'as' && is(j + 1, 'id', 'as')) || (sep === ':' && is(j + 1, 'p', ':'))) {
          if (is(j + 2, 'id')) local = toks[j + 2]!.v;
          j += 2;
        }
        u.names.add(first.v);
        bindings.set(local, { u, name: first.v, at: j });
      }
      // to the next entry at this level
      let d = 0;
      for (j++; j < toks.length; j++) {
        if (is(j, 'p', '{') || is(j, 'p', '(') || is(j, 'p', '[')) d++;
        else if (is(j, 'p', ')') || is(j, 'p', ']')) d--;
        else if (is(j, 'p', '}')) {
          if (d === 0) break;
          d--;
        } else if (d === 0 && is(j, 'p', ',')) {
          j++;
          break;
        }
      }
    }
    return j + 1;
  };
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k] as Tok;
    if (tok.t !== 'id' || is(k - 1, 'p', '.')) continue;
    if (tok.v === 'import' && is(k + 1, 'str')) {
      use(toks[k + 1]!.v); // import 'polyfill': loaded for its effects
    } else if ((tok.v === 'import' && !is(k + 1, 'p', '(') && !is(k + 1, 'p', '.')) || (tok.v === 'export' && !is(k + 1, 'id', 'default'))) {
      // import X, { a as b } from 'm' / import * as ns from 'm' / export { a } from 'm' / export * from 'm'
      let j = k + 1;
      if (is(j, 'id', 'type') && !is(j + 1, 'p', ',') && !is(j + 1, 'id', 'from')) continue; // type-only
      let end = j;
      while (end < toks.length && end - k < 400 && !is(end, 'p', ';') && !(is(end, 'id', 'from') && is(end + 1, 'str'))) {
        if (tok.v === 'export' && is(end, 'id') && ['const', 'let', 'var', 'function', 'class', 'async', 'interface', 'type', 'enum', 'abstract', 'declare', 'namespace'].includes(toks[end]!.v) && end === j) break;
        if (tok.v === 'import' && is(end, 'p', '=')) break; // import x = require('m'): read at require
        end++;
      }
      if (!(is(end, 'id', 'from') && is(end + 1, 'str'))) continue;
      const u = use(toks[end + 1]!.v);
      if (!u) continue;
      while (j < end) {
        if (is(j, 'p', '*')) {
          if (is(j + 1, 'id', 'as') && is(j + 2, 'id')) {
            bindings.set(toks[j + 2]!.v, { u, at: j + 2 });
            j += 3;
          } else {
            u.names.add('*'); // export * from 'm'
            j++;
          }
        } else if (is(j, 'p', '{')) j = members(j, u, 'as');
        else if (is(j, 'id') && tok.v === 'import') {
          bindings.set(toks[j]!.v, { u, at: j });
          u.names.add('default');
          j++;
        } else j++;
      }
      k = end + 1;
    } else if ((tok.v === 'require' || tok.v === 'import') && is(k + 1, 'p', '(') && is(k + 2, 'str') && is(k + 3, 'p', ')')) {
      const u = use(toks[k + 2]!.v);
      if (!u) continue;
      let b = k - 1;
      if (is(b, 'id', 'await')) b--;
      const after = k + 4;
      const member = is(after, 'p', '.') && is(after + 1, 'id') ? toks[after + 1]!.v : undefined;
      if (member) u.names.add(member);
      if (is(after, 'p', '(')) u.names.add('default'); // require('m')(...): the module called, the result bound
      else if (is(b, 'p', '=') && is(b - 1, 'id')) {
        bindings.set(toks[b - 1]!.v, { u, ...(member ? { name: member } : {}), at: b - 1 });
      } else if (is(b, 'p', '=') && is(b - 1, 'p', '}')) {
        // const { a, b: c } = require('m'): back to the matching `{`
        let d = 0;
        let o = b - 1;
        for (; o >= 0; o--) {
          if (is(o, 'p', '}')) d++;
          else if (is(o, 'p', '{') && --d === 0) break;
        }
        if (o >= 0) members(o, u, ':');
      } else if (!member) u.names.add('default'); // require('m')(...), app.use(require('m'))
    }
  }
  // uses of the bindings: `x.member`, `x(...)`, `new x()`; method calls anywhere, for advisories naming methods
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k] as Tok;
    if (tok.t !== 'id') continue;
    if (is(k - 1, 'p', '.')) {
      if (is(k + 1, 'p', '(')) for (const u of byModule.values()) u.methods.add(tok.v);
      continue;
    }
    const b = bindings.get(tok.v);
    if (!b || b.at === k) continue;
    if (is(k + 1, 'p', '.') && is(k + 2, 'id')) b.u.names.add(toks[k + 2]!.v);
    else if (!b.name && is(k + 1, 'p', '(')) b.u.names.add('default');
  }
  return [...byModule.values()];
}

/** The imports of a Go file with the package-level names it uses (`html.Parse` → `Parse`) and the methods it calls. */
export function goImports(text: string): ImportUse[] {
  // comments and string contents out of the way, keeping import path strings (they are read from the import block)
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
  const specs: { alias?: string; path: string }[] = [];
  const one = /^\s*([\w.]+\s+)?"([^"]+)"\s*$/;
  for (const m of code.matchAll(/\bimport\s*\(([\s\S]*?)\)|\bimport\s+([\w.]+\s+)?"([^"]+)"/g)) {
    if (m[1] !== undefined) {
      for (const line of m[1].split(/[\n;]/)) {
        const s = one.exec(line);
        if (s) specs.push({ ...(s[1] ? { alias: s[1].trim() } : {}), path: s[2] as string });
      }
    } else specs.push({ ...(m[2] ? { alias: m[2].trim() } : {}), path: m[3] as string });
  }
  // uses are read with string and rune literals emptied (an import path `gopkg.in/yaml.v3` is not a use of yaml.v3)
  const body = code.replace(/"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'/g, '""');
  const methods = new Set([...body.matchAll(/\.\s*([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] as string));
  return specs.map(({ alias, path }) => {
    const parts = path.split('/');
    let local = parts[parts.length - 1] as string;
    if (/^v\d+$/.test(local) && parts.length > 1) local = parts[parts.length - 2] as string; // example.com/mod/v2
    local = alias ?? local.replace(/^go-/, '').replace(/\.v\d+$/, '').replace(/[-.]/g, '_');
    const names = new Set<string>();
    if (local === '.' || local === '_') names.add(local === '.' ? '*' : 'init');
    else for (const m of body.matchAll(new RegExp(`\\b${local.replace(/[^\w]/g, '')}\\s*\\.\\s*([A-Za-z_]\\w*)`, 'g'))) names.add(m[1] as string);
    return { module: path, names, methods };
  });
}

/** The per-scan analysis: every application source file of the target (JS/TS, Go, Python) and what it imports. */
export const sourceUsageAnalyzer: TargetAnalyzer<SourceUsage> = {
  id: 'source-usage',
  async analyze(target, _analyses, ctx) {
    const out: SourceUsage = { files: [], sources: { npm: [], Go: [], PyPI: [] } };
    const wanted = (p: string): boolean => (JS.test(p) || GO.test(p) || PY.test(p)) && !NOT_APP.test(p) && !/\.min\.js$|\.d\.(c|m)?ts$/.test(p);
    for await (const f of targetFiles(target, { path: wanted })) {
      if (ctx.signal.aborted) break;
      if (f.size > MAX_BYTES) continue;
      const ecosystem: SourceEcosystem = GO.test(f.path) ? 'Go' : PY.test(f.path) ? 'PyPI' : 'npm';
      let text: string;
      try {
        text = await f.text();
      } catch (e) {
        ctx.fileError(f.path, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      out.sources[ecosystem].push(f.path);
      const imports = ecosystem === 'Go' ? goImports(text) : ecosystem === 'PyPI' ? pyImports(text) : jsImports(f.path, text);
      if (imports.length) out.files.push({ path: f.path, ecosystem, imports });
    }
    return out;
  },
};
