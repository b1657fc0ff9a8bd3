/**
 * Format-agnostic rules: JSON Web Tokens, HTTP Authorization headers, .netrc and curl credentials, and generic
 * keyword assignments (`password = "..."`, `api_key: ...`, `client_secret`, `access_token`, `.env` lines).
 *
 * Generic rules (`generic: true`) yield to any specific rule that found the same secret, go through the engine's
 * code-noise filter, and carry their own allowlists for what keyword assignments usually hold when they are not
 * secrets: function calls, variable references, templating, hashes and checksums, booleans, numbers, paths, URLs.
 */
import type { SecretRuleSpec } from '../rule.js';
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
  r`^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$|^[0-9a-f]{128}$`, // bare digests: only with a specific rule
  r`^(?:enc|encrypted|vault|aws-kms|arn):`,
  r`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$`, // dotted identifiers
  r`^[^0-9]*$`, // no digit at all: a word or an identifier, rarely a random key
];

/** Assignments whose key names a hash, a public value or an identifier rather than a secret. */
const NOT_A_SECRET_KEY = [
  r`(?:sha\d*|md5|checksum|integrity|hash|digest|etag|fingerprint|commit|revision|nonce|salt_rounds|public|publishable|_id\b|_name\b|_url\b|_uri\b|_path\b|_file\b|_dir\b|_len(?:gth)?\b|_type\b|_format\b|_field\b|_header\b|_param\b|_prefix\b|_policy\b|_endpoint\b|_expir|_ttl\b|_timeout\b)\w{0,30}["'\]]?\s{0,4}(?::=|=>|=|:)`,
];

/** The value of a keyword assignment, optionally quoted; the closing quote must match the opening one. */
const VALUE = r`(?<q>["'` + '`' + r`]?)(?<secret>[^\s"'` + '`' + r`;,(){}\[\]<>|\\]{MIN,256})\k<q>(?=[\s"'` + '`' + r`;,)}\]]|$)`;

function assignment(
  id: string,
  title: string,
  words: string,
  keywords: string[],
  min: number,
  minEntropy: number,
  examples: { positive: string[]; negative: string[] },
  extraStopwords: string[] = [],
): SecretRuleSpec {
  return {
    id,
    title,
    help: 'A value assigned to a secret-looking name. If it is a real credential, rotate it and load it from the environment or a secret store; if it is test data, add an inline ignore.',
    severity: 'medium',
    keywords,
    regex: ctx(words).replace(/\["'`\]\?$/, '') + VALUE.replace('MIN', String(min)),
    flags: 'i',
    minEntropy,
    generic: true,
    confidence: 'low',
    allowlist: {
      regexes: NOT_A_SECRET,
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
      negative: ['eyJhbGciOiJIUzI1NiJ9.eyJub3QganNvbg.WMw_Fjo9dYpAS7tBljLgucYzSh3EBnZrmRpN6iohiws', 'eyJVcIcLOy0OngxVjENwlJ4.eyJOyL45yeMvIZnmX4ACYcv.p9mXgDJwc76moJDD6nAgRxF8CVZiVU9UQBfQ3XMw5w6', 'token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>"'],
    },
  },
  {
    id: 'authorization-bearer-header',
    title: 'Bearer token in an Authorization header',
    severity: 'medium',
    keywords: ['bearer'],
    regex: r`Authorization["']?\s{0,4}[:=,]\s{0,4}["']?Bearer\s{1,4}(?<secret>[A-Za-z0-9_\-.~+/]{20,2000}={0,2})(?![A-Za-z0-9_\-.~+/=])`,
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
    regex: r`Authorization["']?\s{0,4}[:=,]\s{0,4}["']?Basic\s{1,4}(?<secret>[A-Za-z0-9+/]{12,500}={0,2})(?![A-Za-z0-9+/=])`,
    flags: 'i',
    minEntropy: 3,
    allowlist: { regexes: [r`^dXNlcjpwYXNzd29yZA`, r`^YWRtaW46YWRtaW4`, r`^dXNlcm5hbWU6cGFzc3dvcmQ`] },
    tags: ['http'],
    examples: {
      positive: ['Authorization: Basic J8teNbeARlHEjQLb4s1BG9r6VWuReCO7', 'curl -H "Authorization: Basic bAPkxkSHHGpyzandefC4Vgx2JNe6=="'],
      negative: ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic ${CREDS}', 'Authorization: Basic <base64>'],
    },
  },
  {
    id: 'netrc-password',
    title: 'Password in a .netrc entry',
    severity: 'high',
    keywords: ['machine'],
    regex: r`machine\s{1,8}[\w.\-:]{1,200}\s{1,8}(?:login\s{1,8}\S{1,200}\s{1,8})?password\s{1,8}(?<secret>[^\s"']{4,200})`,
    minEntropy: 2.5,
    allowlist: { regexes: [r`^\$`, r`^(?:password|pass|secret|changeme|x+)$`] },
    tags: ['netrc'],
    examples: {
      positive: ['machine api.heroku.com\n  login me@acme.io\n  password DYu7IWj3DU3j3rMa91KO3rJ9', 'machine github.com login bot password TjdOq8zvkmRXDYpWta2m'],
      negative: ['machine github.com login bot password $GITHUB_TOKEN', 'machine github.com login bot password <token>'],
    },
  },
  {
    id: 'curl-basic-auth',
    title: 'Credentials passed to curl -u',
    severity: 'high',
    keywords: ['curl'],
    regex: r`curl[^\n]{0,200}?\s(?:-u|--user)\s{1,4}["']?[^\s:'"$]{1,100}:(?<secret>[^\s'"]{4,128}?)["']?(?=\s|$)`,
    minEntropy: 2.5,
    confidence: 'medium',
    allowlist: { regexes: [r`^\$`, r`^(?:password|pass|secret|changeme|x+|admin|guest)$`] },
    tags: ['http'],
    examples: {
      positive: ['curl -sf -u deploy:lnRQNDveG3aXPZ6ODfmp https://nexus.acme.io/repository/raw/app.tgz', 'curl --user "ci:6qe62afJXH9ncs9h" https://api.acme.io'],
      negative: ['curl -u "$USER:$PASS" https://api.acme.io', 'curl -u admin:admin http://localhost:8080', 'curl -u user https://api.acme.io'],
    },
  },
  assignment('generic-password', 'Hard-coded password', r`password|passwd|passphrase|(?<![a-z])pwd`, ['password', 'passwd', 'passphrase', 'pwd'], 6, 2.5, {
    positive: ['DB_PASSWORD=DKEcL7S8jJ7', 'db.password: "rrHScVkNe1LU"', "conn = connect(user='app', password='KU9AkUWBx4x')"],
    negative: [
      'password = os.getenv("DB_PASSWORD")',
      'password: {{ .Values.db.password }}',
      'password = "${DB_PASSWORD}"',
      'password: !vault |',
      'password_hash = "$2b$12$ioKtKKjkG2kXLCXmnqFs9u1PaMIduP2qIm7gxsumE8Sk4veyzUHox"',
      'password = request.form.password',
      '"password": "Enter your password"',
      'password_min_length = 12',
    ],
  }),
  assignment('generic-api-key', 'Hard-coded API key', r`api[_\-.]?key|apikey|api[_\-.]?secret|app[_\-.]?key`, ['api_key', 'apikey', 'api-key', 'api.key', 'api_secret', 'apisecret', 'app_key', 'appkey'], 16, 3.5, {
    positive: ['ACME_API_KEY=YqZ6dXhj2chq5dCvaINMWMQndTPYlfNx', 'config = { apiKey: "HDhMiyPRmYiqJVetQc6LkdLFASbyKadVZLmjZ3ES" }', 'x-api-key: pAlCivnHm5n5pBaba5pLz92a'],
    negative: ['api_key = os.environ["API_KEY"]', 'api_key: ${{ secrets.API_KEY }}', 'API_KEY_HEADER=X-Api-Key', 'api_key_sha256 = "50327d0994593aeaba18a2d437a7e5936cf57c0b87a7826c286db4b28575063b"', 'api_key = get_api_key(user)'],
  }),
  assignment('generic-secret', 'Hard-coded secret', r`secret|signing[_\-.]?key|encryption[_\-.]?key|private[_\-.]?key|master[_\-.]?key`, ['secret', 'signing_key', 'signingkey', 'encryption_key', 'encryptionkey', 'private_key', 'privatekey', 'master_key', 'masterkey'], 12, 3.3, {
    positive: ['JWT_SECRET=Shj1bnEaBmMJuitbwJ9cci11WUAdn4zU', "app.config['SECRET_KEY'] = '557nfdjoD2m2mRiVcwlC0toS_wkoBy2FHVSWY37X'", 'client_secret: "VLEV54refiC6bRYEJToYahca"'],
    negative: ['client_secret = None', 'secret_key = settings.SECRET_KEY', "secret: ${{ secrets.DEPLOY_KEY }}", 'secret_name = my-app-secret-v2', 'secretsmanager:GetSecretValue'],
  }),
  assignment('generic-token', 'Hard-coded token', r`access[_\-.]?token|auth[_\-.]?token|refresh[_\-.]?token|bearer[_\-.]?token|api[_\-.]?token|session[_\-.]?token|(?<![a-z])token`, ['token'], 16, 3.5, {
    positive: ['SLACKBOT_TOKEN=oiwwuVtOW5NwgJDI1iCx0FSA6xJrTw69lm13vKca', '"access_token": "jdQ8r63nUJKk5u91qkcrXmBo0Xd2A_cMLowBpendwWn"', 'auth_token = "0YGnkxreZFzB9Onnh8SFbxKMl6OPCRwy"'],
    negative: ['access_token = get_access_token(user)', 'token_url = https://oauth2.googleapis.com/token', 'token: ${{ github.token }}', 'AUTH_TOKEN_TTL=3600', 'tokenizer = AutoTokenizer.from_pretrained(name)'],
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
      positive: ['MAIL_AUTH=16A1lWcV9q\n', 'export SERVICE_CREDENTIALS="bu_9TjiSJx4tIYenFlQYqGgthGUY"'],
      negative: ['PUBLIC_KEY_PATH=./keys/public.pem', 'SECRET_KEY_BASE=${SECRET_KEY_BASE}', 'AUTH_ENABLED=true'],
    },
  },
];
