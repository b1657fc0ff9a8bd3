/**
 * Line starts of a text (or of bytes holding one character each), and offsets back to 1-based lines and columns:
 * what every scanner reporting positions needs.
 */

/** A region of a file: 1-based lines and columns, end column exclusive. */
export interface Span {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * Offsets of line starts, for turning offsets into 1-based line/column: of a text, or of the bytes a text views
 * one character per byte (then {@link lineText} is not available).
 */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(readonly text: string | Uint8Array) {}
  /** 1-based line and column of an offset. */
  at(offset: number): { line: number; column: number } {
    const starts = (this.starts ??= lineStarts(this.text));
    const i = lastAtOrBefore(starts, offset);
    return { line: i + 1, column: offset - starts[i]! + 1 };
  }
  /** The span between two offsets (end exclusive). */
  span(start: number, end: number): Span {
    const a = this.at(start);
    const b = this.at(Math.max(start, end));
    return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
  }
  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    const starts = (this.starts ??= lineStarts(this.text));
    return starts[line - 1] ?? this.text.length;
  }
  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const text = this.text;
    if (typeof text !== 'string') throw new Error('LineIndex over bytes has no line texts');
    const starts = (this.starts ??= lineStarts(text));
    const a = starts[line - 1] ?? text.length;
    const b = line < starts.length ? starts[line]! - 1 : text.length;
    return text.slice(a, b).replace(/\r$/, '');
  }
}

/** Index of the last of `sorted` (ascending, starting at or below `x`) that is at most `x`: a binary search. */
export function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where lines start (0 first): after every `\n` of a text, or of bytes holding one character each. */
export function lineStarts(text: string | Uint8Array): number[] {
  const out = [0];
  if (typeof text === 'string') for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  else for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) out.push(i + 1);
  return out;
}
