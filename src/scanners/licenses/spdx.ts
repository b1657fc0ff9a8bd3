/**
 * SPDX license expressions (SPDX spec annex D) through `spdx-expression-parse`, with ids checked against the SPDX
 * license list (`spdx-license-ids`, `spdx-exceptions`) and common non-SPDX names fixed by `spdx-correct`.
 * Operators and ids are matched case-insensitively (`mit or apache-2.0`), as the spec says they should be.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A parsed expression. */
export type SpdxNode =
  | { license: string; plus?: boolean; exception?: string }
  | { conjunction: 'and' | 'or'; left: SpdxNode; right: SpdxNode };

/**
 * The SPDX lists and libraries, read on first use (a scan that meets no license loads none of them: the lists
 * and `spdx-correct`'s tables cost a few milliseconds of every start otherwise).
 */
interface Spdx {
  parseExpression: (s: string) => SpdxNode;
  correct: (s: string, opts?: { upgrade?: boolean }) => string | null;
  /** Every current SPDX license id. */
  ids: readonly string[];
  /** SPDX license ids the list has deprecated (`GPL-2.0`, `GPL-2.0+`, ...): still valid in expressions. */
  deprecated: readonly string[];
  canonical: Map<string, string>;
}
let loaded: Spdx | undefined;
function spdx(): Spdx {
  if (loaded) return loaded;
  const ids = require('spdx-license-ids/index.json') as string[];
  const deprecated = require('spdx-license-ids/deprecated.json') as string[];
  const exceptions = [...(require('spdx-exceptions/index.json') as string[]), ...(require('spdx-exceptions/deprecated.json') as string[])];
  const canonical = new Map<string, string>();
  for (const id of [...ids, ...deprecated, ...exceptions]) canonical.set(id.toLowerCase(), id);
  loaded = {
    parseExpression: require('spdx-expression-parse') as Spdx['parseExpression'],
    correct: require('spdx-correct') as Spdx['correct'],
    ids,
    deprecated,
    canonical,
  };
  return loaded;
}

/** Every current SPDX license id. */
export function spdxLicenseIds(): readonly string[] {
  return spdx().ids;
}

/** SPDX license ids the list has deprecated (`GPL-2.0`, `GPL-2.0+`, ...): still valid in expressions. */
export function spdxDeprecatedIds(): readonly string[] {
  return spdx().deprecated;
}

/** The SPDX list's spelling of a license or exception id (case-insensitive), or undefined when the list has no such id. */
export function spdxId(id: string): string | undefined {
  return spdx().canonical.get(id.toLowerCase());
}

/** Parses an SPDX expression; throws an Error naming the problem (unknown ids included). */
export function parseSpdx(expr: string): SpdxNode {
  const tokens = expr.match(/\(|\)|[^\s()]+/g) ?? [];
  const fixed = tokens.map((t) => {
    if (/^(and|or|with)$/i.test(t)) return t.toUpperCase();
    if (t === '(' || t === ')' || /^(LicenseRef|DocumentRef)-/i.test(t)) return t;
    const plus = t.endsWith('+') && !spdxId(t) ? '+' : '';
    const canon = spdxId(plus ? t.slice(0, -1) : t);
    return canon ? canon + plus : t;
  });
  try {
    return spdx().parseExpression(fixed.join(' '));
  } catch (e) {
    throw new Error(`${JSON.stringify(expr)} is not an SPDX license expression (${(e as Error).message})`);
  }
}

/**
 * The SPDX expression a license text stands for: the text itself when it parses, else `spdx-correct`'s reading of
 * a common name (`Apache 2.0`, `GPLv2`, `The MIT License`); undefined when neither gives a valid expression.
 */
export function toSpdx(raw: string): SpdxNode | undefined {
  const t = raw.trim();
  try {
    return parseSpdx(t);
  } catch {
    // each operand on its own: spdx-correct reads a whole expression by dropping what it does not know
    const parts = t.split(/(\(|\)|\s+(?:AND|OR|WITH)\s+)/i);
    const fixed: string[] = [];
    for (const part of parts) {
      const p = part.trim();
      if (!p || /^(\(|\)|AND|OR|WITH)$/i.test(p) || spdxId(p.replace(/\+$/, '')) || /^(LicenseRef|DocumentRef)-/i.test(p)) {
        fixed.push(part);
        continue;
      }
      const c = spdx().correct(p, { upgrade: true });
      if (!c || /\s/.test(c)) return undefined;
      fixed.push(c);
    }
    try {
      return parseSpdx(fixed.join(''));
    } catch {
      return undefined;
    }
  }
}

/** Every license id in an expression. */
export function licenseIds(n: SpdxNode): string[] {
  return 'license' in n ? [n.license] : [...licenseIds(n.left), ...licenseIds(n.right)];
}

/** The expression as text, normalised (upper-case operators, minimal parentheses). */
export function formatSpdx(n: SpdxNode, parent?: 'and' | 'or'): string {
  if ('license' in n) return `${n.license}${n.plus ? '+' : ''}${n.exception ? ` WITH ${n.exception}` : ''}`;
  const s = `${formatSpdx(n.left, n.conjunction)} ${n.conjunction.toUpperCase()} ${formatSpdx(n.right, n.conjunction)}`;
  return parent === 'and' && n.conjunction === 'or' ? `(${s})` : s;
}
