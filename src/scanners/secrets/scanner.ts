import type { Worker } from 'node:worker_threads';
import { globMatcher } from '../../core/glob.js';
import { fileBatches, type RawFinding, type Scanner, type ScanContext, type TargetFile } from '../../core/types.js';
import type { SecretHit } from '../../analyzers/secrets/analyze.js';
import type { SecretsConfig } from '../../analyzers/secrets/config.js';
import type { SecretRuleSpec } from '../../analyzers/secrets/rule.js';
import type { RuleSet } from '../../analyzers/secrets/engine.js';
import { defaultRuleSetInput, ruleSetInput, secretRuleMeta, type RuleSetInput } from '../../analyzers/secrets/rule-meta.js';
import type { WorkerJob, WorkerResult, WorkerRules } from './worker.js';
import { adoptWorkers, defaultThreads, hasSpareWorkers, startWorkers } from './prestart.js';
import type { FileJob } from './read.js';
import { Analysed, type FileResult } from './result.js';
import { builtinSecretMetas } from './meta.js';
import { providerOf, Verifier, type Verified } from './verify.js';

/**
 * Content this thread analyses before worker threads are worth starting: a worker costs a Node start and a rule
 * compile, more than a small repository takes alone. The listing streams, so a large tree reaches this within
 * milliseconds and its workers boot while this thread goes on.
 */
const INLINE_BYTES = 8 * 1024 * 1024;
/** Files read ahead of the oldest unfinished one, so workers never wait for the main thread. */
const AHEAD_FILES = 2048;
const AHEAD_BYTES = 64 * 1024 * 1024;
/** Files are sent to workers in batches: one message per batch, not per file. */
const BATCH_FILES = 256;
const BATCH_BYTES = 1024 * 1024;

/**
 * The end of a listing's batches: an empty array of the same internal kind as a batch (an array that has held
 * objects; `[]` is another kind), so the loop over batches meets one kind only.
 */
const NO_FILES = ([{}] as unknown as TargetFile[]).slice(0, 0);

/** The secrets scanner: built-in and custom rules over every text file of any target. */
export const secretsScanner: Scanner<SecretsConfig> = {
  id: 'secrets',
  title: 'Secrets: credentials, keys and tokens in files and git history',
  requires: ['files'],
  targets: ['directory', 'git-history', 'staged', 'archive', 'stdin', 'file', 'image'],
  rules(config) {
    // As activeSpecs gives them (ruleset.ts), from metadata alone: the rules and the engine load with the first file.
    // (no config: the default one's input, without loading its schema)
    const input = config ? ruleSetInput(config) : defaultRuleSetInput();
    const custom = new Set(input.custom.map((r) => r.id));
    const off = new Set(input.disable);
    return [...builtinSecretMetas().filter((b) => !off.has(b.id) && !custom.has(b.id)).map((b) => b.meta), ...input.custom.map(secretRuleMeta)];
  },
  scan(target, ctx) {
    // Files on disk are read by the scanner itself (in worker threads when there are some), into a reused buffer.
    return scanSecrets(fileBatches(target, { ...fileFilter(ctx.config), deferRead: true }), ctx, threadCount(ctx));
  },
};

function threadCount(ctx: ScanContext<SecretsConfig>): number {
  return Math.max(1, ctx.options.threads ?? defaultThreads());
}

function fileFilter(cfg: SecretsConfig) {
  const skip = cfg.allowlist.paths.length ? globMatcher(cfg.allowlist.paths) : null;
  return skip ? { path: (p: string) => !skip(p) } : {};
}

/**
 * Where one file's result is, or will be: analysed here already, or at `index` in a worker's batch. A class, as
 * {@link Pending} is: both are kept queued by the thousand, and a literal's allocation site moved to the old
 * generation mid-scan would throw away the optimised per-file code that makes them.
 */
class Outcome {
  constructor(
    readonly result: FileResult | undefined,
    readonly batch: Batch | undefined,
    readonly index: number,
  ) {}
}

/** A file waiting for its findings to be emitted, in target order. */
class Pending {
  constructor(
    readonly file: TargetFile,
    /** Bytes held for it in this thread until it is done (0 for files read where they are analysed). */
    readonly size: number,
    readonly outcome: Outcome,
    /** False for a copy of content met before (counted once). */
    readonly own: boolean,
  ) {}
}

async function* scanSecrets(batches: AsyncIterable<TargetFile[]>, ctx: ScanContext<SecretsConfig>, threads: number): AsyncIterable<RawFinding> {
  const input = ruleSetInput(ctx.config);
  const showSecrets = ctx.options.showSecrets === true;
  // --verify (or `verify: true`) needs the raw secrets in this thread; never in an --offline run.
  const verifier = ctx.config.verify && ctx.options.offline !== true ? newVerifier(ctx.config) : undefined;
  const keep = verifier !== undefined;
  const workersOnly = ctx.options.workersOnly === true && threads > 1;
  // This thread analyses files too: `threads - 1` workers.
  // Threads started ahead (see prestart.ts) are used from the first file; otherwise they start once this thread
  // has seen enough content to be worth their start.
  let pool: WorkerPool | undefined = workersOnly || (threads > 1 && hasSpareWorkers(threads - 1)) ? new WorkerPool(threads - 1, input, showSecrets, keep) : undefined;
  // The rules, the engine and the reader, loaded when the first file is listed (an empty tree loads none).
  let lib: Lib | undefined;
  let specs: Map<string, SecretRuleSpec> | undefined;
  // Built when this thread first analyses a file itself (never with workersOnly).
  let set: RuleSet | undefined;
  let inlineBytes = 0;
  let done = 0;
  let fileCount = 0;
  let byteCount = 0;
  const byContent = new Map<string, Outcome>();
  const queue: Pending[] = [];
  let head = 0;
  let queuedBytes = 0;
  /**
   * One new file: sent to a worker while the workers have little queued, else analysed here. Kept out of the
   * generator's body (and every job of one shape) so the hot path stays small to compile and stable to run.
   */
  const take = (file: TargetFile, bytes: Uint8Array | undefined): Pending => {
    const toPool = pool !== undefined && pool.ready && (workersOnly || pool.hungry());
    const size = bytes ? bytes.byteLength : 0;
    const job: FileJob = {
      path: file.path,
      // In a worker the bytes must be a transferable buffer of exact size (the source may view a pooled one).
      bytes: bytes && toPool ? new Uint8Array(bytes) : bytes,
      diskPath: file.diskPath,
      maxBytes: file.diskPath ? file.sizeLimit : undefined,
      changedLines: file.changedLines ? [...file.changedLines] : undefined,
    };
    if (toPool) return new Pending(file, size, pool!.add(job, size), true);
    const result = lib!.analyzeFile(job, (set ??= lib!.buildRuleSet(input)), showSecrets, keep);
    if ('size' in result) inlineBytes += result.size;
    return new Pending(file, size, new Outcome(result, undefined, 0), true);
  };
  /** Queues one new file (read here or by a worker unless `bytes` came with it). */
  const add = (file: TargetFile, bytes: Uint8Array | undefined): void => {
    const p = take(file, bytes);
    if (file.contentId && !file.changedLines) byContent.set(file.contentId, p.outcome);
    queue.push(p);
    queuedBytes += p.size;
  };
  /**
   * Queues the files of a batch from `from` on, up to the first that needs an await (bytes to fetch, workers to
   * wait for): returns its index (the batch's length when none does). The scan's generator is then resumed once
   * per batch, not once per file, and the per-file work is this plain function's.
   */
  const addFiles = (files: TargetFile[], from: number): number => {
    for (let i = from; i < files.length; i++) {
      const file = files[i]!;
      ctx.signal.throwIfAborted();
      const known = file.contentId && !file.changedLines ? byContent.get(file.contentId) : undefined;
      if (known) {
        queue.push(new Pending(file, 0, known, false));
        continue;
      }
      if (threads > 1 && inlineBytes >= INLINE_BYTES) pool ??= new WorkerPool(threads - 1, input, showSecrets, keep);
      // Files on disk are read (and sized) by whoever analyses them.
      if (!file.diskPath || (pool !== undefined && workersOnly && !pool.ready)) return i;
      add(file, undefined);
    }
    return files.length;
  };
  /**
   * Emits finished files in order (progress, counts, skips and errors) up to the first with findings, whose
   * findings it returns; undefined when it stopped at an unfinished file or the end of the queue.
   */
  const settle = (): AsyncIterable<RawFinding> | undefined => {
    while (head < queue.length) {
      const p = queue[head]!;
      const r = p.outcome.result ?? p.outcome.batch?.results?.[p.outcome.index];
      if (r === undefined) return undefined;
      head++;
      queuedBytes -= p.size;
      ctx.progress.update('secrets', ++done, undefined, 'files');
      if (p.own && 'size' in r) {
        fileCount++;
        byteCount += r.size;
      }
      const found = findingsOf(p, r, specs!, ctx, verifier, showSecrets);
      if (found) return found;
    }
    return undefined;
  };
  try {
    const it = batches[Symbol.asyncIterator]();
    let listed = false;
    try {
      for (;;) {
        const next = await it.next();
        listed = next.done === true;
        if (lib === undefined && next.done !== true && next.value.length > 0) {
          lib = await loadLib();
          specs = new Map(lib.activeSpecs(input).map((s) => [s.id, s]));
        }
        // (Not `listed ? [] : next.value`: an empty literal is another kind of array, and the loop would be
        // compiled again when it first met one.)
        const files = next.done === true ? NO_FILES : next.value;
        // The files addFiles stops at (already checked there) need an await first.
        for (let i = addFiles(files, 0); i < files.length; i = addFiles(files, i + 1)) {
          const file = files[i]!;
          if (pool && workersOnly) await pool.whenReady();
          add(file, file.diskPath ? undefined : await file.bytes());
        }
        // Emit finished files in order; wait for a worker only when too far ahead, or when all are listed.
        for (;;) {
          const found = settle();
          if (found) {
            yield* found;
            continue;
          }
          if (head >= queue.length) break;
          if (!listed && queue.length - head <= AHEAD_FILES && queuedBytes <= AHEAD_BYTES) break;
          await pool!.wait(queue[head]!.outcome.batch!);
        }
        if (listed) break;
        head = compact(queue, head);
      }
    } finally {
      if (!listed) await it.return?.();
    }
  } finally {
    ctx.count('files', fileCount);
    ctx.count('bytes', byteCount);
    ctx.progress.done('secrets');
    pool?.close();
  }
}

/** What a scan needs once it has files: the reader (and through it the engine) and the rules. */
interface Lib {
  analyzeFile: typeof import('./read.js').analyzeFile;
  activeSpecs: typeof import('../../analyzers/secrets/ruleset.js').activeSpecs;
  buildRuleSet: typeof import('../../analyzers/secrets/ruleset.js').buildRuleSet;
}

async function loadLib(): Promise<Lib> {
  const [read, ruleset] = await Promise.all([import('./read.js'), import('../../analyzers/secrets/ruleset.js')]);
  return { analyzeFile: read.analyzeFile, activeSpecs: ruleset.activeSpecs, buildRuleSet: ruleset.buildRuleSet };
}

/**
 * Drops the emitted files from the front of the queue once there are many; returns the new head. Called after
 * every batch (so the scan's loop has seen the call long before the first drop, which would otherwise make the
 * optimising compiler start over).
 */
function compact(queue: Pending[], head: number): number {
  if (head < 4096) return head;
  queue.splice(0, head);
  return 0;
}

/** The findings of one finished file, or null when it has none (most files: no generator is made for them). */
function findingsOf(
  p: Pending,
  r: FileResult,
  specs: Map<string, SecretRuleSpec>,
  ctx: ScanContext<SecretsConfig>,
  verifier: Verifier | undefined,
  showSecrets: boolean,
): AsyncIterable<RawFinding> | null {
  if ('error' in r) {
    ctx.fileError(p.file.path, r.error);
    return null;
  }
  if ('skipped' in r) {
    p.file.skip?.(r.skipped);
    return null;
  }
  if (r.hits.length === 0) return null;
  return (async function* () {
    // The file was read here, not by the engine: it learns the inline-ignore comments by reading it now.
    if (r.marker) await p.file.text();
    const verdicts = verifier ? await verifyHits(r.hits, verifier) : undefined;
    for (const h of r.hits) {
      const f = toFinding(h, p.file, specs.get(h.ruleId)!, showSecrets);
      const v = verdicts?.get(h);
      yield v ? withVerdict(f, v) : f;
    }
  })();
}

function newVerifier(cfg: SecretsConfig): Verifier {
  return new Verifier({
    endpoints: cfg.verifyEndpoints,
    hosts: cfg.verifyHosts,
    timeoutMs: cfg.verifyTimeoutMs,
    maxRequests: cfg.verifyMaxRequests,
    maxPerHost: cfg.verifyMaxPerHost,
  });
}

/**
 * Asks the providers about one file's hits, one request at a time. AWS secret keys and Twilio auth tokens are
 * checked with an access key id (account SID) of the same file: the nearest one before them, else the first.
 */
async function verifyHits(hits: SecretHit[], verifier: Verifier): Promise<Map<SecretHit, { verified: Verified; reason: string }>> {
  const out = new Map<SecretHit, { verified: Verified; reason: string }>();
  const partner = (h: SecretHit, ruleId: string) => {
    const ids = hits.filter((o) => o.ruleId === ruleId && o.secret !== undefined);
    return [...ids].reverse().find((o) => o.line <= h.line) ?? ids[0];
  };
  for (const h of hits) {
    const secret = h.secret;
    if (secret === undefined || h.checksumFailed) continue;
    const provider = providerOf(h.ruleId);
    if (provider === 'aws' || provider === 'twilio' || provider === 'azure-storage' || provider === 'exoscale') continue;
    if (provider) out.set(h, await verifier.check(provider, secret, h.hash));
    else if (h.ruleId === 'aws-secret-access-key') {
      const id = partner(h, 'aws-access-key-id');
      if (id) {
        const v = await verifier.checkAws(id.secret!, secret, `${id.hash}:${h.hash}`);
        out.set(h, v);
        if (!out.has(id) || v.verified === 'live') out.set(id, v);
      }
    } else if (h.ruleId === 'aws-access-key-pair') {
      // Both parts in one finding (`id:secret`).
      const at = secret.indexOf(':');
      out.set(h, await verifier.checkAws(secret.slice(0, at), secret.slice(at + 1), h.hash));
    } else if (h.ruleId === 'twilio-account-pair') {
      // The SID with its auth token in one finding (`sid:token`).
      const at = secret.indexOf(':');
      out.set(h, await verifier.checkTwilio(secret.slice(0, at), secret.slice(at + 1), h.hash));
    } else if (h.ruleId === 'azure-storage-connection-string' || h.ruleId === 'azure-storage-account-key') {
      // `account:key` when the account's name was written with the key (analyze.ts); a key alone cannot be asked about.
      const at = secret.indexOf(':');
      if (at > 0) out.set(h, await verifier.checkAzureStorage(secret.slice(0, at), secret.slice(at + 1), h.hash));
    } else if (h.ruleId === 'exoscale-api-key-pair') {
      const at = secret.indexOf(':');
      out.set(h, await verifier.checkExoscale(secret.slice(0, at), secret.slice(at + 1), h.hash));
    } else if (h.ruleId === 'twilio-auth-token') {
      const sid = partner(h, 'twilio-account-sid');
      if (sid) out.set(h, await verifier.checkTwilio(sid.secret!, secret, `${sid.hash}:${h.hash}`));
    }
  }
  return out;
}

const VERDICT_TEXT: Record<Verified, string> = {
  live: 'verified live: the provider accepted it',
  revoked: 'the provider rejected it (revoked or invalid)',
  unknown: 'verification inconclusive',
};

/** A finding with its verification: `data.verified`, the reason, the message; a live credential is high confidence. */
function withVerdict(f: RawFinding, v: { verified: Verified; reason: string }): RawFinding {
  return {
    ...f,
    ...(v.verified === 'live' ? { confidence: 'high' as const } : {}),
    message: `${f.message} [${VERDICT_TEXT[v.verified]}]`,
    data: { ...f.data, verified: v.verified, verifiedBy: v.reason },
  };
}

function toFinding(h: SecretHit, file: TargetFile, spec: SecretRuleSpec, showSecrets: boolean): RawFinding {
  const data: Record<string, unknown> = { secretHash: h.hash, redacted: h.redacted, length: h.length };
  if (h.decodedFrom) data['decodedFrom'] = h.decodedFrom;
  if (h.checksumFailed) data['checksum'] = 'failed';
  if (h.secret !== undefined && showSecrets) data['secret'] = h.secret;
  return {
    scanner: 'secrets',
    ruleId: h.ruleId,
    severity: spec.severity,
    confidence: h.checksumFailed ? 'low' : (spec.confidence ?? (spec.generic ? 'medium' : 'high')),
    message: h.checksumFailed
      ? `${spec.title} look-alike (${h.redacted}) is committed here: its checksum does not verify (a test value, a typo or a made-up token); if it is real, revoke it and load it from a secret store instead.`
      : `${spec.title} (${h.redacted}${h.decodedFrom ? `, ${h.decodedFrom}` : ''}) is committed here: revoke it and load it from a secret store instead.`,
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

/**
 * A worker's result as an object made here: a cloned object has another internal shape than the same literal
 * made in this thread, and the optimised code that had only met one of them would be thrown away on meeting the
 * other (and compiled again).
 */
function local(r: FileResult | undefined): FileResult {
  if (r === undefined) return { error: 'no result from the worker' };
  if ('hits' in r) return new Analysed(r.hits, r.size, r.marker);
  return 'error' in r ? { error: r.error } : { skipped: r.skipped };
}

/** Files sent (or to be sent) to one worker in one message; `results` is set when the worker answers. */
interface Batch {
  id: number;
  jobs: FileJob[];
  bytes: number;
  results?: FileResult[];
  /** Resolved when `results` is set. */
  done: Promise<void>;
  settle: () => void;
  sent: boolean;
}

/** A fixed set of worker threads analysing batches of files; each batch goes to the least busy worker. */
class WorkerPool {
  private readonly workers: { w: Worker; busy: number }[] = [];
  private readonly inFlight = new Map<number, Batch>();
  private open: Batch | undefined;
  private nextId = 0;
  /**
   * Workers count themselves here once their rules are compiled: shared memory, so the main thread sees it while
   * busy analysing files itself, without waiting for a message.
   */
  private readonly started: Int32Array;
  /** Batches the workers have finished, counted in shared memory too: readable without an event-loop turn. */
  private readonly finished: Int32Array;
  private sent = 0;
  private readonly size: number;
  private closing = false;

  /** True once every worker has compiled its rules. */
  get ready(): boolean {
    return Atomics.load(this.started, 0) === this.size;
  }

  /** Resolves once every worker has compiled its rules. */
  async whenReady(): Promise<void> {
    while (!this.ready) {
      if (this.broken) throw this.broken;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Why a worker stopped, if one did. */
  private broken: Error | undefined;

  /** True while the workers have fewer than two batches each sent and unfinished. */
  hungry(): boolean {
    return this.sent - Atomics.load(this.finished, 0) < 2 * this.size;
  }

  constructor(size: number, input: RuleSetInput, showSecrets: boolean, keepSecrets: boolean) {
    this.size = size;
    // Threads the CLI started ahead, or new ones; either way their first message is their rules.
    const { workers, started, finished } = adoptWorkers(size) ?? startWorkers(size);
    this.started = started;
    this.finished = finished;
    const rules: WorkerRules = { input, showSecrets, keepSecrets };
    for (const w of workers) {
      w.postMessage(rules);
      const slot = { w, busy: 0 };
      w.on('message', (m: WorkerResult) => {
        slot.busy--;
        const batch = this.inFlight.get(m.id);
        if (!batch) return;
        this.inFlight.delete(m.id);
        batch.results = batch.jobs.map((_, i) => local(m.results[i]));
        batch.settle();
      });
      const fail = (e: Error) => {
        this.broken ??= e;
        for (const batch of this.inFlight.values()) {
          batch.results = batch.jobs.map(() => ({ error: e.message }));
          batch.settle();
        }
        this.inFlight.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!this.closing) fail(new Error(`secrets worker stopped (exit code ${code})`));
      });
      this.workers.push(slot);
    }
  }

  /** Queues one file; its batch is sent when full, or when someone waits for it. */
  add(job: FileJob, size: number): Outcome {
    let b = this.open;
    if (!b) {
      let settle!: () => void;
      const done = new Promise<void>((resolve) => (settle = resolve));
      b = this.open = { id: this.nextId++, jobs: [], bytes: 0, done, settle, sent: false };
    }
    const index = b.jobs.push(job) - 1;
    b.bytes += job.bytes ? size : 4096;
    if (b.jobs.length >= BATCH_FILES || b.bytes >= BATCH_BYTES) this.send();
    return new Outcome(undefined, b, index);
  }

  /** Waits for a batch's results (sending it first if it is still open). */
  wait(b: Batch): Promise<void> {
    if (!b.sent) this.send();
    return b.done;
  }

  /** Sends the open batch to the least busy worker. */
  private send(): void {
    const b = this.open;
    if (!b) return;
    this.open = undefined;
    b.sent = true;
    this.sent++;
    const slot = this.workers.reduce((x, y) => (y.busy < x.busy ? y : x));
    slot.busy++;
    this.inFlight.set(b.id, b);
    const job: WorkerJob = { id: b.id, files: b.jobs };
    slot.w.postMessage(job, b.jobs.flatMap((f) => (f.bytes ? [f.bytes.buffer as ArrayBuffer] : [])));
    // Bytes were transferred: the batch keeps no reference to them.
    for (const f of b.jobs) f.bytes = undefined;
  }

  /**
   * Stops the workers without waiting for them: every result is in, and a worker still starting (a short scan)
   * would otherwise hold the scan's end until it can stop. They no longer keep the process alive.
   */
  close(): void {
    this.closing = true;
    for (const { w } of this.workers) {
      w.unref();
      void w.terminate();
    }
  }
}
