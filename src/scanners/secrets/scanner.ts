import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import picomatch from 'picomatch';
import type { RawFinding, Scanner, ScanContext, TargetFile } from '../../core/types.js';
import { decodeText } from '../../targets/file.js';
import { analyzeText, type SecretHit } from './analyze.js';
import { secretsConfigSchema, type SecretsConfig } from './config.js';
import type { SecretRuleSpec } from './rule.js';
import { activeSpecs, buildRuleSet, ruleSetInput, secretRuleMeta, type RuleSetInput } from './ruleset.js';
import type { WorkerJob } from './worker.js';

/** Content analysed in the main thread before worker threads are worth starting. */
const INLINE_BYTES = 4 * 1024 * 1024;

/** The secrets scanner: built-in and custom rules over every text file of any target. */
export const secretsScanner: Scanner<SecretsConfig> = {
  id: 'secrets',
  title: 'Secrets: credentials, keys and tokens in files and git history',
  targets: ['directory', 'git-history', 'staged', 'archive', 'stdin', 'file'],
  rules(config) {
    return activeSpecs(ruleSetInput(config ?? secretsConfigSchema.parse({}))).map(secretRuleMeta);
  },
  scan(target, ctx) {
    return scanSecrets(target.files(fileFilter(ctx.config)), ctx);
  },
};

function fileFilter(cfg: SecretsConfig) {
  const skip = cfg.allowlist.paths.length ? picomatch(cfg.allowlist.paths, { dot: true }) : null;
  return skip ? { path: (p: string) => !skip(p) } : {};
}

/** Pending analysis of one file. */
interface Pending {
  file: TargetFile;
  result: Promise<SecretHit[]>;
}

async function* scanSecrets(files: AsyncIterable<TargetFile>, ctx: ScanContext<SecretsConfig>): AsyncIterable<RawFinding> {
  const input = ruleSetInput(ctx.config);
  const specs = new Map(activeSpecs(input).map((s) => [s.id, s]));
  const set = buildRuleSet(input);
  const showSecrets = ctx.options.showSecrets === true;
  const threads = Math.max(1, ctx.options.threads ?? Math.min(availableParallelism(), 4));
  let pool: WorkerPool | undefined;
  let inlineBytes = 0;
  let done = 0;
  const byContent = new Map<string, Promise<SecretHit[]>>();
  const queue: Pending[] = [];
  try {
    for await (const file of files) {
      ctx.signal.throwIfAborted();
      const changed = (file as TargetFile & { changedLines?: ReadonlySet<number> }).changedLines;
      let result = file.contentId && !changed ? byContent.get(file.contentId) : undefined;
      if (!result) {
        const bytes = await file.bytes();
        ctx.count('files');
        ctx.count('bytes', bytes.byteLength);
        if (threads > 1 && inlineBytes >= INLINE_BYTES) {
          pool ??= new WorkerPool(threads, input, showSecrets);
          result = pool.run(file.path, bytes, changed);
        } else {
          inlineBytes += bytes.byteLength;
          const text = decodeText(bytes);
          result = Promise.resolve(analyzeText(text, set, { path: file.path, showSecrets, ...(changed ? { changedLines: changed } : {}) }));
        }
        // Awaited in order later; meanwhile a rejection must not count as unhandled.
        result.catch(() => undefined);
        if (file.contentId && !changed) byContent.set(file.contentId, result);
      }
      queue.push({ file, result });
      while (queue.length > threads * 4 || (queue.length && pool === undefined)) {
        yield* emit(queue.shift()!, specs, ctx);
        ctx.progress.update('secrets', ++done, undefined, 'files');
      }
    }
    while (queue.length) {
      yield* emit(queue.shift()!, specs, ctx);
      ctx.progress.update('secrets', ++done, undefined, 'files');
    }
  } finally {
    ctx.progress.done('secrets');
    await pool?.close();
  }
}

async function* emit(p: Pending, specs: Map<string, SecretRuleSpec>, ctx: ScanContext<SecretsConfig>): AsyncIterable<RawFinding> {
  let hits: SecretHit[];
  try {
    hits = await p.result;
  } catch (e) {
    ctx.fileError(p.file.path, e instanceof Error ? e.message : String(e));
    return;
  }
  for (const h of hits) yield toFinding(h, p.file, specs.get(h.ruleId)!);
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

/** A fixed set of worker threads analysing files; each job goes to the least busy worker. */
class WorkerPool {
  private readonly workers: { w: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (h: SecretHit[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
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
      w.on('message', (m: { id: number; hits?: SecretHit[]; error?: string }) => {
        slot.busy--;
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.hits ?? []);
      });
      const fail = (e: Error) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!this.closing) fail(new Error(`secrets worker stopped (exit code ${code})`));
      });
      this.workers.push(slot);
    }
  }

  run(path: string, bytes: Uint8Array, changed?: ReadonlySet<number>): Promise<SecretHit[]> {
    const id = this.nextId++;
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    // Copy into a transferable buffer of exact size (the source may be a view into a larger or shared one).
    const copy = new Uint8Array(bytes);
    const job: WorkerJob = { id, path, bytes: copy, ...(changed ? { changedLines: [...changed] } : {}) };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      slot.w.postMessage(job, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((s) => s.w.terminate()));
  }
}
