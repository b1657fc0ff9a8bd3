import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFixture, parseExpectations } from '../../helpers/fixtures.js';
import { auditText } from '../../../src/scanners/pipeline/scanner.js';
import type { PipelineFileKind } from '../../../src/scanners/pipeline/scanner.js';
import { PIPELINE_RULES } from '../../../src/scanners/pipeline/rules.js';

const DIR = join(import.meta.dirname, 'fixtures');

/** Fixture name → the path it is audited as, and its kind. */
function asPath(group: string, name: string): { path: string; kind: PipelineFileKind } {
  if (group === 'gitlab') return { path: name.startsWith('gitlab-ci') ? '.gitlab-ci.yml' : `ci/${name}`, kind: 'gitlab' };
  if (name.startsWith('action-')) return { path: `actions/${name.slice(7, -4)}/action.yml`, kind: 'action' };
  if (name.startsWith('dependabot.')) return { path: '.github/dependabot.yml', kind: 'dependabot' };
  return { path: `.github/workflows/${name}`, kind: 'workflow' };
}

const files: { group: string; name: string; text: string }[] = [];
for (const group of readdirSync(DIR).sort()) {
  for (const name of readdirSync(join(DIR, group)).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    files.push({ group, name, text: readFileSync(join(DIR, group, name), 'utf8') });
  }
}

for (const f of files) {
  test(`fixture ${f.group}/${f.name}`, () => {
    const { path, kind } = asPath(f.group, f.name);
    const res = auditText(path, f.text, kind);
    assert.deepEqual(res.problems, [], 'fixture must be valid YAML');
    // Realistic project workflows (projects/) are checked against every rule; focused fixtures against
    // the rules they annotate (each of those strictly: no finding of that rule on an unannotated line).
    const rules = f.group === 'projects' ? undefined : new Set(parseExpectations(f.text).map((e) => e.ruleId));
    const hits = res.findings.map((x) => ({ ruleId: x.ruleId, line: x.location.startLine! }));
    assertFixture(`${f.group}/${f.name}`, f.text, hits, rules ? { rules } : {});
  });
}

test('every rule has a true-positive and a look-alike fixture', () => {
  const pos = new Set<string>();
  const neg = new Set<string>();
  for (const f of files) for (const e of parseExpectations(f.text)) (e.kind === 'ruleid' ? pos : neg).add(e.ruleId);
  const known = new Set(PIPELINE_RULES.map((r) => r.id));
  for (const id of [...pos, ...neg]) assert.ok(known.has(id), `fixture names unknown rule ${id}`);
  const missing = PIPELINE_RULES.filter((r) => !pos.has(r.id) || !neg.has(r.id)).map((r) => `${r.id}${pos.has(r.id) ? '' : ' (no ruleid)'}${neg.has(r.id) ? '' : ' (no ok)'}`);
  assert.deepEqual(missing, []);
});
