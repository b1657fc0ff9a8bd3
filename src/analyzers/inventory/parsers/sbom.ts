import { ecosystemOfPurl } from '../purl.js';
import { LockfileError, type Dependency, type ParsedLockfile } from '../types.js';
import { LineIndex, objectOr, parseJson, str } from './text.js';

/**
 * Reads an SBOM produced elsewhere as an inventory: CycloneDX JSON (`components[]` with purls,
 * nested components, `dependencies[]` graph) or SPDX 2.x JSON (`packages[]` with purl external refs,
 * DEPENDS_ON relationships). Components without a purl of a known ecosystem are skipped.
 */
export function parseSbom(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  if (doc.bomFormat === 'CycloneDX') return cyclonedx(doc, path, lines);
  if (typeof doc.spdxVersion === 'string') return spdx(doc, path, lines);
  throw new LockfileError('not a CycloneDX or SPDX JSON document', 1);
}

function fromPurl(purl: string, lines: LineIndex, extra: Partial<Dependency> = {}): Dependency | undefined {
  const e = ecosystemOfPurl(purl);
  if (!e?.version) return undefined;
  return { key: purl, ecosystem: e.ecosystem, name: e.name, version: e.version, line: lines.find(JSON.stringify(purl).slice(1, -1)), ...extra };
}

function cyclonedx(doc: Record<string, unknown>, path: string, lines: LineIndex): ParsedLockfile {
  const out: Dependency[] = [];
  const refToKey = new Map<string, string>();
  const walk = (list: unknown): void => {
    for (const raw of Array.isArray(list) ? list : []) {
      const c = objectOr(raw);
      const purl = str(c.purl);
      if (purl) {
        const lic = (Array.isArray(c.licenses) ? c.licenses : []).map((l) => {
          const o = objectOr(l);
          return str(o.expression) ?? str(objectOr(o.license).id) ?? str(objectOr(o.license).name);
        }).find((x) => x);
        const d = fromPurl(purl, lines, { ...(lic ? { license: lic } : {}), ...(c.scope === 'optional' ? { dev: true } : {}) });
        if (d) {
          out.push(d);
          refToKey.set(str(c['bom-ref']) ?? purl, d.key);
        }
      }
      walk(c.components);
    }
  };
  walk(doc.components);
  const byKey = new Map(out.map((d) => [d.key, d]));
  const rootRef = str(objectOr(objectOr(doc.metadata).component)['bom-ref']);
  let roots: string[] | undefined;
  for (const raw of Array.isArray(doc.dependencies) ? doc.dependencies : []) {
    const d = objectOr(raw);
    const ref = str(d.ref);
    const deps = (Array.isArray(d.dependsOn) ? d.dependsOn : []).map((x) => refToKey.get(String(x))).filter((k): k is string => !!k);
    if (ref && ref === rootRef) roots = deps;
    const owner = ref ? byKey.get(refToKey.get(ref) ?? '') : undefined;
    if (owner) owner.dependsOn = deps;
  }
  return { path, format: `CycloneDX ${String(doc.specVersion ?? '')}`.trim(), ecosystem: 'mixed', packages: out, ...(roots ? { roots } : {}) };
}

function spdx(doc: Record<string, unknown>, path: string, lines: LineIndex): ParsedLockfile {
  const out: Dependency[] = [];
  const idToKey = new Map<string, string>();
  for (const raw of Array.isArray(doc.packages) ? doc.packages : []) {
    const p = objectOr(raw);
    const purl = (Array.isArray(p.externalRefs) ? p.externalRefs : [])
      .map(objectOr)
      .find((r) => r.referenceType === 'purl' && typeof r.referenceLocator === 'string')?.referenceLocator as string | undefined;
    if (!purl) continue;
    const lic = str(p.licenseDeclared) ?? str(p.licenseConcluded);
    const d = fromPurl(purl, lines, lic && lic !== 'NOASSERTION' && lic !== 'NONE' ? { license: lic } : {});
    if (!d) continue;
    out.push(d);
    if (typeof p.SPDXID === 'string') idToKey.set(p.SPDXID, d.key);
  }
  const byKey = new Map(out.map((d) => [d.key, d]));
  for (const raw of Array.isArray(doc.relationships) ? doc.relationships : []) {
    const r = objectOr(raw);
    if (r.relationshipType !== 'DEPENDS_ON') continue;
    const from = byKey.get(idToKey.get(String(r.spdxElementId)) ?? '');
    const to = idToKey.get(String(r.relatedSpdxElement));
    if (from && to) (from.dependsOn ??= []).push(to);
  }
  return { path, format: `SPDX ${String(doc.spdxVersion).replace(/^SPDX-/, '')}`, ecosystem: 'mixed', packages: out };
}
