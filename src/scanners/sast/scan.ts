import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
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
  // With several threads, `threads - 1` workers start as soon as there is enough JS/TS to repay them (this thread
  // analyses groups too), and load the compiler while this thread goes on walking the tree.
  let pool: GroupPool | undefined;
  let jsChars = 0;
  const startPool = (): GroupPool =>
    (pool ??= new GroupPool(threads - 1, {
      rulePaths: jsRules.length ? cfg.rules : [], root: target.root, disabled: cfg.disable, libraryMode: cfg.libraryMode, envIsInput: cfg.envIsInput,
      ...(ctx.options.codeCache ? { codeCache: ctx.options.codeCache } : {}),
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
    if (pool) {
      await pool.close();
      setFlagsFromString('--heap-growing-percent=0');
    }
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
 * Groups of at least this many characters are analysed one at a time, all in the same thread (the first worker):
 * such a group grows its thread's heap by hundreds of megabytes (the webpack group of the benchmark tree, 10 MB of
 * source, has ~200 MB of trees and summaries alive), so two of them side by side, or one after the other in two
 * heaps, would add up. The other threads take the smaller groups meanwhile, and keep small heaps.
 */
const EXCLUSIVE_CHARS = 1_000_000;

/**
 * Young generation of a worker, in megabytes (V8's default on 64 bits is 48: two 16 MB semi-spaces and room for
 * promotion). Each thread's young generation is resident memory; a smaller one costs more minor collections, which
 * are cheap for the analysis (most of what a group allocates lives as long as the group).
 */
const WORKER_YOUNG_MB = 12;

/**
 * How far V8 lets each thread's old generation grow past what was alive after its last full collection, in percent,
 * while groups are analysed in several threads (V8 otherwise grows it up to 4 times on a machine with 16 GB or
 * more). Two heaps side by side, each with garbage up to 4 times its live data, doubled the peak of one thread.
 * V8's flag is process-wide: it is set for the groups only, and put back to V8's own choice after.
 */
const HEAP_GROWING_PERCENT = 25;

/**
 * How many threads are worth using for groups of these sizes (`threads` at most): the wall time of a split is
 * bounded below by the largest group, so once the others fit beside it more threads only add each thread's own
 * costs (a heap, a compiler, a warm-up). The fewest threads whose bound is within 10% of `threads`' bound, and one
 * thread when that gains less than 20% over one.
 */
export function lanesWorthUsing(sizes: readonly number[], threads: number): number {
  const total = sizes.reduce((s, n) => s + n, 0);
  const largest = sizes.reduce((m, n) => Math.max(m, n), 0);
  if (threads <= 1 || total === 0) return 1;
  const bound = (lanes: number): number => Math.max(largest, total / lanes);
  const best = bound(threads);
  let lanes = 1;
  while (lanes < threads && bound(lanes) > best * 1.1) lanes++;
  return bound(1) < bound(lanes) * 1.2 ? 1 : lanes;
}

/**
 * The JS/TS files, one import-connected group at a time: in this thread, or with `threads` > 1 and enough
 * content, in this thread and worker threads together (largest groups first; see {@link EXCLUSIVE_CHARS}). Either
 * way the findings come out group by group in the same order, so the result does not depend on the number of
 * threads.
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
  const size = groups.map((g) => g.reduce((s, i) => s + files[i]!.chars, 0));
  const workersOnly = ctx.options.workersOnly === true;
  if (pool && !workersOnly) {
    // This thread is one of the lanes: `lanes - 1` workers; the others are stopped before they get any work.
    const lanes = lanesWorthUsing(size, pool.size + 1);
    pool.keep(lanes - 1);
    if (lanes === 1) pool = undefined;
  }
  const tsLoad = await import('./js/ts-load.js');
  tsLoad.useCodeCache(ctx.options.codeCache);
  const js = await import('./js-group.js');
  const here = async (gi: number): Promise<GroupResult> => {
    const texts = await readGroup(groups[gi]!, files, ctx);
    js.groupStart(size[gi]!);
    const r = js.analyseGroup(texts, options);
    texts.length = 0;
    js.groupDone(size[gi]!);
    return r;
  };
  if (!pool) {
    for (let gi = 0; gi < groups.length; gi++) {
      if (ctx.signal.aborted) return;
      const r = await here(gi);
      report(r, groups[gi]!);
      yield* r.findings;
    }
    // a scan of less than a megabyte of JS/TS still leaves the compiler's code cache for the next one
    tsLoad.saveCodeCache();
    return;
  }
  const workers = pool;
  // put back when the pool closes (scanSast)
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  ctx.log.debug(`sast: ${groups.length} import groups in ${workers.size} worker threads${workersOnly ? '' : ' and this one'}`);
  // Largest first, so the longest group does not start last and leave the other threads idle at the end.
  const order = groups.map((_, i) => i).sort((a, b) => size[b]! - size[a]! || a - b);
  const done = groups.map(() => deferred<GroupResult>());
  const taken = new Uint8Array(order.length);
  let head = 0;
  let exclusive = false;
  let wake = deferred<void>();
  const changed = (): void => {
    const w = wake;
    wake = deferred<void>();
    w.resolve();
  };
  /**
   * The next group a lane may start now: undefined when none is left for it, -1 when its next one is a large group
   * that waits for the running one to end. Only the first lane takes large groups.
   */
  const take = (large: boolean): number | undefined => {
    while (head < order.length && taken[head]) head++;
    let waiting = false;
    for (let k = head; k < order.length; k++) {
      if (taken[k]) continue;
      const gi = order[k]!;
      const big = size[gi]! >= EXCLUSIVE_CHARS;
      if (big && (!large || exclusive)) {
        waiting ||= large;
        continue;
      }
      taken[k] = 1;
      if (big) exclusive = true;
      return gi;
    }
    return waiting ? -1 : undefined;
  };
  const finish = (gi: number, r: GroupResult | Error): void => {
    if (size[gi]! >= EXCLUSIVE_CHARS) exclusive = false;
    if (r instanceof Error) done[gi]!.reject(r);
    else done[gi]!.resolve(r);
    changed();
  };
  const lane = async (large: boolean, run: (gi: number) => Promise<GroupResult>): Promise<void> => {
    while (!ctx.signal.aborted) {
      const gi = take(large);
      if (gi === undefined) return;
      if (gi < 0) {
        await wake.promise;
        continue;
      }
      try {
        finish(gi, await run(gi));
      } catch (e) {
        finish(gi, e as Error);
      }
    }
  };
  // Two lanes per worker: the next group waits in the worker's queue, so a worker does not sit idle while this
  // thread, busy with a group of its own, cannot hand it one.
  const lanes: Promise<void>[] = [];
  for (let w = 0; w < workers.size; w++) {
    for (let k = 0; k < 2; k++) lanes.push(lane(w === 0, async (gi) => workers.run(w, await readGroup(groups[gi]!, files, ctx))));
  }
  if (!workersOnly) {
    lanes.push(
      lane(false, async (gi) => {
        // Let the workers' answers in (they are events) before a group here holds this thread.
        await new Promise((resolve) => setImmediate(resolve));
        return here(gi);
      }),
    );
  }
  // Once the lanes stop (every group done, or the scan aborted), a group still pending will not be analysed.
  void Promise.all(lanes).then(() => {
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
  tsLoad.saveCodeCache();
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

/**
 * Characters of source per message to a worker. A message is serialised into one native buffer grown to its size,
 * freed once the worker has read it; glibc's malloc then keeps up to twice the largest such block freed in each
 * thread's heap rather than returning it (its dynamic mmap and trim thresholds, see core/code-cache.ts). The largest
 * group of the benchmark tree (10 MB of source) went as one 15 MB buffer; in parts, the two-thread peak on the tree
 * copied 4 times went from 553 to 488 MB (491 to 445 MB on one copy).
 */
const JOB_PART_CHARS = 256 * 1024;

/** Where the worker's code is: beside this module from sources (`.ts`), in the bundle, or in the tsc output. */
function workerUrl(): { url: URL; fromSource: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./worker.ts', here), fromSource: true };
  const bundled = new URL('./sast-worker.js', here);
  return { url: existsSync(bundled) ? bundled : new URL('./worker.js', here), fromSource: false };
}

/**
 * Worker threads that analyse groups, one at a time each (a worker may hold the next one queued). A worker that
 * fails (it crashed, or its answer is an error) has its groups analysed again in this thread, which gives the same
 * result as if it had not failed, and is not used again.
 */
class GroupPool {
  private readonly all: Worker[] = [];
  private readonly alive = new Set<Worker>();
  private readonly waiting = new Map<number, { w: Worker; resolve: (r: GroupResult) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private closed = false;
  private kept: number;

  constructor(
    count: number,
    init: SastWorkerInit,
    private readonly options: GroupOptions,
  ) {
    this.kept = count;
    const { url, fromSource } = workerUrl();
    const { Worker: W } = workerThreads();
    for (let i = 0; i < count; i++) {
      // From sources (tests run through tsx) the worker is TypeScript and needs the same loader.
      const w = fromSource
        ? new W(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: init })
        : new W(url, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      w.on('message', (m: SastWorkerAnswer) => this.answer(m));
      w.on('error', (e) => this.fail(w, e));
      w.on('exit', (code) => this.fail(w, new Error(`SAST worker stopped (exit code ${code})`)));
      this.all.push(w);
      this.alive.add(w);
    }
  }

  /** Workers started and kept (see {@link keep}). */
  get size(): number {
    return this.kept;
  }

  /** Stops all workers but the first `n` (before any has been given work). */
  keep(n: number): void {
    this.kept = Math.min(n, this.kept);
    for (const w of this.all.slice(n)) {
      this.alive.delete(w);
      w.removeAllListeners();
      void w.terminate();
    }
  }

  /** Analyses a group in worker `i` (or, when that one has failed, in this thread). */
  async run(i: number, files: GroupFile[]): Promise<GroupResult> {
    if (this.closed) throw new Error('not analysed: the scan was stopped');
    const w = this.all[i];
    if (!w || !this.alive.has(w)) return this.inThread(files);
    const id = ++this.seq;
    try {
      return await new Promise<GroupResult>((resolve, reject) => {
        this.waiting.set(id, { w, resolve, reject });
        let i = 0;
        do {
          let chars = 0;
          let j = i;
          while (j < files.length && (j === i || chars + files[j]!.text.length <= JOB_PART_CHARS)) chars += files[j++]!.text.length;
          w.postMessage({ id, files: files.slice(i, j), ...(j < files.length ? { more: true } : {}) } satisfies SastWorkerJob);
          i = j;
        } while (i < files.length);
      });
    } catch (e) {
      if (this.closed) throw e;
      this.drop(w);
      return this.inThread(files);
    }
  }

  private async inThread(files: GroupFile[]): Promise<GroupResult> {
    const { analyseGroup } = await import('./js-group.js');
    return analyseGroup(files, this.options);
  }

  private answer(m: SastWorkerAnswer): void {
    const job = this.waiting.get(m.id);
    if (!job) return;
    this.waiting.delete(m.id);
    if ('error' in m) job.reject(new Error(m.error));
    else job.resolve(m.result);
  }

  private drop(w: Worker): void {
    if (this.alive.delete(w)) void w.terminate();
  }

  private fail(w: Worker, e: Error): void {
    this.alive.delete(w);
    for (const [id, job] of this.waiting) {
      if (job.w !== w) continue;
      this.waiting.delete(id);
      job.reject(e);
    }
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.all) w.removeAllListeners();
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
