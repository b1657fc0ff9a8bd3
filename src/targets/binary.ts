/** Extensions of files that are never text; skipped without reading. Archives are not listed: they are opened. */
const BINARY_EXT = new Set(
  (
    'png jpg jpeg gif bmp ico icns webp avif tif tiff psd heic svgz ' +
    'woff woff2 ttf otf eot ' +
    'mp3 mp4 m4a m4v mov avi mkv webm wav flac ogg opus ' +
    'pdf doc docx xls xlsx ppt pptx odt ods ' +
    'exe dll so dylib a o obj lib class pyc pyo wasm node bin dat db sqlite sqlite3 ' +
    'iso img dmg deb rpm msi 7z rar xz bz2 zst lz4'
  ).split(' '),
);

/** True when the file name says the content is binary. */
export function looksBinaryByName(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return false;
  return BINARY_EXT.has(path.slice(dot + 1).toLowerCase());
}

/** True when the first 8 KiB hold a NUL byte (what git and ripgrep use to call a file binary). */
export function isBinary(bytes: Uint8Array): boolean {
  // Buffer#indexOf is a native memchr, many times faster than a loop here.
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 8192)).indexOf(0) !== -1;
}
