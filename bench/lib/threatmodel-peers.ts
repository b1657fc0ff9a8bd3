// The threat-model comparison with OWASP pytm and Threagile (bench/threatmodel-peers.ts): loads the peers' example
// models converted to our format and their threat data (examples/threatmodel/peers/, MIT, see the LICENSE files),
// runs pipeguard's rules on the same systems, and lines the threats up per element and flow.
//
// pytm: its threat library is data (conditions in Python); tm.py's findings are not published, so they are derived
// here by evaluating pytm's own conditions, translated to CEL, on tm.py's attribute values (model.json). Threagile:
// its rules are Go code and no sound output for its example is published; risks.json holds risks derived by hand from
// the rules' published detection logic (each names the rule file and commit), for 18 of its 42 rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCondition } from '../../src/core/cel.js';
import { findThreats } from '../../src/threatmodel/engine.js';
import { loadModelFile } from '../../src/threatmodel/load.js';
import type { Model } from '../../src/threatmodel/model.js';
import { loadRuleSet } from '../../src/threatmodel/rules/load.js';

/** Where the peer data lives. */
export const PEERS_DIR = fileURLToPath(new URL('../../examples/threatmodel/peers/', import.meta.url));

/** A threat one tool reports: what (id), where (an element or flow of our conversion). */
export interface Reported {
  tool: 'pytm' | 'threagile' | 'pipeguard';
  id: string;
  target: string;
  /** For a threat on a flow, the element the tool names as most relevant (Threagile's `most_relevant_technical_asset`). */
  asset?: string;
  stride: string;
  cwe: string[];
  capec: string[];
  title: string;
}

/** How peer threat ids map to STRIDE and to the pipeguard rules that look for the same weakness (ours). */
export interface PeerMapping {
  stride: string;
  pipeguard: string[];
}

interface PytmThreat {
  sid: string;
  target: string[];
  description: string;
  severity: string;
  condition: string;
  cwe: string[];
  capec: string[];
}

interface PytmModel {
  elements: Record<string, { class: string; name: string; attrs: Record<string, unknown> }>;
  flows: Record<string, { class: string; name: string; source: string; sink: string; attrs: Record<string, unknown> }>;
}

interface ThreagileRisks {
  rules: { id: string; title: string; stride: string; cwe: string[]; file: string; commit: string; detection: string }[];
  notDerived: string[];
  risks: { rule: string; target: { kind: 'element' | 'flow'; id: string }; asset?: string; syntheticId?: string }[];
}

/** Everything the comparison reads, validated. */
export interface PeerData {
  pytm: { model: Model; threats: PytmThreat[]; attrs: PytmModel };
  threagile: { model: Model; risks: ThreagileRisks };
  mapping: { pytm: Record<string, PeerMapping>; threagile: Record<string, PeerMapping> };
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

function check(ok: boolean, file: string, what: string): void {
  if (!ok) throw new Error(`${file}: ${what}`);
}

const STRIDE = ['spoofing', 'tampering', 'repudiation', 'information-disclosure', 'denial-of-service', 'elevation-of-privilege'];

/** Loads and cross-checks the peer data: models through our loader (schema and references), ids against the models. */
export function loadPeers(dir = PEERS_DIR): PeerData {
  const f = (p: string) => join(dir, p);
  const pytmModel = loadModelFile(f('pytm/threatmodel.yml'), 'pytm/threatmodel.yml');
  const threagileModel = loadModelFile(f('threagile/threatmodel.yml'), 'threagile/threatmodel.yml');
  const threats = readJson<{ threats: PytmThreat[] }>(f('pytm/threats.json')).threats;
  const attrs = readJson<PytmModel>(f('pytm/model.json'));
  const risks = readJson<ThreagileRisks>(f('threagile/risks.json'));
  const mapping = readJson<PeerData['mapping']>(f('mapping.json'));
  const known = (m: Model, id: string) => m.elements.has(id) || m.flows.some((x) => x.id === id);
  check(Array.isArray(threats) && threats.length > 0, 'pytm/threats.json', 'no threats');
  for (const t of threats) {
    check(typeof t.sid === 'string' && Array.isArray(t.target) && typeof t.condition === 'string', 'pytm/threats.json', `malformed threat ${JSON.stringify(t).slice(0, 80)}`);
    check(mapping.pytm[t.sid] !== undefined, 'mapping.json', `pytm threat ${t.sid} is not mapped`);
  }
  for (const id of [...Object.keys(attrs.elements), ...Object.keys(attrs.flows)]) check(known(pytmModel, id), 'pytm/model.json', `${id} is not an element or flow of pytm/threatmodel.yml`);
  for (const e of pytmModel.elements.keys()) check(attrs.elements[e] !== undefined, 'pytm/model.json', `element ${e} has no pytm attributes`);
  for (const fl of pytmModel.flows) check(attrs.flows[fl.id] !== undefined, 'pytm/model.json', `flow ${fl.id} has no pytm attributes`);
  const ruleIds = new Set(risks.rules.map((r) => r.id));
  for (const r of risks.risks) {
    check(ruleIds.has(r.rule), 'threagile/risks.json', `risk of unknown rule ${r.rule}`);
    check(known(threagileModel, r.target.id), 'threagile/risks.json', `${r.target.id} is not an element or flow of threagile/threatmodel.yml`);
    if (r.asset !== undefined) check(threagileModel.elements.has(r.asset), 'threagile/risks.json', `asset ${r.asset} is not an element of threagile/threatmodel.yml`);
  }
  for (const r of risks.rules) check(mapping.threagile[r.id] !== undefined, 'mapping.json', `Threagile rule ${r.id} is not mapped`);
  const builtin = new Set(loadRuleSet().rules.map((r) => r.id));
  for (const [tool, m] of Object.entries(mapping)) {
    if (tool !== 'pytm' && tool !== 'threagile') continue;
    for (const [id, v] of Object.entries(m as Record<string, PeerMapping>)) {
      check(STRIDE.includes(v.stride), 'mapping.json', `${tool} ${id}: unknown STRIDE category ${v.stride}`);
      for (const r of v.pipeguard) check(builtin.has(r), 'mapping.json', `${tool} ${id}: unknown pipeguard rule ${r}`);
    }
  }
  return { pytm: { model: pytmModel, threats, attrs }, threagile: { model: threagileModel, risks }, mapping };
}

/** pytm's Python condition as CEL: `is True/False`, `and`, `or`, `not`. */
export function pytmConditionToCel(condition: string): string {
  return condition
    .replace(/\bis\s+True\b/g, '== true')
    .replace(/\bis\s+False\b/g, '== false')
    .replace(/\band\b/g, '&&')
    .replace(/\bor\b/g, '||')
    .replace(/\bnot\s+/g, '!');
}

/** Attributes pytm conditions read as strings (everything else defaults to false). */
const STRING_ATTRS = new Set(['protocol', 'data', 'environment', 'usesEncryptionAlgorithm']);

/** The threats pytm's rules raise on tm.py, worked out from its conditions and tm.py's attribute values. */
export function derivePytm(data: PeerData['pytm']): Reported[] {
  const attrNames = new Set<string>();
  for (const t of data.threats) for (const m of t.condition.matchAll(/target\.(\w+)/g)) attrNames.add(m[1]!);
  attrNames.delete('source');
  attrNames.delete('sink');
  const withDefaults = (attrs: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const a of attrNames) out[a] = STRING_ATTRS.has(a) ? '' : false;
    for (const [k, v] of Object.entries(attrs)) if (attrNames.has(k)) out[k] = v;
    return out;
  };
  const end = (id: string) => ({ inScope: true, providesIntegrity: false, ...withDefaults(data.attrs.elements[id]!.attrs) });
  const targets: { id: string; cls: string; bindings: Record<string, unknown> }[] = [
    ...Object.entries(data.attrs.elements).map(([id, e]) => ({ id, cls: e.class, bindings: withDefaults(e.attrs) })),
    ...Object.entries(data.attrs.flows).map(([id, fl]) => ({ id, cls: fl.class, bindings: { ...withDefaults(fl.attrs), source: end(fl.source), sink: end(fl.sink) } })),
  ];
  const out: Reported[] = [];
  for (const t of data.threats) {
    const cond = compileCondition(pytmConditionToCel(t.condition));
    for (const target of targets) {
      if (!t.target.includes(target.cls)) continue;
      const r = cond({ target: target.bindings });
      if (typeof r !== 'boolean') throw new Error(`pytm ${t.sid} on ${target.id}: ${r.error}`);
      if (r) out.push({ tool: 'pytm', id: t.sid, target: target.id, stride: '', cwe: t.cwe, capec: t.capec, title: t.description });
    }
  }
  return out;
}

/** Threagile's risks on its example, as kept in risks.json. */
export function threagileRisks(data: PeerData['threagile']): Reported[] {
  const rules = new Map(data.risks.rules.map((r) => [r.id, r]));
  return data.risks.risks.map((r) => ({ tool: 'threagile' as const, id: r.rule, target: r.target.id, ...(r.asset ? { asset: r.asset } : {}), stride: rules.get(r.rule)!.stride, cwe: rules.get(r.rule)!.cwe, capec: [], title: rules.get(r.rule)!.title }));
}

/** pipeguard's threats on one of the converted models. */
export function pipeguardThreats(model: Model): Reported[] {
  return findThreats(model, loadRuleSet().rules).map((t) => ({ tool: 'pipeguard' as const, id: t.rule.id, target: t.target.id, stride: t.rule.stride ?? '', cwe: t.rule.cwe, capec: t.rule.capec, title: t.rule.title }));
}

/** One element or flow, side by side. */
export interface Row {
  target: string;
  kind: string;
  peer: Reported[];
  pipeguard: Reported[];
  /** Peer threats pipeguard also reports (by the mapping, on the target or its neighbourhood). */
  peerMatched: Reported[];
  /** The pipeguard threats that match them, as `rule` or `rule@element-or-flow` when on a neighbour. */
  matchedBy: string[];
  /** Peer threats pipeguard has a rule for that did not fire here. */
  peerMissedWithRule: Reported[];
  /** Peer threats pipeguard has no rule for. */
  peerNoRule: Reported[];
  /** pipeguard threats that match no peer threat. */
  pipeguardOnly: Reported[];
}

/** The comparison on one system. */
export interface Comparison {
  rows: Row[];
  counts: { peer: number; pipeguard: number; peerMatched: number; peerMissedWithRule: number; peerNoRule: number; pipeguardMatched: number; pipeguardOnly: number };
  strideCounts: Record<string, { peer: number; pipeguard: number }>;
}

/**
 * Where pipeguard may report the same weakness: a flow and the element the peer names as most relevant (or, when it
 * names none, both ends); an element and its flows.
 */
function neighbourhood(model: Model, p: Reported): Set<string> {
  const flow = model.flows.find((f) => f.id === p.target);
  if (flow) return new Set([p.target, ...(p.asset ? [p.asset] : [flow.from, flow.to])]);
  return new Set([p.target, ...model.flows.filter((f) => f.from === p.target || f.to === p.target).map((f) => f.id)]);
}

/** Lines up peer and pipeguard threats per element and flow. */
export function compare(model: Model, peer: Reported[], pipeguard: Reported[], mapping: Record<string, PeerMapping>): Comparison {
  const stride = (r: Reported) => (r.tool === 'pipeguard' ? r.stride : (mapping[r.id]?.stride ?? r.stride));
  const peerWithStride = peer.map((r) => ({ ...r, stride: stride(r) }));
  const covers = (pg: Reported, p: Reported) => (mapping[p.id]?.pipeguard ?? []).includes(pg.id) && neighbourhood(model, p).has(pg.target);
  const targets: { id: string; kind: string }[] = [...[...model.elements.values()].map((e) => ({ id: e.id, kind: e.kind as string })), ...model.flows.map((f) => ({ id: f.id, kind: 'flow' }))];
  const rows: Row[] = targets.map(({ id, kind }) => {
    const p = peerWithStride.filter((r) => r.target === id);
    const g = pipeguard.filter((r) => r.target === id);
    const peerMatched = p.filter((r) => pipeguard.some((pg) => covers(pg, r)));
    const rest = p.filter((r) => !peerMatched.includes(r));
    const matchedBy = [...new Set(peerMatched.flatMap((r) => pipeguard.filter((pg) => covers(pg, r)).map((pg) => (pg.target === id ? pg.id : `${pg.id}@${pg.target}`))))];
    return {
      target: id,
      kind,
      peer: p,
      pipeguard: g,
      peerMatched,
      matchedBy,
      peerMissedWithRule: rest.filter((r) => (mapping[r.id]?.pipeguard ?? []).length > 0),
      peerNoRule: rest.filter((r) => (mapping[r.id]?.pipeguard ?? []).length === 0),
      pipeguardOnly: g.filter((pg) => !peerWithStride.some((r) => covers(pg, r))),
    };
  });
  const sum = (k: keyof Row) => rows.reduce((n, r) => n + (r[k] as Reported[]).length, 0);
  const strideCounts: Comparison['strideCounts'] = Object.fromEntries(STRIDE.map((s) => [s, { peer: 0, pipeguard: 0 }]));
  for (const r of peerWithStride) strideCounts[r.stride]!.peer++;
  for (const r of pipeguard) strideCounts[r.stride]!.pipeguard++;
  return {
    rows,
    counts: {
      peer: peer.length,
      pipeguard: pipeguard.length,
      peerMatched: sum('peerMatched'),
      peerMissedWithRule: sum('peerMissedWithRule'),
      peerNoRule: sum('peerNoRule'),
      pipeguardMatched: pipeguard.length - sum('pipeguardOnly'),
      pipeguardOnly: sum('pipeguardOnly'),
    },
    strideCounts,
  };
}
