/**
 * The data-flow diagram with trust boundaries, as Mermaid and Graphviz DOT text, and as SVG rendered offline from
 * the DOT by Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`, loaded only when SVG is asked for).
 * Elements with open threats are drawn in red, with accepted ones in amber. Labels are escaped for each language.
 */
import type { Element, Model } from '../model.js';
import type { AssessedThreat } from '../status.js';

/** How an element or flow is coloured: by its worst threat state. */
export type Mark = 'open' | 'accepted' | 'ok';

/** Worst state per element or flow id. */
export function marks(threats: readonly AssessedThreat[] | undefined): Map<string, Mark> {
  const out = new Map<string, Mark>();
  for (const t of threats ?? []) {
    const prev = out.get(t.target.id);
    const m: Mark = t.state === 'open' ? 'open' : t.state === 'accepted' ? 'accepted' : 'ok';
    if (!prev || m === 'open' || (m === 'accepted' && prev === 'ok')) out.set(t.target.id, m);
  }
  return out;
}

/** Boundary ids in nesting order: parents before children, with each boundary's elements. */
function tree(model: Model): { roots: string[]; children: Map<string, string[]>; members: Map<string, Element[]>; loose: Element[] } {
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const b of model.boundaries.values()) {
    if (b.parent) (children.get(b.parent) ?? children.set(b.parent, []).get(b.parent)!).push(b.id);
    else roots.push(b.id);
  }
  const members = new Map<string, Element[]>();
  const loose: Element[] = [];
  for (const e of model.elements.values()) {
    if (e.boundary) (members.get(e.boundary) ?? members.set(e.boundary, []).get(e.boundary)!).push(e);
    else loose.push(e);
  }
  return { roots, children, members, loose };
}

function flowLabel(protocol: string, port: number | undefined): string {
  return port ? `${protocol}:${port}` : protocol;
}

// ---- Mermaid ----

/** Mermaid text inside a quoted label: entity codes for quotes and what Mermaid reads as markup. */
function mmText(s: string): string {
  return s.replace(/[#"<>`]/g, (c) => `#${c.charCodeAt(0)};`).replace(/[\r\n]+/g, ' ');
}

/** Unique Mermaid/DOT-safe ids for the model's ids. */
function safeIds(ids: Iterable<string>, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const id of ids) {
    let s = `${prefix}${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    for (let i = 2; used.has(s); i++) s = `${prefix}${id.replace(/[^A-Za-z0-9_]/g, '_')}_${i}`;
    used.add(s);
    out.set(id, s);
  }
  return out;
}

/** The diagram as a Mermaid flowchart (trailing newline). */
export function renderMermaid(model: Model, threats?: readonly AssessedThreat[]): string {
  const { roots, children, members, loose } = tree(model);
  const eid = safeIds(model.elements.keys(), 'e_');
  const bid = safeIds(model.boundaries.keys(), 'b_');
  const mark = marks(threats);
  const out = ['flowchart LR'];
  const node = (e: Element, indent: string) => {
    const t = mmText(e.title);
    const id = eid.get(e.id)!;
    out.push(`${indent}${e.kind === 'datastore' ? `${id}[("${t}")]` : e.kind === 'process' ? `${id}(("${t}"))` : `${id}["${t}"]`}`);
  };
  const boundary = (id: string, indent: string, depth: number) => {
    const b = model.boundaries.get(id)!;
    out.push(`${indent}subgraph ${bid.get(id)}["${mmText(b.title)}"]`);
    for (const e of members.get(id) ?? []) node(e, `${indent}  `);
    if (depth < 32) for (const c of children.get(id) ?? []) boundary(c, `${indent}  `, depth + 1);
    out.push(`${indent}end`);
  };
  for (const r of roots) boundary(r, '  ', 0);
  for (const e of loose) node(e, '  ');
  model.flows.forEach((f) => out.push(`  ${eid.get(f.from)} -->|"${mmText(flowLabel(f.protocol, f.port))}"| ${eid.get(f.to)}`));
  out.push('  classDef open stroke:#c62828,stroke-width:3px', '  classDef accepted stroke:#ef8f00,stroke-width:2px', '  classDef untrusted stroke:#c62828,stroke-dasharray:5 5');
  const byMark = (m: Mark) => [...model.elements.keys()].filter((id) => mark.get(id) === m).map((id) => eid.get(id));
  for (const m of ['open', 'accepted'] as const) {
    const ids = byMark(m);
    if (ids.length) out.push(`  class ${ids.join(',')} ${m}`);
  }
  const untrusted = [...model.boundaries.values()].filter((b) => b.trust === 'untrusted').map((b) => bid.get(b.id));
  if (untrusted.length) out.push(`  class ${untrusted.join(',')} untrusted`);
  model.flows.forEach((f, i) => {
    const m = mark.get(f.id);
    if (m === 'open' || m === 'accepted') out.push(`  linkStyle ${i} stroke:${m === 'open' ? '#c62828' : '#ef8f00'},stroke-width:2px`);
  });
  return out.join('\n') + '\n';
}

// ---- DOT ----

/** A DOT double-quoted string. */
function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

const COLOR: Record<Mark, string> = { open: '#c62828', accepted: '#ef8f00', ok: '#2e7d32' };

/** The diagram as Graphviz DOT (trailing newline). */
export function renderDot(model: Model, threats?: readonly AssessedThreat[]): string {
  const { roots, children, members, loose } = tree(model);
  const bid = safeIds(model.boundaries.keys(), 'cluster_');
  const mark = marks(threats);
  const out = [
    'digraph threatmodel {',
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=12, label=${dotString(model.title)}, labelloc=t, compound=true];`,
    '  node [fontname="Helvetica", fontsize=11, style=filled, fillcolor="#ffffff"];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const node = (e: Element, indent: string) => {
    const shape = e.kind === 'datastore' ? 'cylinder' : e.kind === 'process' ? 'ellipse' : 'box';
    const m = mark.get(e.id);
    const color = m ? `, color=${dotString(COLOR[m])}, penwidth=${m === 'ok' ? 1 : 2}` : '';
    out.push(`${indent}${dotString(e.id)} [label=${dotString(e.title)}, shape=${shape}${color}];`);
  };
  const boundary = (id: string, indent: string, depth: number) => {
    const b = model.boundaries.get(id)!;
    const color = b.trust === 'untrusted' ? '#c62828' : b.trust === 'restricted' ? '#1565c0' : '#616161';
    out.push(`${indent}subgraph ${dotString(bid.get(id)!)} {`, `${indent}  label=${dotString(b.title)}; style=dashed; color=${dotString(color)}; fontcolor=${dotString(color)};`);
    for (const e of members.get(id) ?? []) node(e, `${indent}  `);
    if (depth < 32) for (const c of children.get(id) ?? []) boundary(c, `${indent}  `, depth + 1);
    out.push(`${indent}}`);
  };
  for (const r of roots) boundary(r, '  ', 0);
  for (const e of loose) node(e, '  ');
  for (const f of model.flows) {
    const m = mark.get(f.id);
    const color = m ? `, color=${dotString(COLOR[m])}, fontcolor=${dotString(COLOR[m])}` : '';
    out.push(`  ${dotString(f.from)} -> ${dotString(f.to)} [label=${dotString(flowLabel(f.protocol, f.port))}${f.encrypted ? '' : ', style=dashed'}${color}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** Renders DOT to SVG with Graphviz (WebAssembly, offline). */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const gv = await Graphviz.load();
  const svg = gv.dot(dot);
  return svg.endsWith('\n') ? svg : svg + '\n';
}
