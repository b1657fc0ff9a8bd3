/**
 * The distribution of an image, from `etc/os-release` (or `usr/lib/os-release`), and the OSV ecosystem its
 * packages' advisories are published under (`Debian:12`, `Ubuntu:22.04`, `Alpine:v3.20`, `Rocky Linux:9`).
 */

/** What os-release says. */
export interface OsRelease {
  id: string;
  versionId?: string;
  codename?: string;
  prettyName?: string;
  idLike: string[];
}

/** The os-release files, most specific first. */
export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'];

/** Parses `KEY=value` lines (values may be quoted with `"` or `'`, with `\` escapes inside double quotes). */
export function parseOsRelease(text: string): OsRelease | undefined {
  const v = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let val = m[2]!.trim();
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (val.startsWith("'") && val.endsWith("'") && val.length >= 2) val = val.slice(1, -1);
    v.set(m[1]!, val);
  }
  const id = v.get('ID')?.toLowerCase();
  if (!id) return undefined;
  return {
    id,
    ...(v.get('VERSION_ID') ? { versionId: v.get('VERSION_ID')! } : {}),
    ...(v.get('VERSION_CODENAME') ? { codename: v.get('VERSION_CODENAME')! } : {}),
    ...(v.get('PRETTY_NAME') ? { prettyName: v.get('PRETTY_NAME')! } : {}),
    idLike: (v.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
  };
}

const major = (v: string | undefined): string | undefined => v?.match(/^\d+/)?.[0];
const majorMinor = (v: string | undefined): string | undefined => v?.match(/^\d+\.\d+/)?.[0];

/** The package database kinds, for which the ecosystem is asked. */
export type PackageDbKind = 'dpkg' | 'apk' | 'rpm';

/**
 * The OSV ecosystem of a distribution's packages, with its release (`Debian:12`), or the bare name when the
 * release is not known (then advisories of every release match: the report says so). Undefined for a
 * distribution OSV does not cover.
 */
export function distroEcosystem(os: OsRelease | undefined, db: PackageDbKind): string | undefined {
  const id = os?.id;
  const like = os?.idLike ?? [];
  const ver = os?.versionId;
  if (db === 'dpkg') {
    if (id === 'ubuntu') return ver ? `Ubuntu:${majorMinor(ver) ?? ver}` : 'Ubuntu';
    if (id === 'debian' || !id) return major(ver) ? `Debian:${major(ver)}` : 'Debian';
    if (like.includes('ubuntu')) return 'Ubuntu';
    if (like.includes('debian')) return 'Debian';
    return undefined;
  }
  if (db === 'apk') {
    if (id === 'wolfi') return 'Wolfi';
    if (id === 'chainguard') return 'Chainguard';
    if (id === 'alpine' || !id || like.includes('alpine')) {
      const mm = majorMinor(ver);
      return mm ? `Alpine:v${mm}` : 'Alpine';
    }
    return undefined;
  }
  const m = major(ver);
  switch (id) {
    case 'rocky':
      return m ? `Rocky Linux:${m}` : 'Rocky Linux';
    case 'almalinux':
      return m ? `AlmaLinux:${m}` : 'AlmaLinux';
    case 'rhel':
      return m ? `Red Hat:enterprise_linux:${m}` : 'Red Hat';
    case 'opensuse-leap':
      return ver ? `openSUSE:Leap ${ver}` : 'openSUSE';
    case 'photon':
      return ver ? `Photon OS:${ver}` : 'Photon OS';
    case 'mageia':
      return m ? `Mageia:${m}` : 'Mageia';
    case 'azurelinux':
      return m ? `Azure Linux:${m}` : 'Azure Linux';
    default:
      return undefined;
  }
}

/** The purl `distro` qualifier: `debian-12`, `alpine-3.20.3`, `rocky-9.3`. */
export function purlDistro(os: OsRelease | undefined): string | undefined {
  if (!os) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}

/** The purl namespace of a distribution (`debian`, `ubuntu`, `alpine`, `rocky`...). */
export function purlNamespace(os: OsRelease | undefined, db: PackageDbKind): string {
  if (os?.id) return os.id;
  return db === 'dpkg' ? 'debian' : db === 'apk' ? 'alpine' : 'redhat';
}
