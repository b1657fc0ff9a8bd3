/** Components of a CycloneDX JSON SBOM (nested components flattened), for the component view. */
import { parsePurl } from './location.js';
import type { IncomingComponent } from './model.js';

type Obj = Record<string, unknown>;

/** The component and every component nested in it, as the server keeps them. */
export function cyclonedxComponents(c: unknown, out: IncomingComponent[] = [], depth = 0): IncomingComponent[] {
  if (typeof c !== 'object' || c === null || depth > 32) return out;
  const o = c as Obj;
  const purl = typeof o['purl'] === 'string' ? o['purl'] : undefined;
  const parsed = purl ? parsePurl(purl) : undefined;
  const group = typeof o['group'] === 'string' && o['group'] ? `${o['group']}/` : '';
  const name = typeof o['name'] === 'string' && o['name'] ? `${group}${o['name']}` : parsed?.name;
  const version = typeof o['version'] === 'string' && o['version'] ? o['version'] : parsed?.version;
  if (name) out.push({ name, ...(version ? { version } : {}), ...(purl ? { purl } : {}), ...(parsed ? { ecosystem: parsed.ecosystem } : {}) });
  if (Array.isArray(o['components'])) for (const child of o['components']) cyclonedxComponents(child, out, depth + 1);
  return out;
}
