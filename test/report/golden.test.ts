// Golden files: every format, byte for byte, for the sample run. UPDATE_GOLDEN=1 rewrites them.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { FORMATS, render } from '../../src/report/index.js';
import type { Format, ReportOptions } from '../../src/report/index.js';
import { sampleDecision, sampleReport } from './sample.js';

const EXT: Record<Format, string> = {
  table: 'txt',
  json: 'json',
  sarif: 'sarif',
  junit: 'xml',
  markdown: 'md',
  html: 'html',
  'gitlab-sast': 'gl-sast.json',
  'gitlab-secret-detection': 'gl-secret-detection.json',
  'gitlab-dependency-scanning': 'gl-dependency-scanning.json',
  'gitlab-container-scanning': 'gl-container-scanning.json',
  'gitlab-codequality': 'gl-codequality.json',
};
const CASES: { name: string; format: Format; opts: ReportOptions }[] = [
  ...FORMATS.map((format) => ({ name: `golden.${EXT[format]}`, format, opts: { color: false, width: 100 } })),
  { name: 'golden.color.txt', format: 'table', opts: { color: true, width: 80 } },
  { name: 'golden.verbose.txt', format: 'table', opts: { color: false, verbose: true } },
];

for (const c of CASES) {
  test(`${c.format} output matches ${c.name}`, () => {
    const path = new URL(`./fixtures/${c.name}`, import.meta.url);
    const actual = render(c.format, sampleReport(), sampleDecision(), c.opts);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
    assert.equal(actual, readFileSync(path, 'utf8'));
  });
}

test('rendering is deterministic and does not mutate its inputs', () => {
  const report = sampleReport();
  const decision = sampleDecision();
  const before = JSON.stringify([report, decision]);
  for (const format of FORMATS) {
    const a = render(format, report, decision, { color: true, width: 60 });
    const b = render(format, report, decision, { color: true, width: 60 });
    assert.equal(a, b, format);
    assert.ok(a.endsWith('\n'), `${format} ends with a newline`);
  }
  assert.equal(JSON.stringify([report, decision]), before);
});

test('FORMATS lists every format once', () => {
  assert.deepEqual([...FORMATS].sort(), [
    'gitlab-codequality',
    'gitlab-container-scanning',
    'gitlab-dependency-scanning',
    'gitlab-sast',
    'gitlab-secret-detection',
    'html',
    'json',
    'junit',
    'markdown',
    'sarif',
    'table',
  ]);
});
