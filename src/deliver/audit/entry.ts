import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import { canonicalize } from './canonical-json.js';

/** Who did something: the user, host and CI job an entry comes from. */
export interface Actor {
  user: string;
  host: string;
  pid?: number;
  /** CI system (`github-actions`, `gitlab-ci`, `jenkins`, ...), when run under one. */
  ci?: string;
  /** The CI job's run id or URL. */
  ciRun?: string;
  /** The commit being built, when the CI system says. */
  commit?: string;
}

/**
 * One line of the audit log. `prev` is the SHA-256 (hex) of the RFC 8785 canonical JSON of the entry before it
 * ({@link GENESIS} for the first), so no entry can be changed, removed, inserted or moved without breaking the
 * chain at that place.
 */
export interface AuditEntry {
  /** Format version. */
  v: 1;
  /** 1-based position in the log. */
  seq: number;
  /** ISO 8601 time of writing. */
  time: string;
  /** What happened: `run.started`, `step.finished`, `gate.decision`, `secret.access`, `checkpoint`, ... */
  type: string;
  actor: Actor;
  /** The pipeline run the entry belongs to, if any. */
  run?: string;
  /** Facts of the event. Never a secret value: secrets are named, not shown. */
  data: Record<string, unknown>;
  prev: string;
}

/** The `prev` of the first entry. */
export const GENESIS = '0'.repeat(64);

/** Largest entry, as canonical JSON bytes: keeps lines bounded for readers and SIEM messages. */
export const MAX_ENTRY_BYTES = 64 * 1024;

/** SHA-256 (hex) of an entry's canonical form: what the next entry's `prev` holds. */
export function hashEntry(e: AuditEntry): string {
  return createHash('sha256').update(canonicalize(e)).digest('hex');
}

/** Checks that a parsed line has an entry's shape; returns why not, or undefined. */
export function entryShapeError(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not a JSON object';
  const e = x as Record<string, unknown>;
  if (e['v'] !== 1) return 'unknown format version';
  if (!Number.isSafeInteger(e['seq']) || (e['seq'] as number) < 1) return 'seq is not a positive integer';
  if (typeof e['time'] !== 'string') return 'time is missing';
  if (typeof e['type'] !== 'string' || !e['type']) return 'type is missing';
  if (typeof e['actor'] !== 'object' || e['actor'] === null) return 'actor is missing';
  if (typeof e['data'] !== 'object' || e['data'] === null || Array.isArray(e['data'])) return 'data is not an object';
  if (typeof e['prev'] !== 'string' || !/^[0-9a-f]{64}$/.test(e['prev'])) return 'prev is not a SHA-256';
  if (e['run'] !== undefined && typeof e['run'] !== 'string') return 'run is not a string';
  return undefined;
}

/** One line of the log as an entry; an InputError naming the file and line when it is not one. */
export function parseEntryLine(text: string, display: string, line: number): AuditEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError('not JSON: the audit log is corrupt here', display, line);
  }
  const bad = entryShapeError(parsed);
  if (bad) throw new InputError(`not an audit entry (${bad})`, display, line);
  return parsed as AuditEntry;
}
