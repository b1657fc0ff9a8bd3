import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodedForms } from '../../src/deliver/mask/encodings.js';
import { MASK, Masker, maskPatterns, maskText, ShortSecretError } from '../../src/deliver/mask/masker.js';

/** The reference: every occurrence of every pattern in the whole text, overlaps merged, each replaced. */
function reference(text: Buffer, patterns: Buffer[]): Buffer {
  const iv: [number, number][] = [];
  for (const p of patterns) for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) iv.push([i, i + p.length]);
  iv.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [s, e] of iv) {
    const last = merged[merged.length - 1];
    if (last && s < last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const parts: Buffer[] = [];
  let at = 0;
  for (const [s, e] of merged) {
    parts.push(text.subarray(at, s), Buffer.from(MASK));
    at = e;
  }
  parts.push(text.subarray(at));
  return Buffer.concat(parts);
}

function feed(patterns: Buffer[], pieces: Buffer[]): Buffer {
  const m = new Masker(patterns);
  return Buffer.concat([...pieces.map((p) => m.push(p)), m.end()]);
}

const SECRETS = new Map([
  ['API_TOKEN', 'tok_9f8e7d6c5b4a3210'],
  ['DB_PASSWORD', 'p@ss w/rd+"quoted"&é'],
  ['SHORTISH', 'abcdefgh'],
]);

test('every encoding of a secret is masked: raw, base64 and base64url (three alignments), hex, URL, JSON', () => {
  const v = SECRETS.get('DB_PASSWORD')!;
  const patterns = maskPatterns(new Map([['DB_PASSWORD', v]]));
  const raw = Buffer.from(v);
  const samples = [
    v,
    raw.toString('base64'),
    raw.toString('base64url'),
    Buffer.concat([Buffer.from('x'), raw, Buffer.from('y')]).toString('base64'),
    Buffer.concat([Buffer.from('xy'), raw]).toString('base64url'),
    raw.toString('hex'),
    raw.toString('hex').toUpperCase(),
    encodeURIComponent(v),
    encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ q: v }).toString().slice(2),
    JSON.stringify(v).slice(1, -1),
  ];
  for (const s of samples) {
    const out = maskText(`before ${s} after`, patterns);
    assert.match(out, /^before .*\*\*\*.* after$/, s);
    // what is left visible is at most the two or three characters an alignment shares with its neighbours
    const visible = out.replace(/^before /, '').replace(/ after$/, '').replace(MASK, '');
    assert.ok(visible.length <= 6, `${s} -> ${out}`); // context characters and one shared character a side
  }
  // basic auth: the value at an offset in the encoded text; what shows is "user:" and one shared character a side
  const basic = Buffer.concat([Buffer.from('user:'), raw]).toString('base64');
  assert.equal(maskText(`Authorization: Basic ${basic}`, patterns), `Authorization: Basic ${basic.slice(0, 7)}${MASK}${basic.slice(-2)}`);
  assert.equal(maskText(JSON.stringify({ password: v }), patterns), `{"password":"${MASK}"}`);
  // the forms, listed: every encoding family is present
  const kinds = new Set(encodedForms(`${v}>>>???`, 8).map((f) => f.encoding));
  for (const k of ['raw', 'base64', 'base64url', 'hex', 'url', 'json']) assert.ok(kinds.has(k as never), k);
});

test('look-alikes stay: a value one character off, or a prefix, is not masked', () => {
  const patterns = maskPatterns(SECRETS);
  for (const s of ['tok_9f8e7d6c5b4a3211', 'tok_9f8e7d6c5b4a321', 'abcdefgX', 'abcdefg h', 'TOK_9F8E7D6C5B4A3210']) {
    assert.equal(maskText(`x ${s} y`, patterns), `x ${s} y`, s);
  }
});

test('secrets shorter than the minimum are refused when defined, naming the secret and not its value', () => {
  assert.throws(
    () => maskPatterns(new Map([['PIN', '1234']]), 8),
    (e: unknown) => e instanceof ShortSecretError && /secret PIN is shorter than 8/.test(e.message) && !e.message.includes('1234'),
  );
  assert.doesNotThrow(() => maskPatterns(new Map([['PIN', '1234']]), 4));
});

test('a multi-line secret is masked whole, line by line, and with CRLF line ends', () => {
  const key = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----';
  const patterns = maskPatterns(new Map([['KEY', key]]));
  assert.equal(maskText(`k=${key}.`, patterns), `k=${MASK}.`);
  assert.equal(maskText(`k=${key.replace(/\n/g, '\r\n')}.`, patterns), `k=${MASK}.`);
  assert.equal(maskText('line: MIIBOgIBAAJBAKj34GkxFhD9\n', patterns), `line: ${MASK}\n`);
});

test('overlapping and adjacent matches: overlaps are masked as one, nothing of either shows', () => {
  const patterns = maskPatterns(new Map([['A', 'abcdefgh12'], ['B', 'gh12345678']]));
  assert.equal(maskText('[abcdefgh12345678]', patterns), `[${MASK}]`);
  assert.equal(maskText('[abcdefgh12abcdefgh12]', patterns), `[${MASK}${MASK}]`);
  assert.equal(maskText('', patterns), '');
});

test('split across writes: every chunk boundary (two and three pieces) gives the whole-text result', () => {
  const patterns = maskPatterns(SECRETS);
  const raw = Buffer.from(SECRETS.get('DB_PASSWORD')!);
  const text = Buffer.from(
    `a ${SECRETS.get('API_TOKEN')} b ${raw.toString('base64')} c ${encodeURIComponent(SECRETS.get('DB_PASSWORD')!)} d abcdefghabcdefgh e ${raw.toString('hex')}\n`,
  );
  const want = reference(text, patterns);
  assert.ok(!want.includes(Buffer.from(SECRETS.get('API_TOKEN')!)));
  assert.equal(feed(patterns, [text]).toString(), want.toString());
  for (let i = 0; i <= text.length; i++) {
    assert.equal(feed(patterns, [text.subarray(0, i), text.subarray(i)]).toString(), want.toString(), `split at ${i}`);
  }
  // three pieces: every pair of boundaries over the first secret and its surroundings (exhaustive on that span)
  for (let i = 0; i <= 40; i++) {
    for (let j = i; j <= 60; j++) {
      const got = feed(patterns, [text.subarray(0, i), text.subarray(i, j), text.subarray(j)]);
      assert.ok(got.equals(want), `split at ${i}, ${j}`);
    }
  }
  // one byte at a time
  assert.equal(feed(patterns, [...text].map((b) => Buffer.from([b]))).toString(), want.toString());
});

test('random texts and random pieces agree with the whole-text reference', () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const patterns = maskPatterns(SECRETS);
  const alphabet = 'abcdefgh tok_9f8e7d6c5b4a3210';
  for (let round = 0; round < 300; round++) {
    let s = '';
    const len = 20 + rnd(200);
    while (s.length < len) {
      const r = rnd(10);
      if (r === 0) s += SECRETS.get('API_TOKEN');
      else if (r === 1) s += Buffer.from(SECRETS.get('SHORTISH')!).toString('base64');
      else s += alphabet[rnd(alphabet.length)];
    }
    const text = Buffer.from(s);
    const pieces: Buffer[] = [];
    for (let at = 0; at < text.length; ) {
      const n = 1 + rnd(12);
      pieces.push(text.subarray(at, at + n));
      at += n;
    }
    assert.ok(feed(patterns, pieces).equals(reference(text, patterns)), s);
  }
});

test('output is released as soon as it cannot be part of a secret (only a possible prefix is held back)', () => {
  const m = new Masker(maskPatterns(new Map([['T', 'tok_9f8e7d6c5b4a3210']])));
  assert.equal(m.push(Buffer.from('hello world\n')).toString(), 'hello world\n');
  assert.equal(m.push(Buffer.from('value: tok_9f8')).toString(), 'value: ');
  assert.equal(m.push(Buffer.from('e7d6c5b4a3210 done')).toString(), `${MASK} done`);
  assert.equal(m.push(Buffer.from(' tok_')).toString(), ' ');
  assert.equal(m.end().toString(), 'tok_');
});

test('a secret split inside a multi-byte character is still masked', () => {
  const patterns = maskPatterns(new Map([['U', 'pässwörd-ü-123']]));
  const text = Buffer.from('x pässwörd-ü-123 y');
  for (let i = 0; i <= text.length; i++) assert.equal(feed(patterns, [text.subarray(0, i), text.subarray(i)]).toString(), `x ${MASK} y`, `split ${i}`);
});
