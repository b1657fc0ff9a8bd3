// Built-in secret rules keep V8's backtracking engine (the fast path), so each must stay linear on hostile text:
// every rule is run on texts built to make a backtracking regex work hard (its keywords followed by long runs of
// characters its classes accept, its examples cut short and repeated) at one size, and any text that costs
// noticeable CPU is run again at four times the size, where a quadratic rule would cost sixteen times as much.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RULES } from '../../src/analyzers/secrets/rules/index.js';
import { compileRules, detect, type RuleSet } from '../../src/analyzers/secrets/engine.js';
import type { SecretRuleSpec } from '../../src/analyzers/secrets/rule.js';

const FILL = ['a', 'A', '0', ' ', '=', '"', '-', '/', 'aA0', ':', 'x9.', '\t'];

/** Texts of about `n` characters meant to make `spec`'s regex backtrack. */
function hostile(spec: SecretRuleSpec, n: number): string[] {
  const out: string[] = [];
  for (const k of spec.keywords.slice(0, 2)) {
    for (const f of FILL) out.push(k + f.repeat(Math.ceil(n / f.length)));
    out.push(k.repeat(Math.ceil(n / k.length)));
  }
  for (const e of spec.examples.positive.slice(0, 2)) {
    const cut = e.slice(0, -1);
    out.push(cut.repeat(Math.ceil(n / Math.max(1, cut.length))));
    out.push(e.slice(0, Math.ceil(e.length / 2)) + 'a'.repeat(n));
  }
  return out;
}

/** Lowest CPU milliseconds of `reps` runs of `f`. */
function cpu(f: () => void, reps: number): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const s = process.cpuUsage();
    f();
    const u = process.cpuUsage(s);
    best = Math.min(best, (u.user + u.system) / 1000);
  }
  return best;
}

test('no built-in secret rule is super-linear on hostile text', () => {
  const N = 16_000;
  const suspects: string[] = [];
  for (const spec of BUILTIN_RULES) {
    const set: RuleSet = compileRules([spec]);
    const texts = hostile(spec, N);
    texts.forEach((t, i) => {
      const small = cpu(() => detect(t, set), 1);
      // Cheap at this size: even a quadratic cost would be small; only costly texts are scaled up.
      if (small < 15) return;
      const again = cpu(() => detect(t, set), 2);
      // Cheap when run again: the first run's cost was a pause (the optimising compiler, a collection), not the
      // rule's, and the comparison below would divide by a timer's resolution.
      if (again < 15) return;
      const big = hostile(spec, 4 * N)[i]!;
      const large = cpu(() => detect(big, set), 2);
      if (large > 10 * again) suspects.push(`${spec.id} on text #${i}: ${again.toFixed(0)} ms at ${N} characters, ${large.toFixed(0)} ms at ${4 * N}`);
    });
  }
  assert.deepEqual(suspects, []);
});
