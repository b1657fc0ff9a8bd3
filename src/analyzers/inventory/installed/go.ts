/**
 * The build information Go (1.18 and later) embeds in every binary it links: after the 16-byte-aligned magic
 * `\xff Go buildinf:` come a pointer size, a flags byte (bit 2: strings inline) and, 32 bytes from the magic, two
 * length-prefixed (unsigned varint) strings: the Go version and the module information, lines of
 * `path`, `mod`, `dep` and `=>` (replacement) separated by tabs, between two 16-byte sentinels. Binaries from older
 * Go (pointers instead of inline strings) are recognised and left out.
 */
import type { InstalledPackage } from './node.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/** What a Go binary's build information lists. */
export interface GoBuildInfo {
  goVersion: string;
  /** The main module (`mod` line) when it has a real version (not `(devel)`). */
  main?: { path: string; version?: string };
  deps: { path: string; version: string }[];
}

/** True when `bytes` start like an ELF, PE or Mach-O executable. */
export function isExecutable(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  const b2 = bytes[2]!;
  const b3 = bytes[3]!;
  if (b0 === 0x7f && b1 === 0x45 && b2 === 0x4c && b3 === 0x46) return true; // ELF
  if (b0 === 0x4d && b1 === 0x5a) return true; // PE (MZ)
  const m = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  return m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe;
}

function uvarint(b: Uint8Array, pos: number): [number, number] | undefined {
  let x = 0;
  let s = 1;
  for (let i = 0; i < 10 && pos + i < b.length; i++) {
    const c = b[pos + i]!;
    x += (c & 0x7f) * s;
    if (c < 0x80) return [x, pos + i + 1];
    s *= 128;
  }
  return undefined;
}

/** The sentinels Go writes around the module information string. */
const MOD_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const MOD_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/**
 * The build information of a Go binary, or undefined when it has none this reader knows. A binary whose build
 * information header was stripped (some release builds drop `.go.buildinfo`) still holds the module information
 * between its sentinels: its modules are read, the toolchain version is then unknown (`goVersion` empty).
 */
export function readGoBuildInfo(bytes: Uint8Array): GoBuildInfo | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fromHeader(buf) ?? fromSentinels(buf);
}

function fromSentinels(buf: Buffer): GoBuildInfo | undefined {
  const start = buf.indexOf(MOD_START);
  if (start < 0) return undefined;
  const from = start + MOD_START.length;
  const end = buf.indexOf(MOD_END, from);
  if (end < 0 || end - from > 1 << 20) return undefined;
  const text = buf.toString('utf8', from, end);
  if (!/^path\t/.test(text)) return undefined;
  return { goVersion: '', ...parseModInfo(text) };
}

function fromHeader(buf: Buffer): GoBuildInfo | undefined {
  for (let at = buf.indexOf(MAGIC); at >= 0; at = buf.indexOf(MAGIC, at + 1)) {
    if (at % 16 !== 0 || at + 32 > buf.length) continue;
    const flags = buf[at + 15]!;
    if ((flags & 2) === 0) return undefined; // Go before 1.18: strings behind pointers
    const v = uvarint(buf, at + 32);
    if (!v || v[1] + v[0] > buf.length) continue;
    const goVersion = buf.toString('utf8', v[1], v[1] + v[0]);
    const m = uvarint(buf, v[1] + v[0]);
    if (!m || m[1] + m[0] > buf.length || !/^go\d/.test(goVersion)) continue;
    let [from, to] = [m[1], m[1] + m[0]];
    if (m[0] >= 33 && buf[to - 17] === 0x0a) [from, to] = [from + 16, to - 16];
    return { goVersion, ...parseModInfo(buf.toString('utf8', from, to)) };
  }
  return undefined;
}

/** The module lines of `go version -m`'s text. */
export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  const deps: { path: string; version: string }[] = [];
  let main: { path: string; version?: string } | undefined;
  let last: { path: string; version: string } | { path: string; version?: string } | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'mod' && f[1]) {
      main = { path: f[1], ...(f[2] && f[2] !== '(devel)' ? { version: f[2] } : {}) };
      last = main;
    } else if (f[0] === 'dep' && f[1] && f[2]) {
      const d = { path: f[1], version: f[2] };
      deps.push(d);
      last = d;
    } else if (f[0] === '=>' && f[1] && last) {
      // A replacement: the module actually built in, when it is a module (not a local folder).
      if (f[2]) {
        last.path = f[1];
        last.version = f[2];
      }
    }
  }
  return { ...(main ? { main } : {}), deps };
}

/** The packages of a Go binary: the standard library (as OSV's `stdlib`), the main module and its dependencies. */
export function goPackages(info: GoBuildInfo): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  const std = /^go(\d+(?:\.\d+){0,2})/.exec(info.goVersion)?.[1];
  if (std) out.push({ ecosystem: 'Go', name: 'stdlib', version: std.split('.').length === 2 ? `${std}.0` : std });
  if (info.main?.version) out.push({ ecosystem: 'Go', name: info.main.path, version: info.main.version });
  for (const d of info.deps) out.push({ ecosystem: 'Go', name: d.path, version: d.version });
  return out;
}
