import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeywordMatcher } from '../../src/analyzers/secrets/keywords.js';
import { findRuns, RUN_CLASSES } from '../../src/analyzers/secrets/decode.js';
import { seeded } from '../helpers/tokens.js';

function naive(text: string, kws: string[]): string[] {
  const low = text.toLowerCase();
  const out: string[] = [];
  kws.forEach((k, i) => {
    for (let p = low.indexOf(k); p >= 0; p = low.indexOf(k, p + 1)) out.push(`${i}@${p + k.length}`);
  });
  return out.sort();
}

test('Aho-Corasick finds exactly what indexOf finds, case-insensitively, with overlaps', () => {
  const kws = ['ab', 'abc', 'bca', 'c', 'aaa', 'token', 'ken', 'xoxb-', 'a'];
  const m = new KeywordMatcher(kws);
  for (let seed = 1; seed <= 200; seed++) {
    const text = seeded(seed, 300, 'abcABC xoXB-tokenKEN\né');
    const got: string[] = [];
    m.scan(text, (k, end) => got.push(`${k}@${end}`));
    assert.deepEqual(got.sort(), naive(text, kws), `seed ${seed}`);
  }
});

test('non-ASCII text resets the automaton without false hits', () => {
  const m = new KeywordMatcher(['ghp_']);
  const hits: number[] = [];
  m.scan('gh\u00e9p_ ghp_x GHP_y', (_k, end) => hits.push(end));
  assert.deepEqual(hits, [10, 16]);
});

test('a non-ASCII keyword is refused', () => {
  assert.throws(() => new KeywordMatcher(['clé']), /not ASCII/);
});

test('the WebAssembly byte scan reports exactly what the JavaScript one does, across chunk and quarter boundaries', () => {
  const kws = ['ab', 'abc', 'bca', 'c', 'aaa', 'token', 'ken', 'xoxb-', 'a', 'https://hooks.example.test/'];
  const m = new KeywordMatcher(kws);
  const pairs = (r: { hits: Int32Array; count: number }) => Array.from(r.hits.subarray(0, 2 * r.count)).join(',');
  const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 31, 64, 65, 1000, (1 << 20) - 3, (1 << 20) + 5, 3 * (1 << 20) + 17];
  for (const [i, size] of sizes.entries()) {
    let text = seeded(i + 1, Math.min(size, 4096), 'abcABC xoXB-tokenKEN\né/:.https').repeat(Math.ceil(size / 4096) || 1).slice(0, size);
    // keywords straddling every quarter and chunk boundary
    for (const at of [size >> 2, size >> 1, (3 * size) >> 2, 1 << 20, 2 << 20]) {
      if (at + 40 < size) text = text.slice(0, at - 13) + 'https://hooks.example.test/' + text.slice(at + 14);
    }
    const bytes = Buffer.from(text, 'latin1');
    assert.equal(pairs(m.collectBytes(bytes)), pairs(m.collect(text)), `size ${size}`);
  }
});

test('bytes above 0x7f reset the automaton in the byte scan too', () => {
  const m = new KeywordMatcher(['ghp_']);
  const r = m.collectBytes(Buffer.from('gh\u00e9p_ ghp_x GHP_y', 'utf8'));
  assert.deepEqual(Array.from(r.hits.subarray(0, 2 * r.count)), [0, 11, 0, 17]);
});

test('the embedded WebAssembly module is the assembly of keywords.wat', async () => {
  const { assemble } = (await import(new URL('../../scripts/build-wasm.mjs', import.meta.url).href)) as { assemble: () => Promise<Buffer> };
  const { KEYWORDS_WASM } = await import('../../src/analyzers/secrets/keywords-wasm.js');
  assert.equal((await assemble()).toString('base64'), KEYWORDS_WASM, 'run npm run wasm after editing keywords.wat');
});

test('keywords with more distinct characters than the WebAssembly table has columns fall back to JavaScript, same hits', () => {
  const kws = Array.from({ length: 70 }, (_, i) => String.fromCharCode(33 + i) + 'k' + String.fromCharCode(33 + ((i * 7) % 90)));
  const m = new KeywordMatcher(kws);
  const text = seeded(5, 20000, kws.join('') + ' \n');
  const pairs = (r: { hits: Int32Array; count: number }) => Array.from(r.hits.subarray(0, 2 * r.count)).join(',');
  assert.ok(m.collect(text).count > 0);
  assert.equal(pairs(m.collectBytes(Buffer.from(text, 'latin1'))), pairs(m.collect(text)));
});

test('bytes placed in the input area are scanned in place, from its start or from inside it, and after it grows', () => {
  const m = new KeywordMatcher(['token', 'ghp_', 'secret']);
  const text = `x secret ghp_1 ${seeded(4, 3000)} TOKEN=1 secret`;
  const bytes = Buffer.from(text, 'latin1');
  const pairs = (r: { hits: Int32Array; count: number }) => Array.from(r.hits.subarray(0, 2 * r.count));
  const expected = pairs(m.collect(text));
  let area = m.input(16)!;
  area = m.input(1 << 22)!; // grows the memory: a fresh view
  area.set(bytes);
  assert.deepEqual(pairs(m.collectBytes(area.subarray(0, bytes.length))), expected);
  // From inside the area (after a byte-order mark, say): offsets count from the view's start.
  area.set(bytes, 3);
  assert.deepEqual(pairs(m.collectBytes(area.subarray(3, 3 + bytes.length))), expected);
  // And bytes from elsewhere are copied in.
  assert.deepEqual(pairs(m.collectBytes(new Uint8Array(bytes))), expected);
});

test('an automaton restored from its serialized form (as the bundle embeds it) finds the same hits, in text and bytes', () => {
  const keywords = ['token', 'ghp_', 'secret', 'key', 'api_key', 'sk-', 'akia', 'aws', 'xox', 'pipeguard:'];
  const built = new KeywordMatcher(keywords);
  const data = JSON.parse(JSON.stringify(built.serialize())) as ReturnType<KeywordMatcher['serialize']>;
  const restored = KeywordMatcher.restore(data);
  const pairs = (r: { hits: Int32Array; count: number }) => Array.from(r.hits.subarray(0, 2 * r.count));
  for (let seed = 1; seed <= 20; seed++) {
    const text = `${seeded(seed, 500)} API_KEY=1 ghp_x SECRET token sk-1 AKIA xoxb pipeguard:ignore ${seeded(seed + 100, 300)}`;
    const expected = pairs(built.collect(text));
    assert.ok(expected.length > 0);
    // Restored: the JavaScript table is rebuilt on first use.
    assert.deepEqual(pairs(restored.collect(text)), expected);
    assert.deepEqual(pairs(restored.collectBytes(Buffer.from(text, 'latin1'))), expected);
  }
});

/** Lead sets (see RegexShape.lead) from per-position character lists. */
function leadOf(positions: string[]): Uint32Array {
  const words = new Uint32Array(positions.length * 4);
  positions.forEach((chars, i) => {
    for (const ch of chars) words[i * 4 + (ch.charCodeAt(0) >> 5)]! |= 1 << (ch.charCodeAt(0) & 31);
  });
  return words;
}

test('leads drop exactly the byte-scan hits whose following bytes do not fit, across quarters and chunks', () => {
  const kws = ['eaa', 'key', 'ab', 'xab', 'abc'];
  // eaa: then an upper-case letter; ab: then 'c' or '9' (a state of 'xab' ends both 'xab' and 'ab': kept always)
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const leads = [leadOf(['E', 'A', 'A', upper]), undefined, leadOf(['aA', 'bB', 'c9']), undefined, undefined];
  const m = new KeywordMatcher(kws, undefined, leads);
  const plain = new KeywordMatcher(kws);
  const pairs = (r: { hits: Int32Array; count: number }) => Array.from(r.hits.subarray(0, 2 * r.count));
  for (const [i, size] of [5, 64, 4099, (1 << 18) + 7, (1 << 20) + 3].entries()) {
    const text = seeded(i + 7, size, 'eEaAbBkKyYcC9x\u00e9 ');
    const bytes = Buffer.from(text, 'latin1').subarray(0, size);
    const all = pairs(plain.collectBytes(bytes));
    const expected: number[] = [];
    for (let j = 0; j < all.length; j += 2) {
      const [k, end] = [all[j]!, all[j + 1]!];
      const start = end - kws[k]!.length;
      const lead = leads[k];
      const fits = (p: number, chars: string) => p < bytes.length && (bytes[p]! >= 0x80 || chars.includes(String.fromCharCode(bytes[p]!)));
      const keep =
        !lead ||
        // a row ending 'xab' also ends 'ab': such hits are never dropped
        (k === 2 && start > 0 && (bytes[start - 1] === 0x78 || bytes[start - 1] === 0x58)) ||
        (k === 0 ? fits(start, 'E') && fits(start + 1, 'A') && fits(start + 2, 'A') && fits(start + 3, upper) : fits(start + 2, 'c9'));
      if (keep) expected.push(k, end);
    }
    assert.ok(expected.length < all.length, `size ${size}: some hits dropped`);
    assert.deepEqual(pairs(m.collectBytes(bytes)), expected, `size ${size}`);
    // The text scan reports every hit.
    assert.deepEqual(pairs(m.collect(bytes.toString('latin1'))), all);
  }
  // A hit too close to the end to hold its lead is dropped; bytes >= 0x80 fit any position.
  assert.deepEqual(pairs(m.collectBytes(Buffer.from('EAA', 'latin1'))), []);
  assert.deepEqual(pairs(m.collectBytes(Buffer.from('EAA\u00e9 EAAz EAAZ', 'latin1'))), [0, 3, 0, 13]);
});

test('the WebAssembly scan for encoded runs finds exactly the runs the JavaScript one does, past its record area', () => {
  const m = new KeywordMatcher(['token', 'ghp_']);
  const classes = RUN_CLASSES;
  const join = (a: ArrayLike<number>) => Array.from(a).join(',');
  let total = 0;
  for (let seed = 1; seed <= 60; seed++) {
    // Runs of every length around the bounds (22, 24, 8,192), separators, padding, bytes above 0x7f.
    let text = '';
    for (let i = 0; text.length < 20000; i++) {
      const len = [1, 21, 22, 23, 24, 25, 30, 64, 8190, 8192, 8193, 40][(seed * 7 + i) % 12]!;
      text += seeded(seed * 1000 + i, len, (seed + i) % 3 ? 'abcXYZ019+/_-%' : 'abcdefXYZ') + ['', '=', '==', '===', ' ', '\n', '\u00e9', '.'][(seed + i) % 8];
    }
    const bytes = Buffer.from(text, 'latin1');
    const want = findRuns(bytes);
    total += want.length / 3;
    assert.equal(join(m.encodedRuns(bytes, classes)!), join(want), `seed ${seed}`);
  }
  assert.ok(total > 100, `${total} runs`);
  // More runs than one call's records hold (~175,000): the scan goes on where it stopped.
  const many = Buffer.from(`${seeded(9, 30, 'abc0123XYZ')} `.repeat(200_000), 'latin1');
  const want = findRuns(many);
  assert.equal(want.length, 3 * 200_000);
  assert.equal(join(m.encodedRuns(many, classes)!), join(want));
});
