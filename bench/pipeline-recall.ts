// Recall of the pipeline audits on the peers' own test samples: workflow and action files vendored from zizmor's
// integration tests (MIT) and poutine's test fixtures (Apache-2.0) under bench/pipeline-recall/ (see LICENSE-NOTE.md
// there), with the findings each peer's own tests expect (default persona for zizmor). Reports, per peer audit, how
// many expected findings one of our findings covers (a finding of a rule mapped to that audit whose lines meet the
// expected lines), and every finding of a mapped rule on the samples the peers expect to be clean.
//
//   node --import tsx bench/pipeline-recall.ts [--misses]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditText, pipelineFileKind, sniffKind } from '../src/scanners/pipeline/scanner.js';
import { ZIZMOR_AUDITS } from '../src/scanners/pipeline/zizmor.js';
import { EXPECTED, POUTINE_RULES, type Sample } from './pipeline-recall/expected.js';

const DIR = join(import.meta.dirname, 'pipeline-recall');
const showMisses = process.argv.includes('--misses');

const rulesOf = (peer: Sample['peer'], audit: string): readonly string[] =>
  peer === 'zizmor' ? (ZIZMOR_AUDITS.get(audit) ?? []) : (POUTINE_RULES.get(audit) ?? []);

interface Tally {
  expected: number;
  found: number;
}
const perAudit = new Map<string, Tally>();
const misses: string[] = [];
const cleanHits: string[] = [];
let cleanFiles = 0;
const t0 = process.cpuUsage();

for (const s of EXPECTED) {
  const path = `${s.peer}/${s.file}`;
  const text = readFileSync(join(DIR, path), 'utf8');
  const kind = pipelineFileKind(s.file) ?? pipelineFileKind(s.file.replace(/^.*?(\.github\/)/, '$1')) ?? (/(^|\/)action\.ya?ml$/.test(s.file) ? 'action' : sniffKind(text) ?? 'workflow');
  const { findings, problems } = auditText(path, text, kind);
  if (problems.length && !findings.length) console.log(`  ! ${path}: ${problems[0]!.message}`);
  const live = findings.filter((f) => !f.suppressed);
  if (!s.expect.length) {
    cleanFiles++;
    // A clean sample: any finding of a rule mapped to any of the peer's audits is a false positive.
    const mapped = new Set(s.peer === 'zizmor' ? [...ZIZMOR_AUDITS.values()].flat() : [...POUTINE_RULES.values()].flat());
    for (const f of live) if (mapped.has(f.ruleId) && !(s.ignore ?? []).includes(f.ruleId)) cleanHits.push(`${path}:${f.location.startLine} ${f.ruleId}`);
    continue;
  }
  const used = new Set<number>();
  for (const e of s.expect) {
    const key = `${s.peer}:${e.audit}`;
    const t = perAudit.get(key) ?? { expected: 0, found: 0 };
    perAudit.set(key, t);
    t.expected++;
    const rules = rulesOf(s.peer, e.audit);
    const lo = e.line;
    const hi = e.end ?? e.line;
    const i = live.findIndex((f, k) => !used.has(k) && rules.includes(f.ruleId) && (f.location.startLine ?? 0) <= hi && (f.location.endLine ?? f.location.startLine ?? 0) >= lo);
    if (i >= 0) {
      used.add(i);
      t.found++;
    } else misses.push(`${path}:${e.line}${e.end ? `-${e.end}` : ''} ${s.peer}/${e.audit}${e.note ? ` (${e.note})` : ''}`);
  }
}
const cpu = process.cpuUsage(t0);

let exp = 0;
let found = 0;
const rows = [...perAudit.entries()].sort((a, b) => a[0].localeCompare(b[0]));
console.log('peer:audit                                  found/expected');
for (const [k, t] of rows) {
  exp += t.expected;
  found += t.found;
  console.log(`${k.padEnd(44)}${String(t.found).padStart(4)}/${t.expected}`);
}
for (const peer of ['zizmor', 'poutine'] as const) {
  const r = rows.filter(([k]) => k.startsWith(`${peer}:`));
  const e = r.reduce((a, [, t]) => a + t.expected, 0);
  const f = r.reduce((a, [, t]) => a + t.found, 0);
  if (e) console.log(`${peer}: ${f}/${e} expected findings found (${((100 * f) / e).toFixed(1)}%)`);
}
console.log(`total: ${found}/${exp} (${((100 * found) / Math.max(1, exp)).toFixed(1)}%); ${EXPECTED.length} samples, ${cleanFiles} clean; findings on clean samples: ${cleanHits.length}`);
console.log(`cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
if (cleanHits.length) for (const c of cleanHits) console.log(`  clean-sample finding: ${c}`);
if (showMisses || misses.length <= 40) for (const m of misses) console.log(`  miss: ${m}`);
