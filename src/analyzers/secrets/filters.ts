/**
 * Built-in filters every secret rule goes through: placeholders, templating, variable references and
 * documentation values are not secrets. Generic (keyword-context) rules also drop values that look like code.
 */

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const PLACEHOLDER_WORDS = [
  'example',
  'placeholder',
  'changeme',
  'change_me',
  'change-me',
  'redacted',
  'your_',
  'your-',
  'yourkey',
  'yoursecret',
  'yourtoken',
  'insert',
  'replace',
  'dummy',
  'sample',
  'notreal',
  'not_real',
  'not-a-real',
  'fake',
  'xxxxxx',
  '******',
  '......',
];

/**
 * A bracketed name (`<your-key>`, `<SUMOLOGIC ACCESS KEY>`), or a value opening or closing with a bracket. A `<`
 * inside a random value (database passwords hold symbols) is not one.
 */
const BRACKETED = /^<|>$|<[\w\s.:-]{1,60}>/;

/**
 * Template and variable syntax: `${X}`, `{{ x }}`, `$(x)`, `%X%`, `#{x}`, `<%= x %>`, `$NAME`. A `%X%` or `$NAME`
 * is a reference where a word starts and ends (`%APPDATA%\NuGet`, `user:$PASS@host`): right after a letter or
 * digit (URL-encoded tokens hold `…a%2Fb%3D`, generated passwords `…3F$IVT9L<`) or right before one
 * (`%oX9%svCu…`), it is part of a random value.
 */
const TEMPLATE = /\$\{[^}]*\}?|\{\{|\}\}|\$\([^)]*\)?|(?<![A-Za-z0-9])%[A-Za-z_][A-Za-z0-9_]{0,40}%(?![A-Za-z0-9])|#\{[^}]*\}?|<%|(?<![A-Za-z0-9])\$[A-Z_][A-Z0-9_]{2,}\b/;

/** A run of the same character, or an ascending sequence, long enough to be typed by hand. */
function isPatterned(s: string): boolean {
  // A run of `A` is zero bits in base64: long tokens that encode binary fields hold them (Twitter bearer tokens,
  // Dropbox long-lived tokens, macaroons), so only shorter values count it as typed by hand.
  if (s.length >= 40 ? /([^A])\1{5,}/.test(s) : /(.)\1{5,}/.test(s)) return true;
  const low = s.toLowerCase();
  if (low.includes('abcdefgh') || low.includes('12345678') || low.includes('0123456789') || low.includes('qwerty')) return true;
  return isAscendingRuns(low);
}

/**
 * The lengths of a (lower-case) value's maximal ascending runs of letters or digits: `abc123d-` -> [3, 3, 1, 1]
 * (any other character is a run of one).
 */
function ascendingRuns(low: string): number[] {
  const runs: number[] = [];
  let run = 1;
  for (let i = 1; i <= low.length; i++) {
    const a = low.charCodeAt(i - 1);
    const b = i < low.length ? low.charCodeAt(i) : -1;
    const sameKind = (a >= 97 && a <= 122 && b >= 97 && b <= 122) || (a >= 48 && a <= 57 && b >= 48 && b <= 57);
    if (sameKind && b === a + 1) {
      run++;
      continue;
    }
    runs.push(run);
    run = 1;
  }
  return runs;
}

/**
 * Whether a (lower-case) value is typed as ascending runs: nothing but runs of letters or digits at least three long
 * (`abc123def456`, `123abc`, `abcd1234xyz`, typed for an example), or three runs of four or more among other
 * characters (`abc123xyz-456def789ghij-klmn…`, `re_1234abcd_…`). A random character continues a run one time in 36
 * to 62, so a random token is almost never either.
 */
function isAscendingRuns(low: string): boolean {
  const runs = ascendingRuns(low);
  return (low.length >= 6 && runs.every((r) => r >= 3)) || runs.filter((r) => r >= 4).length >= 3;
}

/**
 * Values published as examples in vendors' own documentation and SDKs, copied into many repositories: the
 * Firebase Android SDK's sample Google API keys and the NuGet documentation's sample passwords.
 */
const KNOWN_EXAMPLES = new Set([
  'AIzaSyabcdefghijklmnopqrstuvwxyz1234567',
  'AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs',
  'AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM',
  'AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU',
  'AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0',
  'AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A',
  'AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c',
  'AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4',
  'AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY',
  'AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM',
  'AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ',
  'AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g',
  'AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU',
  'AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw',
  'AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE',
  'AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY',
  '33f!!lloppa',
  'hal+9ooo_da!sY',
]);

/** True when a value matched by any rule is a placeholder or a template, not a secret. */
export function isPlaceholder(secret: string): boolean {
  if (KNOWN_EXAMPLES.has(secret)) return true;
  const low = secret.toLowerCase();
  for (const w of PLACEHOLDER_WORDS) if (low.includes(w)) return true;
  if (BRACKETED.test(secret)) return true;
  if (TEMPLATE.test(secret)) return true;
  return isPatterned(secret);
}

const CODE_LIKE = [
  /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+(\(.*\)?)?$/, // a.b.c or a.b(c)
  /^[A-Za-z_$][\w$]*\(.*\)?$/, // call()
  /^[A-Za-z_$][\w$]*\[['"]?[\w.-]*['"]?\]?$/, // x['y']
  /^(true|false|null|none|nil|undefined|yes|no|on|off)$/i,
  /^[-+]?\d+(\.\d+)?$/, // numbers
  /^(\.{0,2}\/|[A-Za-z]:\\|~\/)/, // paths
  /^[a-z][a-z0-9+.-]*:\/\//i, // URLs
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // UUIDs
  /^(sha\d*|md5)[-:]/i, // integrity strings
  /^[a-z]+([A-Z][a-z]+)+$/, // camelCase words
  /^[A-Z][a-z]+([A-Z][a-z]+)+$/, // PascalCase words
  /^[a-z]+(_[a-z]+)+$/, // snake_case words
  /^[A-Z]+(_[A-Z]+)+$/, // SCREAMING_CASE words
  /^[a-z]+(-[a-z]+)+$/, // kebab-case words
  /^[a-z]+$/i, // one word
];

/** True when a value caught by a generic keyword rule is code or prose rather than a credential. */
export function looksLikeCode(secret: string): boolean {
  for (const re of CODE_LIKE) if (re.test(secret)) return true;
  return false;
}
