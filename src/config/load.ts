import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type * as z from 'zod';
import { InputError } from '../core/errors.js';
import { globMatcher } from '../core/glob.js';
import { issueMessage } from '../core/issues.js';
import { nestedDeeperThan } from '../core/json.js';
import { readNamedFile } from '../core/named-file.js';
import { userRegExp } from '../core/linear-regex.js';
import { configSchema, type Config } from './schema.js';
import { defaultConfig } from './defaults.js';
import { findConfig, shownConfigPath } from './find.js';

export { CONFIG_NAMES, findConfig } from './find.js';

/** A loaded config and where it came from. */
export interface LoadedConfig {
  config: Config;
  /** The file read, or undefined when none was found (defaults apply). */
  path: string | undefined;
  /** Things that are valid but probably not what the user meant. */
  warnings: string[];
}

/**
 * A config is validated once a run: without zod's compiled fast path, whose generated code costs more to build
 * (~10 ms for this schema) than it saves on one object.
 */
const ONCE = { jitless: true } as const;

/** Largest config file read (a config is a few KB; 200,000 excludes are refused, not parsed). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Most exclude globs. */
const MAX_EXCLUDES = 10_000;
/** Deepest nesting of a config. */
const MAX_CONFIG_DEPTH = 32;

/** Loads and validates a config file; errors are InputErrors naming the file, line and key. */
export function loadConfigFile(path: string, knownScanners?: readonly string[], displayName = path): LoadedConfig {
  let text: string;
  try {
    // Regular files only (a FIFO or device named with -c is refused, not waited on), and bounded in size.
    text = readNamedFile(path, displayName, MAX_CONFIG_BYTES, 'config file').toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e.message === 'no such file or directory' ? new InputError('config file not found', displayName) : e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read config file (${code})`, displayName);
  }
  return { ...parseConfig(text, displayName, knownScanners), path };
}

/** Parses and validates config text. `name` is used in messages. */
export function parseConfig(text: string, name: string, knownScanners?: readonly string[]): Omit<LoadedConfig, 'path'> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
    throw new InputError(`invalid YAML: ${err.message.split('\n')[0]}`, name, line);
  }
  let data: unknown;
  try {
    // maxAliasCount bounds what aliases may expand to (a "billion laughs" config is refused, not expanded).
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    throw new InputError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, name, 1);
  }
  if (nestedDeeperThan(data, MAX_CONFIG_DEPTH)) throw new InputError(`nested more than ${MAX_CONFIG_DEPTH} levels deep`, name, 1);
  if (typeof data !== 'object' || Array.isArray(data)) throw new InputError('the config must be a mapping of keys', name, 1);
  const parsed = configSchema.safeParse(data, ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const { line, key } = locate(doc, lc, issue);
    throw new InputError(`${key ? `${key}: ` : ''}${issueMessage(issue, data)}`, name, line);
  }
  const config = parsed.data;
  const warnings: string[] = [];
  const check = (path: (string | number)[], fn: () => void) => {
    try {
      fn();
    } catch (e) {
      throw new InputError(`${path.join('.')}: ${(e as Error).message}`, name, lineOf(doc, lc, path));
    }
  };
  config.scanners.secrets.rules.forEach((r, i) =>
    check(['scanners', 'secrets', 'rules', i, 'regex'], () => void userRegExp(r.regex, r.flags ?? '')),
  );
  config.scanners.secrets.allowlist.regexes.forEach((r, i) =>
    check(['scanners', 'secrets', 'allowlist', 'regexes', i], () => void userRegExp(r)),
  );
  if (config.exclude.length > MAX_EXCLUDES) throw new InputError(`exclude: ${config.exclude.length} globs, more than the ${MAX_EXCLUDES} allowed`, name, lineOf(doc, lc, ['exclude']));
  config.exclude.forEach((g, i) => check(['exclude', i], () => void globMatcher(g)));
  config.scanners.secrets.allowlist.paths.forEach((g, i) => check(['scanners', 'secrets', 'allowlist', 'paths', i], () => void globMatcher(g)));
  if (knownScanners) {
    for (const id of Object.keys(config.thresholds)) {
      if (!knownScanners.includes(id)) {
        throw new InputError(`thresholds.${id}: unknown scanner (known: ${knownScanners.join(', ')})`, name, lineOf(doc, lc, ['thresholds', id]));
      }
    }
  }
  const today = new Date().toISOString().slice(0, 10);
  config.suppressions.forEach((s, i) => {
    if (s.expires && s.expires < today) warnings.push(`${name}:${lineOf(doc, lc, ['suppressions', i, 'expires']) ?? '?'}: suppression #${i + 1} expired on ${s.expires}`);
  });
  return { config, warnings };
}

/** The line and dotted key (`a.b[0].c`) of a zod issue in a parsed YAML document. */
export function locate(doc: Document, lc: LineCounter, issue: z.core.$ZodIssue): { line: number | undefined; key: string } {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  let keyPath = path;
  if (issue.code === 'unrecognized_keys' && issue.keys.length) keyPath = [...path, issue.keys[0]!];
  const key = keyPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
  return { line: lineOf(doc, lc, keyPath), key };
}

/** The line of the node at `path`, or of its closest existing parent; for a map key, the key's line. */
export function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const parentPath = path.slice(0, n - 1);
    const last = path[n - 1];
    const parent = n === 0 ? doc.contents : doc.getIn(parentPath, true);
    if (n === 0) {
      const range = (parent as { range?: [number, number, number] } | null)?.range;
      return range ? lc.linePos(range[0]).line : 1;
    }
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === String(last));
      const node = pair?.key;
      if (isScalar(node) && node.range) return lc.linePos(node.range[0]).line;
    } else if (isSeq(parent) && typeof last === 'number') {
      const node = parent.items[last] as { range?: [number, number, number] } | null | undefined;
      if (node?.range) return lc.linePos(node.range[0]).line;
    }
  }
  return undefined;
}

/**
 * The config for a scan: the file given with `--config`, else the one found from the scanned path, else defaults.
 */
export function resolveConfig(scanPath: string, explicit: string | undefined, knownScanners?: readonly string[], cwd?: string): LoadedConfig {
  const path = explicit ?? findConfig(scanPath);
  if (!path) return { config: defaultConfig(), path: undefined, warnings: [] };
  return loadConfigFile(path, knownScanners, shownConfigPath(path, cwd));
}
