// Markdown PR comment: escaping, row cap, sections.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { esc, MAX_ROWS, renderMarkdown } from '../../src/report/markdown.js';
import type { Finding } from '../../src/core/types.js';
import { F, sampleDecision, sampleReport } from './sample.js';

test('cells cannot break the table, inject HTML or ping people', () => {
  assert.equal(esc('a|b'), 'a\\|b');
  assert.equal(esc('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(esc('ask @octocat about #12'), 'ask &#64;octocat about &#35;12');
  assert.equal(esc('user@example.com v#x'), 'user@example.com v#x');
  assert.equal(esc('*b* _i_ `c` [l](u) ~s~ \\'), '\\*b\\* \\_i\\_ \\`c\\` \\[l\\](u) \\~s\\~ \\\\');
  assert.equal(esc('line1\nline2\r\x1b'), 'line1 line2 \uFFFD');
});

test('every table row has exactly four cells even with hostile messages', () => {
  const md = renderMarkdown(sampleReport(), sampleDecision());
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Scanner') && !l.startsWith('| secrets') && !/^\| (sast|deps|pipeline|licenses) /.test(l));
  assert.ok(rows.length >= 8);
  for (const r of rows) assert.equal(r.replace(/\\\|/g, '').split('|').length - 2, 4, r);
});

test('title shows outcome and counts', () => {
  const md = renderMarkdown(sampleReport(), sampleDecision());
  assert.ok(md.startsWith('## ❌ pipeguard: failed — 1 critical · 3 high · 1 medium · 1 low · 1 info\n'));
  const pass = renderMarkdown(sampleReport(), { ...sampleDecision(), outcome: 'pass', violations: [] });
  assert.ok(pass.startsWith('## ✅ pipeguard: passed'));
  assert.ok(!pass.includes('### Violations'));
});

test(`violations table stops at ${MAX_ROWS} rows and says how many more`, () => {
  const many: Finding[] = Array.from({ length: 73 }, (_, i) => ({ ...F.awsKey, fingerprint: `fp${i}`, location: { path: `f${i}.py`, startLine: i + 1 } }));
  const report = { ...sampleReport(), findings: many };
  const md = renderMarkdown(report, { ...sampleDecision(), violations: many, findings: [], suppressed: [] });
  const rows = md.split('\n').filter((l) => l.startsWith('| critical |'));
  assert.equal(rows.length, MAX_ROWS);
  assert.ok(md.includes('…and 23 more'));
});

test('below-threshold findings are folded; suppressed, statuses and notes are listed', () => {
  const md = renderMarkdown(sampleReport(), sampleDecision());
  assert.match(md, /<details>\n<summary>4 findings below the threshold or in the baseline<\/summary>/);
  assert.ok(md.includes('**Suppressed:** 2 (config: 1, inline: 1)'));
  assert.ok(md.includes('| sast | ⚠️ partial | 2 |'));
  assert.ok(md.includes('- sast: src/legacy/broken.js: parse error at 3:14: unexpected token'));
  assert.ok(md.includes('### Notes'));
  assert.ok(md.includes('| high | vulnerable-dependency | package-lock.json (lodash@4.17.20) |'));
});
