import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeywordMatcher } from '../../src/scanners/secrets/keywords.js';
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
