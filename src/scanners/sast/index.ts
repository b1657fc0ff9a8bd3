import { readFileSync } from 'node:fs';
import type { RuleMeta, Scanner } from '../../core/types.js';
import type { SastConfig } from './config.js';
import { jsRuleMetas, packRuleMetas } from './meta.js';
import { parseRuleFile, ruleMeta, type YamlRule } from './patterns/rules.js';
import { scanSast } from './scan.js';

/*
 * The SAST scanner's entry: what it is and which rules it has. Nothing here loads a parser: the scan (scan.ts)
 * loads the TypeScript compiler or tree-sitter only once it has found files that need them.
 */

export { SAST_FILES } from './scan.js';
export { jsRuleMetas, packRuleMetas };

/** The built-in Python/Go/Java rule packs, parsed and compiled (loads tree-sitter and the pattern compilers). */
export async function builtinRules(): Promise<YamlRule[]> {
  return (await import('./load-rules.js')).builtinRules();
}

/** Loads user rule files named in the config (relative paths are resolved against the target root). */
export async function loadUserRules(paths: string[], root: string | undefined, warn?: (message: string) => void): Promise<YamlRule[]> {
  return (await import('./load-rules.js')).loadUserRules(paths, root, warn);
}

/**
 * Metadata of user rule files for `rules()` (which has no target root: relative paths are read from the working
 * folder; files that cannot be read or parsed here are left out, the scan itself reports them).
 */
export function userRuleMetas(paths: string[]): RuleMeta[] {
  const out: RuleMeta[] = [];
  for (const p of paths) {
    try {
      out.push(...parseRuleFile(readFileSync(p, 'utf8'), p, () => undefined).map(ruleMeta));
    } catch {
      // reported by the scan, with file and line
    }
  }
  return out;
}

/** The SAST scanner: inter-file taint tracking and structural rules for JS/TS, pattern rules for Python/Go/Java. */
export const sastScanner: Scanner<SastConfig> = {
  id: 'sast',
  title: 'Static analysis: inter-file taint tracking for JS/TS, pattern rules for Python, Go, Java',
  requires: ['files'],
  targets: ['directory', 'archive', 'stdin', 'file', 'staged'],
  rules(config) {
    const disabled = new Set(config?.disable ?? []);
    return [...jsRuleMetas(), ...packRuleMetas(), ...userRuleMetas(config?.rules ?? [])].filter((r) => !disabled.has(r.id));
  },
  scan(target, ctx) {
    return scanSast(target, ctx);
  },
};
