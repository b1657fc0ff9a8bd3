/**
 * One positioned JSON reader for the places that need more than `JSON.parse`: where a document stops being valid
 * (Node 20's `JSON.parse` often reports no position) and values with source offsets (findings inside a JSON policy
 * embedded in Terraform).
 */

/** A source range: [start, end) offsets. */
export type JsonRange = [number, number];

/**
 * A JSON value with the range it was read from. `Extra` is another kind of leaf a caller's trees may hold (values
 * built from other sources, such as HCL expressions that are not constants).
 */
export type JsonNode<Extra = never> =
  | { t: 'scalar'; v: string | number | boolean | null; range: JsonRange }
  | { t: 'arr'; items: (JsonNode<Extra> | Extra)[]; range: JsonRange }
  | { t: 'obj'; entries: { key: string; keyRange: JsonRange; value: JsonNode<Extra> | Extra }[]; range: JsonRange };

/** Where and why a text is not JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

/** Options of {@link parseJsonNodes}. */
export interface JsonReadOptions {
  /** Added to every offset (the document's place in a larger text). */
  base?: number;
  /** Accept `//` line comments and any Unicode white space, as templated documents carry (default: strict JSON). */
  lenient?: boolean;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Reads a whole JSON document into nodes; throws {@link JsonSyntaxError} at the first error. */
export function parseJsonNodes(text: string, opts: JsonReadOptions = {}): JsonNode {
  const base = opts.base ?? 0;
  const lenient = opts.lenient === true;
  const n = text.length;
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntaxError(i, reason);
  };
  const ws = (): void => {
    for (;;) {
      while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t' || (lenient && /\s/.test(text[i]!)))) i++;
      if (lenient && text[i] === '/' && text[i + 1] === '/') while (i < n && text[i] !== '\n') i++;
      else return;
    }
  };
  const string = (): JsonNode => {
    const start = i;
    i++;
    while (i < n) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        let v: string;
        try {
          v = JSON.parse(text.slice(start, i)) as string;
        } catch {
          // Lenient: an unknown escape stands for the character, a raw control character for itself.
          if (!lenient) {
            i = start;
            return fail('invalid escape in string');
          }
          v = text.slice(start + 1, i - 1).replace(/\\(.)/gs, '$1');
        }
        return { t: 'scalar', v, range: [base + start, base + i] };
      }
      if (c === '\\') i += 2;
      else if (c < ' ' && !lenient) fail('control character in string');
      else i++;
    }
    return fail('unterminated string');
  };
  const value = (depth: number): JsonNode => {
    if (depth > 1000) fail('nesting too deep');
    ws();
    const c = text[i];
    const start = i;
    if (c === '{') {
      i++;
      const entries: { key: string; keyRange: JsonRange; value: JsonNode }[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'obj', entries, range: [base + start, base + i] };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a string key, found ${show(text[i])}`);
        const key = string();
        ws();
        if (text[i] !== ':') fail(`expected ':', found ${show(text[i])}`);
        i++;
        entries.push({ key: key.t === 'scalar' ? String(key.v) : '', keyRange: key.range, value: value(depth + 1) });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { t: 'obj', entries, range: [base + start, base + i] };
        }
        fail(`expected ',' or '}', found ${show(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'arr', items, range: [base + start, base + i] };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { t: 'arr', items, range: [base + start, base + i] };
        }
        fail(`expected ',' or ']', found ${show(text[i])}`);
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return fail('invalid number');
      i += m[0].length;
      return { t: 'scalar', v: Number(m[0]), range: [base + start, base + i] };
    }
    for (const [lit, v] of LITERALS) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return { t: 'scalar', v, range: [base + start, base + i] };
      }
    }
    return fail(`unexpected ${show(c)}`);
  };
  const doc = value(0);
  ws();
  if (i < n) fail(`unexpected ${show(text[i])} after the end of the document`);
  return doc;
}

const LITERALS: [string, boolean | null][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

function show(c: string | undefined): string {
  return c === undefined ? 'end of file' : JSON.stringify(c);
}

/**
 * Where a JSON text stops being valid: the 0-based offset and a short reason, or undefined when it is valid JSON.
 */
export function jsonErrorAt(text: string): { offset: number; reason: string } | undefined {
  try {
    parseJsonNodes(text);
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { offset: e.offset, reason: e.reason };
    throw e;
  }
}

/** JSON.parse, or throws `{ line, message }` with the 1-based line of the first syntax error. */
export function parseJsonWithLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    if (!at) throw e;
    const line = text.slice(0, at.offset).split('\n').length;
    throw Object.assign(new Error(`invalid JSON: ${at.reason}`), { line });
  }
}

/**
 * Whether a parsed value nests arrays and objects deeper than `max` levels, found without recursion: what reads
 * the value next (a schema check, `JSON.stringify`) recurses, and a hostile file nested 100,000 deep would
 * overflow its stack.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}
