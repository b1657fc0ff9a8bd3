import { parsePurl } from '../../analyzers/inventory/purl.js';

/** One "this advisory does not affect this product" statement from a VEX document. */
export interface VexStatement {
  vulnerability: string;
  /** purls; an empty list means every product. */
  products: string[];
  status: string;
  justification?: string;
  source: string;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Reads OpenVEX (`statements[]`) and CycloneDX VEX (`vulnerabilities[].analysis`) documents and keeps
 * the statements that clear a finding: OpenVEX `not_affected`/`fixed`, CycloneDX
 * `not_affected`/`false_positive`/`resolved`. Throws on a document that is neither.
 */
export function parseVex(doc: unknown, source: string): VexStatement[] {
  const d = obj(doc);
  const out: VexStatement[] = [];
  if (Array.isArray(d.statements)) {
    for (const s of d.statements) {
      const st = obj(s);
      const status = String(st.status ?? '');
      if (status !== 'not_affected' && status !== 'fixed') continue;
      const v = typeof st.vulnerability === 'string' ? st.vulnerability : String(obj(st.vulnerability).name ?? '');
      const products = (Array.isArray(st.products) ? st.products : []).map((p) => (typeof p === 'string' ? p : String(obj(p)['@id'] ?? ''))).filter(Boolean);
      out.push({ vulnerability: v, products, status, ...(st.justification ? { justification: String(st.justification) } : {}), source });
    }
    return out;
  }
  if (Array.isArray(d.vulnerabilities)) {
    const refs = new Map<string, string>();
    for (const c of Array.isArray(d.components) ? d.components : []) {
      const co = obj(c);
      if (typeof co['bom-ref'] === 'string' && typeof co.purl === 'string') refs.set(co['bom-ref'], co.purl);
    }
    for (const v of d.vulnerabilities) {
      const vo = obj(v);
      const a = obj(vo.analysis);
      const state = String(a.state ?? '');
      if (!['not_affected', 'false_positive', 'resolved', 'resolved_with_pedigree'].includes(state)) continue;
      const products = (Array.isArray(vo.affects) ? vo.affects : []).map((x) => {
        const ref = String(obj(x).ref ?? '');
        return refs.get(ref) ?? ref;
      });
      out.push({ vulnerability: String(vo.id ?? ''), products, status: state, ...(a.justification ? { justification: String(a.justification) } : {}), source });
    }
    return out;
  }
  throw new Error('not an OpenVEX or CycloneDX VEX document');
}

/** True when `stmt` covers this advisory (by any of its ids) on this package purl. */
export function vexCovers(stmt: VexStatement, ids: string[], purl: string): boolean {
  if (!ids.includes(stmt.vulnerability)) return false;
  if (stmt.products.length === 0) return true;
  const mine = parsePurl(purl);
  return stmt.products.some((p) => {
    if (p === purl) return true;
    const q = parsePurl(p);
    if (!q || !mine) return false;
    return q.type === mine.type && q.name.toLowerCase() === mine.name.toLowerCase() && (q.version === undefined || q.version === mine.version);
  });
}
