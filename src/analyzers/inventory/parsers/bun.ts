import { LockfileError, type Dependency, type ParsedLockfile } from '../types.js';
import { LineIndex, objectOr, parseJson } from './text.js';

/** Removes `//` and `/* *\/` comments and trailing commas outside strings (bun.lock is JSONC). */
export function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const chunk = text.slice(i, end < 0 ? text.length : end + 2);
      out += chunk.replace(/[^\n]/g, ' ');
      i += chunk.length;
    } else if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j] as string)) j++;
      out += text[j] === '}' || text[j] === ']' ? ' ' : ',';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Parses Bun's text lockfile `bun.lock` (workspaces give the roots; `packages` maps install paths to `[name@version, ...]`). */
export function parseBunLock(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(stripJsonc(text)));
  const lines = new LineIndex(text);
  const byKey = new Map<string, Dependency>();
  const meta = new Map<string, Record<string, unknown>>();
  for (const [key, raw] of Object.entries(objectOr(doc.packages))) {
    if (!Array.isArray(raw) || typeof raw[0] !== 'string') throw new LockfileError(`package "${key}" is not [name@version, ...]`, lines.find(`"${key}"`));
    const ident = raw[0];
    const at = ident.lastIndexOf('@');
    if (at <= 0) throw new LockfileError(`package "${key}" has no version`, lines.find(`"${key}"`));
    const name = ident.slice(0, at);
    const version = ident.slice(at + 1);
    if (version.startsWith('workspace:') || version.startsWith('link:') || version.startsWith('file:')) continue;
    // a git or tarball dependency: bun records its source, not the version of its package.json (nothing to match)
    if (/^(git\+|git:|github:|gitlab:|bitbucket:|https?:)/.test(version)) continue;
    const hash = typeof raw[3] === 'string' ? raw[3] : undefined;
    byKey.set(key, { key, ecosystem: 'npm', name, version: version.replace(/^npm:/, ''), line: lines.find(`"${key}": [`), ...(hash ? { hashes: [hash] } : {}) });
    meta.set(key, objectOr(raw[2]));
  }
  const resolve = (from: string, n: string): string | undefined => {
    let base = from;
    for (let guard = 0; guard < 100; guard++) {
      const k = base ? `${base}/${n}` : n;
      if (byKey.has(k)) return k;
      if (!base) return undefined;
      const i = base.lastIndexOf('/');
      base = i >= 0 ? base.slice(0, i) : '';
      if (base.startsWith('@') && !base.includes('/')) base = '';
    }
    return undefined;
  };
  for (const [key, m] of meta) {
    const dep = byKey.get(key) as Dependency;
    dep.dependsOn = Object.keys({ ...objectOr(m.dependencies), ...objectOr(m.optionalDependencies) })
      .map((n) => resolve(key, n))
      .filter((k): k is string => k !== undefined);
  }
  const roots: string[] = [];
  const devRoots = new Set<string>();
  for (const ws of Object.values(objectOr(doc.workspaces))) {
    const w = objectOr(ws);
    for (const f of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']) {
      for (const n of Object.keys(objectOr(w[f]))) {
        const k = resolve('', n);
        if (!k) continue;
        roots.push(k);
        if (f === 'devDependencies') devRoots.add(k);
      }
    }
  }
  return {
    path,
    format: `bun.lock@${String(doc.lockfileVersion ?? '')}`,
    ecosystem: 'npm',
    packages: [...byKey.values()],
    roots: [...new Set(roots)],
    devRoots: [...devRoots],
  };
}
