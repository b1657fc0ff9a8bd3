import { VERSION } from '../../core/version.js';
import { canonicalize } from '../audit/canonical-json.js';
import type { AuditEntry } from '../audit/entry.js';
import { eventFacts } from './fields.js';

/** The line formats of `audit export`. */
export const EXPORT_FORMATS = ['jsonl', 'cef', 'leef', 'syslog'] as const;
/** One export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** An entry and its hash (the SIEM's key for spotting a duplicate or a gap). */
export interface ExportEvent {
  entry: AuditEntry;
  hash: string;
}

const VENDOR = 'pipeguard';
const PRODUCT = 'pipeguard';

/** The entry as one canonical JSON line (what the log holds), with its hash. */
export function toJsonl(ev: ExportEvent): string {
  return canonicalize({ ...ev.entry, hash: ev.hash });
}

// ---- CEF (ArcSight Common Event Format, revision 25) ----

/** A CEF header field: backslash and pipe escaped; line breaks are not allowed there, so they become spaces. */
export function cefHeader(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** A CEF extension value: backslash and equals sign escaped, line breaks written as \n and \r. */
export function cefValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');
}

/** The entry as a CEF line: `CEF:0|pipeguard|pipeguard|VERSION|type|name|severity|extensions`. */
export function toCef(ev: ExportEvent): string {
  const e = ev.entry;
  const f = eventFacts(e);
  const ext: [string, string | number | undefined][] = [
    ['rt', Date.parse(e.time)],
    ['externalId', e.seq],
    ['cat', e.type],
    ['suser', e.actor.user],
    ['shost', e.actor.host],
    ['dvcpid', e.actor.pid],
    ['outcome', f.outcome],
    ['msg', f.summary.slice(0, 1023)],
  ];
  // custom fields: a label only where there is a value
  const custom: [string, string, string | number | undefined][] = [
    ['cs1', 'run', e.run],
    ['cs2', 'step', [f.stage, f.step].filter(Boolean).join('/') || undefined],
    ['cs3', 'entryHash', ev.hash],
    ['cs4', 'prevHash', e.prev],
    ['cs5', 'ciRun', e.actor.ciRun],
    ['cs6', 'data', canonicalize(e.data).slice(0, 4000)],
    ['cn1', 'exitCode', typeof (e.data as { exitCode?: unknown }).exitCode === 'number' ? ((e.data as { exitCode: number }).exitCode) : undefined],
  ];
  for (const [key, label, value] of custom) if (value !== undefined && value !== '') ext.push([`${key}Label`, label], [key, value]);
  const extText = ext
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${cefValue(String(v))}`)
    .join(' ');
  return `CEF:0|${cefHeader(VENDOR)}|${cefHeader(PRODUCT)}|${cefHeader(VERSION)}|${cefHeader(e.type)}|${cefHeader(f.name)}|${f.severity}|${extText}`;
}

// ---- LEEF 2.0 (IBM QRadar Log Event Extended Format) ----

/** The attribute delimiter this writer declares in the LEEF 2.0 header (a tab, written `x09`). */
export const LEEF_DELIMITER = '\t';

/** A LEEF header field: backslash and pipe escaped, line breaks made spaces. */
export function leefHeader(s: string): string {
  return cefHeader(s);
}

/**
 * A LEEF attribute value. LEEF defines no escape for the delimiter, so this writer keeps values free of it: a
 * backslash is doubled, and tab, CR and LF are written `\t`, `\r`, `\n` (the delimiter never appears inside a
 * value, so a parser that splits on tabs always gets whole attributes).
 */
export function leefValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** The entry as a LEEF 2.0 line, tab-delimited, with `devTime` in ISO 8601 and its format declared. */
export function toLeef(ev: ExportEvent): string {
  const e = ev.entry;
  const f = eventFacts(e);
  const attrs: [string, string | number | undefined][] = [
    ['devTime', e.time],
    ['devTimeFormat', "yyyy-MM-dd'T'HH:mm:ss.SSSX"],
    ['cat', e.type],
    // LEEF sev is 1-10
    ['sev', Math.max(1, f.severity)],
    ['usrName', e.actor.user],
    ['identHostName', e.actor.host],
    ['outcome', f.outcome],
    ['msg', f.summary],
    ['seq', e.seq],
    ['run', e.run],
    ['stage', f.stage],
    ['step', f.step],
    ['ciRun', e.actor.ciRun],
    ['entryHash', ev.hash],
    ['prevHash', e.prev],
    ['data', canonicalize(e.data)],
  ];
  const body = attrs
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${leefValue(String(v))}`)
    .join(LEEF_DELIMITER);
  return `LEEF:2.0|${leefHeader(VENDOR)}|${leefHeader(PRODUCT)}|${leefHeader(VERSION)}|${leefHeader(e.type)}|x09|${body}`;
}

// ---- RFC 5424 syslog ----

/** Options of {@link toSyslog}. */
export interface SyslogOptions {
  /** What MSG holds: the JSON entry (default), or its CEF or LEEF line. */
  body?: 'json' | 'cef' | 'leef';
  /** Facility (default 13, "log audit"). */
  facility?: number;
  appName?: string;
  /** Largest whole message in bytes (MSG is cut to fit and `truncated="true"` added); for UDP. */
  maxBytes?: number;
}

/** The SD-ID of pipeguard's structured data (32473 is the IANA example enterprise number, RFC 5612). */
export const SD_ID = 'pipeguard@32473';

/** An RFC 5424 PARAM-VALUE: `"`, `\` and `]` escaped with a backslash. */
export function sdValue(s: string): string {
  return s.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/** An RFC 5424 header field: printable US-ASCII only (33-126), at most `max` characters, `-` when empty. */
export function headerField(s: string | undefined, max: number): string {
  const clean = (s ?? '').replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean || '-';
}

/** Syslog severity (0 emergency ... 7 debug) of an event. */
export function syslogSeverity(severity: number): number {
  if (severity >= 7) return 4; // warning
  if (severity >= 5) return 5; // notice
  return 6; // informational
}

/** The entry as an RFC 5424 message (without transport framing). */
export function toSyslog(ev: ExportEvent, o: SyslogOptions = {}): string {
  const e = ev.entry;
  const f = eventFacts(e);
  const pri = (o.facility ?? 13) * 8 + syslogSeverity(f.severity);
  const header = `<${pri}>1 ${e.time} ${headerField(e.actor.host, 255)} ${headerField(o.appName ?? 'pipeguard', 48)} ${headerField(e.actor.pid !== undefined ? String(e.actor.pid) : undefined, 128)} ${headerField(e.type, 32)}`;
  const params: [string, string | number | undefined][] = [
    ['seq', e.seq],
    ['hash', ev.hash],
    ['prev', e.prev],
    ['run', e.run],
    ['user', e.actor.user],
    ['ci', e.actor.ci],
  ];
  const sd = (extra: string) =>
    `[${SD_ID} ${params
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}="${sdValue(String(v))}"`)
      .join(' ')}${extra}]`;
  const body = o.body === 'cef' ? toCef(ev) : o.body === 'leef' ? toLeef(ev) : canonicalize(e);
  const withBom = (msg: string) => (/[^\x00-\x7f]/.test(msg) ? `\ufeff${msg}` : msg);
  let msg = `${header} ${sd('')} ${withBom(body)}`;
  if (o.maxBytes && Buffer.byteLength(msg) > o.maxBytes) {
    const head = `${header} ${sd(' truncated="true"')} `;
    const room = Math.max(0, o.maxBytes - Buffer.byteLength(head) - 3);
    const cut = Buffer.from(body).subarray(0, room).toString('utf8').replace(/\ufffd$/, '');
    msg = head + withBom(cut);
  }
  return msg;
}

/** RFC 6587 octet counting (as RFC 5425 requires for TLS): `LENGTH SP MESSAGE`, the length in bytes. */
export function octetCounted(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}

/** One line of `audit export --format`. */
export function formatEvent(ev: ExportEvent, format: ExportFormat): string {
  switch (format) {
    case 'jsonl':
      return toJsonl(ev);
    case 'cef':
      return toCef(ev);
    case 'leef':
      return toLeef(ev);
    case 'syslog':
      return toSyslog(ev);
  }
}
