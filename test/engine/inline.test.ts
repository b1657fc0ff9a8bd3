import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetFile } from '../../src/core/types.js';
import { InlineIgnores, TrackedFile } from '../../src/engine/inline.js';

test('a tracked file passes every TargetFile field through, and records ignore comments when read', async () => {
  const skips: string[] = [];
  // Required<>: a field added to TargetFile fails to compile here until it is added, and then checked below.
  const file: Required<TargetFile> = {
    path: 'src/a.ts',
    size: 42,
    origin: { commit: 'abc123', author: 'a', date: '2026-01-01T00:00:00Z' },
    contentId: 'blob-1',
    changedLines: new Set([1, 2]),
    diskPath: '/tmp/a.ts',
    sizeLimit: 1000,
    mode: 0o100644,
    skip: (reason) => skips.push(reason),
    bytes: async () => new TextEncoder().encode('x = 1 // pipeguard:ignore\n'),
    text: async () => 'x = 1 // pipeguard:ignore\n',
  };
  const ignores = new InlineIgnores();
  const t = new TrackedFile(file, ignores);
  for (const key of Object.keys(file) as (keyof TargetFile)[]) {
    if (typeof file[key] === 'function') continue;
    assert.equal(t[key], file[key], key);
  }
  t.skip('too large');
  assert.deepEqual(skips, ['too large']);
  assert.equal(await t.text(), 'x = 1 // pipeguard:ignore\n');
  const finding = {
    scanner: 's',
    ruleId: 'r',
    severity: 'high',
    message: 'm',
    location: { path: 'src/a.ts', startLine: 1 },
    origin: file.origin,
    fingerprint: 'f',
  } as unknown as Parameters<InlineIgnores['match']>[0];
  assert.equal(ignores.match(finding, new Set(['r'])), 'inline ignore comment');
});
