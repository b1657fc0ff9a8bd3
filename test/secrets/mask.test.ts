import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRules, detect, type RuleSet } from '../../src/analyzers/secrets/engine.js';
import { BUILTIN_RULES } from '../../src/analyzers/secrets/rules/index.js';
import { maskSecrets, prepareMasker, wokenRules } from '../../src/analyzers/secrets/mask.js';
import { redact } from '../../src/analyzers/secrets/redact-value.js';
import { githubToken, seeded } from '../helpers/tokens.js';

// The report masker compiles only the rules the texts it masks wake (issue 24): a rule runs on a text only where
// one of its keywords occurs, so a set compiled from those rules must find in each text exactly what the whole
// built-in set finds.
const whole = compileRules(BUILTIN_RULES);

/** Every example and its variants (case, surrounded, encoded, mixed with another rule's example), and random texts. */
function texts(): string[] {
  const out: string[] = [];
  const all = BUILTIN_RULES.flatMap((r) => [...r.examples.positive, ...r.examples.negative, ...(r.examples.lookalike ?? [])]);
  all.forEach((ex, i) => {
    out.push(ex, ex.toUpperCase(), `RUN curl -H "token: x" docker ${ex} (see the log)`, `${ex}\n${all[(i * 7919) % all.length]}`);
  });
  for (let seed = 1; seed <= 200; seed++) out.push(seeded(seed, 120, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-=:/+ "\'\u00e9\u0141'));
  return out;
}

function maskWith(set: RuleSet, text: string): string {
  if (text.length < 8) return text;
  let out = '';
  let at = 0;
  for (const d of detect(text, set).sort((a, b) => a.start - b.start)) {
    if (d.start < at) continue;
    out += text.slice(at, d.start) + redact(d.secret);
    at = d.end;
  }
  return out + text.slice(at);
}

test('a set of the rules a group of texts wakes finds in each what the whole set finds', () => {
  const all = texts();
  for (let g = 0; g < all.length; g += 3000) {
    const group = all.slice(g, g + 3000);
    const need = new Set<number>();
    for (const t of group) for (const r of wokenRules(t)!) need.add(r);
    const subset = compileRules(BUILTIN_RULES.filter((_, i) => need.has(i)));
    assert.ok(subset.rules.length < BUILTIN_RULES.length, 'a group wakes fewer than all rules');
    for (const t of group) assert.deepEqual(detect(t, subset), detect(t, whole), JSON.stringify(t.slice(0, 60)));
  }
});

test('every rule that finds something in a text is among the rules the text wakes', () => {
  for (const t of texts()) {
    const woken = wokenRules(t)!;
    for (const d of detect(t, whole)) assert.ok(woken.has(BUILTIN_RULES.findIndex((r) => r.id === d.ruleId)), `${d.ruleId} in ${JSON.stringify(t.slice(0, 40))}`);
  }
});

test('keywords are found without regard to ASCII case, and not through other characters', () => {
  const github = BUILTIN_RULES.findIndex((r) => r.keywords.includes('ghp_'));
  assert.ok(github >= 0);
  assert.ok(wokenRules('x GHP_abc y')!.has(github));
  assert.ok(wokenRules('ghp_')!.has(github));
  assert.ok(!wokenRules('gh\u00e9p_ g hp_')!.has(github));
  assert.equal(wokenRules('')!.size, 0);
});

test('maskSecrets masks what the whole set masks, as it compiles more rules and then the whole set', () => {
  const token = githubToken(7);
  assert.equal(maskSecrets(`push with ${token} now`), `push with ${redact(token)} now`);
  assert.equal(maskSecrets('nothing here at all'), 'nothing here at all');
  const all = texts();
  prepareMasker(new Set(all.slice(0, 50)));
  for (const t of all) assert.equal(maskSecrets(t), maskWith(whole, t), JSON.stringify(t.slice(0, 60)));
});
