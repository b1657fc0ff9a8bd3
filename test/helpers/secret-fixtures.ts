/**
 * The inline-expectation check of the secrets tests whose fixtures are lines in the test itself: each case is a
 * line preceded by `# ruleid: <id>` (that rule must report the line) or `# ok: <id>` (it must not); `<!-- ... -->`
 * comments too, for XML fixtures.
 */
import assert from 'node:assert/strict';
import { compileRules, detect, type RuleSet } from '../../src/analyzers/secrets/engine.js';
import { BUILTIN_RULES } from '../../src/analyzers/secrets/rules/index.js';

let builtin: RuleSet | undefined;

/** Diffs the `ruleid:` / `ok:` expectations of a fixture against what the built-in rules report on it at `path`. */
export function checkSecretFixture(fixture: string, path: string): string[] {
  const set = (builtin ??= compileRules(BUILTIN_RULES));
  const lines = fixture.split('\n');
  const found = new Map<number, Set<string>>();
  for (const d of detect(fixture, set, { path })) {
    let ids = found.get(d.line);
    if (!ids) found.set(d.line, (ids = new Set()));
    ids.add(d.ruleId);
  }
  const problems: string[] = [];
  let expectations = 0;
  for (const [i, line] of lines.entries()) {
    const m = /^\s*(?:#|<!--)\s*(ruleid|ok):\s*([\w-]+)\s*(?:-->)?$/.exec(line);
    if (!m) continue;
    expectations++;
    const at = i + 2; // the next line, 1-based
    const has = found.get(at)?.has(m[2]!) ?? false;
    if (m[1] === 'ruleid' && !has) problems.push(`line ${at}: expected ${m[2]}, got [${[...(found.get(at) ?? [])].join(', ')}]`);
    if (m[1] === 'ok' && has) problems.push(`line ${at}: ${m[2]} reported`);
  }
  assert.ok(expectations > 0, 'the fixture has expectations');
  return problems;
}
