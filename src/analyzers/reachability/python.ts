import type { ImportUse } from './types.js';

/** Python string literals (triple-quoted first) and comments. */
const STRINGS_AND_COMMENTS = /("""[\s\S]*?"""|'''[\s\S]*?'''|[rbuRBU]{0,2}"(?:[^"\\\n]|\\.)*"|[rbuRBU]{0,2}'(?:[^'\\\n]|\\.)*')|#[^\n]*/g;

/**
 * The imports of a Python file: `import a.b [as c], d` and `from a.b import c [as d], (e, f)` (relative imports are
 * the application's own), with the names used from each: the names a `from` import takes, `alias.member` accesses
 * of a bound module (`yaml.load`; `jinja2.sandbox.SandboxedEnvironment` is `sandbox` of `jinja2` and
 * `SandboxedEnvironment` of `jinja2.sandbox`), `*` for a star import. Strings, docstrings and comments are blanked
 * first (line breaks kept), so a module named in text is not an import.
 */
export function pyImports(text: string): ImportUse[] {
  const code = text.replace(STRINGS_AND_COMMENTS, (m: string, s: string | undefined) => (s ? `""${m.replace(/[^\n]/g, '')}` : ''));
  // statements joined across backslash continuations and parenthesised import lists
  const logical = code.replace(/\\\n/g, ' ').replace(/\bimport\s*\(([^()]*)\)/g, (_m: string, inner: string) => `import ${inner.replace(/\n/g, ' ')}`);
  const byModule = new Map<string, ImportUse>();
  const use = (module: string): ImportUse => {
    let u = byModule.get(module);
    if (!u) byModule.set(module, (u = { module, names: new Set(), methods: new Set() }));
    return u;
  };
  const bindings = new Map<string, ImportUse>();
  for (const line of logical.split(/\n|;/)) {
    const from = /^\s*from\s+([\w.]+)\s+import\s+(.+)$/.exec(line);
    if (from) {
      const mod = from[1] as string;
      if (mod.startsWith('.') || mod === '__future__') continue;
      const u = use(mod);
      for (const part of (from[2] as string).split(',')) {
        const m = /^\s*(\*|\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
        if (!m) continue;
        u.names.add(m[1] as string);
        // `from jinja2 import sandbox` may bind a submodule: its members are uses of jinja2.sandbox too
        if (m[1] !== '*') bindings.set((m[2] ?? m[1]) as string, use(`${mod}.${m[1] as string}`));
      }
      continue;
    }
    const imp = /^\s*import\s+(.+)$/.exec(line);
    if (!imp) continue;
    for (const part of (imp[1] as string).split(',')) {
      const m = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (!m) continue;
      const mod = m[1] as string;
      const u = use(mod);
      // `import a.b` binds `a` (its uses read as `a.b.x`); `import a.b as c` binds c to a.b
      bindings.set(m[2] ?? (mod.split('.')[0] as string), m[2] ? u : use(mod.split('.')[0] as string));
    }
  }
  const methods = new Set([...code.matchAll(/\.\s*([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] as string));
  for (const [local, u] of bindings) {
    for (const m of code.matchAll(new RegExp(`(?<![\\w.])${local}((?:\\s*\\.\\s*[A-Za-z_]\\w*)+)`, 'g'))) {
      const chain = (m[1] as string).replace(/\s/g, '').slice(1).split('.');
      u.names.add(chain[0] as string);
      for (let i = 1; i < chain.length; i++) use(`${u.module}.${chain.slice(0, i).join('.')}`).names.add(chain[i] as string);
    }
  }
  const out = [...byModule.values()];
  for (const u of out) for (const m of methods) u.methods.add(m);
  return out;
}
