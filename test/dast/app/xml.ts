/**
 * The test application's XML reader. The vulnerable variant expands internal and external (SYSTEM) entities of
 * a DOCTYPE, reading `file:` URLs and fetching `http:` ones, as libxml2 with `noent` does; the fixed one
 * refuses any DOCTYPE. Only what the tests send is supported: one level of elements with text.
 */
import { readFileSync } from 'node:fs';

/** Parses `<root><a>x</a>...</root>` into { a: 'x' }, expanding entities when `vulnerable`. */
export async function readXml(xml: string, vulnerable: boolean): Promise<Record<string, string>> {
  const entities = new Map<string, string>();
  const doctype = /<!DOCTYPE[^[>]*(\[([\s\S]*?)\])?\s*>/.exec(xml);
  if (doctype) {
    if (!vulnerable) throw new Error('DOCTYPE not allowed');
    for (const m of (doctype[2] ?? '').matchAll(/<!ENTITY\s+(\w+)\s+(?:SYSTEM\s+"([^"]*)"|"([^"]*)")\s*>/g)) {
      const [, name, system, value] = m;
      if (value !== undefined) entities.set(name!, value);
      else if (system!.startsWith('file://')) entities.set(name!, readFileSync(new URL(system!), 'utf8'));
      else if (/^https?:/.test(system!)) entities.set(name!, await (await fetch(system!)).text());
    }
  }
  const body = xml.replace(/<\?xml[^>]*\?>/, '').replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/, '');
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) {
    out[m[1]!] = m[2]!.replace(/&(\w+);/g, (all, n: string) => entities.get(n) ?? ({ amp: '&', lt: '<', gt: '>' } as Record<string, string>)[n] ?? all);
  }
  return out;
}
