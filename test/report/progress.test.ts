// Progress bar: one redrawn line, throttled by an injected clock, cleared when done, silent when disabled.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createProgressBar, nullProgress, progressLine } from '../../src/report/progress.js';

function sink(columns = 80): { stream: PassThrough & { columns: number }; writes: string[] } {
  const stream = Object.assign(new PassThrough(), { columns });
  const writes: string[] = [];
  stream.on('data', (c: Buffer) => writes.push(c.toString('utf8')));
  return { stream, writes };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('redraws at most every 100 ms of the injected clock, always draws completion', async () => {
  const { stream, writes } = sink();
  let now = 0;
  const bar = createProgressBar(stream, { enabled: true, now: () => now });
  bar.update('secrets', 1, 10);
  now = 50;
  bar.update('secrets', 2, 10);
  now = 99;
  bar.update('secrets', 3, 10);
  now = 100;
  bar.update('secrets', 4, 10);
  now = 120;
  bar.update('secrets', 10, 10);
  await flush();
  assert.equal(writes.length, 3);
  assert.ok(writes.every((w) => w.startsWith('\r\u001b[2K') && !w.includes('\n')));
  assert.ok(writes[1]!.includes('secrets 4/10 files [########------------] 40%'));
  assert.ok(writes[2]!.includes('100%'));
  bar.done('secrets');
  await flush();
  assert.equal(writes.at(-1), '\r\u001b[2K');
});

test('prints nothing when disabled', async () => {
  const { stream, writes } = sink();
  const bar = createProgressBar(stream, { enabled: false, now: () => 0 });
  bar.update('secrets', 1, 2);
  bar.done('secrets');
  await flush();
  assert.deepEqual(writes, []);
  assert.equal(bar, nullProgress);
});

test('done without a drawn line writes nothing; lines are cut to the terminal width', async () => {
  const { stream, writes } = sink(20);
  const bar = createProgressBar(stream, { enabled: true, now: () => 0 });
  bar.done('x');
  bar.update('a-very-long-scanner-name', 5, 10);
  await flush();
  assert.equal(writes.length, 1);
  assert.equal(writes[0]!.length, '\r\u001b[2K'.length + 19);
});

test('line text for bytes and unknown totals', () => {
  assert.equal(progressLine('deps', 3, undefined, 'files'), 'deps 3 files');
  assert.equal(progressLine('secrets', 1536, 3 * 1024 * 1024, 'bytes'), 'secrets 1.5 KiB/3.0 MiB [--------------------] 0%');
  assert.equal(progressLine('s\u001b[2J', 1, 2, 'files'), 's\uFFFD[2J 1/2 files [##########----------] 50%');
});
