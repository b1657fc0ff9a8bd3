import { readFileSync } from 'node:fs';
import { isFileLocation } from '../../src/core/location.js';
import type { FileLocation, Location, PackageLocation } from '../../src/core/types.js';

/** One expectation read from a fixture comment. */
export interface Expectation {
  kind: 'ruleid' | 'ok';
  ruleId: string;
  /** 1-based line the expectation applies to (the next line that is not itself an annotation). */
  line: number;
  /** Line of the comment itself, for messages. */
  commentLine: number;
}

const ANNOTATION = /(?:\/\/|#|<!--|\/\*|--|;|\*)\s*(ruleid|ok)\s*:\s*([A-Za-z0-9_.,:/\- ]+?)\s*(?:-->|\*\/)?\s*$/;

/**
 * Reads `ruleid: <id>[, <id>]` and `ok: <id>` comments (any comment syntax: `//`, `#`, `<!--`, `/*`, `--`).
 * An annotation on a line of its own applies to the next line that is not an annotation; an annotation
 * after code on the same line applies to that line.
 */
export function parseExpectations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let pending: { kind: 'ruleid' | 'ok'; ids: string[]; commentLine: number }[] = [];
  lines.forEach((raw, i) => {
    const m = ANNOTATION.exec(raw);
    if (m) {
      const ids = m[2]!.split(/[,\s]+/).filter(Boolean);
      const before = raw.slice(0, m.index).trim();
      const kind = m[1] as 'ruleid' | 'ok';
      if (before === '' || /^(\/\/|#|<!--|\/\*|\*|--|;)$/.test(before)) {
        pending.push({ kind, ids, commentLine: i + 1 });
        return;
      }
      for (const ruleId of ids) out.push({ kind, ruleId, line: i + 1, commentLine: i + 1 });
    }
    if (pending.length && raw.trim() !== '') {
      for (const p of pending) for (const ruleId of p.ids) out.push({ kind: p.kind, ruleId, line: i + 1, commentLine: p.commentLine });
      pending = [];
    }
  });
  return out;
}

/** What a detector found, reduced to what fixtures assert. */
export interface Hit {
  ruleId: string;
  line: number;
}

/** The difference between what a fixture expects and what was found; empty arrays mean it matches. */
export interface FixtureDiff {
  missing: Expectation[];
  unexpected: Hit[];
}

/**
 * Compares findings with a fixture's inline expectations. Every `ruleid:` must be found on its line;
 * no finding may stand on an `ok:` line for that rule; and with `strict` (the default) no finding may
 * stand anywhere that has no `ruleid:` for it. Throws when the fixture has no expectations at all.
 */
export function diffFixture(name: string, text: string, hits: Hit[], opts: { strict?: boolean; rules?: Set<string> } = {}): FixtureDiff {
  const exp = parseExpectations(text);
  if (exp.length === 0) throw new Error(`${name}: fixture has no ruleid:/ok: expectations`);
  const strict = opts.strict ?? true;
  const relevant = hits.filter((h) => !opts.rules || opts.rules.has(h.ruleId));
  const key = (r: string, l: number) => `${r}@${l}`;
  const found = new Set(relevant.map((h) => key(h.ruleId, h.line)));
  const wanted = new Set(exp.filter((e) => e.kind === 'ruleid').map((e) => key(e.ruleId, e.line)));
  const okLines = new Set(exp.filter((e) => e.kind === 'ok').map((e) => key(e.ruleId, e.line)));
  const missing = exp.filter((e) => e.kind === 'ruleid' && !found.has(key(e.ruleId, e.line)));
  const seen = new Set<string>();
  const unexpected = relevant.filter((h) => {
    const k = key(h.ruleId, h.line);
    if (seen.has(k)) return false;
    seen.add(k);
    if (okLines.has(k)) return true;
    return strict && !wanted.has(k);
  });
  return { missing, unexpected };
}

/** Throws an error listing every mismatch, or returns the number of expectations checked. */
export function assertFixture(name: string, text: string, hits: Hit[], opts: { strict?: boolean; rules?: Set<string> } = {}): number {
  const d = diffFixture(name, text, hits, opts);
  if (d.missing.length || d.unexpected.length) {
    const lines = [
      ...d.missing.map((e) => `  missing   ${e.ruleId} at ${name}:${e.line}`),
      ...d.unexpected.map((h) => `  unexpected ${h.ruleId} at ${name}:${h.line}`),
    ];
    throw new Error(`fixture ${name} does not match its expectations:\n${lines.join('\n')}`);
  }
  return parseExpectations(text).length;
}

/** {@link assertFixture} on a file on disk. */
export function assertFixtureFile(path: string, hits: Hit[], opts: { strict?: boolean; rules?: Set<string> } = {}): number {
  return assertFixture(path, readFileSync(path, 'utf8'), hits, opts);
}

/** A finding's location as a file region; fails the test when it is another kind (an HTTP request, a setting). */
export function fileLoc(loc: Location): FileLocation | PackageLocation {
  if (!isFileLocation(loc)) throw new Error(`expected a file location, got ${loc.kind}`);
  return loc;
}
