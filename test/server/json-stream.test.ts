import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSplitter, JsonSyntaxError, type PathSegment } from '../../src/server/ingest/json-stream.js';

function split(text: string, size: number, select: (p: readonly PathSegment[]) => boolean): [PathSegment[], unknown][] {
  const out: [PathSegment[], unknown][] = [];
  const s = new JsonSplitter({ select, onValue: (p, v) => out.push([[...p], v]) });
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) s.write(b.subarray(i, i + size));
  s.end();
  return out;
}

const DOC = {
  version: 1,
  'we"ird\\key': [1, -2.5e3, true, null, 's\\"x', 'ünïcödé ✓', '\\'],
  findings: [{ a: 'x"y\\', b: [1, { c: '}' }], d: '\\\\"' }, { z: 'ünï' }, 3, 'str', [], {}],
  tail: { findings: [9] },
};

test('hands over exactly the selected values, whatever the chunk boundaries', () => {
  const text = JSON.stringify(DOC, null, 2);
  const want = DOC.findings.map((v, i) => [['findings', i], v]);
  for (const size of [1, 2, 3, 5, 7, 13, 64, 1 << 20]) {
    assert.deepEqual(split(text, size, (p) => p.length === 2 && p[0] === 'findings'), want, `chunk size ${size}`);
  }
  // Compact JSON, and top-level scalars and keys with escapes.
  const compact = JSON.stringify(DOC);
  assert.deepEqual(split(compact, 3, (p) => p.length === 1), Object.entries(DOC).map(([k, v]) => [[k], v]));
});

test('random documents: every element of every array matches JSON.parse', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const value = (d: number): unknown => {
    const r = rnd();
    if (d > 3 || r < 0.3) return [null, true, false, Math.floor(rnd() * 1e6) / 7, 'a"b\\c\n\u2028é', ''][Math.floor(rnd() * 6)];
    if (r < 0.65) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(d + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`k${i}"\\`, value(d + 1)]));
  };
  for (let n = 0; n < 50; n++) {
    const doc = { items: Array.from({ length: 5 }, () => value(0)), other: value(0) };
    const text = JSON.stringify(doc, null, n % 2 ? 1 : 0);
    assert.deepEqual(split(text, 1 + (n % 9), (p) => p.length === 2 && p[0] === 'items').map(([, v]) => v), doc.items);
  }
});

test('malformed JSON is an error naming the line', () => {
  const cases: [string, RegExp, number][] = [
    ['{"a":1,}', /expected a property name/, 1],
    ['{\n"a" 1}', /expected ':'/, 2],
    ['[1 2]', /expected ','/, 1],
    ['{"a":tru}', /invalid literal/, 1],
    ['{"a":[1}', /expected ','/, 1],
    ['{"a":1} x', /after the end/, 1],
    ['', /empty document/, 1],
    ['{"a":', /unexpected end/, 1],
    ['{"findings":[{"a":\n\n]}]}', /Unexpected token/, 3],
    ['{"findings":["abc', /unexpected end|unterminated/, 1],
  ];
  for (const [text, re, line] of cases) {
    assert.throws(() => split(text, 4, (p) => p.length === 2 && p[0] === 'findings'), (e: unknown) => e instanceof JsonSyntaxError && re.test(e.message) && e.line === line, text);
  }
});

test('refuses nesting deeper than the limit', () => {
  const deep = '['.repeat(300) + ']'.repeat(300);
  assert.throws(() => split(deep, 100, () => false), /nesting deeper than 256/);
  const deepSelected = `{"findings":[${'['.repeat(300)}${']'.repeat(300)}]}`;
  assert.throws(() => split(deepSelected, 100, (p) => p[0] === 'findings' && p.length === 2), /nesting deeper than 256/);
});
