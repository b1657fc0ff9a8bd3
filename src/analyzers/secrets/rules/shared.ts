/**
 * Regex fragments shared by the built-in secret rules (strings, combined into `SecretRuleSpec.regex`).
 */

/**
 * From a context word (a regex alternation, matched case-insensitively with flag `i`) to the start of its value:
 * the rest of the identifier (`_API_KEY`, `.token`), an optional closing quote and/or bracket, an assignment operator
 * (`=`, `:`, `:=`, `=>`), and an optional opening quote. Every quantifier is bounded.
 */
export function ctx(words: string): string {
  return `(?:${words})[\\w.\\-]{0,30}?["'\\]]{0,2}\\s{0,4}(?::=|=>|=|:)\\s{0,4}["'\`]?`;
}

/** No identifier character or `-` right before (start of a token; `-` keeps base64url blobs out). */
export const L = '(?<![A-Za-z0-9_\\-])';
/** No base64 / base64url character right before: keeps prefixes like `EAA` or `AAAA` from matching inside blobs. */
export const L64 = '(?<![A-Za-z0-9+/_\\-])';
/** No token character (`[A-Za-z0-9_-]`) right after. */
export const R = '(?![A-Za-z0-9_\\-])';
/** No base64 character right after. */
export const R64 = '(?![A-Za-z0-9+/=])';
/** A UUID (lower or upper hex). */
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
