import { isAscii } from 'node:buffer';
import type { TargetFile } from '../core/types.js';

const utf8 = new TextDecoder('utf-8');

/**
 * Decodes UTF-8 (with BOM stripped); invalid sequences become U+FFFD rather than failing. Pure ASCII, most
 * source files, is copied as Latin-1 (the same characters), several times faster than a UTF-8 decode.
 */
export function decodeText(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const s = utf8.decode(bytes);
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** A TargetFile over bytes already in memory; the text is decoded once, on first use. */
export function memoryFile(path: string, bytes: Uint8Array, extra: Partial<Omit<TargetFile, 'path' | 'size' | 'bytes' | 'text'>> = {}): TargetFile {
  let text: string | undefined;
  return {
    path,
    size: bytes.byteLength,
    ...extra,
    bytes: async () => bytes,
    text: async () => (text ??= decodeText(bytes)),
  };
}
