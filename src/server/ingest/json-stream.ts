/**
 * A streaming JSON reader that hands over selected values (`$.findings.*`, `$.runs.*.results.*`) one at a time,
 * as parsed objects, while it reads the document chunk by chunk: the whole text is never held, and each value is
 * parsed by the engine's own `JSON.parse` (measured: a JavaScript token-by-token parser read a 30 MB report at
 * 4 MB/s, this at the speed of `JSON.parse`). The structure around the selected values is checked as it goes
 * (brackets, commas, colons, literals), so a malformed document is an error naming its line, never a partial read.
 */

/** A key or an array index. */
export type PathSegment = string | number;

/** Bad JSON, with the 1-based line it was found on. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** What to hand over and where. */
export interface SplitterOptions {
  /** True for a value's path (from the root) to hand over whole instead of reading into it. */
  select(path: readonly PathSegment[]): boolean;
  /** Called with each selected value, in document order. */
  onValue(path: readonly PathSegment[], value: unknown): void;
  /** Deepest nesting accepted (default 256). */
  maxDepth?: number;
}

const enum Expect {
  Value,
  ValueOrClose,
  Key,
  KeyOrClose,
  Colon,
  CommaOrClose,
  End,
}

interface Frame {
  array: boolean;
  key: PathSegment;
}

const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Feeds chunks of one JSON document; calls `onValue` for each selected value. */
export class JsonSplitter {
  private readonly stack: Frame[] = [];
  private expect: Expect = Expect.Value;
  private inString = false;
  private pendingEscape = false;
  private stringIsKey = false;
  private keyParts: Buffer[] = [];
  /** Nesting inside a selected object or array being skipped to its end (0: not in one). */
  private fastDepth = 0;
  /** Where the property name being read starts in the current chunk. */
  private keyStart = 0;
  private scalar = '';
  private inScalar = false;
  /** Depth (stack length) at which the value being captured started, or -1. */
  private captureDepth = -1;
  private captureParts: Buffer[] = [];
  private capturePath: PathSegment[] = [];
  private linesBefore = 0;
  private chunk: Buffer = Buffer.alloc(0);
  private readonly maxDepth: number;

  constructor(private readonly opts: SplitterOptions) {
    this.maxDepth = opts.maxDepth ?? 256;
  }

  /** Reads one more chunk. */
  write(b: Buffer): void {
    this.chunk = b;
    const n = b.length;
    let i = 0;
    let captureStart = this.captureDepth >= 0 ? 0 : -1;
    let bs = -2;
    while (i < n) {
      if (this.fastDepth > 0) {
        i = this.skipCaptured(b, i);
        if (this.fastDepth === 0) {
          this.endValue(i, captureStart);
          captureStart = -1;
        }
        continue;
      }
      if (this.inString) {
        if (this.pendingEscape) {
          this.pendingEscape = false;
          i++;
          continue;
        }
        const q = b.indexOf(0x22, i);
        if (bs !== -1 && bs < i) bs = b.indexOf(0x5c, i);
        if (bs !== -1 && (q === -1 || bs < q)) {
          i = bs + 1;
          this.pendingEscape = true;
          continue;
        }
        if (q === -1) {
          i = n;
          break;
        }
        i = q + 1;
        this.inString = false;
        if (this.stringIsKey) {
          if (this.captureDepth < 0) {
            this.keyParts.push(b.subarray(this.keyStart, q));
            this.endKey(i);
          } else this.expect = Expect.Colon;
        } else {
          this.endValue(i, captureStart);
          if (this.captureDepth < 0) captureStart = -1;
        }
        continue;
      }
      const c = b[i]!;
      if (this.inScalar) {
        if (c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c)) {
          this.finishScalar(i);
          this.endValue(i, captureStart);
          if (this.captureDepth < 0) captureStart = -1;
          continue; // the delimiter is read by the next turn
        }
        this.scalar += String.fromCharCode(c);
        if (this.scalar.length > 64) this.fail('number or literal too long', i);
        i++;
        continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (this.expect) {
        case Expect.Value:
        case Expect.ValueOrClose:
          if (c === 0x5d && this.expect === Expect.ValueOrClose) {
            this.close(true, i);
            i++;
            this.endValue(i, captureStart);
            if (this.captureDepth < 0) captureStart = -1;
            continue;
          }
          if (this.captureDepth < 0 && this.opts.select(this.pathHere())) {
            this.captureDepth = this.stack.length;
            this.capturePath = this.pathHere();
            this.captureParts = [];
            captureStart = i;
          }
          if ((c === 0x7b || c === 0x5b) && this.captureDepth === this.stack.length && captureStart === i) {
            // A selected object or array: only its end is looked for; JSON.parse checks the rest.
            this.fastDepth = 1;
            i++;
            continue;
          }
          if (c === 0x7b || c === 0x5b) {
            if (this.stack.length >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`, i);
            this.stack.push({ array: c === 0x5b, key: c === 0x5b ? 0 : '' });
            this.expect = c === 0x5b ? Expect.ValueOrClose : Expect.KeyOrClose;
            i++;
            continue;
          }
          if (c === 0x22) {
            this.inString = true;
            this.stringIsKey = false;
            bs = -2;
            i++;
            continue;
          }
          if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
            this.inScalar = true;
            this.scalar = String.fromCharCode(c);
            i++;
            continue;
          }
          this.fail(`unexpected ${describe(c)}`, i);
          break;
        case Expect.Key:
        case Expect.KeyOrClose:
          if (c === 0x7d && this.expect === Expect.KeyOrClose) {
            this.close(false, i);
            i++;
            this.endValue(i, captureStart);
            if (this.captureDepth < 0) captureStart = -1;
            continue;
          }
          if (c !== 0x22) this.fail(`expected a property name, found ${describe(c)}`, i);
          this.inString = true;
          this.stringIsKey = true;
          this.keyParts = [];
          this.keyStart = i + 1;
          bs = -2;
          i++;
          continue;
        case Expect.Colon:
          if (c !== 0x3a) this.fail(`expected ':', found ${describe(c)}`, i);
          this.expect = Expect.Value;
          i++;
          continue;
        case Expect.CommaOrClose: {
          const top = this.stack[this.stack.length - 1]!;
          if (c === 0x2c) {
            if (top.array) {
              top.key = (top.key as number) + 1;
              this.expect = Expect.Value;
            } else this.expect = Expect.Key;
            i++;
            continue;
          }
          if ((c === 0x5d && top.array) || (c === 0x7d && !top.array)) {
            this.close(top.array, i);
            i++;
            this.endValue(i, captureStart);
            if (this.captureDepth < 0) captureStart = -1;
            continue;
          }
          this.fail(`expected ',' or '${top.array ? ']' : '}'}', found ${describe(c)}`, i);
          break;
        }
        case Expect.End:
          this.fail(`unexpected ${describe(c)} after the end of the document`, i);
      }
    }
    if (this.captureDepth >= 0 && captureStart >= 0 && captureStart < n) this.captureParts.push(b.subarray(captureStart, n));
    if (this.inString && this.stringIsKey && this.captureDepth < 0) {
      this.keyParts.push(b.subarray(this.keyStart, n));
      this.keyStart = 0;
    }
    let p = b.indexOf(0x0a);
    while (p !== -1) {
      this.linesBefore++;
      p = b.indexOf(0x0a, p + 1);
    }
  }

  /** Skips through a selected object or array from `i`: strings, and brackets to find its end. */
  private skipCaptured(b: Buffer, i: number): number {
    const n = b.length;
    let depth = this.fastDepth;
    while (i < n) {
      if (this.inString) {
        if (this.pendingEscape) {
          this.pendingEscape = false;
          i++;
          continue;
        }
        const q = b.indexOf(0x22, i);
        if (q === -1) {
          // The string goes on in the next chunk; an escape at the very end must carry over.
          let k = n - 1;
          let slashes = 0;
          while (k >= i && b[k] === 0x5c) {
            slashes++;
            k--;
          }
          this.pendingEscape = slashes % 2 === 1;
          i = n;
          break;
        }
        let k = q - 1;
        let slashes = 0;
        while (k >= i && b[k] === 0x5c) {
          slashes++;
          k--;
        }
        i = q + 1;
        if (slashes % 2 === 0) this.inString = false;
        continue;
      }
      const c = b[i++]!;
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++depth + this.stack.length > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`, i);
      } else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) break;
      }
    }
    this.fastDepth = depth;
    return i;
  }

  /** Checks that the document is complete. */
  end(): void {
    this.chunk = Buffer.alloc(0);
    if (this.inScalar) {
      this.finishScalar(0);
      this.endValue(0, -1);
    }
    if (this.inString) this.fail('unterminated string', 0);
    if (this.expect !== Expect.End) this.fail(this.stack.length || this.expect !== Expect.Value ? 'unexpected end of the document' : 'empty document', 0);
  }

  private pathHere(): PathSegment[] {
    return this.stack.map((f) => f.key);
  }

  private endKey(i: number): void {
    const raw = Buffer.concat(this.keyParts).toString('utf8');
    this.keyParts = [];
    let key: string;
    try {
      key = JSON.parse(`"${raw}"`) as string;
    } catch {
      this.fail('invalid property name', i);
    }
    this.stack[this.stack.length - 1]!.key = key!;
    this.expect = Expect.Colon;
  }

  private finishScalar(i: number): void {
    this.inScalar = false;
    if (!LITERAL.test(this.scalar)) this.fail(`invalid literal ${JSON.stringify(this.scalar.slice(0, 20))}`, i);
  }

  private close(array: boolean, i: number): void {
    const top = this.stack.pop();
    if (!top || top.array !== array) this.fail(`unexpected '${array ? ']' : '}'}'`, i);
  }

  /** A value ended at `i` (exclusive): hand it over when it was being captured and is now whole. */
  private endValue(i: number, captureStart: number): void {
    this.expect = this.stack.length === 0 ? Expect.End : Expect.CommaOrClose;
    if (this.captureDepth < 0 || this.stack.length !== this.captureDepth) return;
    const parts = this.captureParts;
    if (captureStart >= 0) parts.push(this.chunk.subarray(captureStart, i));
    this.captureDepth = -1;
    this.captureParts = [];
    const text = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.fail((e as Error).message.replace(/(, ".*" is not valid JSON| in JSON at position \d+.*)$/s, ''), i);
    }
    this.opts.onValue(this.capturePath, value);
  }

  private fail(message: string, i: number): never {
    let line = this.linesBefore + 1;
    const b = this.chunk;
    let p = b.indexOf(0x0a);
    while (p !== -1 && p < i) {
      line++;
      p = b.indexOf(0x0a, p + 1);
    }
    throw new JsonSyntaxError(message, line);
  }
}

function describe(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
