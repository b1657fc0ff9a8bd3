import { createRequire } from 'node:module';
import { spdxId, spdxLicenseIds } from './spdx.js';

/** License categories pipeguard's policy speaks of. */
export const LICENSE_CATEGORIES = [
  'permissive',
  'public-domain',
  'weak-copyleft',
  'strong-copyleft',
  'network-copyleft',
  'non-commercial',
  'proprietary',
  'unknown',
] as const;
/** One license category. */
export type LicenseCategory = (typeof LICENSE_CATEGORIES)[number];

const require = createRequire(import.meta.url);

/**
 * Permissive: every license the Blue Oak Council rates (`@blueoak/list`: model, gold, silver, bronze, lead), plus the
 * attribution-only Creative Commons and Unicode licenses it does not rate.
 */
function blueOak(): string[] {
  return (require('@blueoak/list') as { name: string; licenses: { id: string }[] }[]).flatMap((r) => r.licenses.map((l) => l.id));
}

/**
 * Copyleft families (after Blue Oak's copyleft guide: weak — changes to the licensed files are shared; strong —
 * the larger program that includes it is shared when distributed; network — also when users reach it over a
 * network), proprietary and public-domain dedications, by SPDX id. Every id here is checked against the SPDX
 * license list by a test.
 */
const TABLE: Record<'public-domain' | 'permissive' | 'weak-copyleft' | 'strong-copyleft' | 'network-copyleft' | 'proprietary', string[]> = {
  'public-domain': ['CC0-1.0', 'Unlicense', '0BSD', 'WTFPL', 'PDDL-1.0', 'CC-PDDC'],
  permissive: ['CC-BY-1.0', 'CC-BY-2.0', 'CC-BY-2.5', 'CC-BY-3.0', 'CC-BY-4.0', 'Unicode-3.0', 'Unicode-DFS-2016', 'Python-2.0', 'PSF-2.0'],
  'weak-copyleft': [
    'LGPL-2.0-only', 'LGPL-2.0-or-later', 'LGPL-2.1-only', 'LGPL-2.1-or-later', 'LGPL-3.0-only', 'LGPL-3.0-or-later',
    'LGPL-2.0', 'LGPL-2.1', 'LGPL-3.0', 'LGPLLR',
    'MPL-1.0', 'MPL-1.1', 'MPL-2.0', 'MPL-2.0-no-copyleft-exception', 'EPL-1.0', 'EPL-2.0', 'CDDL-1.0', 'CDDL-1.1',
    'CPL-1.0', 'IPL-1.0', 'EUPL-1.0', 'EUPL-1.1', 'EUPL-1.2', 'MS-RL', 'Artistic-1.0', 'CECILL-C', 'ErlPL-1.1', 'SPL-1.0',
    'CC-BY-SA-1.0', 'CC-BY-SA-2.0', 'CC-BY-SA-2.5', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0', 'OFL-1.0', 'OFL-1.1', 'APSL-2.0',
    'CAL-1.0-Combined-Work-Exception',
  ],
  'strong-copyleft': [
    'GPL-1.0-only', 'GPL-1.0-or-later', 'GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0-only', 'GPL-3.0-or-later',
    'GPL-1.0', 'GPL-2.0', 'GPL-3.0', 'GPL-2.0-with-classpath-exception',
    'GPL-2.0-with-GCC-exception', 'GPL-3.0-with-GCC-exception', 'GPL-2.0-with-autoconf-exception', 'GPL-3.0-with-autoconf-exception',
    'GPL-2.0-with-bison-exception', 'GPL-2.0-with-font-exception', 'CECILL-1.0', 'CECILL-1.1', 'CECILL-2.0', 'CECILL-2.1',
    'Sleepycat', 'QPL-1.0', 'copyleft-next-0.3.0', 'copyleft-next-0.3.1',
  ],
  'network-copyleft': ['AGPL-1.0', 'AGPL-1.0-only', 'AGPL-1.0-or-later', 'AGPL-3.0', 'AGPL-3.0-only', 'AGPL-3.0-or-later', 'SSPL-1.0', 'OSL-1.0', 'OSL-1.1', 'OSL-2.0', 'OSL-2.1', 'OSL-3.0', 'RPL-1.1', 'RPL-1.5', 'CAL-1.0'],
  // source-available terms that restrict use (a production use, a competing service, a company size)
  proprietary: ['BUSL-1.1', 'Elastic-2.0', 'PolyForm-Small-Business-1.0.0'],
};

let byId: Map<string, LicenseCategory> | undefined;

/** Category by lower-case id, built on first use (it reads the SPDX list). */
function categories(): Map<string, LicenseCategory> {
  if (byId) return byId;
  const m = new Map<string, LicenseCategory>();
  for (const id of blueOak()) m.set(id.toLowerCase(), 'permissive');
  for (const [cat, ids] of Object.entries(TABLE)) for (const id of ids) m.set(id.toLowerCase(), cat as LicenseCategory);
  // non-commercial: every Creative Commons NC variant the SPDX list has, and PolyForm Noncommercial
  for (const id of spdxLicenseIds()) if (/^CC-BY-NC(-|$)|^PolyForm-Noncommercial/.test(id)) m.set(id.toLowerCase(), 'non-commercial');
  return (byId = m);
}

/** Every SPDX id pipeguard puts in a category, with the category (for the test that keeps the table honest). */
export function classifiedIds(): [string, LicenseCategory][] {
  return [...categories().entries()].map(([lower, cat]) => [spdxId(lower) ?? lower, cat]);
}

/**
 * The category of one SPDX id (case-insensitive, a trailing `+` ignored); `unknown` for ids pipeguard does not
 * classify. A `LicenseRef-` naming proprietary or commercial terms is proprietary, and so is npm's `UNLICENSED`
 * (read as `LicenseRef-UNLICENSED`: no permission granted).
 */
export function categoryOf(id: string): LicenseCategory {
  const lower = id.toLowerCase();
  const table = categories();
  const cat = table.get(lower) ?? table.get(lower.replace(/\+$/, ''));
  if (cat) return cat;
  if (/^licenseref-(unlicensed$|.*(proprietary|commercial|confidential|all-rights-reserved))/.test(lower)) return 'proprietary';
  return 'unknown';
}
