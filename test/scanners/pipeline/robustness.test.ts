import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditText } from '../../../src/scanners/pipeline/scanner.js';
import type { PipelineFileKind } from '../../../src/scanners/pipeline/scanner.js';
import { planFixes } from '../../../src/scanners/pipeline/fix.js';

const DIR = join(import.meta.dirname, 'fixtures');

test('truncated and odd inputs never throw: they give findings or YAML problems', () => {
  const kinds: PipelineFileKind[] = ['workflow', 'action', 'dependabot', 'gitlab'];
  let runs = 0;
  for (const group of readdirSync(DIR)) {
    for (const name of readdirSync(join(DIR, group))) {
      const text = readFileSync(join(DIR, group, name), 'utf8');
      const lines = text.split('\n');
      for (let cut = 1; cut < lines.length; cut += 5) {
        const part = lines.slice(0, cut).join('\n');
        for (const kind of kinds) {
          const r = auditText(`x/${name}`, part, kind);
          assert.ok(Array.isArray(r.findings));
          runs++;
        }
        if (group !== 'gitlab') planFixes('.github/workflows/x.yml', part, 'workflow');
      }
    }
  }
  for (const odd of ['', '---\n', '[]', '42', 'on: [push]\njobs: 3\n', 'jobs:\n  a: null\n', 'jobs:\n  a:\n    steps: {x: 1}\n', '? [a]\n: b\n', 'on:\n  push: ~\njobs:\n  a:\n    steps:\n      - run:\n      - uses:\n      - with: 3\n']) {
    for (const kind of kinds) auditText('.github/workflows/x.yml', odd, kind);
    planFixes('.github/workflows/x.yml', odd, 'workflow');
  }
  assert.ok(runs > 150);
});
