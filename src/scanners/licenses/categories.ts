/** License categories pipeguard's policy speaks of. */
export const LICENSE_CATEGORIES = ['permissive', 'weak-copyleft', 'strong-copyleft', 'network-copyleft', 'public-domain', 'unknown'] as const;
/** One license category. */
export type LicenseCategory = (typeof LICENSE_CATEGORIES)[number];

const TABLE: Record<Exclude<LicenseCategory, 'unknown'>, string[]> = {
  'public-domain': ['CC0-1.0', 'Unlicense', '0BSD', 'WTFPL', 'PDDL-1.0'],
  permissive: [
    'MIT', 'MIT-0', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'BSD-3-Clause-Clear', 'BSD-4-Clause', 'Apache-1.1', 'Apache-2.0',
    'Zlib', 'X11', 'Python-2.0', 'PSF-2.0', 'BlueOak-1.0.0', 'Artistic-2.0', 'BSL-1.0', 'CC-BY-3.0', 'CC-BY-4.0', 'PostgreSQL',
    'NCSA', 'Unicode-DFS-2016', 'Unicode-3.0', 'OpenSSL', 'HPND', 'curl', 'Ruby', 'AFL-2.1', 'AFL-3.0', 'MIT-CMU', 'ICU', 'W3C',
  ],
  'weak-copyleft': [
    'LGPL-2.0-only', 'LGPL-2.0-or-later', 'LGPL-2.1-only', 'LGPL-2.1-or-later', 'LGPL-3.0-only', 'LGPL-3.0-or-later',
    'LGPL-2.0', 'LGPL-2.1', 'LGPL-3.0', 'MPL-1.1', 'MPL-2.0', 'MPL-2.0-no-copyleft-exception', 'EPL-1.0', 'EPL-2.0', 'CDDL-1.0',
    'CDDL-1.1', 'CPL-1.0', 'EUPL-1.1', 'EUPL-1.2', 'CC-BY-SA-4.0', 'CC-BY-SA-3.0', 'OSL-3.0', 'MS-RL', 'Artistic-1.0',
  ],
  'strong-copyleft': [
    'GPL-1.0-only', 'GPL-1.0-or-later', 'GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0-only', 'GPL-3.0-or-later',
    'GPL-2.0', 'GPL-3.0', 'GPL-1.0', 'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0',
  ],
  'network-copyleft': ['AGPL-1.0-only', 'AGPL-1.0-or-later', 'AGPL-3.0-only', 'AGPL-3.0-or-later', 'AGPL-3.0', 'SSPL-1.0', 'OSL-3.0-network', 'RPL-1.5'],
};

const BY_ID = new Map<string, LicenseCategory>();
for (const [cat, ids] of Object.entries(TABLE)) for (const id of ids) BY_ID.set(id.toLowerCase(), cat as LicenseCategory);

/** The category of one SPDX id (case-insensitive); `unknown` for ids pipeguard does not classify. */
export function categoryOf(id: string): LicenseCategory {
  return BY_ID.get(id.toLowerCase()) ?? 'unknown';
}

/** The canonical spelling of a known SPDX id, or the id as given. */
export function canonicalId(id: string): string {
  const lower = id.toLowerCase();
  for (const ids of Object.values(TABLE)) for (const x of ids) if (x.toLowerCase() === lower) return x;
  return id;
}

const ALIASES: Record<string, string> = {
  'mit license': 'MIT',
  'the mit license': 'MIT',
  'apache 2.0': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'apache 2': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license, version 2.0': 'Apache-2.0',
  'apache software license': 'Apache-2.0',
  'the apache software license, version 2.0': 'Apache-2.0',
  'bsd license': 'BSD-3-Clause',
  'new bsd license': 'BSD-3-Clause',
  'simplified bsd license': 'BSD-2-Clause',
  'isc license': 'ISC',
  gplv2: 'GPL-2.0-only',
  gplv3: 'GPL-3.0-only',
  'gpl-2.0+': 'GPL-2.0-or-later',
  'gpl-3.0+': 'GPL-3.0-or-later',
  lgplv3: 'LGPL-3.0-only',
  'mozilla public license 2.0': 'MPL-2.0',
  'public domain': 'Unlicense',
};

/** Maps a common non-SPDX license name to its SPDX id, or returns the input trimmed. */
export function normaliseLicenseName(s: string): string {
  const t = s.trim();
  return ALIASES[t.toLowerCase()] ?? t;
}
