import { categoryOf, type LicenseCategory } from './categories.js';
import { formatSpdx, licenseIds, parseSpdx, toSpdx, type SpdxNode } from './spdx.js';

/** What the policy says about one package's license. */
export type LicenseVerdict =
  | { kind: 'ok'; expression: string; categories: LicenseCategory[] }
  | { kind: 'denied' | 'not-allowed'; expression: string; categories: LicenseCategory[]; offending: string[] }
  | { kind: 'unknown'; expression?: string; reason: string };

/** Allow/deny lists of SPDX ids or categories. */
export interface LicensePolicy {
  allow: string[];
  deny: string[];
}

function matches(list: Set<string>, id: string): boolean {
  const lower = id.toLowerCase();
  return list.has(lower) || list.has(lower.replace(/^licenseref-/, '')) || list.has(categoryOf(id));
}

/**
 * Applies the policy to an SPDX expression: `A OR B` passes when either passes, `A AND B` when both do;
 * a `WITH` exception is judged by its license. Unparsable or unclassified licenses are `unknown`.
 */
export function judgeLicense(raw: string | undefined, policy: LicensePolicy): LicenseVerdict {
  if (!raw || !raw.trim() || /^(SEE LICENSE IN .*|NOASSERTION|NONE)$/i.test(raw.trim())) {
    return { kind: 'unknown', ...(raw ? { expression: raw } : {}), reason: raw ? `license "${raw}" names no SPDX license` : 'no license recorded' };
  }
  let node: SpdxNode | undefined;
  // npm's UNLICENSED: no permission is granted to anyone, which is what proprietary means here
  if (/^UNLICENSED$/i.test(raw.trim())) node = { license: 'LicenseRef-UNLICENSED' };
  node ??= toSpdx(raw);
  if (!node) {
    try {
      parseSpdx(raw);
    } catch (e) {
      return { kind: 'unknown', expression: raw, reason: (e as Error).message };
    }
    return { kind: 'unknown', expression: raw, reason: `"${raw}" is not an SPDX license expression` };
  }
  const ids = licenseIds(node);
  const categories = [...new Set(ids.map(categoryOf))];
  const expression = formatSpdx(node);
  const deny = new Set(policy.deny.map((s) => s.toLowerCase()));
  const allow = new Set(policy.allow.map((s) => s.toLowerCase()));
  const denied = (n: SpdxNode): boolean =>
    'license' in n ? matches(deny, n.license) : n.conjunction === 'or' ? denied(n.left) && denied(n.right) : denied(n.left) || denied(n.right);
  const allowed = (n: SpdxNode): boolean =>
    'license' in n ? allow.size === 0 || matches(allow, n.license) : n.conjunction === 'or' ? allowed(n.left) || allowed(n.right) : allowed(n.left) && allowed(n.right);
  if (denied(node)) return { kind: 'denied', expression, categories, offending: ids.filter((id) => matches(deny, id)) };
  if (!allowed(node)) return { kind: 'not-allowed', expression, categories, offending: ids.filter((id) => !matches(allow, id)) };
  if (categories.every((c) => c === 'unknown') && !ids.some((id) => allow.has(id.toLowerCase()))) {
    return { kind: 'unknown', expression, reason: `license ${expression} is not a license pipeguard classifies` };
  }
  return { kind: 'ok', expression, categories };
}
