/**
 * Every DAST rule as data: id, title, severity, confidence, CWE, OWASP category and help. The checks that emit
 * them live in passive/ and active/; docs/rules/dast.md is generated from this list (`npm run docs`).
 */
import { ruleHelpUri } from '../../core/rules.js';
import type { DastConfig } from './config.js';
import type { Confidence, RuleExamples, RuleMeta, Severity } from '../../core/types.js';

/** A DAST rule: {@link RuleMeta} plus whether it only reads responses (passive) or sends probes (active). */
export interface DastRule {
  id: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  cwe: string[];
  owasp: string[];
  kind: 'passive' | 'active';
  help: string;
  /** For rules without a route in the test application (test/dast/app/routes.ts): what fires and what does not. */
  examples?: RuleExamples;
}

const r = (id: string, kind: DastRule['kind'], severity: Severity, confidence: Confidence, cwe: string[], owasp: string[], title: string, help: string): DastRule => ({
  id,
  title,
  severity,
  confidence,
  cwe,
  owasp,
  kind,
  help,
});

/** Every DAST rule, sorted by id. */
export const DAST_RULES: readonly DastRule[] = [
  r('dast-admin-console', 'active', 'medium', 'high', ['CWE-200'], ['A05:2021'], 'Administration or debug console exposed',
    'A management or debug endpoint (server status, actuator, phpinfo, debug console) answers without authentication. Remove it from production builds or put it behind authentication and network restrictions.'),
  r('dast-bola', 'active', 'high', 'high', ['CWE-639'], ['A01:2021', 'API1:2023'], 'Broken object-level authorisation (BOLA/IDOR)',
    'A second user read an object that belongs to the first user by requesting its id, and the object is not public (an anonymous request is refused). Check on the server that the signed-in user may access each object, not only that someone is signed in.'),
  r('dast-clickjacking', 'passive', 'medium', 'high', ['CWE-1021'], ['A05:2021'], 'No protection against framing (clickjacking)',
    'An HTML page is sent without `Content-Security-Policy: frame-ancestors` or `X-Frame-Options`, so any site can frame it and trick users into clicks. Send `frame-ancestors \'self\'` (or `X-Frame-Options: DENY`).'),
  r('dast-command-injection', 'active', 'critical', 'high', ['CWE-78'], ['A03:2021'], 'OS command injection',
    'A parameter reaches a shell: a probe asking the shell to compute a product (`$((a*b))`) came back with the result, or shell delays were confirmed by timing. Run programs with an argument array (execFile/spawn without a shell) and never build command lines from input.'),
  r('dast-cookie-no-httponly', 'passive', 'medium', 'high', ['CWE-1004'], ['A05:2021'], 'Session cookie without HttpOnly',
    'A cookie that looks like a session or token cookie is set without `HttpOnly`, so any script injected into the page can read it. Add `HttpOnly`.'),
  r('dast-cookie-no-samesite', 'passive', 'low', 'high', ['CWE-1275'], ['A01:2021'], 'Session cookie without SameSite',
    'A session cookie is set without a `SameSite` attribute (or with `SameSite=None` and no `Secure`), so browsers may send it with cross-site requests. Set `SameSite=Lax` or `Strict`.'),
  r('dast-cookie-no-secure', 'passive', 'medium', 'high', ['CWE-614'], ['A05:2021'], 'Cookie without Secure on an HTTPS site',
    'A cookie set over HTTPS lacks the `Secure` flag, so the browser also sends it over plain HTTP where it can be read. Add `Secure`.'),
  r('dast-cors-null-origin', 'active', 'high', 'high', ['CWE-942'], ['A05:2021'], 'CORS trusts the null origin with credentials',
    'The server answers `Access-Control-Allow-Origin: null` with `Access-Control-Allow-Credentials: true`: sandboxed iframes and local files, which any attacker can create, read signed-in users\' responses. Never allow `null`.'),
  r('dast-cors-reflected-origin', 'active', 'high', 'high', ['CWE-942'], ['A05:2021'], 'CORS reflects any origin with credentials',
    'The server copies any `Origin` into `Access-Control-Allow-Origin` and allows credentials, so any web site can read signed-in users\' responses. Compare the origin against an allow-list.'),
  r('dast-crlf-injection', 'active', 'medium', 'high', ['CWE-113', 'CWE-93'], ['A03:2021'], 'CRLF injection into response headers (response splitting)',
    'A parameter is copied into a response header without removing line breaks, so a request can add headers of its choice (`Set-Cookie` to fix a session, a `Location`, or a second response that poisons caches). Remove or reject CR and LF (and their encodings) in values written to headers, and build headers with an API that refuses them.'),
  r('dast-csp-missing', 'passive', 'medium', 'high', ['CWE-693'], ['A05:2021'], 'No Content-Security-Policy',
    'HTML pages are sent without a `Content-Security-Policy`, the main defence in depth against cross-site scripting. Send a policy with `script-src` limited to your origins, nonces or hashes, `object-src \'none\'` and `base-uri \'self\'`.'),
  r('dast-csp-weak', 'passive', 'medium', 'high', ['CWE-693'], ['A05:2021'], 'Content-Security-Policy does not stop scripts',
    'The policy allows what it should prevent: `\'unsafe-inline\'` scripts without a nonce or hash, `\'unsafe-eval\'`, a wildcard or `data:`/`http:` script source, or no `script-src`/`default-src` at all. Tighten `script-src`.'),
  r('dast-csrf', 'active', 'medium', 'medium', ['CWE-352'], ['A01:2021'], 'Cross-site request forgery (CSRF)',
    'A form that changes state accepts a submission sent from another site, and the browser sends the site\'s cookies with it, so any page a user visits can act as that user. Check an anti-CSRF token tied to the session on every state-changing request, refuse a foreign `Origin` (or `Sec-Fetch-Site: cross-site`), and set session cookies with `SameSite=Lax` or `Strict`.'),
  r('dast-directory-listing', 'passive', 'medium', 'high', ['CWE-548'], ['A05:2021'], 'Directory listing enabled',
    'The server lists the files of a directory, showing what was not meant to be linked (backups, configuration). Turn directory indexes off.'),
  r('dast-exposed-backup', 'active', 'high', 'high', ['CWE-530'], ['A05:2021'], 'Backup or database dump downloadable',
    'A backup, archive or SQL dump is served from the web root (its content was checked, not only the status code). Remove it and keep backups outside the served folder.'),
  r('dast-exposed-env', 'active', 'high', 'high', ['CWE-538'], ['A05:2021'], '.env file downloadable',
    'The `.env` file, which usually holds credentials, is served: its content has `KEY=VALUE` lines. Remove it from the web root and rotate what it holds.'),
  r('dast-exposed-git', 'active', 'high', 'high', ['CWE-527'], ['A05:2021'], 'Git repository exposed',
    'The `.git` folder is served (`.git/HEAD` or `.git/config` answered with git content): the whole source history, and any secret in it, can be downloaded. Block `/.git` and deploy without it.'),
  r('dast-graphql-introspection', 'active', 'low', 'high', ['CWE-200'], ['API8:2023'], 'GraphQL introspection enabled',
    'The GraphQL endpoint answers an introspection query, giving anyone the whole schema. Disable introspection in production.'),
  r('dast-host-header-injection', 'active', 'medium', 'high', ['CWE-644', 'CWE-640'], ['A05:2021'], 'Host header injection',
    'The application builds absolute URLs (links, form actions, redirects) from the request\'s `Host` or `X-Forwarded-Host` header, so an attacker who sends another host gets password-reset links, cached pages or redirects that point to a server they control. Build absolute URLs from a configured base URL, and trust `X-Forwarded-Host` only from your own proxies.'),
  r('dast-hsts-missing', 'passive', 'low', 'high', ['CWE-319'], ['A05:2021'], 'No Strict-Transport-Security on HTTPS',
    'An HTTPS response has no `Strict-Transport-Security` header, so a first visit over plain HTTP can be intercepted. Send `Strict-Transport-Security: max-age=31536000; includeSubDomains`.'),
  r('dast-jwt-jku', 'active', 'high', 'high', ['CWE-347'], ['A02:2021', 'API2:2023'], 'JWT key fetched from a URL in the token (jku/x5u)',
    'The server fetched the key set a forged token pointed to in its `jku` header (or accepted the token signed with it): anyone can sign tokens with their own key. Ignore `jku`/`x5u`, or pin them to an allow-list.'),
  r('dast-jwt-kid-injection', 'active', 'critical', 'high', ['CWE-347'], ['A02:2021', 'API2:2023'], 'JWT kid header used as a file path',
    'The server accepted a token whose `kid` points at `/dev/null` and that is signed with an empty key: the key id is used to read a key file without checks. Look key ids up in a fixed table.'),
  r('dast-jwt-none', 'active', 'critical', 'high', ['CWE-347'], ['A02:2021', 'API2:2023'], 'JWT accepted without a signature (alg none)',
    'The server accepted the session token re-written with `alg: none` and no signature, after refusing one with a wrong signature: anyone can forge tokens. Pin the accepted algorithms when verifying.'),
  r('dast-jwt-weak-secret', 'active', 'critical', 'high', ['CWE-521'], ['A02:2021', 'API2:2023'], 'JWT signed with a guessable secret',
    'The HMAC secret signing the session tokens is in a list of common secrets (checked offline, no request sent): anyone can forge tokens. Use a random secret of at least 32 bytes from a secret store, and rotate it.'),
  r('dast-mass-assignment', 'active', 'high', 'high', ['CWE-915'], ['A08:2021', 'API3:2023'], 'Mass assignment of privileged fields',
    'A privileged field the client should not set (`isAdmin`, `role`...) was accepted in a request body and stored: it reads back with the value sent. Copy only the fields a client may change.'),
  r('dast-mixed-content', 'passive', 'medium', 'high', ['CWE-319'], ['A02:2021'], 'HTTPS page loads HTTP content',
    'An HTTPS page loads scripts, styles, frames or images over plain HTTP, which an attacker on the network can replace. Load everything over HTTPS.'),
  r('dast-no-login-rate-limit', 'active', 'medium', 'medium', ['CWE-307'], ['A07:2021', 'API4:2023'], 'No rate limit on login',
    'Many failed logins in a row were all answered as usual (no 429, no lockout, no delay, no captcha): passwords can be guessed at full speed. Limit attempts per account and per client.'),
  r('dast-nosql-injection', 'active', 'critical', 'high', ['CWE-943'], ['A03:2021'], 'NoSQL operator injection',
    'A parameter accepts query operators (`{"$ne": ...}`, `param[$ne]=`): the operator changed the answer the way a match-anything query does, and its negation did not. Check that inputs are plain values of the expected type before querying.'),
  r('dast-open-redirect', 'active', 'medium', 'high', ['CWE-601'], ['A01:2021'], 'Open redirect',
    'A parameter sends the browser to any host: the `Location` (or refresh) of the answer points at a host of our choosing. Redirect only to relative paths or an allow-list of hosts, compared after parsing.'),
  r('dast-path-traversal', 'active', 'high', 'high', ['CWE-22'], ['A01:2021'], 'Path traversal',
    'A parameter or path segment lets a request read files outside the served folder: the answer holds the content of a system file (`/etc/passwd`, `win.ini`). Resolve the path and check it stays under the base folder, or map names to files.'),
  r('dast-permissions-policy-missing', 'passive', 'info', 'high', ['CWE-693'], ['A05:2021'], 'No Permissions-Policy',
    'HTML pages are sent without a `Permissions-Policy`, so embedded content may use the camera, microphone or geolocation. Send a policy that disables what the site does not use.'),
  {
    ...r('dast-port-closed-open', 'active', 'high', 'high', ['CWE-284'], ['A05:2021'], 'Port declared closed answers',
      'A port the exposure policy (`scanners.exposure.services`) declares closed accepts connections on the running target\'s host. Close it or correct the policy.'),
    examples: { positive: ['policy closed: [6379]; TCP connect to the target host port 6379 succeeds'], negative: ['policy closed: [6379]; TCP connect to port 6379 is refused'] },
  },
  {
    ...r('dast-port-undeclared', 'active', 'medium', 'medium', ['CWE-284'], ['A05:2021'], 'Port answers that the policy does not declare',
      'A port that the exposure policy does not list for this service accepts connections on the target\'s host. Declare it or close it. On a host shared with other services the port may be theirs: declare them too.'),
    examples: { positive: ['policy public: [443]; port 8081 (probed) accepts a connection'], negative: ['policy public: [443], internal: ["8000-8100"]; port 8081 accepts a connection'] },
  },
  r('dast-referrer-policy-missing', 'passive', 'info', 'high', ['CWE-200'], ['A05:2021'], 'No Referrer-Policy',
    'HTML pages are sent without a `Referrer-Policy`; older browsers then send the full URL (with its query) to other sites. Send `Referrer-Policy: strict-origin-when-cross-origin` or stricter.'),
  r('dast-secret-in-response', 'passive', 'high', 'medium', ['CWE-200', 'CWE-798'], ['A01:2021'], 'Secret in a response',
    'A response body holds a credential (found by the secrets engine): an API key, a private key, a token. Remove it from what the server sends and rotate it.'),
  r('dast-sensitive-data-in-url', 'passive', 'medium', 'high', ['CWE-598'], ['A04:2021'], 'Credentials sent in the URL',
    'A password, token or key is sent in a URL query (a GET form with a password field, a link with `token=`), where logs, history and Referer headers keep it. Send it in a POST body or a header.'),
  r('dast-sqli-boolean', 'active', 'critical', 'high', ['CWE-89'], ['A03:2021'], 'SQL injection (boolean-based)',
    'A parameter is part of an SQL statement: a condition that is always true gave the original answer, one that is always false gave another, twice over with different conditions. Use parameterised queries.'),
  r('dast-sqli-error', 'active', 'critical', 'high', ['CWE-89'], ['A03:2021'], 'SQL injection (database error)',
    'A quote in a parameter made the database report a syntax error (the message names the DBMS) while a balanced quote did not. Use parameterised queries, and do not show database errors to clients.'),
  r('dast-sqli-time', 'active', 'critical', 'high', ['CWE-89'], ['A03:2021'], 'SQL injection (time-based)',
    'Database sleep calls in a parameter delayed the answer in proportion to the delay asked for, over alternating short delays (linear fit above the configured correlation). Use parameterised queries.'),
  r('dast-ssrf', 'active', 'high', 'high', ['CWE-918'], ['A10:2021', 'API7:2023'], 'Server-side request forgery',
    'The server fetched a URL given in a parameter: pipeguard\'s callback listener received the request carrying this probe\'s token. Fetch only allow-listed hosts, resolved and checked before connecting.'),
  r('dast-ssti', 'active', 'critical', 'high', ['CWE-1336'], ['A03:2021'], 'Server-side template injection',
    'A template expression sent in a parameter was evaluated on the server (two different products came back computed). Never build templates from input; pass input as template data.'),
  r('dast-stack-trace', 'passive', 'medium', 'high', ['CWE-209'], ['A05:2021'], 'Stack trace or verbose error shown',
    'A response shows a stack trace or an internal error message (file paths, frames, exception types). Log errors on the server and answer with a generic message.'),
  r('dast-version-disclosure', 'passive', 'low', 'high', ['CWE-200'], ['A05:2021'], 'Server or framework version disclosed',
    'A header (`Server`, `X-Powered-By`, `X-AspNet-Version`...) gives the exact software version, which points attackers at known vulnerabilities. Remove the header or its version.'),
  r('dast-xcto-missing', 'passive', 'low', 'high', ['CWE-693'], ['A05:2021'], 'No X-Content-Type-Options',
    'Responses are sent without `X-Content-Type-Options: nosniff`, so browsers may guess a script type for user content. Send `nosniff`.'),
  r('dast-xss-reflected', 'active', 'high', 'high', ['CWE-79'], ['A03:2021'], 'Reflected cross-site scripting',
    'A parameter is written into an HTML page unencoded: a harmless marker tag (or attribute or script break-out, by context) sent in it came back verbatim in `text/html`. Encode output for its context (templating with auto-escaping).'),
  r('dast-xss-stored', 'active', 'high', 'high', ['CWE-79'], ['A03:2021'], 'Stored cross-site scripting',
    'A marker tag submitted in a parameter was stored and later served unencoded in an HTML page. Encode output for its context, whatever its source.'),
  r('dast-xxe', 'active', 'high', 'high', ['CWE-611'], ['A05:2021'], 'XML external entity (XXE)',
    'An XML body is parsed with external entities enabled: an entity pointing at pipeguard\'s callback listener was fetched, or one pointing at a local file was expanded into the answer. Disable DTDs and external entities in the parser.'),
].slice().sort((a, b) => (a.id < b.id ? -1 : 1));

/** The rules by id. */
export const DAST_RULE_BY_ID: ReadonlyMap<string, DastRule> = new Map(DAST_RULES.map((x) => [x.id, x]));

/** A rule as {@link RuleMeta}, with the severity the config gives it. */
export function dastRuleMeta(rule: DastRule, severity: Severity = rule.severity): RuleMeta {
  return {
    id: rule.id,
    scanner: 'dast',
    title: rule.title,
    help: rule.help,
    severity,
    confidence: rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    tags: ['dast', rule.kind],
    helpUri: ruleHelpUri('dast', rule.id),
    ...(rule.examples ? { examples: rule.examples } : {}),
  };
}

/** The DAST scanner's title (index.ts, scanner.ts). */
export const DAST_TITLE = 'DAST: attacks on a running application and its API';

/** The DAST scanner's rules under a config (every rule not turned off, at its configured level). */
export function dastRules(config?: DastConfig): RuleMeta[] {
  // (no config: the default's empty `rules`, without loading the schema)
  const rules = config?.rules ?? {};
  return DAST_RULES.filter((r) => rules[r.id] !== 'off').map((r) => {
    const level = rules[r.id];
    return dastRuleMeta(r, level && level !== 'off' ? level : r.severity);
  });
}
