import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { maskSecrets } from '../../analyzers/secrets/mask.js';
import { InputError } from '../../core/errors.js';
import type { AuditEntry } from '../audit/entry.js';
import { readLines } from '../audit/lines.js';
import type { MonitorEvent } from './engine.js';

/**
 * Any JSON-lines event source (a web server's access log written as JSON, an auth service's log, a network
 * recorder's connections), turned into monitor events by a small mapping of field names:
 *
 * ```yaml
 * type: http.request            # every line becomes this event type (or typeField: a field holding it)
 * time: ts                      # field with the time: ISO 8601, or epoch seconds or milliseconds
 * fields:                       # event.data.NAME <- a field of the line (dot path); `:number` converts
 *   ip: remote_addr
 *   status: status:number
 *   path: request.uri
 * ```
 * Without `fields`, `event.data` is the whole line.
 */
export const mappingSchema = z
  .object({
    type: z.string().min(1).optional().describe('The event type every line becomes.'),
    typeField: z.string().min(1).optional().describe('A field holding the event type.'),
    time: z.string().min(1).default('time').describe('The field holding the time.'),
    run: z.string().optional().describe('A field holding a pipeline run id.'),
    user: z.string().optional().describe('A field holding who did it (event.actor.user).'),
    fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and underscores'), z.string().min(1)).optional(),
  })
  .strict()
  .refine((m) => m.type !== undefined || m.typeField !== undefined, { message: 'give type or typeField' });

/** A validated mapping. */
export type Mapping = z.infer<typeof mappingSchema>;

/** Reads a mapping file (YAML or JSON); a bad one is an InputError naming it. */
export function loadMapping(path: string, display = path): Mapping {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError((e as NodeJS.ErrnoException).code ? 'cannot read the mapping' : `not YAML: ${(e as Error).message.split('\n')[0]}`, display);
  }
  const r = mappingSchema.safeParse(doc);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`, display);
  }
  return r.data;
}

function at(o: unknown, path: string): unknown {
  let v = o;
  for (const k of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function timeOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v < 1e12 ? v * 1000 : v).toISOString();
  if (typeof v === 'string') {
    if (/^\d+(\.\d+)?$/.test(v)) return timeOf(Number(v));
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  return undefined;
}

/** Every string in a value with the secrets the built-in rules find masked (a token in a logged URL). */
function masked(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return maskSecrets(v);
  if (depth > 8 || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => masked(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, masked(x, depth + 1)]));
}

/**
 * One line of a source as a monitor event, every string in it with secrets masked (so no alert, alerts log or
 * SIEM event carries a token someone put in a URL); a line that is not a JSON object or has no time is an
 * InputError.
 */
export function mapLine(text: string, m: Mapping, display: string, line: number): MonitorEvent {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new InputError('not JSON', display, line);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new InputError('not a JSON object', display, line);
  const time = timeOf(at(o, m.time));
  if (!time) throw new InputError(`no time in field ${m.time}`, display, line);
  const type = m.typeField !== undefined ? at(o, m.typeField) : m.type;
  if (typeof type !== 'string' || !type) throw new InputError(`no event type in field ${m.typeField ?? ''}`, display, line);
  let data: Record<string, unknown>;
  if (m.fields) {
    data = {};
    for (const [name, spec] of Object.entries(m.fields)) {
      const num = spec.endsWith(':number');
      let v = at(o, num ? spec.slice(0, -':number'.length) : spec);
      if (num && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) v = Number(v);
      if (v !== undefined && v !== null) data[name] = masked(v);
    }
  } else data = masked(o) as Record<string, unknown>;
  const run = m.run !== undefined ? at(o, m.run) : undefined;
  const user = m.user !== undefined ? at(o, m.user) : undefined;
  return { type, time, source: display, line, ...(typeof run === 'string' ? { run } : {}), actor: typeof user === 'string' ? { user: maskSecrets(user) } : {}, data };
}

/** An audit entry as a monitor event. */
export function auditEvent(e: AuditEntry, display: string, line: number): MonitorEvent {
  return { type: e.type, time: e.time, source: display, line, seq: e.seq, ...(e.run ? { run: e.run } : {}), actor: { ...e.actor }, data: e.data };
}

/** Where reading a file got to. */
export interface LinePosition {
  offset: number;
  line: number;
}

/**
 * The complete lines of a JSON-lines file from `from` on, mapped; with `signal`, keeps following the file for
 * appended lines (polling) until it aborts. `onPosition` is told the position after each line.
 */
export async function* sourceEvents(path: string, m: Mapping, o: { display: string; from?: LinePosition; signal?: AbortSignal; pollMs?: number; onPosition?: (p: LinePosition) => void }): AsyncGenerator<MonitorEvent> {
  let pos = o.from ?? { offset: 0, line: 1 };
  for (;;) {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch (e) {
      if (!o.signal) throw new InputError(`cannot read the source (${(e as NodeJS.ErrnoException).code ?? 'error'})`, o.display);
    }
    if (size < pos.offset) pos = { offset: 0, line: 1 }; // rotated or truncated: start again
    if (size > pos.offset) {
      for await (const l of readLines(path, pos.offset, pos.line, o.display)) {
        if (!l.complete) break;
        pos = { offset: l.end, line: l.line + 1 };
        if (l.text.trim() === '') continue;
        yield mapLine(l.text, m, o.display, l.line);
        o.onPosition?.(pos);
      }
    }
    if (!o.signal || o.signal.aborted) return;
    try {
      await sleep(o.pollMs ?? 200, undefined, { signal: o.signal });
    } catch {
      return;
    }
  }
}
