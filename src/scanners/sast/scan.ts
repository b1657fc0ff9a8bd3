import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { lazyBuiltin } from '../../core/lazy.js';
import type { RawFinding, ScanContext, Target, TargetFile } from '../../core/types.js';
import { targetFiles } from '../../core/types.js';
import type { SastConfig } from './config.js';
import type { GroupFile, GroupOptions, GroupResult } from './js-group.js';
import { resolveModule } from './js/resolve.js';
import { TEMPLATE_FILES, TEMPLATE_RULE, templateOutputs } from './js/templates.js';
import { linkRenders, resolveView, type RenderHit, type TemplateOutputs, type ViewSettings } from './js/views.js';
import type { OtherFile } from './others.js';
import { appliesTo, type YamlRule } from './patterns/rules.js';
import type { TsLang } from './patterns/tree-sitter.js';
import { isBinary } from '../../targets/binary.js';
import { tooLarge } from '../../targets/directory.js';
import { decodeText } from '../../targets/file.js';
import { skipReason } from './skip.js';
import type { SastWorkerAnswer, SastWorkerInit, SastWorkerJob } from './worker.js';

/*
 * The SAST scan. The file walk and the grouping need no parser; each part of the analysis is loaded when the first
 * file that needs it is found: the TypeScript compiler for JS/TS (js-group.ts, in this thread or in worker
 * threads), tree-sitter for Python, Go and Java (others.ts), the pattern compilers for rule files (load-rules.ts).
 * Texts are read once to decide and group, and again when their group is analysed: a scan holds the texts and
 * trees of one group per thread, not of the whole tree.
 */

/** Paths the SAST scanner reads. */
export const SAST_FILES = /\.(c|m)?[jt]sx?$|\.py$|\.go$|\.java$|\.(ejs|pug|jade|hbs|handlebars|mustache|njk|nunjucks|vue|svelte)$/;
const JS_FILES = /\.(c|m)?[jt]sx?$/;

/**
 * JS/TS content below which worker threads are not started: a worker costs a thread start and loading the
 * TypeScript compiler (~0.3 s of processor time), which a couple of megabytes of analysis does not repay.
 */
const WORKER_MIN_CHARS = 2_000_000;

const workerThreads = lazyBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

function langOf(path: string): TsLang | 'js' | 'template' | undefined {
  if (JS_FILES.test(path)) return 'js';
  if (TEMPLATE_FILES.test(path)) return 'template';
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.go')) return 'go';
  if (path.endsWith('.java')) return 'java';
  return undefined;
}

/** A JS/TS file kept between the walk and its group's analysis: what grouping needs, not its text. */
interface JsFile {
  path: string;
  file: TargetFile;
  imports: string[];
  chars: number;
}

/**
 * Relative import specifiers of a JS/TS file, found without parsing (for grouping files before analysis). Each is
 * copied out of the text (see {@link detached}) and the same specifier is shared between files.
 */
function relativeImports(text: string, specs: Map<string, string>): string[] {
  const out: string[] = [];
  // every relative string literal after from / require( / import( / import: cheap and over-inclusive, which is safe
  for (const m of text.matchAll(/(?:from|require\(|import\(?)\s*['"](\.{1,2}(?:\/[^'"\n]*)?)['"]/g)) {
    const s = m[1]!;
    let kept = specs.get(s);
    if (kept === undefined) specs.set(s, (kept = detached(s)));
    out.push(kept);
  }
  return out;
}

/**
 * A copy of a substring that does not keep the string it was cut from alive. V8 represents a substring of 13
 * characters or more as a slice of its parent, so a specifier kept from each file would keep every file's whole
 * text until the scan ends. Prefixing makes a rope, which `slice` flattens into a new string first.
 */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * Groups JS/TS files into sets connected by relative imports (union-find). Each group is parsed and analysed on
 * its own and then dropped, so memory is bounded by the largest connected group rather than the whole tree.
 */
function importGroups(files: JsFile[]): number[][] {
  const index = new Map(files.map((f, i) => [f.path, i]));
  const parent = files.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  files.forEach((f, i) => {
    for (const spec of f.imports) {
      const target = resolveModule(f.path, spec, (c) => index.has(c));
      if (target !== undefined) {
        const a = find(i);
        const b = find(index.get(target)!);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, number[]>();
  files.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()];
}

/** Threads the scan uses unless told otherwise (this one included): the processors, up to 4. */
export function defaultThreads(): number {
  return Math.min(availableParallelism(), 4);
}

/** What the JS/TS groups found for views: tainted locals of render calls, and each file's group's view settings. */
interface ViewLinks {
  renders: RenderHit[];
  /** File → the view settings of its import group. */
  groupViews: Map<string, ViewSettings[]>;
  all: ViewSettings[];
}

/**
 * Scans a target: JS/TS groups, then templates (their unescaped outputs, linked to the render calls that hand them
 * input: views.ts), then Python, Go and Java files.
 */
export async function* scanSast(target: Target, ctx: ScanContext<SastConfig>): AsyncIterable<RawFinding> {
  const cfg = ctx.config;
  const disabled = new Set(cfg.disable);
  const loader = cfg.rules.length ? await import('./load-rules.js') : undefined;
  const userRules = loader ? await loader.loadUserRules(cfg.rules, target.root, (m) => ctx.log.warn(m)) : [];
  const jsFiles: JsFile[] = [];
  const specs = new Map<string, string>();
  const others: OtherFile[] = [];
  const templates = new Map<string, TemplateOutputs>();
  const htmlViews = new Map<string, TargetFile>();
  const links: ViewLinks = { renders: [], groupViews: new Map(), all: [] };
  const jsRules = userRules.filter((r) => !disabled.has(r.id));
  // `languages: [generic]` rules read any text file their `paths:` allow, not only source files (as in Semgrep)
  const genericRules = jsRules.filter((r) => r.languages.includes('generic'));
  const generic = (p: string) => genericRules.some((r) => appliesTo(r, p));
  const threads = Math.max(1, ctx.options.threads ?? defaultThreads());
  // With several threads, the workers start as soon as there is enough JS/TS to repay them, and load the compiler
  // while this thread goes on walking the tree.
  let pool: GroupPool | undefined;
  let jsChars = 0;
  const startPool = (): GroupPool =>
    (pool ??= new GroupPool(threads, {
      rulePaths: jsRules.length ? cfg.rules : [], root: target.root, disabled: cfg.disable, libraryMode: cfg.libraryMode, envIsInput: cfg.envIsInput,
    }, { disabled, libraryMode: cfg.libraryMode, envIsInput: cfg.envIsInput, rules: jsRules, signal: ctx.signal }));
  try {
    // Deferred reads: a folder's files come as paths, not as bytes kept with their decoded text (which a JS/TS
    // file kept until its group is analysed would hold: the whole tree's sources, 150 MB on the bench tree x4).
    for await (const file of targetFiles(target, { path: (p) => SAST_FILES.test(p) || generic(p) || HTML_VIEW.test(p), deferRead: true })) {
      if (ctx.signal.aborted) return;
      // `.html` views are read only if a render call resolves to one (see templateFindings)
      if (HTML_VIEW.test(file.path)) htmlViews.set(file.path, file);
      const lang = langOf(file.path) ?? (generic(file.path) ? 'generic' : undefined);
      if (!lang) continue;
      let text: string | undefined;
      try {
        text = await readText(file);
      } catch (e) {
        ctx.fileError(file.path, `cannot read: ${(e as Error).message}`);
        continue;
      }
      if (text === undefined) continue;
      const why = skipReason(file.path, text, cfg);
      if (why) {
        ctx.count('filesSkipped');
        ctx.log.debug(`sast: skipped ${file.path}: ${why}`);
        continue;
      }
      ctx.count('files');
      ctx.count('bytes', text.length);
      if (lang === 'template') {
        const t = templateOutputs(file.path, text);
        if (t.unescaped.length || t.plain.length) templates.set(file.path, t);
      } else if (lang === 'js') {
        jsFiles.push({ path: file.path, file, imports: relativeImports(text, specs), chars: text.length });
        jsChars += text.length;
        if (threads > 1 && jsChars >= WORKER_MIN_CHARS) startPool();
      } else others.push({ path: file.path, lang, file });
    }
    if (jsFiles.length) {
      const groups = importGroups(jsFiles);
      if (groups.length > 1 && threads > 1 && ctx.options.workersOnly === true) startPool();
      yield* scanJs(jsFiles, groups, jsRules, groups.length > 1 ? pool : undefined, ctx, links);
    }
  } finally {
    await pool?.close();
  }
  if (ctx.signal.aborted) return;
  yield* await templateFindings(templates, htmlViews, links, disabled);
  if (others.length && !ctx.signal.aborted) {
    const [{ scanOthers }, { builtinRules }] = await Promise.all([import('./others.js'), import('./load-rules.js')]);
    const langs = [...new Set(others.map((o) => o.lang))].filter((l): l is TsLang => l !== 'generic');
    const rules = [...(langs.length ? await builtinRules(langs) : []), ...userRules].filter((r) => !disabled.has(r.id));
    yield* scanOthers(others, rules, ctx);
  }
}

/**
 * Template findings: `js-xss` where a template writes a tainted local that a render call handed it (views.ts), and
 * `js-template-unescaped` at every other unescaped output of data.
 */
async function templateFindings(templates: Map<string, TemplateOutputs>, htmlViews: Map<string, TargetFile>, links: ViewLinks, disabled: ReadonlySet<string>): Promise<RawFinding[]> {
  const settingsOf = (f: string): { own: ViewSettings[]; others: ViewSettings[] } => {
    const own = links.groupViews.get(f) ?? [];
    return { own, others: links.all.filter((v) => !own.includes(v)) };
  };
  // `.html` views that render calls resolve to, read now in the syntax of the engine the app registers for them
  const all = new Map(templates);
  if (htmlViews.size && links.renders.length) {
    for (const r of links.renders) {
      const { own, others } = settingsOf(r.file);
      const syntax = own.find((s) => s.htmlSyntax)?.htmlSyntax ?? others.find((s) => s.htmlSyntax)?.htmlSyntax;
      const path = syntax ? resolveView(r, own, others, (p) => all.has(p) || htmlViews.has(p)) : undefined;
      if (!path || all.has(path)) continue;
      let text: string | undefined;
      try {
        text = await readText(htmlViews.get(path)!);
      } catch {
        continue;
      }
      if (text !== undefined) all.set(path, templateOutputs(path, text, syntax));
    }
  }
  const linked = all.size && links.renders.length && !disabled.has(TAINT_XSS) ? linkRenders(links.renders, settingsOf, all) : { findings: [], covered: new Set<string>() };
  const out = [...linked.findings];
  if (!disabled.has(TEMPLATE_RULE.id)) {
    for (const [, t] of templates) {
      for (const h of t.unescaped) {
        if (linked.covered.has(`${h.loc.path}:${h.loc.startLine}:${h.loc.startColumn}`)) continue;
        out.push({
          scanner: 'sast', ruleId: TEMPLATE_RULE.id, severity: TEMPLATE_RULE.severity, confidence: TEMPLATE_RULE.confidence, cwe: TEMPLATE_RULE.cwe,
          message: `The template writes \`${h.expr}\` without HTML escaping.`, location: h.loc, identity: `${TEMPLATE_RULE.id}|${h.expr}`,
        });
      }
    }
  }
  return out;
}

const TAINT_XSS = 'js-xss';

/** `.html` files in a views-like folder: views of an engine registered for `.html` (`app.engine('html', ...)`, nunjucks). */
const HTML_VIEW = /(^|\/)(views|templates|pages|layouts|partials|html)\/(.*\/)?[^/]+\.html$/;

/**
 * A file's text; undefined when it is not to be analysed. A file the target left for the scanner to read
 * (`diskPath`) gets here the checks the target makes when it reads: the size limit (a skip note) and binary
 * content (silently left out). `again`: the second read of a file the walk read (a read error then throws).
 */
async function readText(file: TargetFile, again = false): Promise<string | undefined> {
  if (file.diskPath === undefined) return file.text();
  let bytes: Uint8Array;
  try {
    // Synchronous, as the folder target reads: for many small files a thread-pool round trip costs more.
    bytes = readFileSync(file.diskPath);
  } catch (e) {
    if (again) throw e;
    file.skip?.(`unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return undefined;
  }
  if (file.sizeLimit !== undefined && bytes.length > file.sizeLimit) {
    file.skip?.(tooLarge(bytes.length, file.sizeLimit));
    return undefined;
  }
  return isBinary(bytes) ? undefined : decodeText(bytes);
}

/** Reads a group's texts again (see the top of this file); a file that cannot be read now is a file error. */
async function readGroup(group: number[], files: JsFile[], ctx: ScanContext<SastConfig>): Promise<GroupFile[]> {
  const out: GroupFile[] = [];
  for (const i of group) {
    const f = files[i]!;
    try {
      const text = await readText(f.file, true);
      if (text !== undefined) out.push({ path: f.path, text });
    } catch (e) {
      ctx.fileError(f.path, `cannot read: ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * The JS/TS files, one import-connected group at a time: in this thread, or with `threads` > 1 and enough
 * content, in worker threads (largest groups first, one group per worker at a time). Either way the findings come
 * out group by group in the same order, so the result does not depend on the number of threads.
 */
async function* scanJs(files: JsFile[], groups: number[][], rules: YamlRule[], pool: GroupPool | undefined, ctx: ScanContext<SastConfig>, links: ViewLinks): AsyncIterable<RawFinding> {
  const cfg = ctx.config;
  const options: GroupOptions = { disabled: new Set(cfg.disable), libraryMode: cfg.libraryMode, envIsInput: cfg.envIsInput, rules, signal: ctx.signal };
  const report = (r: GroupResult, group: number[]): void => {
    for (const e of r.fileErrors) ctx.fileError(e.path, e.message);
    ctx.count('importGroups');
    links.renders.push(...r.renders);
    if (r.views.length) {
      links.all.push(...r.views);
      for (const i of group) links.groupViews.set(files[i]!.path, r.views);
    }
  };
  if (!pool) {
    const { analyseGroup, groupDone, groupStart } = await import('./js-group.js');
    for (const group of groups) {
      if (ctx.signal.aborted) return;
      const texts = await readGroup(group, files, ctx);
      const chars = texts.reduce((s, f) => s + f.text.length, 0);
      groupStart(chars);
      const r = analyseGroup(texts, options);
      texts.length = 0;
      groupDone();
      report(r, group);
      yield* r.findings;
    }
    return;
  }
  ctx.log.debug(`sast: ${groups.length} import groups in ${pool.size} worker threads`);
  // Largest first, so the longest group does not start last and leave the other threads idle at the end.
  const size = groups.map((g) => g.reduce((s, i) => s + files[i]!.chars, 0));
  const order = groups.map((_, i) => i).sort((a, b) => size[b]! - size[a]! || a - b);
  const done = groups.map(() => deferred<GroupResult>());
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length && !ctx.signal.aborted) {
      const gi = order[next++]!;
      try {
        done[gi]!.resolve(await pool.run(await readGroup(groups[gi]!, files, ctx)));
      } catch (e) {
        done[gi]!.reject(e as Error);
      }
    }
  };
  // Once the lanes stop (every group done, or the scan aborted), a group still pending will not be analysed.
  void Promise.all(Array.from({ length: Math.min(pool.size, groups.length) }, lane)).then(() => {
    for (const d of done) d.reject(new Error('not analysed: the scan was stopped'));
  });
  for (let gi = 0; gi < groups.length; gi++) {
    if (ctx.signal.aborted) return;
    let r: GroupResult;
    try {
      r = await done[gi]!.promise;
    } catch (e) {
      if (ctx.signal.aborted) return;
      throw e;
    }
    report(r, groups[gi]!);
    yield* r.findings;
  }
}

/** A promise with its resolve and reject. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Where the worker's code is: beside this module from sources (`.ts`), in the bundle, or in the tsc output. */
function workerUrl(): { url: URL; fromSource: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./worker.ts', here), fromSource: true };
  const bundled = new URL('./sast-worker.js', here);
  return { url: existsSync(bundled) ? bundled : new URL('./worker.js', here), fromSource: false };
}

/**
 * Worker threads that analyse one group each at a time. A worker that fails (it crashed, or its answer is an
 * error) has the group analysed again in this thread, which gives the same result as if it had not failed, and is
 * not used again.
 */
class GroupPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting = new Map<Worker, { id: number; resolve: (r: GroupResult) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private closed = false;

  constructor(
    readonly size: number,
    init: SastWorkerInit,
    private readonly options: GroupOptions,
  ) {
    const { url, fromSource } = workerUrl();
    const { Worker: W } = workerThreads();
    for (let i = 0; i < size; i++) {
      // From sources (tests run through tsx) the worker is TypeScript and needs the same loader.
      const w = fromSource
        ? new W(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: init })
        : new W(url, { workerData: init });
      w.on('message', (m: SastWorkerAnswer) => this.answer(w, m));
      w.on('error', (e) => this.fail(w, e));
      w.on('exit', (code) => this.fail(w, new Error(`SAST worker stopped (exit code ${code})`)));
      this.all.push(w);
      this.idle.push(w);
    }
  }

  /** Analyses a group in a worker (or, when none is left, in this thread). */
  async run(files: GroupFile[]): Promise<GroupResult> {
    if (this.closed) throw new Error('not analysed: the scan was stopped');
    const w = this.idle.pop();
    if (!w) return this.inThread(files);
    const id = ++this.seq;
    try {
      const r = await new Promise<GroupResult>((resolve, reject) => {
        this.waiting.set(w, { id, resolve, reject });
        w.postMessage({ id, files } satisfies SastWorkerJob);
      });
      this.idle.push(w);
      return r;
    } catch (e) {
      if (this.closed) throw e;
      void w.terminate();
      return this.inThread(files);
    }
  }

  private async inThread(files: GroupFile[]): Promise<GroupResult> {
    const { analyseGroup } = await import('./js-group.js');
    return analyseGroup(files, this.options);
  }

  private answer(w: Worker, m: SastWorkerAnswer): void {
    const job = this.waiting.get(w);
    if (!job || job.id !== m.id) return;
    this.waiting.delete(w);
    if ('error' in m) job.reject(new Error(m.error));
    else job.resolve(m.result);
  }

  private fail(w: Worker, e: Error): void {
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    const job = this.waiting.get(w);
    this.waiting.delete(w);
    job?.reject(e);
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.all) w.removeAllListeners();
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
