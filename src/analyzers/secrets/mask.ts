/**
 * A masker for texts that are not files: snippets, evidence and messages other scanners copied from the scanned
 * content. The built-in rules run on the text (compiled once, on first use) and every secret they find is
 * replaced by its redacted form (`ghp_********(40)`).
 */
import { redact } from './analyze.js';
import { detect, type RuleSet } from './engine.js';
import { buildRuleSet } from './ruleset.js';

let rules: RuleSet | undefined;

/** `text` with every secret the built-in rules find in it masked. */
export function maskSecrets(text: string): string {
  if (text.length < 8) return text;
  rules ??= buildRuleSet({ custom: [], disable: [], allowRegexes: [], stopwords: [] });
  const found = detect(text, rules).sort((a, b) => a.start - b.start);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const d of found) {
    if (d.start < at) continue;
    out += text.slice(at, d.start) + redact(d.secret);
    at = d.end;
  }
  return out + text.slice(at);
}
