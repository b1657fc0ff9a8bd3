import { globMatcher } from '../../core/glob.js';

/** Turns one CODEOWNERS pattern (gitignore-like) into a matcher of repository paths. */
export function codeownersPattern(pattern: string): (path: string) => boolean {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.replace(/^\//, '');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const globs: string[] = [];
  const prefix = anchored ? '' : '**/';
  globs.push(`${prefix}${p}`, `${prefix}${p}/**`);
  if (p === '*' || p === '**') globs.push('**');
  const m = globMatcher(globs);
  return (path) => m(path);
}

/** True when the last CODEOWNERS entry matching `path` names at least one owner. */
export function codeownersCovers(text: string, path: string): boolean {
  let owned = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    if (!pattern || pattern.startsWith('[') || pattern.startsWith('^[')) continue;
    if (codeownersPattern(pattern)(path)) owned = owners.length > 0;
  }
  return owned;
}
