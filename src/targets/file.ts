import type { TargetFile } from '../core/types.js';

const utf8 = new TextDecoder('utf-8');

/** Decodes UTF-8 (with BOM stripped); invalid sequences become U+FFFD rather than failing. */
export function decodeText(bytes: Uint8Array): string {
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
