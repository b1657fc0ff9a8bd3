/**
 * Trivy's ignore files at the root of a scanned folder, honoured so a migration keeps its accepted findings:
 * `.trivyignore` (one ID a line, `#` comments, an optional `exp:YYYY-MM-DD`) and `.trivyignore.yaml`
 * (`vulnerabilities`, `misconfigurations`, `secrets`, `licenses`: lists of `id`, optional `paths`, `statement`,
 * `expired_at`). An entry matches a finding of the kind Trivy would have reported by the finding's rule id, its
 * advisory id or aliases (CVE-..., GHSA-...), or its licence; `paths` (globs) narrow it to files. Matching findings
 * are config suppressions with the entry as the reason; expired entries apply no more and are said in a warning.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globMatcher } from '../core/glob.js';
import { locationPath } from '../core/location.js';
import type { Finding } from '../core/types.js';
import { items, pairs, parseYaml, str } from '../analyzers/yaml.js';

type Kind = 'vulnerabilities' | 'misconfigurations' | 'secrets' | 'licenses';

/** Which scanners' findings each kind of entry applies to (`.trivyignore` lines apply to all of them). */
const SCANNERS: Record<Kind, ReadonlySet<string>> = {
  vulnerabilities: new Set(['deps', 'image']),
  misconfigurations: new Set(['iac']),
  secrets: new Set(['secrets']),
  licenses: new Set(['licenses']),
};
const ALL: ReadonlySet<string> = new Set(Object.values(SCANNERS).flatMap((s) => [...s]));

/** One entry of a Trivy ignore file. */
export interface TrivyIgnoreEntry {
  id: string;
  file: string;
  line: number;
  scanners: ReadonlySet<string>;
  paths?: (p: string) => boolean;
  statement?: string;
}

/** A regular file at `path` (no link), or undefined. */
function readRegular(path: string): string | undefined {
  const st = lstatSync(path, { throwIfNoEntry: false });
  return st?.isFile() ? readFileSync(path, 'utf8') : undefined;
}

/** The entries of the Trivy ignore files in `root`; expired ones are left out with a warning through `warn`. */
export function readTrivyIgnores(root: string, now: Date, warn: (message: string) => void): TrivyIgnoreEntry[] {
  const out: TrivyIgnoreEntry[] = [];
  const today = now.toISOString().slice(0, 10);
  const expired = (file: string, line: number, id: string, date: string | undefined): boolean => {
    if (!date || date >= today) return false;
    warn(`${file}:${line}: ${id} expired on ${date}, no longer applied`);
    return true;
  };
  const plain = readRegular(join(root, '.trivyignore'));
  if (plain !== undefined) {
    plain.split('\n').forEach((raw, i) => {
      const [id, ...rest] = raw.replace(/#.*/, '').trim().split(/\s+/);
      if (!id) return;
      const exp = rest.find((w) => w.startsWith('exp:'))?.slice(4);
      if (!expired('.trivyignore', i + 1, id, exp)) out.push({ id, file: '.trivyignore', line: i + 1, scanners: ALL });
    });
  }
  const yamlText = readRegular(join(root, '.trivyignore.yaml'));
  if (yamlText !== undefined) {
    const y = parseYaml(yamlText);
    if (y.error) {
      warn(`.trivyignore.yaml: ${y.error}: not read`);
      return out;
    }
    for (const [kind, p] of pairs(y.docs[0]?.contents)) {
      const scanners = SCANNERS[kind as Kind];
      if (!scanners) continue;
      for (const entry of items(p.value)) {
        const id = str(pairs(entry).find(([k]) => k === 'id')?.[1].value);
        if (!id) continue;
        const field = (k: string) => pairs(entry).find(([key]) => key === k)?.[1].value;
        const line = y.lc.linePos(entry.range?.[0] ?? 0).line;
        if (expired('.trivyignore.yaml', line, id, str(field('expired_at')))) continue;
        const globs = items(field('paths')).map((n) => str(n)).filter((g): g is string => !!g);
        const statement = str(field('statement'));
        out.push({ id, file: '.trivyignore.yaml', line, scanners, ...(globs.length ? { paths: globMatcher(globs) } : {}), ...(statement ? { statement } : {}) });
      }
    }
  }
  return out;
}

/** The ids a finding answers to: its rule, its advisory and aliases, its licence. */
function idsOf(f: Finding): string[] {
  const d = (f.data ?? {}) as { advisoryId?: unknown; aliases?: unknown; license?: unknown };
  const ids = [f.ruleId];
  if (typeof d.advisoryId === 'string') ids.push(d.advisoryId);
  if (Array.isArray(d.aliases)) for (const a of d.aliases) if (typeof a === 'string') ids.push(a);
  if (typeof d.license === 'string') ids.push(d.license);
  return ids;
}

/** Why a Trivy ignore entry suppresses `f`, or undefined. */
export function trivyIgnoreReason(entries: readonly TrivyIgnoreEntry[], f: Finding): string | undefined {
  if (!entries.length || !ALL.has(f.scanner)) return undefined;
  const ids = idsOf(f);
  const path = locationPath(f.location);
  for (const e of entries) {
    if (!e.scanners.has(f.scanner) || !ids.includes(e.id)) continue;
    if (e.paths && (path === undefined || !e.paths(path))) continue;
    return `${e.file}: ${e.id}${e.statement ? ` (${e.statement})` : ''}`;
  }
  return undefined;
}
