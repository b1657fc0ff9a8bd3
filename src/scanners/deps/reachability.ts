import { namesPackage } from '../../advisories/match.js';
import type { OsvRecord } from '../../advisories/osv.js';
import type { Dependency } from '../../analyzers/inventory/types.js';
import { inPythonModule, pythonModulesOf } from '../../analyzers/reachability/python-modules.js';
import type { ImportUse, SourceUsage } from '../../analyzers/reachability/usage.js';

/**
 * Whether the application's own code reaches a vulnerable dependency:
 * - `reachable`: a source file imports the package and, where the advisory names affected functions, uses one of
 *   them (where it names none, any import counts); a transitive package counts as reachable when the direct
 *   dependency that brings it in is imported (what that package calls inside is not read);
 * - `imported-only`: imported, but none of the functions the advisory names is used;
 * - `unreferenced`: no source file imports it, nor the direct dependency that brings it in.
 * Undefined when it cannot be judged: no source code of that ecosystem beside the lockfile, an ecosystem other
 * than npm, Go and PyPI, or a Go module required only indirectly (go.mod records no chain). A PyPI distribution is
 * imported by its top-level modules (`PyYAML` → `yaml`, see `python-modules.ts`).
 */
export type Reachability = 'reachable' | 'imported-only' | 'unreferenced';

/** The functions an advisory names for a package, or undefined when one of its entries names none (any use counts). */
interface Affected {
  /** npm: exported names (`defaultsDeep`, `default` for the module itself); Go: import path → symbols (empty: any). */
  npm?: Set<string>;
  go?: Map<string, string[]>;
  /** PyPI: dotted names (`yaml.load`, `jinja2.sandbox.SandboxedEnvironment`). */
  py?: Set<string>;
}

function affectedFunctions(records: OsvRecord[], dep: Dependency): Affected | undefined {
  const npm = new Set<string>();
  const go = new Map<string, string[]>();
  const py = new Set<string>();
  for (const r of records) {
    for (const a of r.affected ?? []) {
      if (!namesPackage(a, dep)) continue;
      const es = a.ecosystem_specific ?? {};
      if (dep.ecosystem === 'npm') {
        const fns = es['affected_functions'];
        if (!Array.isArray(fns) || fns.length === 0) return undefined;
        for (const f of fns) if (typeof f === 'string') npm.add(npmSymbol(f, dep.name));
      } else if (dep.ecosystem === 'PyPI') {
        // GHSA names functions (`affected_functions`); some records name import paths and symbols as Go's do
        const fns = es['affected_functions'];
        const imports = es['imports'];
        if (Array.isArray(fns) && fns.length) {
          for (const f of fns) if (typeof f === 'string') py.add(f.replace(/[()]/g, ''));
        }
        else if (Array.isArray(imports) && imports.length) {
          for (const i of imports as { path?: unknown; symbols?: unknown }[]) {
            if (typeof i.path !== 'string') continue;
            const symbols = Array.isArray(i.symbols) ? i.symbols.filter((x): x is string => typeof x === 'string') : [];
            if (!symbols.length) return undefined;
            for (const x of symbols) py.add(`${i.path}.${x}`);
          }
        } else return undefined;
      } else {
        const imports = es['imports'];
        if (!Array.isArray(imports) || imports.length === 0) return undefined;
        for (const i of imports as { path?: unknown; symbols?: unknown }[]) {
          if (typeof i.path !== 'string') continue;
          const symbols = Array.isArray(i.symbols) ? i.symbols.filter((s): s is string => typeof s === 'string') : [];
          go.set(i.path, [...(go.get(i.path) ?? []), ...symbols]);
        }
      }
    }
  }
  return dep.ecosystem === 'npm' ? { npm } : dep.ecosystem === 'PyPI' ? { py } : { go };
}

/**
 * GitHub's `affected_functions` naming (`lodash.baseSet`, `(lodash).defaultsDeep`, `(lodash.defaultsdeep)`,
 * `minimatch.Minimatch.parse`, `ext`) as the export an application would use: the segment after the package name,
 * `default` for the package itself.
 */
export function npmSymbol(fn: string, pkg: string): string {
  const s = fn.replace(/[()]/g, '');
  if (s === pkg) return 'default';
  const rest = s.startsWith(`${pkg}.`) ? s.slice(pkg.length + 1) : s;
  return rest.split('.')[0] || 'default';
}

/** Is a Go import path inside a module (`golang.org/x/net/html` in `golang.org/x/net`)? stdlib holds the paths without a dot in the first element. */
function inModule(path: string, mod: string): boolean {
  if (mod === 'stdlib') return !(path.split('/')[0] ?? '').includes('.');
  return path === mod || path.startsWith(`${mod}/`);
}

/** The verdict for one vulnerable package of a lockfile at `lockPath`, from the usage of the code beside it. */
export function reachability(dep: Dependency, records: OsvRecord[], lockPath: string, usage: SourceUsage): Reachability | undefined {
  if (dep.ecosystem !== 'npm' && dep.ecosystem !== 'Go' && dep.ecosystem !== 'PyPI') return undefined;
  const dir = lockPath.includes('/') ? lockPath.slice(0, lockPath.lastIndexOf('/') + 1) : '';
  const eco = dep.ecosystem;
  if (!usage.sources[eco].some((p) => p.startsWith(dir))) return undefined; // no code here: nothing to judge
  const uses: ImportUse[] = usage.files.filter((f) => f.ecosystem === eco && f.path.startsWith(dir)).flatMap((f) => f.imports);
  const affected = affectedFunctions(records, dep);
  if (eco === 'npm') {
    const mine = uses.filter((u) => u.module === dep.name);
    if (mine.length) {
      if (!affected?.npm?.size) return 'reachable';
      return mine.some((u) => u.names.has('*') || [...affected.npm!].some((s) => u.names.has(s))) ? 'reachable' : 'imported-only';
    }
    const head = dep.path && dep.path.length > 1 ? dep.path[0]!.slice(0, dep.path[0]!.lastIndexOf('@')) : undefined;
    if (head && uses.some((u) => u.module === head)) return 'reachable';
    return 'unreferenced';
  }
  if (eco === 'PyPI') {
    const mine = uses.filter((u) => inPythonModule(u.module, pythonModulesOf(dep.name)));
    if (mine.length) {
      if (!affected?.py?.size) return 'reachable';
      return [...affected.py].some((f) => mine.some((u) => pyUses(u, f))) ? 'reachable' : 'imported-only';
    }
    const head = dep.path && dep.path.length > 1 ? dep.path[0]!.slice(0, dep.path[0]!.lastIndexOf('@')) : undefined;
    if (head && uses.some((u) => inPythonModule(u.module, pythonModulesOf(head)))) return 'reachable';
    return 'unreferenced';
  }
  // Go: packages are imported by path; the advisory names the paths (and symbols) that are affected
  const mine = uses.filter((u) => inModule(u.module, dep.name));
  if (affected?.go?.size) {
    const hits = mine.filter((u) => affected.go!.has(u.module));
    if (hits.some((u) => {
      const symbols = affected.go!.get(u.module) ?? [];
      if (!symbols.length || u.names.has('*') || u.names.has('init')) return true;
      return symbols.some((s) => {
        const [typ, method] = s.includes('.') ? (s.split('.') as [string, string]) : [s, undefined];
        return method ? u.names.has(typ) || u.methods.has(method) : u.names.has(typ);
      });
    })) return 'reachable';
    if (hits.length || (dep.name !== 'stdlib' && mine.length)) return 'imported-only';
  } else if (mine.length) return 'reachable';
  // an indirect module may be imported by a dependency: go.mod records no chain to judge it by
  if (dep.name !== 'stdlib' && !dep.direct) return undefined;
  return 'unreferenced';
}

/**
 * Does one Python import use a function an advisory names (`yaml.load`, `jinja2.sandbox.SandboxedEnvironment`,
 * `Session.send`)? Below the module imported: its first name taken or accessed, or a star import; a method named
 * last (`Class.method`) also counts when called anywhere in the file.
 */
function pyUses(u: ImportUse, fn: string): boolean {
  const rest = fn.startsWith(`${u.module}.`) ? fn.slice(u.module.length + 1).split('.') : u.module.startsWith(`${fn.split('.')[0]}.`) || fn.split('.')[0] === u.module ? undefined : fn.split('.');
  if (!rest || !rest.length) return false;
  if (u.names.has('*') || u.names.has(rest[0] as string)) return true;
  return rest.length > 1 && u.methods.has(rest[rest.length - 1] as string);
}
