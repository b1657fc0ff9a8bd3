/**
 * A quick, exact test of whether the built-in secret rules could find anything in a text, without loading them.
 * The engine runs a rule only where one of its literals (keywords and anchors, ASCII, matched without regard to
 * case) occurs, and no built-in rule runs everywhere; so a text holding none of the literals has no secret the
 * masker would find. The literals are taken from the compiled rule set when the CLI is bundled
 * (scripts/bundle.mjs); from the sources (no bundle) every text may hold one, and the masker is always loaded.
 * Start-up then costs nothing for reports whose texts hold no literal (the rules and their compilation are ~0.1 s).
 */

/** `{ literals, always }` of the built-in rule set, as JSON: set by the bundler; absent when running the sources. */
declare const PIPEGUARD_SECRET_LITERALS: string | undefined;

let screen: LiteralScreen | null | undefined;

/** Whether a text holds one of a set of literals. */
export interface LiteralScreen {
  test(text: string): boolean;
}

/**
 * A test for the literals (ASCII, matched without regard to ASCII case, as the keyword automaton does; a character
 * outside ASCII matches none of theirs), by a {@link LiteralTable}. Not one case-insensitive alternation of them as
 * a regex: compiling that one (800 literals) cost every run of the CLI several milliseconds before its first line.
 * Literals outside ASCII (none of the rules') get that regex still.
 */
export function literalScreen(literals: readonly string[]): LiteralScreen | null {
  if (literals.length === 0) return null;
  if (literals.some((l) => !isAscii(l))) return new RegExp(literals.map((l) => l.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'i');
  const table = new LiteralTable(literals.map((l) => [lowerAscii(l), true] as const));
  const stop = () => true;
  return { test: (text) => table.scan(text, stop) };
}

/**
 * Literals (ASCII, at least one character), each with a value, found in a text without regard to ASCII case: the
 * one-character literals by that character, the others by a table of their first two characters (each as 0-127,
 * letters lower-cased), then their rests compared: the rests of pair p are rests[at[p] .. at[p + 1]).
 */
export class LiteralTable<T> {
  private readonly single: (T[] | undefined)[] = new Array<T[] | undefined>(128);
  private readonly first = new Uint8Array(128);
  private readonly at = new Int32Array(128 * 128 + 1);
  private readonly rests: string[];
  private readonly values: T[];

  constructor(entries: readonly (readonly [literal: string, value: T])[]) {
    const longer = entries.filter(([l, v]) => {
      if (l.length > 1) return true;
      (this.single[fold(l.charCodeAt(0))] ??= []).push(v);
      return false;
    });
    const pairOf = (l: string) => fold(l.charCodeAt(0)) * 128 + fold(l.charCodeAt(1));
    for (const [l] of longer) {
      this.first[fold(l.charCodeAt(0))] = 1;
      this.at[pairOf(l) + 1]!++;
    }
    for (let p = 0; p < 128 * 128; p++) this.at[p + 1]! += this.at[p]!;
    this.rests = new Array<string>(longer.length);
    this.values = new Array<T>(longer.length);
    const next = this.at.slice(0, 128 * 128);
    for (const [l, v] of longer) {
      const slot = next[pairOf(l)]!++;
      this.rests[slot] = lowerAscii(l.slice(2));
      this.values[slot] = v;
    }
  }

  /** Calls `hit` with the value of every literal occurrence in `text`, in text order, until it returns true; whether it did. */
  scan(text: string, hit: (value: T) => boolean | void): boolean {
    const { single, first, at, rests, values } = this;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const a = fold(text.charCodeAt(i));
      if (a < 0) continue;
      const one = single[a];
      if (one !== undefined) for (const v of one) if (hit(v) === true) return true;
      if (first[a] === 0 || i + 1 >= n) continue;
      const b = fold(text.charCodeAt(i + 1));
      if (b < 0) continue;
      for (let k = at[a * 128 + b]!, end = at[a * 128 + b + 1]!; k < end; k++) if (restAt(text, i + 2, rests[k]!) && hit(values[k]!) === true) return true;
    }
    return false;
  }
}

/** Whether every character of `s` is ASCII. */
export function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

/** An ASCII character code lower-cased; -1 outside ASCII. */
function fold(c: number): number {
  if (c >= 128) return -1;
  return c >= 65 && c <= 90 ? c | 32 : c;
}

function lowerAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Whether `rest` (lower case ASCII) is at `at` of the text, without regard to ASCII case. */
function restAt(text: string, at: number, rest: string): boolean {
  if (at + rest.length > text.length) return false;
  for (let j = 0; j < rest.length; j++) if (fold(text.charCodeAt(at + j)) !== rest.charCodeAt(j)) return false;
  return true;
}

/**
 * False only when the built-in secret rules certainly find nothing in `text` (see the top of this file); true when
 * they might, and always when the literals are not known.
 */
export function mayHoldSecret(text: string): boolean {
  // maskSecrets leaves texts this short alone.
  if (text.length < 8) return false;
  if (screen === undefined) {
    const data = typeof PIPEGUARD_SECRET_LITERALS === 'string' ? (JSON.parse(PIPEGUARD_SECRET_LITERALS) as { literals: string[]; always: number }) : undefined;
    screen = data && data.always === 0 ? literalScreen(data.literals) : null;
  }
  return screen === null || screen.test(text);
}
