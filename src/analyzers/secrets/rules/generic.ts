/**
 * Format-agnostic rules: JSON Web Tokens, HTTP Authorization headers, .netrc and curl credentials, and generic
 * keyword assignments (`password = "..."`, `api_key: ...`, `client_secret`, `access_token`, `.env` lines).
 *
 * Generic rules (`generic: true`) yield to any specific rule that found the same secret, go through the engine's
 * code-noise filter, and carry their own allowlists for what keyword assignments usually hold when they are not
 * secrets: function calls, variable references, templating, hashes and checksums, booleans, numbers, paths, URLs.
 */
import type { SecretRuleSpec } from '../rule.js';
import { KEYED_RULES } from './keyed.js';
import { ctx } from './shared.js';

const r = String.raw;

/** Values that are not credentials, matched against the secret (case-insensitively). */
const NOT_A_SECRET = [
  r`^(?:os\.getenv|os\.environ|env|getenv|process\.env|system\.getenv|environment\.getenvironmentvariable|config|settings|secrets|vars|inputs|params|self|this|args|opts|options|props)\b`,
  r`^\$`, // shell / template variable
  r`^%`, // printf / batch placeholders
  r`^!`, // YAML tags (!vault, !Ref, !Sub)
  r`^\*+$`,
  r`^(?:sha(?:1|224|256|384|512)|md5)[-:]`, // integrity strings
  r`^\$(?:2[abxy]?|argon2(?:id|i|d)?|[156]|pbkdf2[\w-]*|scrypt)\$`, // password hashes
  // Bare MD5 / SHA-1 digests (checksums, commit ids): only with a specific rule. 64 and 128 hex digits under a
  // secret's name are keys as often as digests (client secrets, HMAC keys); hash-named keys are left out below.
  r`^[0-9a-f]{32}$|^[0-9a-f]{40}$`,
  r`^(?:enc|encrypted|vault|aws-kms|arn):`,
  r`(?:\.\.\.|…)$`, // shown cut short (`ops_eyJzaWdu...`): a truncated or redacted display, not the value
  r`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$`, // dotted identifiers
  r`^[^0-9]*$`, // no digit at all: a word or an identifier, rarely a random key
  r`^(?:scram-sha-\d+|sha-?\d+|md5|plain(?:text)?|bcrypt|argon2\w*|pbkdf2[\w-]*|aes-?\d+[\w-]*|rsa[\w-]*|hs\d+|rs\d+|es\d+)$`, // algorithm names
];

/** Assignments whose key names a hash, a public value or an identifier rather than a secret. */
const NOT_A_SECRET_KEY = [
  // A name ending in an id, a URL or a URI (`credentialId`, `dev.credentials.url`), or naming a key vault or a
  // keying step, holds no secret.
  r`(?:id|ids|url|uri)["'\]]?\s{0,4}(?::=|=>|=|:)`,
  r`keying|key[_\-.]?vault`,
  r`(?:sha\d*|md5|checksum|integrity|hash|digest|etag|fingerprint|commit|revision|nonce|salt_rounds|public|publishable|_id\b|_name\b|_url\b|_uri\b|_path\b|_file\b|_dir\b|_len(?:gth)?\b|_type\b|_format\b|_field\b|_header\b|_param\b|_prefix\b|_policy\b|_endpoint\b|_expir|_ttl\b|_timeout\b|_encryption\b|_algorithm\b|_method\b|_mode\b|_cipher\b|_scheme\b|_version\b|_ref\b|_kind\b|_class\b)\w{0,30}["'\]]?\s{0,4}(?::=|=>|=|:)`,
];

/**
 * Identifier-shaped values, case-sensitive: `PascalCase`, `V1LocalObjectReference`, `PKCS7PrivateKeyTypes`,
 * `camelCase2`, `snake_case_2`, `SCREAMING_CASE_2`, `dotted.name-v2`. Every word needs two lower-case letters
 * after its capital, which random keys almost never have throughout.
 */
const IDENTIFIER = [
  r`(?:[A-Z]{1,6}[0-9]{0,2})?(?:[A-Z][a-z]{2,}[0-9]*)+`,
  r`[a-z]{2,}[0-9]*(?:[A-Z][a-z]{2,}[0-9]*)+`,
  r`_{0,2}[a-z]{2,}[0-9]*(?:_[a-z]{2,}[0-9]*)+`,
  r`_{0,2}[A-Z]{2,}[0-9]*(?:_[A-Z]{2,}[0-9]*)+`,
  r`[a-z]{2,}[0-9]*(?:[\-.][a-z]{2,}[0-9]*)+`,
].join('|');

/**
 * The value of a keyword assignment, optionally quoted; the closing quote must match the opening one. The value
 * runs to the closing quote or the first delimiter, so it is an identifier exactly when the whole secret is one:
 * that is checked on the secret ({@link assignment}'s `exactRegexes`), not by a lookahead in the regex, which would
 * have no bound on how far it reads and force the engine to search whole texts.
 */
// An escaped quote may open and close it (`\"value\"` in a JSON string), and it may end at `<` (an XML element)
// or a backslash (`\n` inside a string).
const VALUE = r`\\?(?<q>["'` + '`' + r`]?)(?<secret>[^\s"'` + '`' + r`;,(){}\[\]<>|\\]{MIN,256})\\?\k<q>(?=[\s"'` + '`' + r`;,)}\]<\\]|$)`;

/**
 * Makes the letters of a regex source match either case without the `i` flag (so the rest of the regex can tell
 * `FooBar` from `fOObAR`). Letters inside `[...]` classes and after a backslash are left alone.
 */
function anyCase(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      out += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      out += c;
      inClass = true;
    } else if (/[a-z]/i.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}


/**
 * Names that say the value is not a working credential: test code names its look-alikes `invalidToken`,
 * `nonMatchingToken`, `fakeApiKey`, `mockSecret`, `wrongPassword`. At the start of the name or of a word in it
 * (camelCase or after a separator) and a whole word (`invalidation_token` is not one), with at most 20 identifier
 * characters up to the keyword.
 */
/** A name that says database password: `DB_PASSWORD`, `database_passwd`, `dbPassword`. */
const DB_PASSWORD_NAME = r`db[_\-.]?passw(?:or)?d|database[_\-.]?passw(?:or)?d`;
const NOT_WORKING = r`non[_\-.]?matching|invalid|fake|dummy|mock(?:ed)?|bogus|wrong|malformed|incorrect|expired|revoked`;

/**
 * A word starts here: no letter before it, or a capital after a lower-case letter (`myMerakiToken`). Case-sensitive
 * (written outside {@link anyCase}).
 */
const WORD_START = r`(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))`;
/** A word ends here: no letter after it, or a capital after a lower-case letter (`invalidToken`, not `invalidation`). */
const WORD_END = r`(?:(?![A-Za-z])|(?<=[a-z])(?=[A-Z]))`;

/**
 * Vendor names a keyed rule reads (`meraki`, `twilio`, `algolia`: see keyed.ts), for the look-behind of the generic
 * rules: a value named for a vendor whose rule knows the vendor's format (alphabet, length) is judged by that rule
 * alone. A `meraki_token` of 67 characters is not a Meraki key (40 hex digits), and the generic rule does not
 * second-guess the vendor's rule.
 */
function vendorNames(rules: readonly SecretRuleSpec[]): string[] {
  const names = new Set<string>();
  for (const rule of rules) if (rule.tags?.includes('keyed')) for (const k of rule.keywords) if (/^[a-z]{3,}$/.test(k)) names.add(k);
  return [...names].sort();
}

/**
 * The look-behind a generic rule's keyword carries: not right after a name of a look-alike ({@link NOT_WORKING}),
 * nor right after a vendor's name (`meraki_`, `TwilioApi`).
 */
/**
 * An alternation of lower-case words, in either case, with shared endings written once (`(?:[pP][lL]|[kK][mM])[aA]`
 * for `pla|kma`): a look-behind matches from the right, so each character is tried once for all the words ending
 * alike instead of once a word.
 */
function endingTrie(list: readonly string[]): string {
  interface Node { end: boolean; next: Map<string, Node> }
  const root: Node = { end: false, next: new Map() };
  for (const w of list) {
    let n = root;
    for (let i = w.length - 1; i >= 0; i--) {
      const c = w[i]!;
      let m = n.next.get(c);
      if (!m) n.next.set(c, (m = { end: false, next: new Map() }));
      n = m;
    }
    n.end = true;
  }
  const cls = (c: string) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c.replace(/[.\-]/g, '\\$&'));
  const emit = (n: Node): string => {
    const alts = [...n.next].map(([c, m]) => emit(m) + cls(c));
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
    return n.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

function notAfter(vendors: readonly string[]): string {
  const v = vendors.length ? r`|${WORD_START}(?:${endingTrie(vendors)})[_\-.]?(?:${anyCase('api|auth|access|secret')})?[_\-.]?` : '';
  return r`${WORD_START}(?:${anyCase(NOT_WORKING)})${WORD_END}[\w.\-]{0,20}${v}`;
}

/** What may not come right before a keyword-assignment rule's keyword. */
const NOT_AFTER = notAfter(vendorNames(KEYED_RULES));

/**
 * A keyword alternation (already made case-insensitive) that must not follow {@link NOT_AFTER}. The look-behind is
 * checked at the keyword's end, after the keyword matched: placed before it, it would run at every position the
 * regex tries, and a regex that starts with a look-behind cannot skip ahead to its first literal. It is read only
 * when an identifier character comes before the keyword (both kinds of name end in one): `token = `, `"token"` and
 * `<token>` skip it.
 */
const keyword = (words: string) => r`(?:${words})(?:(?<![\w.\-](?:${words}))|(?<!(?:${NOT_AFTER})(?:${words})))`;

function assignment(
  id: string,
  title: string,
  words: string,
  keywords: string[],
  min: number,
  minEntropy: number,
  examples: { positive: string[]; negative: string[] },
  extraStopwords: string[] = [],
  extraRegexes: string[] = [],
): SecretRuleSpec {
  return {
    id,
    title,
    help: 'A value assigned to a secret-looking name. If it is a real credential, rotate it and load it from the environment or a secret store; if it is test data, add an inline ignore.',
    severity: 'medium',
    keywords,
    // No `i` flag: the keyword is matched in any case by anyCase(), the value check below is case-sensitive.
    regex: ctx(keyword(anyCase(words)), { loose: false }).replace(/\[\\\\"'`\]\{0,3\}$/, '') + VALUE.replace('MIN', String(min)),
    minEntropy,
    generic: true,
    confidence: 'low',
    allowlist: {
      regexes: [...NOT_A_SECRET, ...extraRegexes],
      // An identifier, optionally qualified by a namespace prefix: `xsd:string`, `clm40944:AgencyCodeContentType`.
      exactRegexes: [`^(?:[A-Za-z_][\\w.\\-]{0,30}:)?(?:${IDENTIFIER})$`],
      matchRegexes: NOT_A_SECRET_KEY,
      stopwords: ['password', 'secret', 'token', 'example', 'test123', 'foobar', 'lorem', 'todo', 'tbd', 'none', 'null', ...extraStopwords],
    },
    tags: ['generic'],
    examples,
  };
}

/** Built-in format-agnostic and generic rules. */
export const GENERIC_RULES: SecretRuleSpec[] = [
  {
    id: 'jwt',
    title: 'JSON Web Token',
    help: 'A signed JWT (session, API or service token). It is valid until it expires: revoke the session or rotate the signing key if it is long-lived.',
    severity: 'medium',
    keywords: ['eyj'],
    regex: r`(?<![A-Za-z0-9_\-.])(?<secret>eyJ[A-Za-z0-9_\-]{10,4000}\.eyJ[A-Za-z0-9_\-]{4,8000}\.[A-Za-z0-9_\-]{0,2000})(?![A-Za-z0-9_\-.])`,
    checksum: 'jwt',
    minEntropy: 3.5,
    tags: ['jwt'],
    examples: {
      positive: ['Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0NzMyODQzNTYiLCJuIjoieFY0aVZqIiwiaWF0IjoxNzAzMTk1MjAwfQ.SHDV4Xay5ZGUvYDRGyL5Ub7MXZAIWCdd1H23Zj2t-n8', 'SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MTg0NjE1MTIiLCJuIjoiZEt4d1NCIiwiaWF0IjoxNzA1NTg1OTAwfQ.5hQVbPf4Z1drZAo6sc7EX6dLysYJEyPn7ku68HlGRp8'],
      lookalike: ['eyJhbGciOiJIUzI1NiJ9.eyJub3QganNvbg.WMw_Fjo9dYpAS7tBljLgucYzSh3EBnZrmRpN6iohiws', 'eyJVcIcLOy0OngxVjENwlJ4.eyJOyL45yeMvIZnmX4ACYcv.p9mXgDJwc76moJDD6nAgRxF8CVZiVU9UQBfQ3XMw5w6'],
      negative: ['token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>"'],
    },
  },
  {
    id: 'authorization-bearer-header',
    title: 'Bearer token in an Authorization header',
    help: 'A token sent as `Authorization: Bearer …` (or GitHub-style `token …`). Revoke it at its issuer and read it from the environment at run time.',
    severity: 'medium',
    keywords: ['bearer', 'authorization'],
    regex: r`Authorization["']?\s{0,4}[:=,]\s{0,4}["']?(?:Bearer|token)\s{1,4}(?<secret>[A-Za-z0-9_\-.~+/]{20,2000}={0,2})(?![A-Za-z0-9_\-.~+/=])`,
    flags: 'i',
    minEntropy: 3.5,
    generic: true,
    confidence: 'medium',
    allowlist: { regexes: [r`^[^0-9]*$`] },
    tags: ['generic', 'http'],
    examples: {
      positive: ['curl -H "Authorization: Bearer Jeu7Kc0p8uT6fkddEKECtLCIUJLDhS90JKPYB61E" https://api.acme.io/v1/me', "headers = {'Authorization': 'Bearer Vw_3_NApQARVYZDHN8YE7297fUMZwe1H'}"],
      negative: ['curl -H "Authorization: Bearer $TOKEN" https://api.acme.io', 'Authorization: Bearer <token>', 'headers["Authorization"] = "Bearer " + token'],
    },
  },
  {
    id: 'authorization-basic-header',
    title: 'Basic credentials in an Authorization header',
    severity: 'high',
    keywords: ['basic'],
    // A value that goes on with `.`, `-` or `_` is not base64 (a JWT sent under the wrong scheme, a base64url blob).
    regex: r`Authorization["']?\s{0,4}[:=,]\s{0,4}["']?Basic\s{1,4}(?<secret>[A-Za-z0-9+/]{12,500}={0,2})(?![A-Za-z0-9+/=_\-]|\.[A-Za-z0-9])`,
    flags: 'i',
    minEntropy: 3,
    allowlist: { regexes: [r`^dXNlcjpwYXNzd29yZA`, r`^YWRtaW46YWRtaW4`, r`^dXNlcm5hbWU6cGFzc3dvcmQ`] },
    tags: ['http'],
    examples: {
      positive: ['Authorization: Basic J8teNbeARlHEjQLb4s1BG9r6VWuReCO7', 'curl -H "Authorization: Basic bAPkxkSHHGpyzandefC4Vgx2JNe6=="'],
      negative: ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic ${CREDS}', 'Authorization: Basic <base64>', 'curl -H "Authorization: Basic Zm9vYmFyYmF6cXV4.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"'],
    },
  },
  {
    id: 'netrc-password',
    title: 'Password in a .netrc entry',
    severity: 'high',
    keywords: ['machine'],
    regex: r`(?<![\w:.])machine\s{1,8}[\w.\-:]{1,200}\s{1,8}(?:login\s{1,8}\S{1,200}\s{1,8})?password\s{1,8}(?<secret>[^\s"'\[\]<>{}]{4,200})(?=\s|$)`,
    minEntropy: 2.5,
    allowlist: { regexes: [r`^\$`, r`^(?:password|pass|secret|changeme|x+)$`] },
    tags: ['netrc'],
    examples: {
      positive: ['machine api.heroku.com\n  login me@acme.io\n  password DYu7IWj3DU3j3rMa91KO3rJ9', 'machine github.com login bot password TjdOq8zvkmRXDYpWta2m'],
      negative: ['machine github.com login bot password $GITHUB_TOKEN', 'machine github.com login bot password <token>', '" mipf : a:machine a:id password file', 'Issue an ftp : "machine id password [password]"'],
    },
  },
  {
    id: 'curl-basic-auth',
    title: 'Credentials passed to curl -u',
    severity: 'high',
    keywords: ['curl'],
    // The flag may come on one of the next lines of a continued command (`\` at the line end); the user name may
    // be empty or quoted apart from the password (`"user":"pass"`, `kevin:'pass'`).
    // `-u` also takes its value attached (`-uci:pass`). A password typed on a command line is one whatever its
    // length: entropy 1.9 keeps four or five distinct characters (`hlOj`), the word list the placeholders.
    // The user name may be a variable or a command (`"${USER}":s3cr3t`, `$(whoami):…`): the password is what is
    // judged. Braces around a value are IBM-style quoting (`"{ZqL5kVrX1n8tA2}"`): the value inside is the secret,
    // and a braced word with no digit (`{apikey}`, `{client_secret}`) a placeholder.
    regex: r`curl[\s\S]{0,600}?[ \t\r\n](?:-u(?:=|[ \t]{1,5})?|--user(?:=|[ \t]{1,5}|(?![\s\-])))["']?(?:\$\{[^}\r\n]{1,60}\}|\$\([^)\r\n]{1,100}\)|\$(?![{(])|[^\s:'"$]){0,100}["']?:["']?\{?(?<secret>[^\s'"{}][^\s'"]{2,127}?)\}?["']?(?=\s|$)`,
    minEntropy: 1.9,
    confidence: 'medium',
    allowlist: {
      regexes: [r`^\$`, r`^(?:password|passwd|pass|pwd|secret|token|test|testing|changeme|changeit|x+|y+|\*+|\.+|admin|guest|root|user|username|foo|bar|baz|demo|example|apikey|api_key|key)$`, r`^\[[^\]]*\]$`, r`^<[^>]*>?$`, r`^\{\{`, r`^\$?\{`, r`^%[\w]+%$`],
      matchRegexes: [r`:["']?\{[^0-9{}\s]{1,60}\}["']?$`],
    },
    tags: ['http'],
    examples: {
      positive: ['curl -u admin:s3cr3tP4ss https://nexus.acme.io', 'curl -sf -u deploy:lnRQNDveG3aXPZ6ODfmp https://nexus.acme.io/repository/raw/app.tgz', 'curl --user "ci:6qe62afJXH9ncs9h" https://api.acme.io', "curl -k -X POST https://h:11222/rest \\\n  -u developer:yqDVtkqPECriaLRi", 'curl -s -uci:Qlr9sjW2x https://x.io'],
      negative: ['curl -u "${USER}:${PASS}" https://api.acme.io', 'curl -u "apikey:{client_secret}" https://api.acme.io', 'curl -u "$USER:$PASS" https://api.acme.io', 'curl -u admin:admin http://localhost:8080', 'curl -u user https://api.acme.io', 'curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/', 'curl -u foo:bar https://x.io', 'curl -u api:key https://x.io', 'curl -upload https://x.io', 'curl -u user:%PASSWORD% https://x.io'],
    },
  },
  {
    // An API key given as curl's user name with an empty password (`curl -u sk_live_…:`, as Stripe, Mailgun and
    // others document it): the value before the colon is the credential. Names and words are left alone (generic).
    id: 'curl-user-key',
    title: 'API key passed as the curl -u user name',
    severity: 'high',
    keywords: ['curl'],
    regex: r`curl[\s\S]{0,600}?[ \t\r\n](?:-u(?:=|[ \t]{1,5})?|--user(?:=|[ \t]{1,5}))(?<q>["']?)(?<secret>[^\s:'"$]{8,128}):\k<q>(?=\s|$)`,
    minEntropy: 3,
    confidence: 'medium',
    generic: true,
    allowlist: { regexes: [r`^\$`, r`^\[[^\]]*\]$`, r`^<[^>]*>?$`, r`^\{\{`, r`^\$?\{`, r`^%[\w]+%$`, r`@`] },
    tags: ['http'],
    examples: {
      positive: ['curl -u "d2LkV78zLx!t:" https://localhost:9200', 'curl https://api.acme.io/v1/charges -u Zq8mK2vX9pL4wR7t:'],
      negative: ['curl -u jenkins_user: https://ci.acme.io', 'curl -u "$API_KEY:" https://api.acme.io', 'curl -u "myusername" http://localhost:15130/', 'curl -u ":" https://localhost:9200', 'curl -u dev@acme.io: https://x.io'],
    },
  },
  assignment('generic-password', 'Hard-coded password', r`password|passwd|passphrase|(?<![A-Za-z])pwd`, ['password', 'passwd', 'passphrase', 'pwd'], 6, 2.5, {
    positive: ['ADMIN_PASSWORD=DKEcL7S8jJ7', "smtp.password: 'rrHScVkNe1LU'", "conn = connect(user='app', password='KU9AkUWBx4x')"],
    negative: [
      'password = os.getenv("DB_PASSWORD")',
      'password: {{ .Values.db.password }}',
      'password = "${DB_PASSWORD}"',
      'password: !vault |',
      'password_hash = "$2b$12$ioKtKKjkG2kXLCXmnqFs9u1PaMIduP2qIm7gxsumE8Sk4veyzUHox"',
      'password = request.form.password',
      '"password": "Enter your password"',
      'password_min_length = 12',
      '#password_encryption = scram-sha-256',
    ],
  }),
  assignment('generic-api-key', 'Hard-coded API key', r`api[_\-.]?key|apikey|api[_\-.]?secret|app[_\-.]?key`, ['api_key', 'apikey', 'api-key', 'api.key', 'api_secret', 'apisecret', 'app_key', 'appkey'], 16, 3.5, {
    positive: ['ACME_API_KEY=YqZ6dXhj2chq5dCvaINMWMQndTPYlfNx', 'config = { apiKey: "HDhMiyPRmYiqJVetQc6LkdLFASbyKadVZLmjZ3ES" }', 'x-api-key: pAlCivnHm5n5pBaba5pLz92a'],
    negative: ['api_key = os.environ["API_KEY"]', 'api_key: ${{ secrets.API_KEY }}', 'API_KEY_HEADER=X-Api-Key', 'api_key_sha256 = "50327d0994593aeaba18a2d437a7e5936cf57c0b87a7826c286db4b28575063b"', 'api_key = get_api_key(user)'],
  }),
  assignment('generic-secret', 'Hard-coded secret', r`(?<!vault[\w.\-]{0,12})secret|signing[_\-.]?key|encryption[_\-.]?key|private[_\-.]?key|master[_\-.]?key`, ['secret', 'signing_key', 'signingkey', 'signing-key', 'signing.key', 'encryption_key', 'encryptionkey', 'encryption-key', 'encryption.key', 'private_key', 'privatekey', 'private-key', 'private.key', 'master_key', 'masterkey', 'master-key', 'master.key'], 12, 3.3, {
    positive: ['"client_secret" : "6da89121079f83b2eb6acccf8219ea982c3d79bccc3e9c6a85856480661f8fde",', 'JWT_SECRET=Shj1bnEaBmMJuitbwJ9cci11WUAdn4zU', "app.config['SECRET_KEY'] = '557nfdjoD2m2mRiVcwlC0toS_wkoBy2FHVSWY37X'", 'client_secret: "VLEV54refiC6bRYEJToYahca"'],
    negative: ['client_secret = None', 'secret_key = settings.SECRET_KEY', "secret: ${{ secrets.DEPLOY_KEY }}", 'secret_name = my-app-secret-v2', 'secretsmanager:GetSecretValue'],
  }),
  assignment('generic-token', 'Hard-coded token', r`(?<!(?:public|publishable|csrf|xsrf|authenticity|jsonweb|next[_\-.]?page|page|continuation|cancellation|sync|device)[_\-.]?)token`, ['token'], 12, 3.5, {
    positive: ['SLACKBOT_TOKEN=oiwwuVtOW5NwgJDI1iCx0FSA6xJrTw69lm13vKca', '"access_token": "jdQ8r63nUJKk5u91qkcrXmBo0Xd2A_cMLowBpendwWn"', 'auth_token = "0YGnkxreZFzB9Onnh8SFbxKMl6OPCRwy"', 'genericToken="Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"'],
    negative: ['telegram_api_token = "7235:A5zc99ew7sbif146kll09cwbuoe_z4u6bqc"', '<input type="hidden" name="authenticity_token" value="7SWa-Fo1_hsC6oovfBsJFLGPUl2EhkSWPbJhWANwgaJWBDl1vxd9VNqXTNAefsJqzIRYaZEfYZLffa31rw8zJA" />', 'export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6...', 'access_token = get_access_token(user)', 'token_url = https://oauth2.googleapis.com/token', 'token: ${{ github.token }}', 'AUTH_TOKEN_TTL=3600', 'tokenizer = AutoTokenizer.from_pretrained(name)', 'publicToken = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"', 'csrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7+V4eUrLfpuyOuxmiW9rhROG/Whikle15syazJOkrjJa3U2AbhIvUw=='],
  }, [], [
    // A numeric id, a colon and a key is a vendor's pair (a Telegram bot token `<bot id>:<key>`): its own rule
    // judges it, with the lengths the vendor issues.
    r`^\d{1,20}:`,
  ]),
  assignment('generic-credential', 'Hard-coded credential', r`cred(?:ential)?s?|(?<![A-Za-z])auth(?!or|ent|ori|[_\-.]?token)`, ['cred', 'auth'], 12, 3.5, {
    positive: ['"user_auth": "am9obmRvZTpkMDY5NGIxYi1jMTcxLTQ4ODYt+TMyYS0wMmUwOWQ1/mIwNjc="', 'creds = Xq3mZ8vN1pL4kR7tY2wB5cF9hJ0dG6', '"credentials" : "am9obmRvZTpkMDY5NGIxYi1jMTcxLTQ4ODYt+TMyYS0wMmUwOWQ1/mIwNjc="'],
    negative: ['author = "james.fake@ymail.com",', 'Authentication-Results: 5h.ca.iphmx.com', "credentialsId: 'ff083f76-7804-4ef1-80e4-fe975bb9141b'", '  "credentialId": "B9mTcFSck2LzJO2S3ols63",', 'dev.credentials.url=dev-lb1.api.f4ke.com:5215', 'credentials = load_credentials(path)'],
  }),
  {
    id: 'secret-in-dotenv-file',
    title: 'Credential in a .env file',
    severity: 'medium',
    keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'cred', 'auth'],
    regex: r`^[ \t]{0,8}(?:export[ \t]{1,4})?[A-Z][A-Z0-9_]{0,60}(?:PASS|PWD|SECRET|TOKEN|KEY|CREDENTIALS?|AUTH)[A-Z0-9_]{0,30}[ \t]{0,2}=[ \t]{0,2}(?<q>["']?)(?<secret>[^\s"'#` + '`' + r`]{8,256})\k<q>[ \t]{0,8}(?:#[^\n]{0,200})?$`,
    flags: 'm',
    minEntropy: 3,
    generic: true,
    confidence: 'low',
    paths: ['**/.env', '**/.env.*', '**/*.env', '**/.envrc'],
    allowlist: { regexes: NOT_A_SECRET, stopwords: ['example', 'changeme'] },
    tags: ['generic', 'dotenv'],
    examples: {
      positive: ['MAIL_AUTH=16A1lWcV9q\n', 'export SMTP_PASS="bu_9TjiSJx4tIYenFlQYqGgthGUY"'],
      negative: ['PUBLIC_KEY_PATH=./keys/public.pem', 'SECRET_KEY_BASE=${SECRET_KEY_BASE}', 'AUTH_ENABLED=true'],
    },
  },
  {
    id: 'django-secret-key',
    title: 'Django SECRET_KEY',
    help: 'Django signs sessions, password-reset links and CSRF tokens with SECRET_KEY. Generate a new one, load it from the environment, and expect existing sessions to be invalidated.',
    severity: 'high',
    keywords: ['secret_key'],
    regex: r`(?<![A-Za-z0-9_])SECRET_KEY\s{0,4}=\s{0,4}(?<q>['"])(?!django-insecure-)(?<secret>[^'"\s]{40,100})\k<q>`,
    minEntropy: 4,
    confidence: 'medium',
    tags: ['django'],
    examples: {
      positive: ['SECRET_KEY = "NNljTVAU6AkTlqKhmFWf50una6QNrTFXA-TQPy5_QGZ1GO1M_t"'],
      negative: ['SECRET_KEY = os.environ["SECRET_KEY"]', "SECRET_KEY = 'dev'", "SECRET_KEY = get_random_secret_key()"],
    },
  },
  {
    // `startproject` writes SECRET_KEY with this prefix: a key still in use wherever the settings file is deployed.
    id: 'django-insecure-secret-key',
    title: 'Django SECRET_KEY (django-insecure- key)',
    help: 'Django signs sessions, password-reset links and CSRF tokens with SECRET_KEY. Generate a new one, load it from the environment, and expect existing sessions to be invalidated.',
    severity: 'high',
    keywords: ['django-insecure-'],
    regex: r`(?<q>["'])(?<secret>django-insecure-[A-Za-z0-9!@#$%^&*()_=+\-]{8,250})\k<q>`,
    minEntropy: 3,
    tags: ['django'],
    examples: {
      positive: ["SECRET_KEY = 'django-insecure-8MgFjpQWLxQbgHaRc6B1$k!lovyg05PzETFy67CupYQ(x)qexFmxiC'", 'SECRET_KEY = "django-insecure-k3!x9%_&*^)q7wz"', "'SECRET_KEY': 'django-insecure-g&l**@ii*eje!xgb=2lr0m(9km8!2z',"],
      negative: ['SECRET_KEY = "django-insecure-<your-key>"', 'prefix = "django-insecure-"', '# keys start with django-insecure-g&l**@ii*eje!xgb=2lr0m(9km8!2z'],
    },
  },
  {
    id: 'xml-config-secret',
    title: 'Secret in an XML / .config appSettings entry',
    severity: 'medium',
    keywords: ['value='],
    regex: r`<add\s{1,4}key\s{0,2}=\s{0,2}"[\w.:\-]{0,40}(?:password|passwd|pwd|secret|apikey|api[_\-.]key|token|accesskey|access[_\-.]key)[\w.:\-]{0,40}"\s{1,4}value\s{0,2}=\s{0,2}"(?<secret>[^"\s<>{}$%]{8,256})"`,
    flags: 'i',
    minEntropy: 3,
    // Not generic: the `<add key="…Password" value="…">` shape is more specific than the keyword rules it overlaps.
    confidence: 'medium',
    allowlist: { regexes: NOT_A_SECRET },
    tags: ['generic', 'dotnet'],
    examples: {
      positive: ['<add key="PaymentApiKey" value="tlpPFUx5c4vXtFHRErvJeweM" />', '<add key="Smtp:Password" value="ahnwqOOSn6tvJR"/>'],
      negative: ['<add key="ApiKeyHeader" value="X-Api-Key" />', '<add key="Password" value="#{Password}#" />', '<add key="Timeout" value="er3DOMFpfAeftD6AMtZMGcPT" />'],
    },
  },
  {
    id: 'terraform-variable-default-secret',
    title: 'Secret as a Terraform variable default',
    severity: 'medium',
    keywords: ['variable'],
    regex: r`variable\s{1,4}"[\w\-]{0,60}(?:password|passwd|secret|token|api_key|apikey|private_key|access_key)[\w\-]{0,60}"\s{0,4}\{[^}]{0,400}?default\s{0,4}=\s{0,4}"(?<secret>[^"\s$]{6,256})"`,
    flags: 'i',
    minEntropy: 2.8,
    generic: true,
    confidence: 'medium',
    allowlist: { regexes: NOT_A_SECRET },
    tags: ['generic', 'terraform'],
    examples: {
      positive: ['variable "db_password" {\n  type    = string\n  default = "c1nzC5uDbXZZbB"\n}', 'variable "api_token" { default = "LuEvADmP4vq8m9EHpZ7ZtLzHbHoth5B7" }'],
      negative: ['variable "db_password" {\n  type      = string\n  sensitive = true\n}', 'variable "db_password_length" { default = "32" }', 'variable "token_ttl" { default = "3600s" }'],
    },
  },
  {
    id: 'mysql-cli-password',
    title: 'Password on a mysql command line',
    severity: 'high',
    keywords: ['mysql', 'mariadb'],
    regex: r`(?<![\w\-])(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\s[^\n|;&]{0,200}?\s(?:-p|--password=)(?<q>['"]?)(?<secret>[^\s'"$]{4,128})\k<q>(?=\s|$)`,
    minEntropy: 2.5,
    allowlist: { regexes: [r`^(?:password|pass|root|secret|changeme|x+)$`] },
    tags: ['mysql'],
    examples: {
      positive: ['mysql -h db -u root -pqyjdEi6RBgYwmi app < dump.sql', 'mysqldump --user=app --password=jXBSUEaati4W app > app.sql'],
      negative: ['mysql -h db -u root -p app', 'mysql -u root -p"$MYSQL_ROOT_PASSWORD" app', 'mysql -u root --password=$PASS'],
    },
  },
  {
    id: 'docker-login-password',
    title: 'Password on a docker / helm registry login command',
    severity: 'high',
    keywords: ['login'],
    regex: r`(?<![\w\-])(?:docker|podman|buildah|skopeo|helm\s{1,4}registry|oras|nerdctl)\s{1,4}login\s[^\n|;&]{0,200}?(?:-p|--password)(?:\s{1,4}|=)(?<q>['"]?)(?<secret>[^\s'"$]{4,256})\k<q>(?=\s|$)`,
    minEntropy: 2.5,
    allowlist: { regexes: [r`^(?:password|pass|secret|changeme|x+)$`] },
    tags: ['docker'],
    examples: {
      positive: ['docker login -u ci -p g240pEZE5MADfE7dOhNb registry.acme.io', 'helm registry login ghcr.io --username bot --password=wYZNPcdEvUNlG5eWXWUek5Ml'],
      negative: ['docker login -u ci -p "$REGISTRY_PASSWORD" registry.acme.io', 'echo "$PW" | docker login -u ci --password-stdin', 'docker login -u ci -p ${{ secrets.PW }}'],
    },
  },
  {
    id: 'sshpass-password',
    title: 'Password given to sshpass -p',
    severity: 'high',
    keywords: ['sshpass'],
    regex: r`sshpass\s{1,4}-p\s{0,4}(?<q>['"]?)(?<secret>[^\s'"$]{4,128})\k<q>(?=\s|$)`,
    minEntropy: 2.5,
    tags: ['ssh'],
    examples: {
      positive: ["sshpass -p 'rscILKFUD5WQ' ssh deploy@10.0.0.5", 'sshpass -pUW0CEvjHQrTd scp a b:'],
      negative: ['sshpass -p "$SSH_PASS" ssh deploy@host', 'sshpass -f ~/.pw ssh deploy@host'],
    },
  },
  {
    id: 'ansible-inventory-password',
    title: 'Password in an Ansible inventory or vars file',
    severity: 'high',
    keywords: ['ansible_'],
    regex: r`ansible_(?:ssh_|become_|sudo_|winrm_)?pass(?:word)?\s{0,4}[=:]\s{0,4}(?<q>["']?)(?<secret>[^\s"'{}$]{4,128})\k<q>(?=\s|$)`,
    minEntropy: 2.5,
    confidence: 'medium',
    allowlist: { regexes: [r`^(?:password|pass|secret|changeme|vagrant|x+)$`, r`^!vault`] },
    tags: ['ansible'],
    examples: {
      positive: ['web1 ansible_host=10.0.0.5 ansible_user=deploy ansible_ssh_pass=080ZxwcYq3lTru', 'ansible_become_pass: "drrm9Hga2iO2"'],
      negative: ['ansible_become_pass: "{{ vault_become_pass }}"', 'ansible_ssh_pass=vagrant', 'ansible_password: !vault |'],
    },
  },
  {
    id: 'consul-acl-token',
    title: 'HashiCorp Consul / Nomad ACL token',
    severity: 'high',
    keywords: ['consul', 'nomad'],
    regex: ctx(r`(?:consul|nomad)[\w.\-]{0,20}?(?:token|secret)`) + r`(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])`,
    flags: 'i',
    minEntropy: 3,
    confidence: 'medium',
    tags: ['hashicorp'],
    examples: {
      positive: ['CONSUL_HTTP_TOKEN=116f5c70-8b71-0984-57b8-c3694b1da0be', 'NOMAD_TOKEN="8568dbaa-072b-0de6-9247-ecbd90187faf"'],
      negative: ['CONSUL_HTTP_TOKEN=${CONSUL_TOKEN}', 'CONSUL_HTTP_ADDR=127.0.0.1:8500', 'NOMAD_NAMESPACE=db001759-3829-05d1-ae30-0d4c1a6df122'],
    },
  },
  {
    id: 'terraform-password-literal',
    title: 'Password written as a literal in Terraform / HCL',
    help: 'A password attribute of a Terraform or HCL file holds a literal value, so it is in the repository and in every plan. Read it from a variable marked sensitive, a secret store or the environment, and change it.',
    severity: 'high',
    keywords: ['password'],
    // Any assignment form (`=`, `:` in a .tf.json, a value quoted twice): a Terraform file holds only configuration.
    regex: r`password[\w.\-]{0,30}?["'\]]{0,2}[ \t]{0,16}(?::{0,3}=|:)[ \t]{0,4}["'` + '`' + r`]{0,3}(?<secret>[A-Za-z0-9=_\-]{8,20})"`,
    flags: 'i',
    minEntropy: 2,
    confidence: 'medium',
    paths: ['**/*.tf', '**/*.hcl', '**/*.tfvars'],
    allowlist: { regexes: [r`^(?:password|changeme|secret|x+)$`] },
    tags: ['terraform'],
    examples: {
      positive: ['"administrator_login_password": "Hx7_k2Qm9zLp"', '  administrator_login_password = "Hx7_k2Qm9zLp"', 'password="q1w2e3r4t5y6"', 'password       = "rootpasswd"'],
      negative: ['  administrator_login_password = var.db_password', 'password = "${var.pw}"', 'password = "short"', 'password = random_password.db.result'],
    },
  },
  {
    // A database password, named as one (`DB_PASSWORD`, `database_passwd`, `pwd`): such passwords hold symbols the
    // generic value stops at (`;`, `,`, `<`, `}`), so the value runs to the quote or the end of the line.
    id: 'database-password',
    title: 'Hard-coded database password',
    help: 'A database password written in the repository. Change it on the database, then read it from the environment or a secret store.',
    severity: 'high',
    keywords: ['db_pass', 'dbpass', 'db-pass', 'db.pass', 'database_pass', 'databasepass', 'database-pass', 'database.pass', 'pwd'],
    // Every plain assignment form; after a name that says database password also a comma followed by a quoted
    // value (`getenv("DB_PASSWORD", "…")`) or by a value with no space (CSV), never `, name` (a call's
    // arguments in code). The value ends at a quote, a space, a backslash, the end of the line, an XML end tag, or
    // a comma (CSV; a comma inside the value is kept).
    regex:
      r`(?:` + ctx(DB_PASSWORD_NAME + r`|(?<![A-Za-z])pwd(?![A-Za-z])`, { loose: false }) +
      r`|(?:` + DB_PASSWORD_NAME + r`)[\w.\-]{0,30}?[\\"'\]]{0,3}[ \t]{0,2},(?:[ \t]{0,2}[\\"'` + '`' + r`]{1,3}|(?=[^\s,])))` +
      r`(?<secret>(?=[^\s"'` + '`' + r`]{0,99}[0-9!@#$%^&*?;:,<=}~+])[A-Za-z0-9:;<@=},!$?^#%&*+~_\-]{6,100})(?<!,)(?=["'` + '`' + r`\s\\,]|</|$)`,
    flags: 'i',
    // 2.2: six characters with one repeated (`UJwuJ7`) are a password too.
    minEntropy: 2.2,
    generic: true,
    confidence: 'medium',
    allowlist: { regexes: [r`^[$%!]`, r`^(?:true|false|null|none|nil|undefined)$`] },
    tags: ['database'],
    examples: {
      positive: ['DB_PASSWORD="Zlu5!9k;Qw<2}xR"', 'database_passwd: aB3$kq9;Lm,2', '"db_password": "q8W!e4R;t6Y,u2"', '<db_password>ripKX=,q2</db_password>', 'DB_PASSWORD,aD@I4OVz;Lq,', 'os.getenv("DB_PASSWORD", "UJwuJ7k2")'],
      negative: ['DB_PASSWORD="${DB_PASSWORD}"', 'pwd = os.getcwd()', 'cd $(pwd)', 'db_password: string', 'DB_PASSWORD=%DB_PASS%', 'DB_PASSWORD=[value]', 'somepwd=XXXXXXXXXXXXXXX', 'hash(pwd, salt1)', 'DB_PASSWORD=aaaaaa1'],
    },
  },
  {
    // Any credential in an HTTP header given on a command line (curl -H, wget --header, httpie-style scripts):
    // `Authorization:` with or without a scheme, or an API key/token header. Specific formats found in the same
    // value (a JWT, an OpenAI key) win over it.
    id: 'cli-auth-header',
    title: 'Credential in an HTTP header on a command line',
    severity: 'high',
    keywords: ['authorization:', 'key:', 'token:'],
    regex: r`(?:-H|--header)(?:=|[ \t]{0,5})(?<q>["'])(?:Authorization:[ \t]{0,5}(?:(?:Basic|Bearer|(?:Api-)?Token)[ \t])?|(?:X-(?:[A-Za-z]{1,20}-)?)?(?:Api-?)?(?:Key|Token):[ \t]{0,5})(?<secret>[\w=~@.+/\-]{8,512})\k<q>`,
    flags: 'i',
    minEntropy: 2.75,
    confidence: 'medium',
    generic: true,
    tags: ['generic', 'http'],
    examples: {
      positive: ["curl --header  'Authorization:  9cs8MyDIgr3qQ9R89DrgnYN5'", 'curl -H "Token: 3fea6af1349166ea" -d "content=x"', 'curl -L -H "Authorization: sha256~bRLFnzd5@=-.a+/hgdS"'],
      negative: ['curl -H "Authorization: Bearer $API_KEY"', 'curl -H "Authorization: Token **********"', 'curl -H "Authorization: Bearer <Openverse API token>"'],
    },
  },
  {
    id: 'pypirc-password',
    title: 'Password or token in a .pypirc file',
    help: 'A package index password (or API token) in .pypirc lets anyone publish as you. Revoke it on the index and use keyring or a trusted publisher instead.',
    severity: 'high',
    keywords: ['password'],
    // Under a `[section]` header, as .pypirc writes it (a lone `password = x` line is left to the generic rules).
    regex: r`\[[\w.\-]{1,60}\][ \t]{0,8}\r?\n(?:[ \t]{0,8}[\w.\-]{1,40}[ \t]{0,8}[:=][^\n]{0,200}\n){0,10}?[ \t]{0,8}password[ \t]{0,8}[:=][ \t]{0,8}(?<secret>[^\s#;]{4,256})`,
    flags: 'i',
    minEntropy: 2,
    confidence: 'medium',
    paths: ['**/.pypirc'],
    allowlist: { regexes: [r`^(?:password|changeme|secret|x+|\*+|<[^>]*>|\$\{?\w+\}?|%\(\w+\)s)$`] },
    tags: ['pypi'],
    examples: {
      positive: ['[testpypi]\nusername = alice\npassword = Zq8vN1pL4kR7tY2w'],
      negative: ['[pypi]\nusername = alice\npassword = <your-password>', '[pypi]\npassword: ${PYPI_PASSWORD}'],
    },
  },
  {
    // Terraform state holds every attribute in clear, sensitive or not: what a provider returned (database
    // passwords, access keys, private keys, connection strings) is in the file.
    id: 'terraform-state-secret',
    title: 'Secret attribute in a Terraform state file',
    help: 'A Terraform state file holds resource attributes in clear, including passwords and keys. Keep state in an encrypted remote backend, remove the file from the repository and rotate the values it held.',
    severity: 'high',
    keywords: ['password', 'secret', 'token', 'private_key', 'access_key', 'connection_string', 'sas'],
    // Inside a resource's `"attributes": { … }` object, as state files write them.
    regex: r`"attributes"[ \t]{0,8}:[ \t]{0,8}\{[^{}]{0,4000}?"(?:[a-z_]{0,30}password|[a-z_]{0,30}secret(?:_key|_string|_value)?|[a-z_]{0,20}token|private_key(?:_pem|_openssh)?|(?:primary|secondary)?_?access_key|secret_access_key|[a-z_]{0,20}connection_string|sas(?:_token|_url))"[ \t]*:[ \t]*"(?<secret>[^"\\\r\n]{8,8192})"`,
    flags: 'i',
    minEntropy: 2.5,
    confidence: 'medium',
    paths: ['**/*.tfstate', '**/*.tfstate.backup'],
    allowlist: { regexes: [r`^(?:\*+|x+|null|true|false|sensitive)$`, r`^arn:`, r`^\$\{`, r`^[A-Za-z]+$`] },
    tags: ['terraform'],
    examples: {
      positive: ['{"attributes": {"master_password": "Zq8vN1pL4kR7tY2w", "username": "admin"}}', '{"attributes": {"primary_access_key": "q9Zz8PdXr2Lm4Kt7Wv1Ys3Nb6Jh0Fg5Ea8Cc2Bd4Ae6Rf=="}}'],
      negative: ['{"attributes": {"password": null, "password_length": 32}}', '{"attributes": {"secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"}}'],
    },
  },
];
