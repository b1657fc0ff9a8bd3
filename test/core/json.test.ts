import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonErrorAt, parseJsonNodes, parseJsonWithLine } from '../../src/core/json.js';

test('jsonErrorAt names where and why a text stops being JSON, and nothing for valid JSON', () => {
  for (const ok of ['{}', '[]', '0', '-1.5e3', '"a\\u0041\\n"', '{"a": [1, true, null, {"b": "c"}]}', ' \n[ ]\n']) {
    assert.equal(jsonErrorAt(ok), undefined, ok);
    assert.deepEqual(parseJsonNodes(ok) !== undefined, true);
  }
  const cases: [string, number, RegExp][] = [
    ['{"a": 1,}', 8, /expected a string key, found "}"/],
    ['{"a" 1}', 5, /expected ':', found "1"/],
    ['[1 2]', 3, /expected ',' or '\]', found "2"/],
    ['{"a": "b', 8, /unterminated string/],
    ['["a\tb"]', 3, /control character in string/],
    ['[01]', 2, /expected ',' or '\]', found "1"/],
    ['{"a": 1} x', 9, /after the end of the document/],
    ['["\\x"]', 1, /invalid escape/],
    ['[tru]', 1, /unexpected "t"/],
    ['', 0, /unexpected end of file/],
    ['['.repeat(1100), 1001, /nesting too deep/],
  ];
  for (const [text, offset, reason] of cases) {
    const at = jsonErrorAt(text);
    assert.ok(at, text.slice(0, 20));
    assert.equal(at.offset, offset, text.slice(0, 20));
    assert.match(at.reason, reason, text.slice(0, 20));
  }
});

test('nodes carry their source ranges (shifted by base) and decoded strings', () => {
  const text = '{"Effect": "Allow", "Action": ["s3:*", "a\\u0041\\n"], "N": 2}';
  const doc = parseJsonNodes(text, { base: 100 });
  assert.equal(doc.t, 'obj');
  if (doc.t !== 'obj') return;
  assert.deepEqual(doc.range, [100, 100 + text.length]);
  const [effect, action, n] = doc.entries;
  assert.equal(effect!.key, 'Effect');
  assert.equal(text.slice(effect!.keyRange[0] - 100, effect!.keyRange[1] - 100), '"Effect"');
  assert.equal(text.slice(effect!.value.range[0] - 100, effect!.value.range[1] - 100), '"Allow"');
  assert.equal(action!.value.t, 'arr');
  if (action!.value.t === 'arr') assert.deepEqual(action!.value.items.map((i) => (i.t === 'scalar' ? i.v : undefined)), ['s3:*', 'aA\n']);
  assert.deepEqual(n!.value.t === 'scalar' ? n!.value.v : undefined, 2);
});

test('lenient reading accepts // comments, unknown escapes and raw control characters; strict does not', () => {
  const text = '{\n  // the bucket policy\n  "Resource": "arn:aws:s3:::b/\\$x"\n}';
  assert.throws(() => parseJsonNodes(text));
  const doc = parseJsonNodes(text, { lenient: true });
  assert.ok(doc.t === 'obj' && doc.entries[0]!.value.t === 'scalar' && doc.entries[0]!.value.v === 'arn:aws:s3:::b/$x');
});

test('parseJsonWithLine reports the 1-based line of the first error', () => {
  assert.deepEqual(parseJsonWithLine('{"a": [1, 2]}'), { a: [1, 2] });
  assert.throws(() => parseJsonWithLine('{\n  "a": 1,\n  "b": 2,\n}\n'), (e: Error & { line?: number }) => e.line === 4 && /expected a string key/.test(e.message));
});
