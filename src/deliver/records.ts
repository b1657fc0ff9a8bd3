/** The folders of run and deploy records: one JSON file per id (`20260102T030405Z-abcdef.json`), newest first. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';

/** The ids recorded in `dir`, newest first (an absent folder has none). */
export function listRecords(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d{8}T\d{6}Z-[0-9a-f]{6}\.json$/.test(n))
    .map((n) => n.slice(0, -5))
    .sort()
    .reverse();
}

/**
 * Loads the record named by id, unique prefix or suffix (undefined or `latest`: the newest). `noun` names the kind in
 * messages (`run`, `deploy`); problems are InputErrors naming `display` or the file.
 */
export function loadRecord<T>(dir: string, id: string | undefined, noun: { one: string; none: string }, display = dir): T {
  const all = listRecords(dir);
  if (!all.length) throw new InputError(noun.none, display);
  let pick: string;
  if (id === undefined || id === 'latest') pick = all[0]!;
  else {
    const m = all.filter((r) => r.startsWith(id) || r.endsWith(id));
    if (m.length === 0) throw new InputError(`no ${noun.one} ${id}`, display);
    if (m.length > 1) throw new InputError(`${id} names ${m.length} ${noun.one}s: give more of the id`, display);
    pick = m[0]!;
  }
  try {
    return JSON.parse(readFileSync(join(dir, `${pick}.json`), 'utf8')) as T;
  } catch {
    throw new InputError(`not a readable ${noun.one} record`, join(display, `${pick}.json`));
  }
}
