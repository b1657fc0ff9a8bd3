/* A ReDoS shape detector on regex source text (no parser): used by js-redos-literal and Semgrep's `metavariable-analysis: redos`. */

/**
 * Whether a regex source has a group repeated without bound whose body repeats too and has no required atom to
 * separate the repetitions (`(a+)+`, `(\\w+\\s?)*$`, `(\\d*){2,}x`), followed by something that can fail: the shape that
 * backtracks exponentially on a near-match. `(\\s*,\\s*\\w+)*`, `(\\d+\\.)*` and `([A-Z][a-z]*)+` have a separator and
 * are linear. Every alternative of a group needs its own separator.
 */
export function hasNestedQuantifier(src: string): boolean {
  interface Group { quantified: boolean; separated: boolean; allAlternatives: boolean }
  const fresh = (): Group => ({ quantified: false, separated: false, allAlternatives: true });
  const stack: Group[] = [];
  let cur = fresh();
  const quantifierAt = (j: number): { kind: 'unbounded' | 'optional' | 'bounded'; len: number } | undefined => {
    const q = src[j];
    let out: { kind: 'unbounded' | 'optional' | 'bounded'; len: number } | undefined;
    if (q === '+' || q === '*') out = { kind: 'unbounded', len: 1 };
    else if (q === '?') out = { kind: 'optional', len: 1 };
    else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(j));
      if (m) out = { kind: m[2] !== undefined && m[3] === '' ? 'unbounded' : m[1] === '0' ? 'optional' : 'bounded', len: m[0].length };
    }
    if (out && src[j + out.len] === '?') out.len++;
    return out;
  };
  const required = (q: ReturnType<typeof quantifierAt>): boolean => q === undefined || q.kind === 'bounded';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '(') {
      stack.push(cur);
      cur = fresh();
      if (src[i + 1] === '?') i += src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!' ? src.indexOf('>', i) - i : 2;
      continue;
    }
    if (ch === ')') {
      const body = cur;
      const separated = body.allAlternatives && body.separated;
      cur = stack.pop() ?? fresh();
      const q = quantifierAt(i + 1);
      const rest = src.slice(i + 1 + (q?.len ?? 0));
      if (q?.kind === 'unbounded' && body.quantified && !separated && rest.length > 0) return true;
      if (body.quantified || q?.kind === 'unbounded') cur.quantified = true;
      if (separated && required(q)) cur.separated = true;
      i += q?.len ?? 0;
      continue;
    }
    if (ch === '|') {
      cur.allAlternatives &&= cur.separated;
      cur.separated = false;
      continue;
    }
    if (ch === '^' || ch === '$') continue;
    let end = i;
    if (ch === '\\') end = i + 1;
    else if (ch === '[') {
      end = i + 1;
      if (src[end] === '^') end++;
      if (src[end] === ']') end++;
      while (end < src.length && src[end] !== ']') end += src[end] === '\\' ? 2 : 1;
    }
    const q = quantifierAt(end + 1);
    if (q?.kind === 'unbounded') cur.quantified = true;
    if (required(q) && ch !== '.') cur.separated = true;
    i = end + (q?.len ?? 0);
  }
  return false;
}
