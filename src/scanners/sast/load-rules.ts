import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { InputError } from '../../core/errors.js';
import { builtinPackItems } from './pack-items.js';
import { precompile } from './patterns/match.js';
import { itemLanguages, parseRuleFile, parseRuleItems, UnsupportedConstruct, type RuleItem, type RuleLang, type YamlRule } from './patterns/rules.js';
import { loadGrammars, type TsLang } from './patterns/tree-sitter.js';

/*
 * Rules ready to match: parsed and every pattern compiled (which loads the parsers), so a broken pattern fails at
 * load time. Loaded by a scan only when it has rules to run (see scan.ts).
 */

/** The packs' entries, each parsed when a scan first needs its languages (undefined until then). */
let entries: { item: RuleItem; origin: string; langs: RuleLang[] | undefined; rules?: YamlRule[] }[] | undefined;
const compiled = new WeakSet<YamlRule>();
/**
 * The built-in Python/Go/Java rule packs (each entry parsed once, and only when a scan asks for its languages; each
 * rule compiled once, when first asked for). With `langs`, only the rules for those languages (and generic ones),
 * whose grammars alone are loaded: a scan of one Python file neither parses nor compiles the Go and Java rules.
 */
export async function builtinRules(langs?: readonly TsLang[]): Promise<YamlRule[]> {
  entries ??= builtinPackItems().flatMap((p) => p.items.map((item) => ({ item, origin: `builtin:${p.name}`, langs: itemLanguages(item) })));
  const wants = (l: RuleLang) => l === 'generic' || (langs as readonly string[]).includes(l);
  const wanted: YamlRule[] = [];
  for (const e of entries) {
    // An entry whose languages cannot be read is parsed, so that its error is the parser's.
    if (langs && e.langs && !e.langs.some(wants)) continue;
    // their regexes are compiled when a file first reaches them (the tests compile every one: pack-items.test.ts)
    e.rules ??= parseRuleItems([e.item], e.origin, undefined, { lazyRegexes: true });
    for (const r of e.rules) if (!langs || r.languages.some(wants)) wanted.push(r);
  }
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
  for (const given of paths) {
    const abs = isAbsolute(given) || !root ? given : join(root, given);
    // shown relative to the scanned folder when it lies inside it
    const p = root && isAbsolute(given) && !relative(root, given).startsWith('..') ? relative(root, given) : given;
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read rule file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, p);
    }
    const skip = (id: string, line: number | undefined, construct: string) => warn?.(`${p}${line ? `:${line}` : ''}: rule ${id} skipped: ${construct}`);
    const rules = parseRuleFile(text, p, warn && ((r) => skip(r.id, r.line, r.construct)));
    for (const r of rules) {
      try {
        precompile(r);
      } catch (e) {
        // a pattern this engine cannot parse: the rule is skipped with a warning, the file and the scan go on
        if (!(e instanceof UnsupportedConstruct) || !warn) throw e instanceof UnsupportedConstruct ? new InputError(`rule ${r.id}: ${e.message}`, p, r.line) : e;
        skip(r.id, r.line, e.message);
        continue;
      }
      out.push(r);
    }
  }
  return out;
}
