import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiSpaces, fromKnown, knownShapes, regexShape, shapeOf } from '../../src/analyzers/secrets/regex-shape.js';
import { stops } from '../../src/analyzers/secrets/engine.js';
import { BUILTIN_RULES } from '../../src/analyzers/secrets/rules/index.js';
import { seeded } from '../helpers/tokens.js';

const r = String.raw;

/** The shape without its lead sets (tested on their own below). */
function outline(source: string, flags = '') {
  const { lead: _lead, stop: _stop, ...rest } = regexShape(source, flags);
  return rest;
}

test('longest match, assertion context and literal prefixes of typical token regexes', () => {
  assert.deepEqual(outline(r`ghp_[A-Za-z0-9]{36}`), { maxLength: 40, context: 0, prefixes: ['ghp_'] });
  assert.deepEqual(outline(r`(?<![A-Za-z0-9+/_\-])(?<secret>EAA[B-Z][A-Za-z0-9]{80,400})(?![A-Za-z0-9+/=])`), {
    maxLength: 404,
    context: 1,
    prefixes: ['eaa'],
  });
  assert.deepEqual(outline(r`\btoken\b`), { maxLength: 5, context: 1, prefixes: ['token'] });
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
    assert.deepEqual(regexShape(src), { maxLength: Infinity, context: Infinity, prefixes: null, lead: new Uint32Array(0), stop: undefined }, src);
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
  // Lead sets, little-endian words in base64: 'a', then 'a' or ASCII white space.
  const words = (b64: string) => Array.from({ length: Buffer.from(b64, 'base64').length / 4 }, (_, i) => Buffer.from(b64, 'base64').readUInt32LE(4 * i));
  assert.deepEqual(words(unbounded.lead!), [0, 0, 0, 2, 0x3e00, 1, 0, 2]);
  assert.deepEqual({ ...unbounded, lead: undefined }, { maxLength: null, context: 0, prefixes: ['a'], bytes: String.raw`a+[\t-\r ]`, lead: undefined });
  assert.deepEqual(fromKnown(unbounded, String.raw`a+\s`).maxLength, Infinity);
});

/** Lead sets as strings of the printable characters each position allows (`*` for all 128). */
function leadSets(source: string, flags = ''): string[] {
  const { lead } = regexShape(source, flags);
  const out: string[] = [];
  for (let i = 0; i < lead.length; i += 4) {
    let chars = '';
    let all = 0;
    for (let c = 0; c < 128; c++) {
      if (((lead[i + (c >> 5)]! >>> (c & 31)) & 1) === 0) continue;
      all++;
      if (c >= 32 && c < 127) chars += String.fromCharCode(c);
    }
    out.push(all === 128 ? '*' : chars);
  }
  return out;
}

/** Whether a match may start at `at` by the lead sets (as the engine checks them). */
function fits(lead: Uint32Array, text: string, at: number): boolean {
  if (at + lead.length / 4 > text.length) return false;
  for (let i = 0; i < lead.length / 4; i++) {
    const c = text.charCodeAt(at + i);
    if (c < 128 && ((lead[4 * i + (c >> 5)]! >>> (c & 31)) & 1) === 0) return false;
  }
  return true;
}

test('lead sets: the characters each leading position of a match may hold, for as many positions as every match has', () => {
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const alnum = '0123456789' + upper + upper.toLowerCase();
  assert.deepEqual(leadSets(r`(?<![A-Za-z0-9+/_\-])(?<secret>EAA[B-Z][A-Za-z0-9]{80,400})(?![A-Za-z0-9+/=])`), ['E', 'A', 'A', upper.slice(1), ...Array<string>(20).fill(alnum)]);
  // Positions after a part of varying length hold what either side may put there.
  assert.deepEqual(leadSets(r`https?:\/\/`), ['h', 't', 't', 'p', ':s', '/:', '/']);
  assert.deepEqual(leadSets(r`(?:ab){2,3}c?x`), ['a', 'b', 'a', 'b', 'acx']);
  assert.deepEqual(leadSets(r`a?b*c`), ['abc']);
  // Case-insensitive letters allow both cases; escapes and classes are read as the regex reads them.
  assert.deepEqual(leadSets(r`to\x6B[e]n`, 'i'), ['Tt', 'Oo', 'Kk', 'Ee', 'Nn']);
  assert.deepEqual(leadSets(r`\d[:=]`), ['0123456789', ':=']);
  // Trailing positions that allow anything are left out; so is what a backreference repeats.
  assert.deepEqual(leadSets(r`(a|bc)\1d`), ['ab']);
  assert.deepEqual(leadSets(r`x[\s\S]y`), ['x', '*', 'y']);
  assert.equal(leadSets(r`x.`)[1]!.length, 95);
  assert.equal(leadSets(r`x.`, 's').length, 1);
  // Under u a position may be two code units: no lead.
  assert.deepEqual(leadSets(r`ghp_[A-Za-z0-9]{36}`, 'u'), []);
  // Only positions every match has: `ab|a` has one.
  assert.deepEqual(leadSets(r`ab|a`), ['a']);
  assert.equal(leadSets(r`ghp_[A-Za-z0-9]{36}`).length, 24);
});

test('lead sets never rule out a real match: random texts over synthetic regexes, and every built-in rule on its examples', () => {
  // Each with a sample match, planted in some of the texts.
  const regexes: [string, string, string][] = [
    [r`a?b*c`, '', 'abbc'],
    [r`(?:ab|c){0,3}d`, '', 'abcd'],
    [r`x{2,}y?z`, '', 'xxxz'],
    [r`(?:foo|ba(?:r|z))+q`, '', 'foobazq'],
    [r`[a-c]{1,3}(?=d)d`, '', 'bcd'],
    [r`(a|bc)\1d`, '', 'bcbcd'],
    [r`(?:|ab)c`, '', 'abc'],
    [r`\d{2}[:=]\s*"?x`, '', '01= "x'],
    [r`(?<![a-z])ab[^\s"]{2,4}=`, 'i', ' ABcq='],
    [r`(?:a{2}|b{1,2}c){2}[xyz]{0,2}q`, '', 'aabbcxq'],
  ];
  const alphabet = 'abcdfoqrxyzABCXQ012:= "\n';
  for (const [src, flags, sample] of regexes) {
    const { lead } = regexShape(src, flags);
    const sticky = new RegExp(src, 'y' + flags);
    let matches = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const text = seeded(seed, 60, alphabet) + (seed % 10 === 0 ? sample + seeded(seed + 1, 10, alphabet) : '');
      for (let i = 0; i <= text.length; i++) {
        sticky.lastIndex = i;
        if (!sticky.test(text)) continue;
        matches++;
        assert.ok(fits(lead, text, i), `${src} matches ${JSON.stringify(text.slice(i, i + 12))} at ${i}`);
      }
    }
    assert.ok(matches > 0, `${src}: the random texts hold matches`);
  }
  for (const rule of BUILTIN_RULES) {
    const { lead } = regexShape(rule.regex, rule.flags ?? '');
    const re = new RegExp(rule.regex, 'g' + (rule.flags ?? '').replace(/[gy]/g, ''));
    for (const example of rule.examples.positive) {
      for (const m of example.matchAll(re)) assert.ok(fits(lead, example, m.index), `${rule.id}: ${m[0].slice(0, 20)}`);
    }
  }
});

/** A stop check as printable strings: its start, bound, the stretch's characters and the stop characters. */
function stopOf(source: string, flags = ''): { from: number; bound: number; chars: string; high: boolean; stop: string } | undefined {
  const st = regexShape(source, flags).stop;
  if (!st) return undefined;
  const show = (b: Uint32Array) => {
    let out = '';
    for (let c = 32; c < 127; c++) if ((b[c >> 5]! >>> (c & 31)) & 1) out += String.fromCharCode(c);
    return out;
  };
  return { from: st.from, bound: st.bound, chars: show(st.chars), high: st.high, stop: show(st.stop) };
}

test('stop checks: a character every match holds after a stretch of characters it is not one of', () => {
  // A URL with credentials holds `@` after characters that are never `/`: from right after `https://` (the
  // stretch is sure to have started by then), within the stretch's longest.
  const url = stopOf(r`https?://[^\s:/@"]{0,10}:(?<secret>[^\s/@"]{4,20})@[a-z.]{1,30}`);
  assert.ok(url);
  assert.deepEqual([url.from, url.bound, url.stop, url.high], [8, 31, '@', true]);
  assert.ok(!url.chars.includes('/') && !url.chars.includes(' ') && url.chars.includes(':') && url.chars.includes('a'));
  // An assignment after a keyword of varying length: from where the shortest keyword ends, with the keywords'
  // own characters in the stretch, up to the operator.
  const assign = stopOf(r`(?:token|api_?key)[\w.-]{0,10}\s*[:=]\s*["']?(?<secret>[A-Za-z0-9]{16,})`, 'i');
  assert.ok(assign);
  assert.equal(assign.stop, ':=');
  assert.ok(assign.from <= 5 && assign.chars.includes('_') && assign.chars.includes(' ') && !assign.chars.includes('('));
  // None where every character may be anything, or where the lead sets already say it all.
  assert.equal(stopOf(r`ab.*@x`), undefined);
  assert.equal(stopOf(r`ghp_[A-Za-z0-9]{36}`), undefined);
  assert.equal(stopOf(r`ab[^@]*@|cd@`), undefined, 'only a top-level sequence');
  assert.equal(stopOf(r`ab[^@]{0,40}@x`, 'u'), undefined);
  // The sets describe characters up to 0xff (all a byte can be): a text character beyond lets the place through.
  const { stop } = regexShape(r`ab[a-z]{0,9}[一-鿿]x`);
  assert.ok(stop);
  assert.ok(stops(stop, 'abcd中x', 0));
  assert.ok(!stops(stop, 'abcd/x', 0));
});

test('stop checks never rule out a real match: random texts over synthetic regexes, and every built-in rule on its examples', () => {
  const regexes: [string, string, string][] = [
    [r`ab[^@/ ]{0,5}:[^@/ ]{1,4}@c`, '', 'abx:yy@c'],
    [r`(?:ab|abc)[\w.]{0,6}\s*[:=]\s*x`, '', 'abc.d = x'],
    [r`x{1,3}[a-c]*=`, '', 'xxab='],
    [r`(?:p|pa)s?[a-z]{0,3}:`, '', 'pasxy:'],
    [r`k[a-z]{0,4}=v`, 'i', 'KAB=V'],
    [r`q(?:r|st)?[0-9]{2,}@`, '', 'qst12@'],
    [r`(?<![a-z])c[a-z.]*(?:=>|:=|=)\s?[0-9]`, '', 'ca.b=> 1'],
  ];
  const alphabet = 'abcpqrstvxyz:=@/ .\n>KV0129';
  for (const [src, flags, sample] of regexes) {
    const { stop } = regexShape(src, flags);
    assert.ok(stop, `${src} has a stop check`);
    const sticky = new RegExp(src, 'y' + flags);
    let matches = 0;
    let ruledOut = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const text = seeded(seed, 60, alphabet) + (seed % 10 === 0 ? sample + seeded(seed + 1, 10, alphabet) : '');
      const bytes = Buffer.from(text, 'latin1');
      for (let i = 0; i <= text.length; i++) {
        sticky.lastIndex = i;
        if (!sticky.test(text)) {
          if (!stops(stop, text, i)) ruledOut++;
          continue;
        }
        matches++;
        assert.ok(stops(stop, text, i), `${src} matches ${JSON.stringify(text.slice(i, i + 12))} at ${i}`);
        assert.ok(stops(stop, bytes, i), `${src} (bytes) at ${i}`);
      }
    }
    assert.ok(matches > 0, `${src}: the random texts hold matches`);
    assert.ok(ruledOut > 0, `${src}: the check rules places out`);
  }
  let checked = 0;
  for (const rule of BUILTIN_RULES) {
    const { stop } = regexShape(rule.regex, rule.flags ?? '');
    if (!stop) continue;
    const re = new RegExp(rule.regex, 'g' + (rule.flags ?? '').replace(/[gy]/g, ''));
    for (const example of rule.examples.positive) {
      for (const m of example.matchAll(re)) {
        checked++;
        assert.ok(stops(stop, example, m.index), `${rule.id}: ${m[0].slice(0, 20)}`);
      }
    }
  }
  assert.ok(checked > 100, `${checked} built-in matches checked`);
});
