/**
 * A queue of byte chunks read from a stream, taken from the front by exact counts: what the tar reader (over a
 * decompressor) and the git object reader (over `git cat-file`) both need.
 */
export class ChunkQueue<B extends Uint8Array = Uint8Array> {
  private chunks: Uint8Array[] = [];
  private head = 0;
  /** Bytes queued and not yet taken. */
  buffered = 0;

  /** `alloc` makes the buffers {@link take} returns (e.g. `Buffer.allocUnsafe`). */
  constructor(private readonly alloc: (n: number) => B) {}

  /** Appends a chunk. */
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Puts bytes back at the front (a peek that was taken). */
  unshift(bytes: Uint8Array): void {
    if (this.head > 0) this.chunks[0] = this.chunks[0]!.subarray(this.head);
    this.head = 0;
    this.chunks.unshift(bytes);
    this.buffered += bytes.length;
  }

  /** The first `n` bytes (at most {@link buffered}), copied out. */
  take(n: number): B {
    const out = this.alloc(n);
    this.consume(n, out);
    return out;
  }

  /** Drops the first `n` bytes (at most {@link buffered}). */
  drop(n: number): void {
    this.consume(n, undefined);
  }

  /** Offset from the front of the first byte equal to `value`, or -1. */
  indexOf(value: number): number {
    let pos = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      const start = i === 0 ? this.head : 0;
      const k = c.indexOf(value, start);
      if (k >= 0) return pos + (k - start);
      pos += c.length - start;
    }
    return -1;
  }

  private consume(n: number, out: Uint8Array | undefined): void {
    let done = 0;
    while (done < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length - this.head, n - done);
      out?.set(c.subarray(this.head, this.head + k), done);
      done += k;
      this.head += k;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.buffered -= n;
  }
}
