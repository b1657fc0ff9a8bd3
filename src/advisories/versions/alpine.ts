/**
 * Alpine (apk) version order: `digits{.digits}[letter]{_suffix[digits]}[-r<rev>]`. Numbers after a
 * dot with leading zeros compare as fractions, pre-release suffixes (`_alpha`, `_beta`, `_pre`,
 * `_rc`) sort before the release and post-release ones (`_cvs`, `_svn`, `_git`, `_hg`, `_p`) after it.
 */
export function compareAlpine(a: string, b: string): number {
  const x = new Cursor(a.trim());
  const y = new Cursor(b.trim());
  let av = 0n;
  let bv = 0n;
  while (x.type === y.type && x.type !== T.END && x.type !== T.INVALID && av === bv) {
    av = x.token();
    bv = y.token();
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (x.type === y.type) return 0;
  // where one side stops being a valid version right here, it is the lesser one; two such tails are equal
  const xi = x.type === T.INVALID || x.nextInvalid();
  const yi = y.type === T.INVALID || y.nextInvalid();
  if (xi && yi) return 0;
  if (xi) return -1;
  if (yi) return 1;
  // an empty dotted component (`0.r1`) ranks below a letter straight after the number (`0r2`)
  if (x.type === T.DIGIT_OR_ZERO && y.type === T.LETTER && x.emptyNumber()) return -1;
  if (y.type === T.DIGIT_OR_ZERO && x.type === T.LETTER && y.emptyNumber()) return 1;
  if (x.type === T.SUFFIX && x.peekSuffix() < 0n) return -1;
  if (y.type === T.SUFFIX && y.peekSuffix() < 0n) return 1;
  if (x.type > y.type) return -1;
  if (y.type > x.type) return 1;
  return 0;
}

const enum T {
  INVALID = -1,
  DIGIT_OR_ZERO = 0,
  DIGIT = 1,
  LETTER = 2,
  SUFFIX = 3,
  SUFFIX_NO = 4,
  REVISION_NO = 5,
  END = 6,
}

const PRE = ['alpha', 'beta', 'pre', 'rc'];
const POST = ['cvs', 'svn', 'git', 'hg', 'p'];

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

class Cursor {
  type: T = T.DIGIT;
  private pos = 0;
  constructor(private readonly s: string) {}

  private get rest(): number {
    return this.s.length - this.pos;
  }

  /** True when the very next token does not follow the grammar (`-ruff`, `--r`). */
  nextInvalid(): boolean {
    const save = this.pos;
    const saveType = this.type;
    this.token();
    const bad = this.type === T.INVALID;
    this.pos = save;
    this.type = saveType;
    return bad;
  }

  /** True when the next numeric component is empty (a dot followed by something that is not a digit). */
  emptyNumber(): boolean {
    return !isDigit(this.s[this.pos]);
  }

  peekSuffix(): bigint {
    const save = this.pos;
    const saveType = this.type;
    const v = this.token();
    this.pos = save;
    this.type = saveType;
    return v;
  }

  token(): bigint {
    const s = this.s;
    if (this.rest <= 0) {
      this.type = T.END;
      return 0n;
    }
    let i = this.pos;
    let v = 0n;
    let nt = T.INVALID;
    const leadingZero = this.type === T.DIGIT_OR_ZERO && s[i] === '0';
    switch (leadingZero ? T.DIGIT_OR_ZERO : this.type === T.DIGIT_OR_ZERO ? T.DIGIT : this.type) {
      case T.DIGIT_OR_ZERO:
        // leading zeros after a dot: the fewer zeros, the greater
        while (i < s.length && s[i] === '0') i++;
        nt = T.DIGIT;
        v = BigInt(-(i - this.pos));
        break;
      case T.DIGIT:
      case T.SUFFIX_NO:
      case T.REVISION_NO: {
        const st = i;
        while (i < s.length && isDigit(s[i])) i++;
        if (i === st && this.type === T.REVISION_NO) {
          // `-r` must be followed by a number
          this.type = T.INVALID;
          return 0n;
        }
        v = i > st ? BigInt(s.slice(st, i)) : 0n;
        break;
      }
      case T.LETTER:
        v = BigInt(s.charCodeAt(i));
        i++;
        break;
      case T.SUFFIX: {
        const tail = s.slice(i);
        const pre = PRE.findIndex((p) => tail.startsWith(p));
        if (pre >= 0) {
          v = BigInt(pre - PRE.length);
          i += (PRE[pre] as string).length;
          break;
        }
        const post = POST.findIndex((p) => tail.startsWith(p));
        if (post >= 0) {
          v = BigInt(post);
          i += (POST[post] as string).length;
          break;
        }
        this.type = T.INVALID;
        return -1n;
      }
      default:
        this.type = T.INVALID;
        return -1n;
    }
    this.pos = i;
    if (this.rest === 0) this.type = T.END;
    else if (nt !== T.INVALID) this.type = nt;
    else this.next();
    return v;
  }

  private next(): void {
    const s = this.s;
    const c = s[this.pos];
    let n: T = T.INVALID;
    if (c === undefined) n = T.END;
    else if ((this.type === T.DIGIT || this.type === T.DIGIT_OR_ZERO) && c >= 'a' && c <= 'z') n = T.LETTER;
    else if (this.type === T.LETTER && isDigit(c)) n = T.DIGIT;
    else if (this.type === T.SUFFIX && isDigit(c)) n = T.SUFFIX_NO;
    else {
      if (c === '.') n = T.DIGIT_OR_ZERO;
      else if (c === '_') n = T.SUFFIX;
      else if (c === '-' && s[this.pos + 1] === 'r') {
        n = T.REVISION_NO;
        this.pos++;
      }
      this.pos++;
    }
    if (n < this.type) {
      const ok =
        (n === T.DIGIT_OR_ZERO && this.type === T.DIGIT) ||
        (n === T.SUFFIX && this.type === T.SUFFIX_NO) ||
        (n === T.DIGIT && this.type === T.LETTER);
      if (!ok) n = T.INVALID;
    }
    this.type = n;
  }
}
