/**
 * The keys a pipeguard.yml sets itself, as dotted paths (`scanners`, `scanners.dast`, `scanners.dast.openapi`,
 * `build.require`...), down to three levels. The validated config fills every section with defaults, so it cannot
 * tell "DAST is configured" from "DAST has its defaults"; mitigation conditions read this list as `declared`
 * (`"scanners.dast" in declared`). The file was validated before, so it parses; anything else gives no keys.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const DEPTH = 3;

/** The dotted keys the config file at `path` sets (empty without a file). */
export function declaredKeys(path: string | undefined): string[] {
  if (!path) return [];
  let data: unknown;
  try {
    data = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown, prefix: string, depth: number) => {
    if (depth >= DEPTH || typeof v !== 'object' || v === null || Array.isArray(v)) return;
    for (const [k, child] of Object.entries(v)) {
      const key = prefix ? `${prefix}.${k}` : k;
      out.push(key);
      walk(child, key, depth + 1);
    }
  };
  walk(data, '', 0);
  return out;
}
