import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalize } from '../../src/deliver/audit/canonical-json.js';

test('RFC 8785 section 3.2.2 example: numbers, string escapes and literals', () => {
  // the RFC's input, as JSON text, so the parser turns its number literals into doubles
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  assert.equal(
    canonicalize(JSON.parse(input)),
    String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
  );
});

test('RFC 8785 section 3.2.3 example: members sorted by UTF-16 code units', () => {
  const input = String.raw`{
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  }`;
  const out = canonicalize(JSON.parse(input));
  const keys = Object.keys(JSON.parse(out));
  // JSON.parse keeps "1" first (an array index); compare the order as written
  const written = [...out.matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
  assert.deepEqual(written, ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  assert.equal(keys.length, 7);
  assert.equal(
    out,
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
});

test('RFC 8785 appendix B: IEEE 754 values and their canonical text', () => {
  const cases: [string, string | null][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['7fffffffffffffff', null],
    ['7ff0000000000000', null],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  for (const [hex, want] of cases) {
    const n = Buffer.from(hex, 'hex').readDoubleBE(0);
    if (want === null) assert.throws(() => canonicalize(n), /not a JSON number/, hex);
    else assert.equal(canonicalize(n), want, hex);
  }
});

test('values JSON cannot hold exactly are refused, naming where they are', () => {
  assert.throws(() => canonicalize({ a: [1, { b: '\ud800' }] }), /\$\.a\[1\]\.b: string holds a lone surrogate/);
  assert.throws(() => canonicalize({ ['\udc00']: 1 }), /member name holds a lone surrogate/);
  assert.throws(() => canonicalize({ n: 10n }), /bigint is not JSON/);
  assert.throws(() => canonicalize({ f: () => 1 }), /function is not JSON/);
  let deep: unknown = 1;
  for (let i = 0; i < 300; i++) deep = [deep];
  assert.throws(() => canonicalize(deep), /nested more than/);
  // undefined members are left out (as JSON.stringify does); an undefined array item is null
  assert.equal(canonicalize({ a: undefined, b: [undefined] }), '{"b":[null]}');
  assert.equal(canonicalize({ d: new Date('2026-01-02T03:04:05Z') }), '{"d":"2026-01-02T03:04:05.000Z"}');
});
