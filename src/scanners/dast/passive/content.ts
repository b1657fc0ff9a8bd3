/**
 * Checks of response bodies: stack traces and verbose errors, directory listings, mixed content on HTTPS pages,
 * and secrets (the secrets engine's rules, through its public analyse functions; the scan's own session tokens
 * are not reported). One finding per rule and path template.
 */
import { analyzeText } from '../../../analyzers/secrets/analyze.js';
import type { DastRun } from '../context.js';
import { secretRules } from '../evidence.js';
import { templateOf } from '../endpoints.js';
import { parseHtml } from '../discovery/html.js';
import { header, type Res } from '../http/client.js';

/** Stack-trace and verbose-error signatures, per platform: [name, regex]. */
export const STACK_TRACES: [string, RegExp][] = [
  ['Node.js', /\b[A-Z]\w*(?:Error|Exception)\b[^\n]*\n(?:\s+at [^\n]*\n){0,4}\s+at (?:[^\n]*\()?(?:\/|[A-Za-z]:\\|file:\/\/|node:)[^\n]*:\d+:\d+/],
  ['Java', /(?:Exception|Error)(?:: [^\n]*)?\n\s*at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/],
  ['Python', /Traceback \(most recent call last\):\s*\n\s+File "[^"]+", line \d+/],
  ['PHP', /(?:<b>)?(?:Fatal error|Parse error|Warning)(?:<\/b>)?:\s+[^\n]{0,300}? in (?:<b>)?\/[^\s<]+(?:<\/b>)? on line (?:<b>)?\d+|PHP Stack trace:|Stack trace:\s*\n#0 \//],
  ['.NET', /Server Error in '[^']*' Application|\bSystem\.[A-Za-z.]*Exception\b[^\n]*\n\s+at [^\n]+ in [^\n]+:line \d+/],
  ['Ruby', /\.rb:\d+:in `[^']+'\n\s*(?:from )?\S+\.rb:\d+/],
  ['Go', /\bgoroutine \d+ \[running\]:\n/],
];

const LISTINGS = [/<title>\s*Index of \//i, /<h1>\s*Index of \//i, /<title>\s*Directory listing for \//i, /<title>\s*listing directory \//i, /\[To Parent Directory\]<\/A>/i];
const TEXTUAL = /text\/|json|javascript|xml|x-www-form-urlencoded|yaml/i;

/** Runs the body checks on one response. */
export function checkContent(run: DastRun, res: Res): void {
  const type = header(res.headers, 'content-type') ?? '';
  if (!TEXTUAL.test(type) && type !== '') return;
  const u = new URL(res.url);
  const pathTemplate = templateOf(u.pathname).template;
  const at = { url: res.url, method: res.sent.method, pathTemplate, res };
  if (run.enabled('dast-secret-in-response') && res.body.length > 0) {
    for (const hit of analyzeText(res.body, secretRules(), { path: u.pathname, showSecrets: true })) {
      const own = hit.secret !== undefined && run.redactor.knows(hit.secret);
      delete hit.secret;
      if (own) continue;
      // The finding's evidence is redacted by the engine; the exchange's body by Redactor.body.
      run.report('dast-secret-in-response', {
        ...at,
        message: `${res.sent.method} ${pathTemplate} returns a secret (${hit.ruleId}): ${hit.redacted}.`,
        evidence: hit.evidence,
        identity: hit.hash,
        data: { secretRule: hit.ruleId, hash: hit.hash },
      });
    }
  }
  for (const [platform, re] of STACK_TRACES) {
    const m = re.exec(res.body);
    if (m) {
      run.report('dast-stack-trace', { ...at, message: `${res.sent.method} ${pathTemplate} answers with a ${platform} stack trace or internal error.`, proof: m[0].slice(0, 40) });
      break;
    }
  }
  if (res.status === 200 && /html/i.test(type)) {
    const l = LISTINGS.find((re) => re.test(res.body));
    if (l) run.report('dast-directory-listing', { ...at, message: `${pathTemplate} shows a directory listing.`, proof: l.exec(res.body)![0] });
    if (res.url.startsWith('https:')) {
      const insecure = parseHtml(res.body, res.url).resources.find(([, src]) => src.startsWith('http:'));
      if (insecure) run.report('dast-mixed-content', { ...at, message: `The HTTPS page ${pathTemplate} loads a ${insecure[0]} over HTTP: ${insecure[1].slice(0, 100)}.`, proof: insecure[1] });
    }
  }
}
