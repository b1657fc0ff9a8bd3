import { compareDigits, compareStrings } from './util.js';

/**
 * Maven version order (the ComparableVersion rules): numeric and qualifier items separated by `.`
 * and `-`, digit/letter transitions start a sub-list, known qualifiers ordered
 * alpha < beta < milestone < rc < snapshot < release < sp, unknown qualifiers after them.
 */
export function compareMaven(a: string, b: string): number {
  return compareItem(parseMaven(a), parseMaven(b));
}

type Item = { t: 'int'; v: string } | { t: 'str'; v: string } | { t: 'list'; v: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function strItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  v = ALIASES[v] ?? v;
  return { t: 'str', v };
}

function parseItem(isDigit: boolean, buf: string): Item {
  if (isDigit) return { t: 'int', v: buf.replace(/^0+(?=.)/, '') };
  return strItem(buf, false);
}

function isNull(item: Item): boolean {
  if (item.t === 'int') return /^0+$/.test(item.v);
  if (item.t === 'str') return comparableQualifier(item.v) === RELEASE_INDEX;
  return item.v.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i] as Item;
    if (isNull(last)) list.splice(i, 1);
    else if (last.t !== 'list') break;
  }
}

/** Parses a Maven version into its item tree. */
function parseMaven(version: string): Item {
  const s = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let isDigit = false;
  let start = 0;
  const push = (): void => {
    const sub: Item[] = [];
    list.push({ t: 'list', v: sub });
    list = sub;
    stack.push(sub);
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '.') {
      list.push(i === start ? { t: 'int', v: '0' } : parseItem(isDigit, s.slice(start, i)));
      start = i + 1;
    } else if (c === '-') {
      const item = i === start ? ({ t: 'int', v: '0' } as Item) : parseItem(isDigit, s.slice(start, i));
      start = i + 1;
      // a release qualifier alone in its sub-list (`1-ga-1`) adds nothing: `1-ga-1` equals `1-1`
      if (item.t === 'str' && isNull(item) && list.length === 0 && list !== root) continue;
      list.push(item);
      push();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(strItem(s.slice(start, i), true));
        start = i;
        push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, s.slice(start, i)));
        start = i;
        push();
      }
      isDigit = false;
    }
  }
  if (s.length > start) list.push(parseItem(isDigit, s.slice(start)));
  while (stack.length) normalize(stack.pop() as Item[]);
  return { t: 'list', v: root };
}

function compareItem(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItem(b, undefined);
  if (a.t === 'int') {
    if (b === undefined) return /^0+$/.test(a.v) ? 0 : 1;
    if (b.t === 'int') return compareDigits(a.v, b.v);
    return 1;
  }
  if (a.t === 'str') {
    if (b === undefined) return compareStrings(comparableQualifier(a.v), RELEASE_INDEX);
    if (b.t === 'int') return -1;
    if (b.t === 'str') return compareStrings(comparableQualifier(a.v), comparableQualifier(b.v));
    return -1;
  }
  if (b === undefined) {
    const first = a.v[0];
    return first === undefined ? 0 : compareItem(first, undefined);
  }
  if (b.t === 'int') return -1;
  if (b.t === 'str') return 1;
  const n = Math.max(a.v.length, b.v.length);
  for (let i = 0; i < n; i++) {
    const l = a.v[i];
    const r = b.v[i];
    const c = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
    if (c) return c;
  }
  return 0;
}
