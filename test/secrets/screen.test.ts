import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRules, detect } from '../../src/analyzers/secrets/engine.js';
import { BUILTIN_RULES } from '../../src/analyzers/secrets/rules/index.js';
import { literalScreen, mayHoldSecret } from '../../src/analyzers/secrets/screen.js';
import { KeywordMatcher } from '../../src/analyzers/secrets/keywords.js';
import { seeded } from '../helpers/tokens.js';

// The report's redaction loads the secrets engine only for texts the literal screen lets through (issue 24): a
// text the screen stops must be one in which the built-in rules find nothing. The bundle embeds the literals of
// exactly this rule set (scripts/bundle.mjs), and gives no screen at all if some rule runs without a literal.
const set = compileRules(BUILTIN_RULES);
// The literals that gate or anchor a rule, as the bundle takes them (the inline-ignore marker `pipeguard:` is left out:
// it wakes no rule, and every line the CLI writes to stderr starts with it).
const gating = set.matcher.keywords.filter((_, k) => set.gates[k]!.length > 0 || set.anchors[k]!.length > 0);
const screen = set.always.length === 0 ? literalScreen(gating) : null;

/** The texts to try: every example, its variants (case, encodings, surrounded by text), and random texts. */
function texts(): string[] {
  const out: string[] = [];
  for (const r of BUILTIN_RULES) {
    for (const ex of [...r.examples.positive, ...r.examples.negative]) {
      out.push(
        ex,
        ex.toUpperCase(),
        ex.toLowerCase(),
        `message: ${ex} (see the log)`,
        Buffer.from(ex).toString('base64'),
        Buffer.from(ex).toString('hex'),
        encodeURIComponent(ex),
        [...ex].reverse().join(''),
        ex.replace(/[-_]/g, '\u00e9'),
      );
    }
  }
  for (let seed = 1; seed <= 300; seed++) out.push(seeded(seed, 120, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-=:/+ "\'\u00e9\u0141'));
  return out;
}

test('a text the literal screen stops holds nothing the built-in secret rules find', () => {
  assert.ok(screen, 'every built-in rule runs behind a literal');
  let stopped = 0;
  for (const t of texts()) {
    if (screen.test(t)) continue;
    stopped++;
    assert.deepEqual(detect(t, set), [], `stopped, yet a rule matches: ${JSON.stringify(t.slice(0, 60))}`);
  }
  assert.ok(stopped > 1000, `the screen stops the many texts without a literal (${stopped})`);
});

test('the screen leaves out the inline-ignore marker, which wakes no rule', () => {
  assert.ok(set.matcher.keywords.includes('pipeguard:'));
  assert.ok(!gating.includes('pipeguard:'));
  assert.equal(gating.length, set.matcher.keywords.length - 1);
  assert.equal(screen!.test('pipeguard: warning: a line of the CLI'), false);
});

test('the screen matches a literal wherever the keyword automaton does, without regard to ASCII case', () => {
  const literals = ['ghp_', 'xoxb-', 'aws_secret', '-----begin', 'a.b', 'x(y)|z'];
  const re = literalScreen(literals)!;
  const m = new KeywordMatcher(literals);
  for (let seed = 1; seed <= 400; seed++) {
    const text = seeded(seed, 40, 'ghpGHP_xoXB-aws_SECRET-----BEGINa.bx(y)|z \u00e9\u212a\u017f');
    let hit = false;
    m.scan(text, () => (hit = true));
    assert.equal(re.test(text), hit, JSON.stringify(text));
  }
  // Non-ASCII letters that fold to ASCII ones under Unicode case rules (Kelvin sign, long s) match no keyword.
  assert.equal(literalScreen(['k', 's'])!.test('\u212a\u017f'), false);
});

test('without the bundle\'s literals every text may hold a secret (the masker is loaded)', () => {
  assert.equal(mayHoldSecret('plain words, nothing else'), true);
  assert.equal(mayHoldSecret('short'), false);
});

test('the literal screen answers as one case-insensitive alternation of the literals would', () => {
  // The screen was that regex (compiled on every run of the CLI before its first line): the table gives its answers.
  const alternation = new RegExp(gating.map((l) => l.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'i');
  let held = 0;
  for (const t of texts()) {
    const want = alternation.test(t);
    if (want) held++;
    assert.equal(screen!.test(t), want, JSON.stringify(t.slice(0, 60)));
  }
  assert.ok(held > 1000, `texts holding a literal are tried too (${held})`);
  // A literal at the very end, one character short of it, and upper case.
  assert.equal(screen!.test('xx GHP_'), gating.includes('ghp_'));
  assert.equal(literalScreen(['abc'])!.test('zzab'), false);
  assert.equal(literalScreen(['abc'])!.test('zzABC'), true);
});
