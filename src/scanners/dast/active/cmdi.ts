/**
 * OS command injection: the shell is asked to compute a product (`$((a*b))`) after each usual separator; the
 * product must appear in the answer and not in the original one (the probe's own text does not contain it).
 * Shell sleeps are handed to the timing confirmer for blind cases.
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import type { Res } from '../http/client.js';
import { isTextual } from './compare.js';
import type { TimingCandidate } from './timed.js';

const SEPARATORS = [';', '|', '&&', '\n', '$(', '`'];

function wrap(sep: string, cmd: string): string {
  if (sep === '$(') return `$(${cmd})`;
  if (sep === '`') return `\`${cmd}\``;
  return `${sep}${cmd}`;
}

/** Echo-based command injection in one parameter. */
export async function checkCmdi(run: DastRun, e: Endpoint, p: Param, base: Res): Promise<void> {
  if (!run.enabled('dast-command-injection') || !isTextual(p.value)) return;
  const v = String(p.value);
  for (const sep of SEPARATORS) {
    const a = 1000 + Math.floor(Math.random() * 8000);
    const b = 1000 + Math.floor(Math.random() * 8000);
    const product = String(a * b);
    const payload = `${v}${wrap(sep, `echo ${'$'}((${a}*${b}))`)}`;
    const res = await run.probe(e, { param: p, value: payload });
    if (!res || !res.body.includes(product) || base.body.includes(product)) continue;
    run.report('dast-command-injection', {
      endpoint: e,
      param: p,
      message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} reaches a shell: ${JSON.stringify(sep.trim() || '\\n')} then echo $((${a}*${b})) returned ${product}.`,
      res,
      proof: product,
      data: { payload },
    });
    return;
  }
}

/** Shell sleep candidates for the timing phase. */
export function cmdiTimeCandidates(run: DastRun, e: Endpoint, p: Param): TimingCandidate[] {
  if (!run.enabled('dast-command-injection') || !isTextual(p.value)) return [];
  const v = String(p.value);
  return [';', '|', '$('].map((sep) => ({ ruleId: 'dast-command-injection', endpoint: e, param: p, label: `shell ${sep}`, value: (d: number) => `${v}${wrap(sep, `sleep ${d}`)}` }));
}
