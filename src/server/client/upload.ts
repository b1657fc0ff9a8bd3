/**
 * Uploads a report to a pipeguard server (what `scan --upload` and fleet workers do): gzipped, with a run id
 * so a retried upload is stored once, retried with backoff on network errors, 429 and 5xx, and a timeout on
 * every attempt. Never puts the token in a message.
 */
import { gzipSync } from 'node:zlib';

/** An upload the server refused or could not be reached for. `retryable` is false for a 4xx answer. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The server's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** What to upload and where. */
export interface UploadInput {
  /** A server base URL (`https://pipeguard.example`) or a full reports URL (`…/api/v1/projects/NAME/reports`). */
  url: string;
  /** The project, when `url` is a base URL. */
  project?: string;
  token?: string;
  /** The report's bytes (pipeguard JSON, SARIF or CycloneDX). */
  body: string | Buffer;
  runId?: string;
  commit?: string;
  branch?: string;
  /** Attempts in all (default 3). */
  attempts?: number;
  /** Per attempt (default 120 s). */
  timeoutMs?: number;
  /** Waits between attempts (default 1 s, doubling); tests pass a short one. */
  backoffMs?: number;
}

/** The server's answer. */
export interface UploadResult {
  status: number;
  body: Record<string, unknown>;
  /** The reports URL used. */
  url: string;
}

/** The reports URL for a base or full URL and a project. */
export function reportsUrl(url: string, project: string | undefined): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UploadError(`not a URL: ${url}`, false);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UploadError(`the upload URL must be http or https: ${u.protocol}`, false);
  if (/\/api\/v1\/projects\/[^/]+\/reports\/?$/.test(u.pathname)) return u;
  if (!project) throw new UploadError('give the project (--project NAME) or a full …/api/v1/projects/NAME/reports URL', false);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/v1/projects/${encodeURIComponent(project)}/reports`;
  return u;
}

/** Uploads `input.body`; resolves with the server's answer (201 stored, 200 already stored). */
export async function uploadReport(input: UploadInput): Promise<UploadResult> {
  const u = reportsUrl(input.url, input.project);
  if (input.runId) u.searchParams.set('run', input.runId);
  if (input.commit) u.searchParams.set('commit', input.commit);
  if (input.branch) u.searchParams.set('branch', input.branch);
  const body = gzipSync(input.body);
  const attempts = input.attempts ?? 3;
  let wait = input.backoffMs ?? 1000;
  let last: UploadError | undefined;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) {
      await new Promise((r) => setTimeout(r, wait));
      wait *= 2;
    }
    let res: Response;
    try {
      res = await fetch(u, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...(input.token ? { Authorization: `Bearer ${input.token}` } : {}) },
        body,
        signal: AbortSignal.timeout(input.timeoutMs ?? 120_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      last = new UploadError(`cannot reach ${u.origin} (${cause})`, true);
      continue;
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: keep the status only
    }
    if (res.ok) return { status: res.status, body: parsed, url: u.toString() };
    const why = typeof parsed['error'] === 'string' ? parsed['error'] : res.statusText;
    last = new UploadError(`the server answered ${res.status}: ${why}`, res.status === 429 || res.status >= 500, res.status);
    if (!last.retryable) break;
  }
  throw last!;
}
