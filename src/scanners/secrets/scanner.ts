import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import picomatch from 'picomatch';
import type { RawFinding, Scanner, ScanContext, TargetFile } from '../../core/types.js';
import { decodeText } from '../../targets/file.js';
import { analyzeText, type SecretHit } from './analyze.js';
import { secretsConfigSchema, type SecretsConfig } from './config.js';
import type { SecretRuleSpec } from './rule.js';
import { activeSpecs, buildRuleSet, ruleSetInput, secretRuleMeta, type RuleSetInput } from './ruleset.js';
import type { FileResult, WorkerJob, WorkerResult } from './worker.js';
import { isBinary } from '../../targets/binary.js';

/**
 * Content analysed in the main thread before worker threads are worth starting; from then on the main thread
 * goes on alone until the workers have compiled their rules, so their start-up costs no wall time.
 */
const INLINE_BYTES = 256 * 1024;
/** Files read ahead of the oldest unfinished one, so workers never wait for the main thread. */
const AHEAD_FILES = 2048;
const AHEAD_BYTES = 64 * 1024 * 1024;
/** Files are sent to workers in batches: one message per batch, not per file. */
const BATCH_FILES = 256;
const BATCH_BYTES = 1024 * 1024;

/** The secrets scanner: built-in and custom rules over every text file of any target. */
export const secretsScanner: Scanner<SecretsConfig> = {
  id: 'secrets',
  title: 'Secrets: credentials, keys and tokens in files and git history',
  targets: ['directory', 'git-history', 'staged', 'archive', 'stdin', 'file'],
  rules(config) {
    return activeSpecs(ruleSetInput(config ?? secretsConfigSchema.parse({}))).map(secretRuleMeta);
  },
  scan(target, ctx) {
    const threads = threadCount(ctx);
    // With worker threads, files on disk are read by the workers, so this thread only lists and dispatches.
    return scanSecrets(target.files({ ...fileFilter(ctx.config), ...(threads > 1 ? { deferRead: true } : {}) }), ctx, threads);
  },
};

function threadCount(ctx: ScanContext<SecretsConfig>): number {
  return Math.max(1, ctx.options.threads ?? Math.min(availableParallelism(), 4));
}

function fileFilter(cfg: SecretsConfig) {
  const skip = cfg.allowlist.paths.length ? picomatch(cfg.allowlist.paths, { dot: true }) : null;
  return skip ? { path: (p: string) => !skip(p) } : {};
}

/** Pending analysis of one file. */
interface Pending {
  file: TargetFile;
  size: number;
  result: Promise<FileResult>;
}

async function* scanSecrets(files: AsyncIterable<TargetFile>, ctx: ScanContext<SecretsConfig>, threads: number): AsyncIterable<RawFinding> {
  const input = ruleSetInput(ctx.config);
  const specs = new Map(activeSpecs(input).map((s) => [s.id, s]));
  const set = buildRuleSet(input);
  const showSecrets = ctx.options.showSecrets === true;
  let pool: WorkerPool | undefined;
  let inlineBytes = 0;
  let done = 0;
  const byContent = new Map<string, Promise<FileResult>>();
  const queue: Pending[] = [];
  let queuedBytes = 0;
  const next = () => {
    const p = queue.shift()!;
    queuedBytes -= p.size;
    ctx.progress.update('secrets', ++done, undefined, 'files');
    return p;
  };
  try {
    for await (const file of files) {
      ctx.signal.throwIfAborted();
      const changed = (file as TargetFile & { changedLines?: ReadonlySet<number> }).changedLines;
      let result = file.contentId && !changed ? byContent.get(file.contentId) : undefined;
      let size = 0;
      if (!result) {
        if (threads > 1 && inlineBytes >= INLINE_BYTES) pool ??= new WorkerPool(threads, input, showSecrets);
        if (file.diskPath && pool?.ready) {
          size = file.size;
          result = pool.run(file.path, { diskPath: file.diskPath }, changed);
        } else {
          const bytes = await file.bytes();
          // A file handed over unread has not been checked for binary content yet.
          if (file.diskPath && isBinary(bytes)) continue;
          size = bytes.byteLength;
          if (pool?.ready) {
            result = pool.run(file.path, { bytes }, changed);
          } else {
            inlineBytes += size;
            const text = decodeText(bytes);
            result = Promise.resolve({ hits: analyzeText(text, set, { path: file.path, showSecrets, ...(changed ? { changedLines: changed } : {}) }) });
          }
        }
        ctx.count('files');
        ctx.count('bytes', size);
        // Awaited in order later; meanwhile a rejection must not count as unhandled.
        result.catch(() => undefined);
        if (file.contentId && !changed) byContent.set(file.contentId, result);
      }
      queue.push({ file, size, result });
      queuedBytes += size;
      while (queue.length && (!pool?.ready || queue.length > AHEAD_FILES || queuedBytes > AHEAD_BYTES)) {
        pool?.flush();
        yield* emit(next(), specs, ctx);
      }
    }
    pool?.flush();
    while (queue.length) yield* emit(next(), specs, ctx);
  } finally {
    ctx.progress.done('secrets');
    await pool?.close();
  }
}

async function* emit(p: Pending, specs: Map<string, SecretRuleSpec>, ctx: ScanContext<SecretsConfig>): AsyncIterable<RawFinding> {
  let r: FileResult;
  try {
    r = await p.result;
  } catch (e) {
    r = { error: e instanceof Error ? e.message : String(e) };
  }
  if ('error' in r) {
    ctx.fileError(p.file.path, r.error);
    return;
  }
  // A worker read this file; the engine learns its inline-ignore comments by reading it here.
  if (r.marker && r.hits.length) await p.file.text();
  for (const h of r.hits) yield toFinding(h, p.file, specs.get(h.ruleId)!);
}

function toFinding(h: SecretHit, file: TargetFile, spec: SecretRuleSpec): RawFinding {
  const data: Record<string, unknown> = { secretHash: h.hash, redacted: h.redacted, length: h.length };
  if (h.secret !== undefined) data['secret'] = h.secret;
  return {
    scanner: 'secrets',
    ruleId: h.ruleId,
    severity: spec.severity,
    confidence: spec.confidence ?? (spec.generic ? 'medium' : 'high'),
    message: `${spec.title} (${h.redacted}) is committed here: revoke it and load it from a secret store instead.`,
    location: {
      path: file.path,
      startLine: h.line,
      startColumn: h.column,
      endLine: h.endLine,
      endColumn: h.endColumn,
      snippet: h.evidence,
    },
    ...(file.origin ? { origin: file.origin } : {}),
    cwe: ['CWE-798'],
    identity: h.hash,
    evidence: h.evidence,
    data,
  };
}

/** A file waiting in a batch, with the callbacks of its promise. */
interface BatchEntry {
  path: string;
  bytes?: Uint8Array;
  diskPath?: string;
  changedLines?: number[];
  resolve: (r: FileResult) => void;
  reject: (e: Error) => void;
}

/** A fixed set of worker threads analysing batches of files; each batch goes to the least busy worker. */
class WorkerPool {
  private readonly workers: { w: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, BatchEntry[]>();
  private batch: BatchEntry[] = [];
  private batchBytes = 0;
  private nextId = 0;
  private started = 0;
  /** True once every worker has compiled its rules. */
  ready = false;
  private closing = false;

  constructor(size: number, input: RuleSetInput, showSecrets: boolean) {
    // From sources (tests run through tsx) the worker is TypeScript and needs the same loader.
    const fromSource = import.meta.url.endsWith('.ts');
    const url = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const w = fromSource
        ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, {
            eval: true,
            workerData: { input, showSecrets },
          })
        : new Worker(url, { workerData: { input, showSecrets } });
      const slot = { w, busy: 0 };
      w.on('message', (m: WorkerResult | 'ready') => {
        if (m === 'ready') {
          if (++this.started === size) this.ready = true;
          return;
        }
        slot.busy--;
        const batch = this.waiting.get(m.id) ?? [];
        this.waiting.delete(m.id);
        batch.forEach((f, i) => f.resolve(m.results[i] ?? { error: 'no result from the worker' }));
      });
      const fail = (e: Error) => {
        for (const batch of this.waiting.values()) for (const f of batch) f.reject(e);
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!this.closing) fail(new Error(`secrets worker stopped (exit code ${code})`));
      });
      this.workers.push(slot);
    }
  }

  /** Queues one file (its bytes, or its path on disk); it is sent with its batch when full or on {@link flush}. */
  run(path: string, from: { bytes?: Uint8Array; diskPath?: string }, changed?: ReadonlySet<number>): Promise<FileResult> {
    // Bytes are copied into a transferable buffer of exact size (the source may be a view into a pooled one).
    const copy = from.bytes ? new Uint8Array(from.bytes) : undefined;
    const p = new Promise<FileResult>((resolve, reject) =>
      this.batch.push({ path, ...(copy ? { bytes: copy } : { diskPath: from.diskPath! }), ...(changed ? { changedLines: [...changed] } : {}), resolve, reject }),
    );
    this.batchBytes += copy?.byteLength ?? 4096;
    if (this.batch.length >= BATCH_FILES || this.batchBytes >= BATCH_BYTES) this.flush();
    return p;
  }

  /** Sends the files queued so far to the least busy worker. */
  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    const id = this.nextId++;
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    this.waiting.set(id, batch);
    const job: WorkerJob = { id, files: batch.map(({ resolve: _r, reject: _j, ...f }) => f) };
    slot.w.postMessage(job, batch.flatMap((f) => (f.bytes ? [f.bytes.buffer as ArrayBuffer] : [])));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((s) => s.w.terminate()));
  }
}
