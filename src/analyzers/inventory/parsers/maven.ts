import { LockfileError, type Constraint, type Dependency, type ParsedLockfile, type ReadSibling } from '../types.js';
import { dirOf, joinPath } from './text.js';
import { child, childText, descend, parseXml, type XmlElement } from './xml.js';

/**
 * Maven `pom.xml`, read as Maven builds its effective model, as far as a repository alone allows:
 * - `<properties>` and the `project.*` built-ins, substituted recursively (`${a}` may name `${b}`);
 * - parents found by `<relativePath>` (default `../pom.xml`) or, failing that, by coordinates among the repository's
 *   other POMs; their properties, managed versions and dependencies are inherited;
 * - `<dependencyManagement>` gives versions and scopes to dependencies declared without them, and is never itself an
 *   inventory: a version pinned there and not used is not a package;
 * - BOMs (`<scope>import</scope>` `<type>pom</type>` in dependency management) found in the repository add their
 *   managed versions (explicit entries win, then the first import);
 * - a dependency declared twice keeps its last declaration, as Maven does;
 * - `[1.2.3]` is the pin 1.2.3; other version ranges cannot be resolved offline: they are constraints, not packages.
 * Plugin dependencies and profiles are not the project's dependencies and are not read. Test scope is dev.
 */
export async function parsePomXml(text: string, path: string, read: ReadSibling): Promise<ParsedLockfile> {
  const resolver = new PomResolver(read);
  const model = toModel(parseXml(text), path);
  resolver.seed(path, model);
  const eff = await resolver.effective(path);
  if (!eff) throw new LockfileError('no <project> element', 1);
  const out = new Map<string, Dependency>();
  const constraints = new Map<string, Constraint>();
  for (const d of eff.dependencies) {
    if (d.scope === 'import') continue;
    const version = pinnedVersion(d.version);
    const name = `${d.groupId}:${d.artifactId}`;
    out.delete(name); // the last declaration wins, and keeps its place
    constraints.delete(name);
    if (!version) {
      // a range (`[1.0,2.0)`) or a version set outside the repository: unresolved offline, kept as a constraint
      const line = d.from === path ? d.line : eff.parentLine;
      constraints.set(name, { ecosystem: 'Maven', name, spec: d.version ?? '*', ...(line ? { line } : {}), ...(d.scope === 'test' ? { dev: true } : {}) });
      continue;
    }
    out.set(name, {
      key: `${name}@${version}`,
      ecosystem: 'Maven',
      name,
      version,
      line: d.from === path ? d.line : eff.parentLine,
      direct: true,
      dev: d.scope === 'test',
      ...(d.optional ? { optional: true } : {}),
    });
  }
  const packages = [...out.values()];
  return { path, format: 'pom.xml', ecosystem: 'Maven', packages, roots: packages.map((d) => d.key), ...(constraints.size ? { constraints: [...constraints.values()] } : {}) };
}

/** A `<dependency>` as written, with the file and line it comes from. */
interface RawDep {
  groupId: string;
  artifactId: string;
  version?: string;
  scope?: string;
  type?: string;
  classifier?: string;
  optional?: boolean;
  from: string;
  line: number;
}

/** What one POM says before inheritance. */
interface PomModel {
  path: string;
  groupId?: string;
  artifactId?: string;
  version?: string;
  parent?: { groupId?: string; artifactId?: string; version?: string; relativePath?: string; line: number };
  properties: Map<string, string>;
  dependencies: RawDep[];
  managed: RawDep[];
}

/** A POM with its parents applied: properties merged, managed versions and dependencies resolved to text. */
interface EffectivePom {
  coords: { groupId?: string; artifactId?: string; version?: string };
  properties: Map<string, string>;
  /** group:artifact[:type[:classifier]] → managed entry. */
  managed: Map<string, RawDep>;
  dependencies: RawDep[];
  /** Line of `<parent>` in this file: where inherited dependencies are reported. */
  parentLine?: number;
}

function toModel(project: XmlElement, path: string): PomModel {
  if (project.name !== 'project') throw new LockfileError(`root element is <${project.name}>, expected <project>`, project.line);
  const p = child(project, 'parent');
  const properties = new Map<string, string>();
  for (const el of child(project, 'properties')?.children ?? []) properties.set(el.name, el.text);
  const deps = (els: XmlElement[]): RawDep[] =>
    els.map((d) => {
      const groupId = childText(d, 'groupId');
      const artifactId = childText(d, 'artifactId');
      if (!groupId || !artifactId) throw new LockfileError('<dependency> without groupId or artifactId', d.line);
      return {
        groupId,
        artifactId,
        version: childText(d, 'version'),
        scope: childText(d, 'scope'),
        type: childText(d, 'type'),
        classifier: childText(d, 'classifier'),
        optional: childText(d, 'optional') === 'true',
        from: path,
        line: d.line,
      };
    });
  return {
    path,
    groupId: childText(project, 'groupId'),
    artifactId: childText(project, 'artifactId'),
    version: childText(project, 'version'),
    ...(p
      ? {
          parent: {
            groupId: childText(p, 'groupId'),
            artifactId: childText(p, 'artifactId'),
            version: childText(p, 'version'),
            relativePath: child(p, 'relativePath') ? (child(p, 'relativePath')?.text ?? '') : undefined,
            line: p.line,
          },
        }
      : {}),
    properties,
    dependencies: deps(descend(project, 'dependencies/dependency')),
    managed: deps(descend(project, 'dependencyManagement/dependencies/dependency')),
  };
}

/** Resolves parents and BOMs among the repository's POMs, each parsed once per call. */
class PomResolver {
  private readonly models = new Map<string, Promise<PomModel | undefined>>();
  private readonly effs = new Map<string, Promise<EffectivePom | undefined>>();
  private index?: Promise<Map<string, string>>;
  constructor(private readonly read: ReadSibling) {}

  seed(path: string, model: PomModel): void {
    this.models.set(path, Promise.resolve(model));
  }

  private model(path: string): Promise<PomModel | undefined> {
    let m = this.models.get(path);
    if (!m) {
      m = this.read(path).then((t) => {
        if (t === undefined) return undefined;
        try {
          return toModel(parseXml(t), path);
        } catch {
          return undefined; // a broken parent is reported when that file is scanned itself
        }
      });
      this.models.set(path, m);
    }
    return m;
  }

  /** `groupId:artifactId` → path of every POM of the repository (versions may differ between branches of a monorepo). */
  private gavIndex(): Promise<Map<string, string>> {
    this.index ??= (async () => {
      const idx = new Map<string, string>();
      for (const p of this.read.paths?.() ?? []) {
        if (!/(^|\/)pom\.xml$/.test(p)) continue;
        const m = await this.model(p);
        const g = m?.groupId ?? m?.parent?.groupId;
        if (m?.artifactId && g && !idx.has(`${g}:${m.artifactId}`)) idx.set(`${g}:${m.artifactId}`, p);
      }
      return idx;
    })();
    return this.index;
  }

  private async findParent(m: PomModel): Promise<string | undefined> {
    const p = m.parent;
    if (!p) return undefined;
    const rel = p.relativePath ?? '../pom.xml';
    if (rel !== '') {
      const candidate = joinPath(dirOf(m.path), rel.endsWith('.xml') ? rel : `${rel.replace(/\/$/, '')}/pom.xml`);
      const pm = await this.model(candidate);
      if (pm && pm.artifactId === p.artifactId && (pm.groupId ?? pm.parent?.groupId) === p.groupId) return candidate;
    }
    return (await this.gavIndex()).get(`${p.groupId}:${p.artifactId}`);
  }

  effective(path: string, seen: string[] = []): Promise<EffectivePom | undefined> {
    if (seen.includes(path)) return Promise.resolve(undefined); // a parent cycle: Maven refuses it, we stop there
    let e = this.effs.get(path);
    if (!e) {
      e = this.compute(path, [...seen, path]);
      this.effs.set(path, e);
    }
    return e;
  }

  private async compute(path: string, seen: string[]): Promise<EffectivePom | undefined> {
    const m = await this.model(path);
    if (!m) return undefined;
    const parentPath = await this.findParent(m);
    const parent = parentPath ? await this.effective(parentPath, seen) : undefined;
    const coords = {
      groupId: m.groupId ?? m.parent?.groupId,
      artifactId: m.artifactId,
      version: m.version ?? m.parent?.version,
    };
    const properties = new Map(parent?.properties ?? []);
    for (const [k, v] of m.properties) properties.set(k, v);
    const builtins: [string, string | undefined][] = [
      ['project.groupId', coords.groupId],
      ['project.artifactId', coords.artifactId],
      ['project.version', coords.version],
      ['project.parent.groupId', m.parent?.groupId],
      ['project.parent.artifactId', m.parent?.artifactId],
      ['project.parent.version', m.parent?.version],
    ];
    for (const [k, v] of builtins) {
      if (v === undefined) continue;
      properties.set(k, v);
      properties.set(k.replace(/^project\./, 'pom.'), v);
    }
    if (coords.version !== undefined) properties.set('version', coords.version);
    const subst = (s: string | undefined): string | undefined => (s === undefined ? undefined : interpolate(s, properties));
    const resolve = (d: RawDep): RawDep => ({
      ...d,
      groupId: subst(d.groupId) as string,
      artifactId: subst(d.artifactId) as string,
      version: subst(d.version),
      scope: subst(d.scope),
      type: subst(d.type),
      classifier: subst(d.classifier),
    });

    const managed = new Map(parent?.managed ?? []);
    const imports: RawDep[] = [];
    for (const raw of m.managed) {
      const d = resolve(raw);
      if (d.scope === 'import' && (d.type ?? 'jar') === 'pom') imports.push(d);
      else managed.set(manageKey(d), d);
    }
    const explicit = new Set(m.managed.map((d) => manageKey(resolve(d))));
    for (const bom of imports) {
      const bomPath = (await this.gavIndex()).get(`${bom.groupId}:${bom.artifactId}`);
      const eff = bomPath ? await this.effective(bomPath, seen) : undefined;
      for (const [k, v] of eff?.managed ?? []) if (!explicit.has(k)) managed.set(k, v);
      for (const k of eff?.managed.keys() ?? []) explicit.add(k); // the first import wins
    }

    const dependencies: RawDep[] = [...(parent?.dependencies ?? [])];
    for (const raw of m.dependencies) {
      const d = resolve(raw);
      const mg = managed.get(manageKey(d)) ?? managed.get(`${d.groupId}:${d.artifactId}`);
      dependencies.push({ ...d, version: d.version ?? mg?.version, scope: d.scope ?? mg?.scope });
    }
    return { coords, properties, managed, dependencies, ...(m.parent ? { parentLine: m.parent.line } : {}) };
  }
}

/** How dependency management keys an entry: group, artifact, type (jar by default) and classifier. */
function manageKey(d: RawDep): string {
  const type = d.type ?? 'jar';
  return `${d.groupId}:${d.artifactId}${type === 'jar' && !d.classifier ? '' : `:${type}${d.classifier ? `:${d.classifier}` : ''}`}`;
}

/** `${name}` references replaced until nothing changes (a reference to itself or to nothing stays as written). */
export function interpolate(s: string, props: Map<string, string>): string {
  let cur = s;
  for (let i = 0; i < 10 && cur.includes('${'); i++) {
    const next = cur.replace(/\$\{([^}]+)\}/g, (all, k: string) => props.get(k) ?? all);
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

/** The version a declaration pins: `1.2.3` (Maven's soft requirement) or `[1.2.3]`; undefined for ranges and unresolved references. */
export function pinnedVersion(v: string | undefined): string | undefined {
  if (!v || v.includes('${')) return undefined;
  const hard = /^\[\s*([^,\s\])]+)\s*\]$/.exec(v);
  if (hard) return hard[1];
  if (/[[\](),]/.test(v)) return undefined;
  return v;
}

