/**
 * Request bodies with limits: uploads are streamed (gzip undone on the way) and cut off at a byte limit
 * counted after decompression, so neither a large body nor a small gzip bomb can fill memory.
 */
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { ReportError } from '../ingest/model.js';

/** A body over its limit (HTTP 413). */
export class TooLargeError extends ReportError {
  constructor(limit: number) {
    super(`the body is larger than ${limit} bytes`, 413);
  }
}

/** The body's bytes as they arrive, gunzipped when `Content-Encoding: gzip`, at most `limit` bytes. */
export async function* bodyChunks(req: IncomingMessage, limit: number): AsyncGenerator<Buffer> {
  const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (enc !== 'identity' && enc !== 'gzip') throw new ReportError(`content encoding ${enc} is not supported (gzip is)`, 400);
  const declared = Number(req.headers['content-length']);
  if (enc === 'identity' && Number.isFinite(declared) && declared > limit) throw new TooLargeError(limit);
  const source: AsyncIterable<Buffer> = enc === 'gzip' ? req.pipe(createGunzip()) : req;
  let total = 0;
  try {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > limit) throw new TooLargeError(limit);
      yield chunk;
    }
  } catch (e) {
    if (e instanceof ReportError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new ReportError('the body is not valid gzip', 400);
    throw e;
  }
}

/** A small body (a form, a JSON object, a YAML file) as text. */
export async function bodyText(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of bodyChunks(req, limit)) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}
