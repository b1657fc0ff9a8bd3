import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiSpaces, fromKnown, knownShapes, regexShape, shapeOf } from '../../src/scanners/secrets/regex-shape.js';
import { BUILTIN_RULES } from '../../src/scanners/secrets/rules/index.js';

const r = String.raw;

test('longest match, assertion context and literal prefixes of typical token regexes', () => {
  assert.deepEqual(regexShape(r`ghp_[A-Za-z0-9]{36}`), { maxLength: 40, context: 0, prefixes: ['ghp_'] });
  assert.deepEqual(regexShape(r`(?<![A-Za-z0-9+/_\-])(?<secret>EAA[B-Z][A-Za-z0-9]{80,400})(?![A-Za-z0-9+/=])`), {
    maxLength: 404,
    context: 1,
    prefixes: ['eaa'],
  });
  assert.deepEqual(regexShape(r`\btoken\b`), { maxLength: 5, context: 1, prefixes: ['token'] });
  // Alternations multiply; a class of two letters ends the literal part.
  assert.deepEqual(regexShape(r`(?:xox[bp]|xoxa)-\d{10}`).prefixes, ['xox', 'xoxa']);
  // Hand case-folded letters count as literals (the automaton is case-insensitive anyway).
  assert.deepEqual(regexShape(r`[aA][pP][iI][_\-]?[kK][eE][yY]`).prefixes, ['api']);
  assert.deepEqual(regexShape(r`A{3}B`).prefixes, ['aaab']);
  assert.deepEqual(regexShape(r`(?:|ab)c`).prefixes, ['c', 'abc']);
  assert.deepEqual(regexShape(r`\x41B[c]`).prefixes, ['abc']);
});

test('a match that may start with anything has no prefixes', () => {
  assert.equal(regexShape(r`(?:^|\s)token`).prefixes, null);
  assert.equal(regexShape(r`[^a]bc`).prefixes, null);
  assert.equal(regexShape(r`a?bc`).prefixes, null);
  assert.equal(regexShape(r`.abc`).prefixes, null);
  assert.equal(regexShape(r`(?:abc|\w+)`).prefixes, null);
});

test('backreferences count their group, quantifiers multiply, unbounded ones are infinite', () => {
  assert.equal(regexShape(r`(?<q>["']?)(?<secret>x{2,8})\k<q>`).maxLength, 10);
  assert.equal(regexShape(r`(ab|c)\1`).maxLength, 4);
  assert.equal(regexShape(r`(?:ab){2,3}c?`).maxLength, 7);
  assert.equal(regexShape(r`a+b`).maxLength, Infinity);
  assert.equal(regexShape(r`a{2,}`).maxLength, Infinity);
  assert.equal(regexShape(r`ab*`).maxLength, Infinity);
  // `{` that is not a quantifier is a literal.
  assert.equal(regexShape(r`a{x`).maxLength, 3);
});

test('lookarounds read outside the match by their own length', () => {
  assert.equal(regexShape(r`(?<=key=)[a-z]{4}`).context, 4);
  assert.equal(regexShape(r`[a-z]{4}(?=\s{0,3};)`).context, 4);
  assert.equal(regexShape(r`x(?!a+)`).context, Infinity);
  assert.deepEqual(regexShape(r`(?=abc)abc`).prefixes, ['abc']);
});

test('under the u flag one character may be two code units', () => {
  assert.equal(regexShape(r`.{3}`, 'u').maxLength, 6);
  assert.equal(regexShape(r`.{3}`).maxLength, 3);
});

test('syntax it does not read gives the conservative shape, never a wrong one', () => {
  for (const src of [r`(?i:abc)`, r`(abc`, r`abc)`, r`*a`]) {
    assert.deepEqual(regexShape(src), { maxLength: Infinity, context: Infinity, prefixes: null }, src);
  }
});

test('asciiSpaces makes \\s ASCII white space for byte views, leaving [\\s\\S] and escaped backslashes alone', () => {
  const r = String.raw;
  assert.equal(asciiSpaces(r`a\s{0,4}=\s*"x"`), r`a[\t-\r ]{0,4}=[\t-\r ]*"x"`);
  assert.equal(asciiSpaces(r`[^\s"']{8}`), r`[^\t-\r "']{8}`);
  assert.equal(asciiSpaces(r`\S+`), r`[^\t-\r ]+`);
  assert.equal(asciiSpaces(r`[\s\S]{10}`), r`[\s\S]{10}`);
  assert.equal(asciiSpaces(r`[\\s]\\s`), r`[\\s]\\s`);
  assert.equal(asciiSpaces(r`[a\]\s]b\bx`), r`[a\]\t-\r ]b\bx`);
  // Same matches as \s on ASCII, none on the 0xA0 byte.
  const re = new RegExp(asciiSpaces(r`^\s+$`));
  assert.ok(re.test(' \t\r\n\v\f'));
  assert.ok(!re.test('\u00a0'));
});

test('the table the bundle embeds gives back every built-in rule\'s shape and byte-view source, infinities included', () => {
  const table = JSON.parse(JSON.stringify(knownShapes(BUILTIN_RULES))) as ReturnType<typeof knownShapes>;
  assert.equal(Object.keys(table).length, new Set(BUILTIN_RULES.map((r) => `${r.flags ?? ''}/${r.regex}`)).size);
  for (const r of BUILTIN_RULES) {
    const entry = table[`${r.flags ?? ''}/${r.regex}`]!;
    assert.deepEqual(fromKnown(entry, r.regex), { ...regexShape(r.regex, r.flags ?? ''), bytes: asciiSpaces(r.regex) }, r.id);
    // Without the bundle's table (as here), shapeOf computes the same.
    assert.deepEqual(shapeOf(r.regex, r.flags ?? ''), fromKnown(entry, r.regex), r.id);
  }
  const unbounded = knownShapes([{ regex: String.raw`a+\s` }])['/a+\\s']!;
  assert.deepEqual(unbounded, { maxLength: null, context: 0, prefixes: ['a'], bytes: String.raw`a+[\t-\r ]` });
  assert.deepEqual(fromKnown(unbounded, String.raw`a+\s`).maxLength, Infinity);
});
