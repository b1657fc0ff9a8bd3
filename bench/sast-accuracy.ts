/**
 * SAST accuracy on our own labelled JS/TS corpus (bench/fixtures/sast-corpus): each class folder holds small programs in
 * varied styles (Express, Koa, Fastify, Next.js, Lambda, GraphQL, sockets, browser code, CDK) whose lines are
 * labelled at the end: `// vuln` (a finding must start on this line) or `// safe` (no finding may start on it).
 * Prints recall (vulnerable lines found) and the false-alarm rate (safe lines flagged) per class folder and in total.
 *
 *   node --import tsx bench/sast-accuracy.ts [corpus-dir] [--misses]
 *
 * `--misses` lists every missed vulnerable line and every flagged safe line. The corpus is written by us for this
 * measurement; it is not the hidden set of issue 22, so its figures show direction, not the hidden set's score.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesBelow as files, runSast } from './lib/sast-run.js';

const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const dir = args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('./fixtures/sast-corpus', import.meta.url));

const { hit, errors, cpuSeconds, wallSeconds } = await runSast(dir);
interface Tally { vuln: number; found: number; safe: number; flagged: number }
const byClass = new Map<string, Tally>();
const misses: string[] = [];
for (const p of files(dir)) {
  const rel = relative(dir, p).split('\\').join('/');
  const cls = rel.split('/')[0]!;
  const t = byClass.get(cls) ?? { vuln: 0, found: 0, safe: 0, flagged: 0 };
  byClass.set(cls, t);
  readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
    const m = /(?:\/\/|<!--|#)\s*(vuln|safe)\b/.exec(line);
    if (!m) return;
    const rules = hit.get(`${rel}:${i + 1}`);
    if (m[1] === 'vuln') {
      t.vuln++;
      if (rules) t.found++;
      else misses.push(`MISS ${rel}:${i + 1}  ${line.trim()}`);
    } else {
      t.safe++;
      if (rules) {
        t.flagged++;
        misses.push(`FP   ${rel}:${i + 1}  ${rules.join(',')}  ${line.trim()}`);
      }
    }
  });
}
const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
const total: Tally = { vuln: 0, found: 0, safe: 0, flagged: 0 };
console.log('class'.padEnd(18), 'vuln found', 'recall'.padStart(8), ' safe flagged', 'fp-rate'.padStart(8));
for (const [c, t] of [...byClass].sort()) {
  for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
  console.log(c.padEnd(18), `${t.found}/${t.vuln}`.padStart(10), pct(t.found, t.vuln).padStart(8), `${t.flagged}/${t.safe}`.padStart(13), pct(t.flagged, t.safe).padStart(8));
}
console.log('TOTAL'.padEnd(18), `${total.found}/${total.vuln}`.padStart(10), pct(total.found, total.vuln).padStart(8), `${total.flagged}/${total.safe}`.padStart(13), pct(total.flagged, total.safe).padStart(8));
console.log(`files with no finding: ${files(dir).filter((p) => ![...hit.keys()].some((k) => k.startsWith(relative(dir, p).split('\\').join('/') + ':'))).length} of ${files(dir).length}; CPU ${cpuSeconds.toFixed(2)} s, wall ${wallSeconds.toFixed(2)} s`);
if (errors.length) console.log(errors.join('\n'));
if (showMisses) console.log(misses.join('\n'));
