import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { builtinPackItems } from './pack-items.js';
import { precompile } from './patterns/match.js';
import { parseRuleFile, parseRuleItems, type YamlRule } from './patterns/rules.js';
import { loadGrammars, type TsLang } from './patterns/tree-sitter.js';

/*
 * Rules ready to match: parsed and every pattern compiled (which loads the parsers), so a broken pattern fails at
 * load time. Loaded by a scan only when it has rules to run (see scan.ts).
 */

let builtin: YamlRule[] | undefined;
const compiled = new WeakSet<YamlRule>();
/**
 * The built-in Python/Go/Java rule packs (parsed once; each rule compiled once, when first asked for). With
 * `langs`, only the rules for those languages (and generic ones), whose grammars alone are loaded.
 */
export async function builtinRules(langs?: readonly TsLang[]): Promise<YamlRule[]> {
  builtin ??= builtinPackItems().flatMap((p) => parseRuleItems(p.items, `builtin:${p.name}`));
  const wanted = langs ? builtin.filter((r) => r.languages.some((l) => l === 'generic' || (langs as readonly string[]).includes(l))) : builtin;
  const grammars = new Set<TsLang>();
  for (const r of wanted) for (const l of r.languages) if (l !== 'generic' && l !== 'js') grammars.add(l);
  await loadGrammars(langs ? [...grammars] : undefined);
  for (const r of wanted) {
    if (compiled.has(r)) continue;
    precompile(r);
    compiled.add(r);
  }
  return wanted;
}

/** Loads user rule files named in the config (relative paths are resolved against the target root). */
export async function loadUserRules(paths: string[], root: string | undefined, warn?: (message: string) => void): Promise<YamlRule[]> {
  const out: YamlRule[] = [];
  if (paths.length) await loadGrammars();
  for (const p of paths) {
    const abs = isAbsolute(p) || !root ? p : join(root, p);
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read rule file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, p);
    }
    const rules = parseRuleFile(text, p, warn && ((r) => warn(`${p}${r.line ? `:${r.line}` : ''}: rule ${r.id} skipped: ${r.construct}`)));
    for (const r of rules) precompile(r);
    out.push(...rules);
  }
  return out;
}
