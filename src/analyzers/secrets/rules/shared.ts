/**
 * Regex fragments shared by the built-in secret rules (strings, combined into `SecretRuleSpec.regex`).
 */

/**
 * From a context word (a regex alternation, matched case-insensitively with flag `i`) to the start of its value,
 * in the ways code assigns a value:
 * - the rest of the identifier in any style (`_API_KEY`, `.token`, `Token`, `-token`), optionally followed by one
 *   type word (`var etsyToken string = `);
 * - closing quotes, brackets or escaped quotes (`"key": `, `[:key] =>`, `\"key\": `);
 * - an operator: `=`, `:=`, `::=`, `:::=`, `?=`, `.=`, `+=`, `|=`, `=>`, `:` (YAML, JSON, TOML), `>` (an XML
 *   element), `,` (a call's arguments: `set("KEY", "value")`), `||`, or the `=` of an XML attribute `value=`;
 * - spaces, one line break with its indentation (`<key>` then the value on the next line, or a YAML block scalar
 *   `key: |` / `key: >-` with the value on the next line), and opening quotes.
 * Every quantifier is bounded.
 */
/** `>` closing an XML start tag whose element holds one value and closes (`<apiKey>value</apiKey>`). */
// `>` first: the look-behind only runs where there is one (before it, it would scan back at every try).
const XML_ELEMENT = '>(?<=<[\\w.:\\-]{1,60}>)(?=\\s{0,20}[^<>\\s]{1,500}\\s{0,20}</)';

export function ctx(words: string, o: { loose?: boolean } = {}): string {
  // The identifier, quotes, one optional word (a type, or `value` of an XML attribute) and spaces come first, and
  // none of their characters can start the operator: the engine's stop check skips a keyword hit at the first
  // character after that stretch that is not an operator's, without running the regex (`.=` has its `.` taken
  // by the stretch). With `loose: false` (generic words such as `password`), a call's `,` and a value on the next
  // line are not read: `hash('password', 'salt')` and argument lists are code, not assignments; the next line is
  // read only after a YAML block indicator or an XML element's `>` (whose look-ahead already holds one value).
  const loose = o.loose ?? true;
  return (
    `(?:${words})[\\w.\\-]{0,30}?[\\\\"'\\]]{0,3}(?:[ \\t]{1,2}[A-Za-z][\\w.]{0,15})?[\\\\"'\\]]{0,3}[ \\t.]{0,4}` +
    `(?:[:?+|]{0,3}=>?|:|${XML_ELEMENT}${loose ? '|,' : ''}|\\|\\|)[ \\t]{0,4}${loose ? '(?:[|>][\\-+]?[ \\t]{0,4}(?=\\r?\\n))?(?:\\r?\\n[ \\t]{0,16})?' : '(?:[|>][\\-+]?[ \\t]{0,4}\\r?\\n[ \\t]{1,16}|(?<=[\\w.:\\-]>[ \\t]{0,4})\\r?\\n[ \\t]{0,16})?'}[\\\\"'\`]{0,3}`
  );
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
