import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectedDocs } from '../../scripts/rule-docs.js';

test('docs/rules/<scanner>.md is current for every registered scanner (npm run docs regenerates them)', async () => {
  for (const d of await expectedDocs()) {
    const file = fileURLToPath(d.path);
    assert.ok(existsSync(file), `${file} is missing: run npm run docs`);
    assert.equal(readFileSync(file, 'utf8'), d.text, `docs/rules/${d.scanner.id}.md is out of date: run npm run docs`);
  }
});

test('every rule has a documentation address that names its own section', async () => {
  for (const d of await expectedDocs()) {
    for (const r of d.scanner.rules(undefined as never)) {
      assert.ok(r.helpUri?.endsWith(`/docs/rules/${d.scanner.id}.md#${r.id}`), `${r.id}: ${r.helpUri}`);
      assert.ok(d.text.includes(`\n### ${r.id}\n`), `${r.id} has no section in docs/rules/${d.scanner.id}.md`);
    }
  }
});
