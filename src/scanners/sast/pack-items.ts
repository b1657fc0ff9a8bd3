/**
 * The built-in rule packs' entries as plain data (the YAML read once). From the sources they are read from the
 * packs; the bundle (scripts/bundle.mjs) replaces this module with the entries, so that a scan of Python, Go or
 * Java files does not parse the packs' YAML at every start.
 */
import { BUILTIN_PACKS } from './packs/index.js';
import { ruleItems, type RuleItem } from './patterns/rules.js';

/** Each built-in pack's name and entries (fresh objects on every call). */
export function builtinPackItems(): { name: string; items: RuleItem[] }[] {
  return BUILTIN_PACKS.map((p) => ({ name: p.name, items: ruleItems(p.yaml, `builtin:${p.name}`) }));
}
