import { posix } from 'node:path';
import type { FileLocation, FlowStep, RawFinding } from '../../../core/types.js';
import { TAINT_RULES } from './classes.js';
import type { TemplateHit } from './templates.js';

/*
 * Server-side views: `res.render(view, locals)` in the taint engine marks each tainted local with the view's name
 * (calls.ts); here, after every JS/TS group is analysed, the view name is resolved to a template file the way
 * Express does (the `views` folder set with `app.set('views', ...)` or `views/`, the extension of the name or of
 * `app.set('view engine', ...)`, else any template file of that name), and a finding is made at each place the
 * template writes that local without escaping. Nothing here loads a parser: scan.ts runs it in the main thread.
 */

/** A tainted local handed to a view, as the taint engine found it. */
export interface RenderHit {
  /** The file of the `render` call. */
  file: string;
  /** The render call. */
  loc: FileLocation;
  view: string;
  /** The local's access path (`user`, `user.bio`), or `*` when every local is input. */
  key: string;
  sourceLabel: string;
  flow: FlowStep[];
  /** The enclosing function's name (identity). */
  fnName: string;
}

/** A view folder: relative to the folder of the file that sets it (`__dirname`), or to the project's folder. */
export interface ViewDir {
  base: 'file' | 'cwd';
  rel: string;
}

/** The view settings one file makes (`app.set('views', ...)`, `app.set('view engine', ...)`, nunjucks). */
export interface ViewSettings {
  file: string;
  dirs: ViewDir[];
  /** `app.set('view engine', x)`: the extension of names without one. */
  engine?: string;
  /** `nunjucks.configure(..., { autoescape: false })`: `{{ x }}` is not escaped. */
  autoescapeOff?: boolean;
  /** The syntax of `.html` views: `app.engine('html', ...)`'s engine, or nunjucks when the file configures it. */
  htmlSyntax?: string;
}

/** A template file found by the walk: its unescaped outputs, and for nunjucks its plain `{{ x }}` outputs. */
export interface TemplateOutputs {
  unescaped: TemplateHit[];
  plain: TemplateHit[];
}

/** Extensions of template files that views can resolve to. */
const VIEW_EXTS = ['ejs', 'pug', 'jade', 'hbs', 'handlebars', 'mustache', 'njk', 'nunjucks'];

/**
 * The template file a view name resolves to, or undefined. `own`: the view settings of the render call's import
 * group (the app that renders); `others`: those of the other groups, tried with the default `views/` folders when
 * the group sets none. Express's lookup: `<dir>/<name>.<ext>`, then `<dir>/<name>/index.<ext>`; a relative folder
 * is taken from the working directory, here any folder above the calling file.
 */
export function resolveView(r: RenderHit, own: readonly ViewSettings[], others: readonly ViewSettings[], has: (path: string) => boolean): string | undefined {
  const dirs: string[] = [];
  const add = (d: string): void => {
    const n = posix.normalize(d).replace(/\/$/, '');
    const rel = n === '.' ? '' : n.replace(/^\.\//, '');
    if (!rel.startsWith('..') && !dirs.includes(rel)) dirs.push(rel);
  };
  const ancestors: string[] = [];
  for (let d = posix.dirname(r.file); ; d = posix.dirname(d)) {
    ancestors.push(d);
    if (d === '.' || d === '/' || d === '') break;
  }
  const addAll = (ss: readonly ViewSettings[]): void => {
    for (const s of ss) {
      for (const d of s.dirs) {
        if (d.base === 'file') add(posix.join(posix.dirname(s.file), d.rel));
        else for (const a of ancestors) add(posix.join(a, d.rel));
      }
    }
  };
  addAll(own);
  if (!dirs.length) {
    for (const a of ancestors) add(posix.join(a, 'views'));
    // another group's settings apply when they are made above the calling file or beside its folder (an app.js
    // that loads its routes without a relative import), not in an unrelated app of the same tree
    addAll(others.filter((s) => near(posix.dirname(s.file), posix.dirname(r.file))));
  }
  const view = r.view.replace(/^\/+/, '');
  const ext = posix.extname(view).slice(1);
  const engine = own.find((s) => s.engine)?.engine?.replace(/^\./, '');
  const exts = ext && (VIEW_EXTS.includes(ext) || ext === 'html') ? [''] : engine && (VIEW_EXTS.includes(engine) || engine === 'html') ? [`.${engine}`] : VIEW_EXTS.map((e) => `.${e}`);
  for (const d of dirs) {
    for (const e of exts) {
      for (const name of [`${view}${e}`, `${view}/index${e}`]) {
        const p = posix.normalize(d ? posix.join(d, name) : name);
        if (has(p)) return p;
      }
    }
  }
  return undefined;
}

/** Whether folder `set` is an ancestor of (or is) folder `at`, or a sibling of it. */
function near(set: string, at: string): boolean {
  if (set === '.' || set === at || at.startsWith(`${set}/`)) return true;
  return at !== '.' && posix.dirname(set) === posix.dirname(at);
}

/** Whether a template expression reads the local at `key` (`user` is read by `user.bio`, `locals.user`, `markdown user`). */
export function readsLocal(expr: string, key: string): boolean {
  if (key === '*') return true;
  const code = expr.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '""');
  const path = key.split('.').map((k) => k.replace(/[$]/g, '\\$')).join('\\s*\\.\\s*');
  // a bare reference, not a property of something else; `locals.x`, `this.x`, `../x` and `@root.x` name the local too
  return new RegExp(`(^|[^.\\w$]|\\blocals\\.|\\bthis\\.|\\.\\./|@root\\.)${path}(?![\\w$])`).test(code);
}

/**
 * Findings for render calls whose tainted locals a template writes unescaped: `js-xss` at the template line, with
 * the flow through the render call. `settingsOf(file)` gives the view settings of a render call's import group and
 * of the others. Also returns the template locations reported, so that the
 * template's own `js-template-unescaped` finding at the same place is not reported twice.
 */
export function linkRenders(
  renders: readonly RenderHit[],
  settingsOf: (file: string) => { own: ViewSettings[]; others: ViewSettings[] },
  templates: ReadonlyMap<string, TemplateOutputs>,
): { findings: RawFinding[]; covered: Set<string> } {
  const findings: RawFinding[] = [];
  const covered = new Set<string>();
  const seen = new Set<string>();
  const meta = TAINT_RULES.xss;
  for (const r of renders) {
    const { own, others } = settingsOf(r.file);
    const path = resolveView(r, own, others, (p) => templates.has(p));
    if (!path) continue;
    const t = templates.get(path)!;
    const autoescapeOff = /\.(njk|nunjucks|html)$/.test(path) && (own.length ? own : others).some((s) => s.autoescapeOff);
    for (const h of autoescapeOff ? [...t.unescaped, ...t.plain] : t.unescaped) {
      if (!readsLocal(h.expr, r.key)) continue;
      const at = `${path}:${h.loc.startLine}:${h.loc.startColumn}`;
      const identity = `${meta.ruleId}|render ${r.view}|${h.expr}`;
      if (seen.has(`${path}\u0000${identity}`)) continue;
      seen.add(`${path}\u0000${identity}`);
      covered.add(at);
      const sink = `the template ${path} (\`${h.expr}\`)`;
      findings.push({
        scanner: 'sast', ruleId: meta.ruleId, severity: meta.severity, confidence: meta.confidence, cwe: meta.cwe,
        message: `Untrusted input (${r.sourceLabel}) is passed to view '${r.view}' and written without HTML escaping by ${sink}.`,
        location: h.loc, identity, tags: ['taint'],
        flow: [...r.flow, { location: h.loc, message: `written without escaping: ${h.expr}` }],
        data: { source: r.sourceLabel, sink: `res.render('${r.view}')`, template: path, steps: r.flow.length + 1 },
      });
    }
  }
  return { findings, covered };
}
