import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../core/errors.js';

/** The longest line the audit log readers accept (entries are capped well below it). */
export const MAX_LINE_BYTES = 1024 * 1024;

/** One line of a file: its text without the newline, its 1-based number, whether a newline ended it. */
export interface FileLine {
  text: string;
  line: number;
  /** Byte offset just past the line (and its newline). */
  end: number;
  complete: boolean;
}

/**
 * The lines of a file from byte `start`, read in chunks (never the whole file at once). A line over
 * {@link MAX_LINE_BYTES} is an InputError naming the file and line.
 */
export async function* readLines(path: string, start = 0, firstLine = 1, display = path): AsyncGenerator<FileLine> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let line = firstLine;
  let offset = start;
  const stream = createReadStream(path, { start, highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      const piece = chunk.subarray(from, nl);
      const bytes = carryLen ? Buffer.concat([...carry, piece]) : piece;
      if (bytes.length > MAX_LINE_BYTES) throw new InputError(`line longer than ${MAX_LINE_BYTES} bytes`, display, line);
      offset += bytes.length + 1;
      yield { text: bytes.toString('utf8'), line, end: offset, complete: true };
      line++;
      carry = [];
      carryLen = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      carry.push(chunk.subarray(from));
      carryLen += chunk.length - from;
      if (carryLen > MAX_LINE_BYTES) throw new InputError(`line longer than ${MAX_LINE_BYTES} bytes`, display, line);
    }
  }
  if (carryLen) {
    offset += carryLen;
    yield { text: Buffer.concat(carry).toString('utf8'), line, end: offset, complete: false };
  }
}

/** The last line of a file (without its newline) and whether the file ends with a newline; undefined if empty. */
export function lastLine(path: string): { text: string; complete: boolean } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    let want = Math.min(size, 128 * 1024);
    for (;;) {
      const buf = Buffer.alloc(want);
      readSync(fd, buf, 0, want, size - want);
      const complete = buf[want - 1] === 10;
      const body = complete ? buf.subarray(0, want - 1) : buf;
      const nl = body.lastIndexOf(10);
      if (nl >= 0 || want === size) return { text: body.subarray(nl + 1).toString('utf8'), complete };
      if (want >= MAX_LINE_BYTES) throw new InputError(`last line longer than ${MAX_LINE_BYTES} bytes`, path);
      want = Math.min(size, want * 4);
    }
  } finally {
    closeSync(fd);
  }
}
