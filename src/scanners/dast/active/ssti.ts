/**
 * Server-side template injection, engine-neutral: arithmetic in each common template syntax (`{{7*191}}`,
 * `${7*191}`, `#{7*191}`, `<%= 7*191 %>`, `{7*191}`, `[[7*191]]`); the product must appear where the original
 * answer did not have it, and a second product in the same syntax must be computed too.
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import type { Res } from '../http/client.js';
import { isTextual } from './compare.js';

const SYNTAXES: [string, string][] = [
  ['{{', '}}'],
  ['${', '}'],
  ['#{', '}'],
  ['<%= ', ' %>'],
  ['{', '}'],
  ['[[', ']]'],
  ['@(', ')'],
];

/** Template injection in one parameter. */
export async function checkSsti(run: DastRun, e: Endpoint, p: Param, base: Res): Promise<void> {
  if (!run.enabled('dast-ssti') || !isTextual(p.value) || p.in === 'path') return;
  const v = String(p.value);
  for (const [open, close] of SYNTAXES) {
    const a = 1000 + Math.floor(Math.random() * 8000);
    const b = 100 + Math.floor(Math.random() * 800);
    const product = String(a * b);
    const res = await run.probe(e, { param: p, value: `${v}${open}${a}*${b}${close}` });
    if (!res || !res.body.includes(product) || base.body.includes(product)) continue;
    const c = 1000 + Math.floor(Math.random() * 8000);
    const d = 100 + Math.floor(Math.random() * 800);
    const again = await run.probe(e, { param: p, value: `${v}${open}${c}-${d}${close}` });
    if (!again || !again.body.includes(String(c - d)) || base.body.includes(String(c - d))) continue;
    run.report('dast-ssti', {
      endpoint: e,
      param: p,
      message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} is evaluated as a template: ${open}${a}*${b}${close} came back as ${product}.`,
      res,
      proof: product,
      data: { syntax: `${open}…${close}` },
    });
    return;
  }
}
