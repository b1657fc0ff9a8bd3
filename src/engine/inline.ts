import { readFileSync } from 'node:fs';
import { locationPath, startLineOf } from '../core/location.js';
import { targetFiles } from '../core/types.js';
import type { Finding, Target, TargetFile } from '../core/types.js';
import { markerReason, mayHoldMarkers, NEEDLES, parseMarkers, type Marker } from '../analyzers/inline-markers.js';

/**
 * Inline suppressions: a `pipeguard:ignore` comment on a finding's line or on the line above it, and the peers'
 * forms (`gitleaks:allow`, `nosemgrep`, `trivy:ignore:ID`, ...) as `src/analyzers/inline-markers.ts` describes.
 * Forms: `pipeguard:ignore`, `pipeguard: ignore`, `pipeguard:ignore[rule-a,rule-b]`, `pipeguard:ignore rule-a`.
 * Words after the marker that are not rule ids are taken as the reason.
 */

/** Records ignore comments in the files scanners read, so findings can be matched against them afterwards. */
export class InlineIgnores {
  private readonly byFile = new Map<string, Map<number, Marker[]>>();
  /**
   * Files a scanner read from disk itself (`deferRead`: the secrets scanner, SAST), by key: their text never passes
   * through {@link TrackedFile.text}, so their markers are read from disk when a finding in them is matched.
   */
  private readonly onDisk = new Map<string, string>();

  /** Wraps a target so every file's text is checked for markers when a scanner reads it. */
  wrap(target: Target): Target {
    const wrapped: Target = { ...target, dispose: () => target.dispose() };
    if (target.files) wrapped.files = (filter) => this.wrapFiles(targetFiles(target, filter));
    if (target.batches) wrapped.batches = (filter) => this.wrapBatches(target.batches!(filter));
    return wrapped;
  }

  /** The files, each wrapped: a mapping iterator rather than an async generator, which costs several promises a file. */
  private wrapFiles(files: AsyncIterable<TargetFile>): AsyncIterable<TargetFile> {
    return {
      [Symbol.asyncIterator]: () => {
        const it = files[Symbol.asyncIterator]();
        const wrap = (r: IteratorResult<TargetFile>): IteratorResult<TargetFile> => (r.done ? r : { value: new TrackedFile(r.value, this), done: false });
        return {
          next: () => it.next().then(wrap),
          return: async (v?: unknown) => (it.return ? it.return(v) : { value: undefined, done: true }),
        };
      },
    };
  }

  /** Batches of files, each file wrapped (see {@link wrapFiles}). */
  private wrapBatches(batches: AsyncIterable<TargetFile[]>): AsyncIterable<TargetFile[]> {
    return {
      [Symbol.asyncIterator]: () => {
        const it = batches[Symbol.asyncIterator]();
        const wrap = (r: IteratorResult<TargetFile[]>): IteratorResult<TargetFile[]> =>
          r.done ? r : { value: r.value.map((f) => new TrackedFile(f, this)), done: false };
        return {
          next: () => it.next().then(wrap),
          return: async (v?: unknown) => (it.return ? it.return(v) : { value: undefined, done: true }),
        };
      },
    };
  }

  /** Records the markers of a file's text (once per file). */
  record(key: string, text: string, path = ''): void {
    if (this.byFile.has(key) || !mayHoldMarkers(text)) return;
    this.byFile.set(key, parseMarkers(text, path));
  }

  /** Notes a file a scanner reads from disk itself (see {@link onDisk}). */
  deferred(key: string, diskPath: string): void {
    if (!this.byFile.has(key)) this.onDisk.set(key, diskPath);
  }

  /** The reason a finding is suppressed inline, or undefined. */
  match(f: Finding, knownRules: ReadonlySet<string>): string | undefined {
    // No file read in this scan held a marker, and none is left to read from disk: nothing can match.
    if (this.byFile.size === 0 && this.onDisk.size === 0) return undefined;
    const line = startLineOf(f.location);
    const path = locationPath(f.location);
    if (line === undefined || path === undefined) return undefined;
    const key = fileKey(path, f.origin?.commit);
    const disk = this.onDisk.get(key);
    if (disk !== undefined) {
      // Read once, on the first finding in the file; a file gone since is simply without markers.
      this.onDisk.delete(key);
      let text: string | undefined;
      try {
        text = readFileSync(disk, 'utf8');
      } catch {
        text = undefined;
      }
      if (text !== undefined) this.record(key, text, path);
    }
    const markers = this.byFile.get(key);
    if (!markers) return undefined;
    for (const m of markers.get(line) ?? []) {
      const reason = markerReason(m, f.scanner, f.ruleId, knownRules);
      if (reason) return reason;
    }
    return undefined;
  }
}

/**
 * A target's file whose text, when a scanner reads it, is checked for ignore comments. A class forwarding each
 * field (a test checks every TargetFile field passes through): tens of thousands are made per scan, and
 * prototype tricks or spreads cost more than the rest of the per-file work.
 */
export class TrackedFile implements TargetFile {
  constructor(
    private readonly f: TargetFile,
    private readonly ignores: InlineIgnores,
  ) {
    if (f.diskPath !== undefined) ignores.deferred(fileKey(f.path, f.origin?.commit), f.diskPath);
  }
  get path(): string {
    return this.f.path;
  }
  get size(): number {
    return this.f.size;
  }
  get origin(): TargetFile['origin'] {
    return this.f.origin;
  }
  get contentId(): string | undefined {
    return this.f.contentId;
  }
  get changedLines(): Set<number> | undefined {
    return this.f.changedLines;
  }
  get diskPath(): string | undefined {
    return this.f.diskPath;
  }
  get sizeLimit(): number | undefined {
    return this.f.sizeLimit;
  }
  get mode(): number | undefined {
    return this.f.mode;
  }
  skip(reason: string): void {
    this.f.skip?.(reason);
  }
  private get key(): string {
    return fileKey(this.f.path, this.f.origin?.commit);
  }
  async bytes(): Promise<Uint8Array> {
    const b = await this.f.bytes();
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    if (NEEDLES.some((n) => buf.includes(n))) this.ignores.record(this.key, await this.f.text(), this.f.path);
    return b;
  }
  async text(): Promise<string> {
    const t = await this.f.text();
    this.ignores.record(this.key, t, this.f.path);
    return t;
  }
}

function fileKey(path: string, commit: string | undefined): string {
  return commit ? `${commit}\0${path}` : path;
}
