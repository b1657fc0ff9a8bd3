// A small generator of strings matching a regex, for the regex subset secret-rule configs use (Go/RE2 syntax:
// `(?i)`, `(?-i:…)`, `(?P<name>…)`, `[[:alnum:]]`, `\z`). Bench and rule-authoring helper, not product code.
export type Node =
  | { t: 'lit'; c: string; fold: boolean }
  | { t: 'set'; chars: string[]; fold: boolean }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }
  | { t: 'group'; node: Node; index: number }
  | { t: 'empty' };

const range = (a: string, b: string) => {
  const out: string[] = [];
  for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
};
const DIGIT = range('0', '9');
const WORD = [...range('a', 'z'), ...range('A', 'Z'), ...DIGIT, '_'];
const SPACE = [' ', '\t'];
const PRINTABLE = range(' ', '~');

class RegexParser {
  private i = 0;
  private groups = 0;
  constructor(private readonly src: string) {}
  parse(fold: boolean): Node {
    return this.alt(fold);
  }
  private alt(fold: boolean): Node {
    const options = [this.seq(fold)];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.seq(fold));
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }
  private seq(fold: boolean): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      if (this.src.startsWith('(?i)', this.i)) {
        this.i += 4;
        fold = true;
        continue;
      }
      let atom = this.atom(fold);
      atom = this.quant(atom);
      items.push(atom);
    }
    return { t: 'seq', items };
  }
  private quant(atom: Node): Node {
    const c = this.src[this.i];
    let min = -1;
    let max = -1;
    if (c === '*') [min, max] = [0, 8];
    else if (c === '+') [min, max] = [1, 8];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (m) {
        min = Number(m[1]);
        max = m[2] ? (m[3] ? Number(m[3]) : min + 8) : min;
        this.i += m[0].length - 1;
      }
    }
    if (min < 0) return atom;
    this.i++;
    if (this.src[this.i] === '?') this.i++;
    return { t: 'rep', node: atom, min, max };
  }
  private atom(fold: boolean): Node {
    const c = this.src[this.i]!;
    if (c === '(') {
      this.i++;
      let capture = true;
      let f = fold;
      const m = /^\?(?:P?<[A-Za-z_]\w*>|([a-z-]*):)/.exec(this.src.slice(this.i));
      if (m) {
        this.i += m[0].length;
        if (m[1] !== undefined) {
          capture = false;
          if (m[1].includes('-i')) f = false;
          else if (m[1].includes('i')) f = true;
        }
      }
      const index = capture ? ++this.groups : 0;
      const node = this.alt(f);
      this.i++; // ')'
      return capture ? { t: 'group', node, index } : node;
    }
    if (c === '[') return this.cls(fold);
    if (c === '.') {
      this.i++;
      return { t: 'set', chars: PRINTABLE, fold: false };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'empty' };
    }
    if (c === '\\') return this.escape(fold, false) as Node;
    this.i++;
    return { t: 'lit', c, fold };
  }
  private escape(fold: boolean, inClass: boolean): Node | string[] {
    const e = this.src[this.i + 1]!;
    this.i += 2;
    const set = (chars: string[]): Node | string[] => (inClass ? chars : { t: 'set', chars, fold: false });
    if (e === 'd') return set(DIGIT);
    if (e === 'w') return set(WORD);
    if (e === 's') return set(SPACE);
    if (e === 'S') return set(WORD);
    if (e === 'b' || e === 'B' || e === 'z' || e === 'A') return inClass ? [] : { t: 'empty' };
    if (e === 'n') return inClass ? ['\n'] : { t: 'lit', c: '\n', fold: false };
    if (e === 'r') return inClass ? ['\r'] : { t: 'lit', c: '\r', fold: false };
    if (e === 't') return inClass ? ['\t'] : { t: 'lit', c: '\t', fold: false };
    if (e === 'x') {
      const ch = String.fromCharCode(parseInt(this.src.slice(this.i, this.i + 2), 16));
      this.i += 2;
      return inClass ? [ch] : { t: 'lit', c: ch, fold: false };
    }
    return inClass ? [e] : { t: 'lit', c: e, fold };
  }
  private cls(fold: boolean): Node {
    this.i++;
    const neg = this.src[this.i] === '^';
    if (neg) this.i++;
    const chars: string[] = [];
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      if (this.src.startsWith('[:alnum:]', this.i)) {
        chars.push(...range('a', 'z'), ...range('A', 'Z'), ...DIGIT);
        this.i += 9;
        continue;
      }
      let from: string[];
      if (this.src[this.i] === '\\') from = this.escape(fold, true) as string[];
      else from = [this.src[this.i++]!];
      if (from.length === 1 && this.src[this.i] === '-' && this.src[this.i + 1] !== ']') {
        this.i++;
        const to = this.src[this.i] === '\\' ? (this.escape(fold, true) as string[]) : [this.src[this.i++]!];
        chars.push(...range(from[0]!, to[0]!));
      } else chars.push(...from);
    }
    this.i++;
    if (neg) return { t: 'set', chars: WORD.filter((c) => !chars.includes(c)), fold: false };
    return { t: 'set', chars: [...new Set(chars)], fold };
  }
}

export function rng(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x >>> 8);
}

/** Draws a string matching `node`; the text of capture group 1 (the peers' secret group) is recorded. */
export function generate(node: Node, r: () => number, groups: Map<number, string>): string {
  switch (node.t) {
    case 'lit':
      return node.c;
    case 'set': {
      return node.chars.length ? node.chars[r() % node.chars.length]! : '';
    }
    case 'seq':
      return node.items.map((n) => generate(n, r, groups)).join('');
    case 'alt':
      return generate(node.options[r() % node.options.length]!, r, groups);
    case 'rep': {
      const n = node.min + (r() % (node.max - node.min + 1));
      let s = '';
      for (let k = 0; k < n; k++) s += generate(node.node, r, groups);
      return s;
    }
    case 'group': {
      const s = generate(node.node, r, groups);
      if (!groups.has(node.index) && s) groups.set(node.index, s);
      return s;
    }
    case 'empty':
      return '';
  }
}


/** Parses a regex of that subset. */
export function parseRegex(src: string): Node {
  return new RegexParser(src).parse(false);
}

/** One string matching `src`, from a seeded generator. */
export function sample(src: string, seed: number): string {
  return generate(parseRegex(src), rng(seed), new Map());
}
