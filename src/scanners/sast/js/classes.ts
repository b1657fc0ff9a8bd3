import type { Confidence, Severity } from '../../../core/types.js';

/** A vulnerability class: what a sink does with tainted data. A sanitizer clears only the classes it names. */
export type SinkClass =
  | 'command'
  | 'code'
  | 'sql'
  | 'nosql'
  | 'xss'
  | 'path'
  | 'ssrf'
  | 'redirect'
  | 'deserialization'
  | 'xxe'
  | 'proto'
  | 'regex'
  | 'log'
  | 'header'
  | 'xpath'
  | 'ldap'
  | 'resource'
  | 'reflection';

/** Every class, for "clears everything" sanitizers such as `parseInt`. */
export const ALL_CLASSES: readonly SinkClass[] = [
  'command', 'code', 'sql', 'nosql', 'xss', 'path', 'ssrf', 'redirect', 'deserialization', 'xxe', 'proto', 'regex', 'log', 'header', 'xpath', 'ldap', 'resource', 'reflection',
];

/** What `sanitizer:*` (a number, a boolean) clears: every class but resource exhaustion, where a number is the danger. */
export const NUMERIC_CLEARS: readonly SinkClass[] = ALL_CLASSES.filter((c) => c !== 'resource');

/** The taint rule behind each class. */
export interface TaintRuleInfo {
  ruleId: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  cwe: string[];
  /** `{sink}` is replaced by the sink's name and `{source}` by the source's. */
  message: string;
  help: string;
}

/** Rule metadata per class. */
export const TAINT_RULES: Record<SinkClass, TaintRuleInfo> = {
  command: {
    ruleId: 'js-command-injection', title: 'OS command injection', severity: 'critical', confidence: 'high', cwe: ['CWE-78'],
    message: 'Untrusted input ({source}) reaches the shell command of {sink}: pass arguments as an array to execFile/spawn without a shell.',
    help: 'Data from a request (or another untrusted source) flows into a shell command. Use `execFile`/`spawn` with an argument array and no `shell: true`, and validate the value against an allow-list.',
  },
  code: {
    ruleId: 'js-code-injection', title: 'Code injection', severity: 'critical', confidence: 'high', cwe: ['CWE-94', 'CWE-95'],
    message: 'Untrusted input ({source}) is evaluated as code by {sink}.',
    help: 'Untrusted data reaches `eval`, `new Function`, `vm.run*` or a string `setTimeout`. Never evaluate input; parse it (JSON.parse) or map it to a fixed set of operations. Request data handed to `res.render` as the whole locals object (`res.render(view, req.body)`) or as its `settings` lets the client set the template engine\'s options (ejs `outputFunctionName`, `settings[\'view options\']`): pass the fields the view needs.',
  },
  sql: {
    ruleId: 'js-sql-injection', title: 'SQL injection', severity: 'critical', confidence: 'high', cwe: ['CWE-89'],
    message: 'Untrusted input ({source}) is built into the SQL text of {sink}: use a parameterised query.',
    help: 'Untrusted data is concatenated or interpolated into SQL text. Pass values as bound parameters (`?`/`$1` plus an array, or a tagged `sql` template) and never build the query string from input.',
  },
  nosql: {
    ruleId: 'js-nosql-injection', title: 'NoSQL injection', severity: 'high', confidence: 'medium', cwe: ['CWE-943'],
    message: 'Untrusted input ({source}) is used as a query object in {sink}: an attacker can send operators such as $ne or $where.',
    help: 'Request values can be objects (`?user[$ne]=x`). Convert them with `String()`, check `typeof x === "string"`, or validate with a schema before they enter a MongoDB filter; never pass input to `$where`.',
  },
  xss: {
    ruleId: 'js-xss', title: 'Cross-site scripting', severity: 'high', confidence: 'medium', cwe: ['CWE-79'],
    message: 'Untrusted input ({source}) is written as HTML by {sink} without escaping.',
    help: 'Untrusted data reaches an HTML response, `innerHTML`, `document.write` or `dangerouslySetInnerHTML`. Escape it for HTML, use a template engine with auto-escaping, `textContent`, or DOMPurify. Locals handed to `res.render(view, locals)` are followed into the view\'s template (the `views` folder and `view engine` the app sets, else `views/`) and reported at the template line that writes them unescaped (`<%- x %>`, `!{x}`, `{{{x}}}`, `| safe`, or any `{{ x }}` under nunjucks `autoescape: false`).',
  },
  path: {
    ruleId: 'js-path-traversal', title: 'Path traversal', severity: 'high', confidence: 'high', cwe: ['CWE-22'],
    message: 'Untrusted input ({source}) names a file in {sink}: `../` can escape the intended directory.',
    help: 'Untrusted data is used as a file path. Take `path.basename` of it, or resolve it and check the result `startsWith` the base directory before use; `res.sendFile` accepts a `root` option.',
  },
  ssrf: {
    ruleId: 'js-ssrf', title: 'Server-side request forgery', severity: 'high', confidence: 'medium', cwe: ['CWE-918'],
    message: 'Untrusted input ({source}) chooses the URL requested by {sink}.',
    help: 'The server fetches a URL controlled by the client, which can reach internal services and cloud metadata. Only allow known hosts (an allow-list checked with early return), or build the URL from a fixed base and an encoded path segment.',
  },
  redirect: {
    ruleId: 'js-open-redirect', title: 'Open redirect', severity: 'medium', confidence: 'medium', cwe: ['CWE-601'],
    message: 'Untrusted input ({source}) sets the redirect target of {sink}.',
    help: 'Redirecting to a client-supplied URL lets attackers send users to a phishing site under your domain. Redirect to relative paths from an allow-list, or check the host.',
  },
  deserialization: {
    ruleId: 'js-unsafe-deserialization', title: 'Unsafe deserialisation', severity: 'critical', confidence: 'high', cwe: ['CWE-502'],
    message: 'Untrusted input ({source}) is deserialised by {sink}, which can run code.',
    help: 'Libraries such as node-serialize revive functions and run them. Use JSON.parse with a schema instead.',
  },
  xxe: {
    ruleId: 'js-xxe', title: 'XML external entities', severity: 'high', confidence: 'medium', cwe: ['CWE-611'],
    message: 'Untrusted XML ({source}) is parsed by {sink} with external entities enabled.',
    help: 'Parsing untrusted XML with entity expansion (`noent: true`) lets attackers read local files. Leave entity expansion off.',
  },
  proto: {
    ruleId: 'js-prototype-pollution', title: 'Prototype pollution', severity: 'high', confidence: 'medium', cwe: ['CWE-1321'],
    message: 'Untrusted input ({source}) chooses the property path written by {sink}: `__proto__` pollutes every object.',
    help: 'Writing to an object at a key path from input can set `__proto__`/`constructor.prototype`. Reject those keys, use `Map`, or objects created with `Object.create(null)`.',
  },
  regex: {
    ruleId: 'js-regex-injection', title: 'Regular expression from input (ReDoS)', severity: 'medium', confidence: 'medium', cwe: ['CWE-1333'],
    message: 'Untrusted input ({source}) is compiled as a regular expression by {sink}: a crafted pattern can hang the event loop.',
    help: 'A regular expression built from input can backtrack catastrophically. Escape the input (`_.escapeRegExp`) or match literally with `includes`.',
  },
  log: {
    ruleId: 'js-log-injection', title: 'Log injection', severity: 'low', confidence: 'low', cwe: ['CWE-117'],
    message: 'Untrusted input ({source}) is written to the log by {sink} without removing line breaks.',
    help: 'Line breaks in logged input let attackers forge log entries. Strip `\\r`/`\\n` or log structured JSON.',
  },
  header: {
    ruleId: 'js-header-injection', title: 'HTTP header injection', severity: 'low', confidence: 'low', cwe: ['CWE-113'],
    message: 'Untrusted input ({source}) sets a response header value in {sink}.',
    help: 'Header values from input can split responses on old runtimes and poison caches. Validate the value against an allow-list. (Node rejects CR/LF in header values, which limits the impact.)',
  },
  xpath: {
    ruleId: 'js-xpath-injection', title: 'XPath injection', severity: 'high', confidence: 'medium', cwe: ['CWE-643'],
    message: 'Untrusted input ({source}) is built into the XPath expression of {sink}.',
    help: 'Quotes in input change what an XPath expression selects (`\' or \'1\'=\'1`). Pass the value as an XPath variable (`xpath.evaluate` with `variables`, fontoxpath\'s variables), or select with a fixed expression and compare the value in code.',
  },
  reflection: {
    ruleId: 'js-unsafe-reflection', title: 'Function chosen by input (unsafe reflection)', severity: 'high', confidence: 'medium', cwe: ['CWE-470'],
    message: 'Untrusted input ({source}) chooses the function called by {sink}.',
    help: 'Calling `obj[input](...)` lets a client call any method reachable from the object, including inherited ones such as `constructor` (which leads to `Function` and code execution). Map the input to a fixed table and check it with `Object.hasOwn(table, key)` or a `Map`.',
  },
  resource: {
    ruleId: 'js-resource-exhaustion', title: 'Allocation or loop sized by input', severity: 'medium', confidence: 'low', cwe: ['CWE-400', 'CWE-770'],
    message: 'Untrusted input ({source}) sets the size of {sink} without an upper bound.',
    help: 'A client-chosen number sizes an allocation (`Buffer.alloc(n)`, `new Array(n)`, `"x".repeat(n)`) or a loop, so one request can exhaust memory or CPU. Clamp it (`Math.min(n, MAX)`) or reject values above a limit before use.',
  },
  ldap: {
    ruleId: 'js-ldap-injection', title: 'LDAP injection', severity: 'high', confidence: 'medium', cwe: ['CWE-90'],
    message: 'Untrusted input ({source}) is built into the LDAP filter or DN of {sink}.',
    help: 'Characters such as `*`, `(`, `)` and `\\` in input change an LDAP filter. Build filters with ldapjs filter objects (`new EqualityFilter({ attribute, value })`) or escape the value (`ldap-escape`).',
  },
};
