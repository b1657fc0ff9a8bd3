/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that the audit log hashes.
 * Object members are sorted by their names' UTF-16 code units, numbers are written as ECMAScript writes them
 * (which is what the RFC prescribes), strings are escaped as JSON.stringify escapes them, and no white space is
 * written. Values JSON cannot hold exactly (NaN, Infinity, lone surrogates, bigint, functions) are refused
 * rather than silently changed, so two writers can never hash the same entry differently.
 */

/** How deep a value may nest (a bound, so hostile input cannot exhaust the stack). */
const MAX_DEPTH = 200;
/** A lone surrogate: with the `u` flag a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The RFC 8785 canonical form of `value`. Throws a TypeError naming the path of a value JSON cannot hold. */
export function canonicalize(value: unknown): string {
  return write(value, '$', 0);
}

function write(v: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new TypeError(`${path}: nested more than ${MAX_DEPTH} levels`);
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`${path}: ${v} is not a JSON number`);
      // ECMAScript Number::toString, as the RFC requires (JSON.stringify writes -0 as 0, as the RFC does)
      return JSON.stringify(v);
    case 'string':
      if (LONE_SURROGATE.test(v)) throw new TypeError(`${path}: string holds a lone surrogate`);
      return JSON.stringify(v);
    case 'object': {
      const withJson = v as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return write(withJson.toJSON(), path, depth + 1);
      if (Array.isArray(v)) return `[${v.map((x, i) => write(x === undefined ? null : x, `${path}[${i}]`, depth + 1)).join(',')}]`;
      const obj = v as Record<string, unknown>;
      // default sort compares UTF-16 code units, which is the order RFC 8785 section 3.2.3 asks for
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      const parts: string[] = [];
      for (const k of keys) {
        if (LONE_SURROGATE.test(k)) throw new TypeError(`${path}: member name holds a lone surrogate`);
        parts.push(`${JSON.stringify(k)}:${write(obj[k], `${path}.${k}`, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`${path}: a ${typeof v} is not JSON`);
  }
}
