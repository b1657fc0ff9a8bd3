// npm run bench -- threatmodel-peers: the threats OWASP pytm, Threagile and pipeguard report on the same systems
// (the peers' own example models converted to our format, with their data and licences under
// examples/threatmodel/peers/), side by side per element and flow, with STRIDE, CWE and CAPEC, and counts of what
// each reports that the other does not. Neither peer is run (pytm is on PyPI, Threagile a Go binary; neither is
// installable here): pytm's threats are derived from its own rule conditions, Threagile's by hand from its rules'
// detection logic; see bench/lib/threatmodel-peers.ts and docs/threatmodel.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, table } from './util.js';
import { compare, derivePytm, loadPeers, pipeguardThreats, threagileRisks, type Comparison, type PeerMapping, type Reported } from './lib/threatmodel-peers.js';

const LETTER: Record<string, string> = { spoofing: 'S', tampering: 'T', repudiation: 'R', 'information-disclosure': 'I', 'denial-of-service': 'D', 'elevation-of-privilege': 'E' };

const uniq = (rs: Reported[]) => [...new Set(rs.map((r) => `${r.id}:${LETTER[r.stride] ?? '?'}`))].join(' ');

function report(title: string, peerName: string, c: Comparison, legend: Map<string, Reported>, mapping: Record<string, PeerMapping>): void {
  console.log(`\n## ${title}\n`);
  const k = c.counts;
  table([
    ['tool', 'threats', 'also reported by the other', 'only this tool', 'of which: no rule in the other / rule did not fire'],
    [peerName, k.peer, k.peerMatched, k.peerNoRule + k.peerMissedWithRule, `${k.peerNoRule} / ${k.peerMissedWithRule}`],
    ['pipeguard', k.pipeguard, k.pipeguardMatched, k.pipeguardOnly, '-'],
  ]);
  console.log('');
  table([['STRIDE', peerName, 'pipeguard'], ...Object.entries(c.strideCounts).map(([s, n]) => [s, n.peer, n.pipeguard])]);
  console.log(`\nPer element and flow (id:STRIDE letter; "both": ${peerName}'s threats and the pipeguard threats that match them, @ naming a neighbouring element or flow):`);
  for (const r of c.rows) {
    if (r.peer.length === 0 && r.pipeguard.length === 0) continue;
    console.log(`\n  ${r.target} (${r.kind}): ${peerName} ${r.peer.length}, pipeguard ${r.pipeguard.length}`);
    if (r.peerMatched.length) console.log(`    both:            ${uniq(r.peerMatched)}  <->  ${r.matchedBy.join(' ')}`);
    if (r.peerNoRule.length) console.log(`    ${peerName} only, no pipeguard rule:   ${uniq(r.peerNoRule)}`);
    if (r.peerMissedWithRule.length) console.log(`    ${peerName} only, rule did not fire: ${r.peerMissedWithRule.map((p) => `${p.id}->${mapping[p.id]!.pipeguard.join('|')}`).join(' ')}`);
    if (r.pipeguardOnly.length) console.log(`    pipeguard only:  ${uniq(r.pipeguardOnly)}`);
    for (const x of [...r.peer, ...r.pipeguard]) legend.set(x.id, x);
  }
}

const data = loadPeers();
const legend = new Map<string, Reported>();

const pytm = derivePytm(data.pytm);
const pgPytm = pipeguardThreats(data.pytm.model);
const c1 = compare(data.pytm.model, pytm, pgPytm, data.mapping.pytm);
report('pytm example (tm.py: comment system): pytm threats derived from its own conditions', 'pytm', c1, legend, data.mapping.pytm);

const thr = threagileRisks(data.threagile);
const pgThr = pipeguardThreats(data.threagile.model);
const c2 = compare(data.threagile.model, thr, pgThr, data.mapping.threagile);
report(`Threagile example (demo/example): risks of ${data.threagile.risks.rules.length} of its 42 rules, derived by hand from their detection logic (${data.threagile.risks.notDerived.length} rules not derived: a lower bound)`, 'threagile', c2, legend, data.mapping.threagile);

console.log('\n## Legend (id, STRIDE, CWE, CAPEC, title)\n');
const strideOf = (x: Reported) => (x.tool === 'pipeguard' ? x.stride : (data.mapping.pytm[x.id] ?? data.mapping.threagile[x.id])?.stride ?? '');
table([['id', 'S', 'CWE', 'CAPEC', 'title'], ...[...legend.values()].sort((a, b) => a.tool.localeCompare(b.tool) || a.id.localeCompare(b.id)).map((x) => [x.id, LETTER[strideOf(x)] ?? '?', x.cwe.join(' ') || '-', x.capec.join(' ') || '-', x.title])]);

mkdirSync(BENCH_DIR, { recursive: true });
const out = join(BENCH_DIR, 'threatmodel-peers.json');
writeFileSync(out, JSON.stringify({ pytm: c1, threagile: c2 }, null, 1));
console.log(`\nPeers not run (pytm: PyPI; Threagile: a Go binary; neither installable here). pytm: ${data.pytm.threats.length} threats of its library evaluated on tm.py's attributes, defaults false as in pytm. Details: ${out}`);
