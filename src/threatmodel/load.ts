/**
 * Loads `threatmodel.yml`: YAML with positions, validated by the zod schema, then checked for what a schema cannot
 * say (references to boundaries, elements and assets that exist; no boundary cycles; unique flow ids). Every error
 * is an InputError naming the file, the line and the key.
 */
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { lineOf, locate } from '../config/load.js';
import { InputError } from '../core/errors.js';
import { issueMessage } from '../core/issues.js';
import type { Accepted, Asset, Boundary, Control, Element, Flow, Model } from './model.js';
import { ENCRYPTED_PROTOCOLS, threatModelSchema } from './schema.js';

/** Largest model file read (bytes). */
export const MAX_MODEL_BYTES = 16 * 1024 * 1024;

/** Reads and loads a model file; `shown` is the name used in messages. */
export function loadModelFile(path: string, shown = path): Model {
  let text: string;
  try {
    if (statSync(path).size > MAX_MODEL_BYTES) throw new InputError(`threat model is larger than ${MAX_MODEL_BYTES} bytes`, shown);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'threat model not found (write one with `pipeguard threat-model init`)' : `cannot read threat model (${code})`, shown);
  }
  return parseModel(text, shown);
}

/** Parses and validates model text; `file` names it in messages and findings. */
export function parseModel(text: string, file: string): Model {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
    throw new InputError(`invalid YAML: ${err.message.split('\n')[0]}`, file, line);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (e) {
    throw new InputError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, file, 1);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError('the threat model must be a mapping of keys', file, 1);
  const parsed = threatModelSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const { line, key } = locate(doc, lc, issue);
    throw new InputError(`${key ? `${key}: ` : ''}${issueMessage(issue, data)}`, file, line);
  }
  const m = parsed.data;
  const at = (path: (string | number)[]): number => lineOf(doc, lc, path) ?? 1;
  const fail = (path: (string | number)[], message: string): never => {
    throw new InputError(`${keyText(path)}: ${message}`, file, at(path));
  };

  const boundaries = new Map<string, Boundary>();
  for (const [id, b] of Object.entries(m.boundaries)) {
    boundaries.set(id, { id, title: b.title ?? id, trust: b.trust, line: at(['boundaries', id]), ...(b.description ? { description: b.description } : {}), ...(b.parent ? { parent: b.parent } : {}) });
  }
  for (const b of boundaries.values()) {
    if (b.parent === undefined) continue;
    if (!boundaries.has(b.parent)) fail(['boundaries', b.id, 'parent'], `unknown boundary ${b.parent}`);
    const seen = new Set([b.id]);
    for (let p: string | undefined = b.parent; p !== undefined; p = boundaries.get(p)?.parent) {
      if (seen.has(p)) fail(['boundaries', b.id, 'parent'], `boundaries nest in a cycle (${[...seen, p].join(' > ')})`);
      seen.add(p);
    }
  }

  const assets = new Map<string, Asset>();
  for (const [id, a] of Object.entries(m.assets)) {
    assets.set(id, { id, title: a.title ?? id, classification: a.classification, credentials: a.credentials, pii: a.pii, line: at(['assets', id]), ...(a.description ? { description: a.description } : {}) });
  }
  const asset = (path: (string | number)[], id: string) => {
    if (!assets.has(id)) fail(path, `unknown asset ${id}${suggest(id, assets.keys())}`);
  };

  const elements = new Map<string, Element>();
  for (const [id, e] of Object.entries(m.elements)) {
    if (e.boundary !== undefined && !boundaries.has(e.boundary)) fail(['elements', id, 'boundary'], `unknown boundary ${e.boundary}${suggest(e.boundary, boundaries.keys())}`);
    e.stores.forEach((a, i) => asset(['elements', id, 'stores', i], a));
    e.processes.forEach((a, i) => asset(['elements', id, 'processes', i], a));
    const { custom, title, ...rest } = e;
    elements.set(id, { ...rest, id, title: title ?? id, custom: custom ?? e.kind === 'process', line: at(['elements', id]) });
  }

  const flows: Flow[] = [];
  const flowIds = new Map<string, number>();
  m.flows.forEach((f, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!elements.has(f[end])) fail(['flows', i, end], `unknown element ${f[end]}${suggest(f[end], elements.keys())}`);
    }
    if (f.from === f.to) fail(['flows', i, 'to'], 'a flow needs two different elements');
    f.data.forEach((a, j) => asset(['flows', i, 'data', j], a));
    const id = f.id ?? `${f.from}->${f.to}`;
    const prev = flowIds.get(id);
    if (prev !== undefined) fail(['flows', i], `flow id ${id} is used twice (also flows[${prev}])${f.id ? '' : ': give each flow between these elements an id'}`);
    if (elements.has(id)) fail(['flows', i, 'id'], `flow id ${id} is also an element id`);
    flowIds.set(id, i);
    const { id: _id, encrypted, title, ...rest } = f;
    const protocol = f.protocol.toLowerCase();
    flows.push({ ...rest, protocol, id, title: title ?? id, encrypted: encrypted ?? ENCRYPTED_PROTOCOLS.has(protocol), line: at(['flows', i]) });
  });

  const targets = new Set([...elements.keys(), ...flowIds.keys()]);
  const controls: Control[] = Object.entries(m.controls).map(([id, c]) => {
    c.elements?.forEach((e, i) => {
      if (!targets.has(e)) fail(['controls', id, 'elements', i], `unknown element or flow ${e}${suggest(e, targets)}`);
    });
    return {
      id,
      title: c.title ?? id,
      mitigates: c.mitigates,
      checks: c.checks,
      line: at(['controls', id]),
      ...(c.description ? { description: c.description } : {}),
      ...(c.elements ? { elements: c.elements } : {}),
      ...(c.evidence ? { evidence: c.evidence } : {}),
      ...(c.expires ? { expires: c.expires } : {}),
    };
  });
  const accepted: Accepted[] = m.accepted.map((a, i) => {
    const target = a.threat.includes('@') ? a.threat.slice(a.threat.indexOf('@') + 1) : undefined;
    if (target !== undefined && !targets.has(target)) fail(['accepted', i, 'threat'], `unknown element or flow ${target}${suggest(target, targets)}`);
    return { ...a, line: at(['accepted', i]) };
  });

  return {
    file,
    title: m.title,
    ...(m.description ? { description: m.description } : {}),
    boundaries,
    elements,
    flows,
    assets,
    assumptions: m.assumptions,
    controls,
    accepted,
    lineOf: (path) => lineOf(doc, lc, path),
  };
}

/** `a.b[0].c` for messages. */
export function keyText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

/** ` (did you mean x?)` when a known id is one or two edits away. */
export function suggest(id: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(id.toLowerCase(), k.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined ? ` (did you mean ${best}?)` : '';
}

/** Levenshtein distance, giving up (returning `max`) once it reaches `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) >= max) return max;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= max) return max;
    prev = cur;
  }
  return Math.min(prev[b.length]!, max);
}
