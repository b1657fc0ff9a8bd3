import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditLog } from '../../src/deliver/audit/log.js';
import { cursorPath, forward } from '../../src/deliver/siem/forwarder.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { hasOpenssl, httpsCollector, makeCertificates, streamCollector, udpCollector } from './helpers/collectors.js';
import { makeProject, testEnv } from './helpers/project.js';

const needsOpenssl = hasOpenssl ? false : 'needs openssl (apt-get install openssl)';

function newLog(): { log: AuditLog; path: string; add: (n: number) => Promise<void> } {
  const path = join(makeDir(), 'audit.jsonl');
  const log = new AuditLog({ path, actor: { user: 'ci', host: 'runner' }, fsync: false });
  let i = 0;
  return { log, path, add: async (n) => void (await Promise.all(Array.from({ length: n }, () => log.append('step.finished', { step: `s${i++}`, status: 'succeeded', exitCode: 0 })))) };
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const syslogSeq = (m: string) => Number(/ seq="(\d+)"/.exec(m)![1]);

/** Every number from 1 to n exactly once, in order. */
function exactlyOnce(seqs: number[], n: number): void {
  assert.deepEqual(seqs, Array.from({ length: n }, (_, i) => i + 1));
}

for (const kind of ['tcp', 'tls'] as const) {
  test(`syslog over ${kind.toUpperCase()}: every event arrives exactly once, in order, across a collector restart`, { skip: kind === 'tls' && needsOpenssl }, async () => {
    const certs = kind === 'tls' ? makeCertificates() : undefined;
    const collector = await streamCollector(certs);
    const { path, add } = newLog();
    await add(15);
    const ac = new AbortController();
    const errors: string[] = [];
    const running = forward({
      logPath: path,
      dest: { to: `syslog+${kind}://127.0.0.1:${collector.port}`, ...(certs ? { ca: certs.ca } : {}) },
      follow: true,
      signal: ac.signal,
      backoff: { min: 50, max: 300 },
      onError: (e) => errors.push(e),
    });
    await until(() => collector.messages.length === 15);
    await collector.stop();
    await add(15); // written while the collector is down: spooled in the log
    await until(() => errors.length >= 2);
    await collector.start();
    await add(10);
    await until(() => collector.messages.length >= 40);
    await sleep(300); // a duplicate, if any, would arrive now
    ac.abort();
    const r = await running;
    exactlyOnce(collector.messages.map(syslogSeq), 40);
    assert.equal(r.pending, 0);
    assert.match(errors[0]!, /ECONNREFUSED/);
    for (const m of collector.messages) assert.match(m, /^<110>1 \S+ runner pipeguard - step\.finished \[pipeguard@32473 seq="\d+" hash="[0-9a-f]{64}"/);
    const cursor = JSON.parse(readFileSync(cursorPath(path, `syslog+${kind}://127.0.0.1:${collector.port}`), 'utf8')) as { seq: number };
    assert.equal(cursor.seq, 40);
    await collector.stop();
  });
}

test('syslog over TLS refuses a collector whose certificate the given CA did not sign; events stay pending', { skip: needsOpenssl }, async () => {
  const certs = makeCertificates();
  const collector = await streamCollector(certs);
  const { path, add } = newLog();
  await add(3);
  const r = await forward({ logPath: path, dest: { to: `syslog+tls://127.0.0.1:${collector.port}`, ca: certs.otherCa }, deadlineMs: 600, backoff: { min: 50, max: 100 } });
  assert.equal(r.delivered, 0);
  assert.equal(r.pending, 3);
  assert.match(r.lastError!, /certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i);
  assert.equal(collector.messages.length, 0);
  await collector.stop();
});

test('syslog over UDP: one datagram per event, every event once (UDP has no delivery guarantee across restarts)', async () => {
  const collector = await udpCollector();
  const { path, add } = newLog();
  await add(25);
  const r = await forward({ logPath: path, dest: { to: `syslog+udp://127.0.0.1:${collector.port}`, format: 'cef' } });
  assert.equal(r.delivered, 25);
  await until(() => collector.messages.length === 25);
  exactlyOnce(collector.messages.map((m) => Number(/externalId=(\d+)/.exec(m)![1])), 25);
  assert.match(collector.messages[0]!, /^<110>1 .* CEF:0\|pipeguard\|pipeguard\|/);
  collector.close();
});

test('https webhook (Splunk HEC): a busy answer is retried, a restart is survived, every event arrives once', { skip: needsOpenssl }, async () => {
  const certs = makeCertificates();
  const collector = await httpsCollector(certs);
  collector.status = 503;
  const { path, add } = newLog();
  await add(12);
  const ac = new AbortController();
  const errors: string[] = [];
  const running = forward({
    logPath: path,
    dest: { to: `https://127.0.0.1:${collector.port}/services/collector/event`, format: 'hec', token: 'hec-token-1234', ca: certs.ca },
    follow: true,
    signal: ac.signal,
    batchSize: 5,
    backoff: { min: 50, max: 200 },
    onError: (e) => errors.push(e),
  });
  await until(() => errors.length >= 2);
  assert.match(errors[0]!, /HTTP 503/);
  collector.status = 200;
  await until(() => collector.messages.length === 12);
  await collector.stop();
  await add(8);
  await until(() => errors.length >= 4);
  await collector.start();
  await until(() => collector.messages.length >= 20);
  await sleep(300);
  ac.abort();
  await running;
  const events = collector.messages.map((m) => JSON.parse(m) as { sourcetype: string; event: { seq: number; hash: string } });
  exactlyOnce(events.map((e) => e.event.seq), 20);
  assert.equal(events[0]!.sourcetype, 'pipeguard:audit');
  assert.match(events[0]!.event.hash, /^[0-9a-f]{64}$/);
  assert.ok(collector.auth.every((a) => a === 'Splunk hec-token-1234'));
  await collector.stop();
});

test('a down collector never blocks the pipeline: the run ends after flushTimeout, and audit export delivers the rest later', async () => {
  const collector = await streamCollector();
  const port = collector.port;
  await collector.stop();
  const { dir, home } = await makeProject({
    'pipeguard.yml': `pipeline:\n  stages:\n    - name: s\n      steps:\n        - name: one\n          run: echo hi\naudit:\n  siem:\n    - to: syslog+tcp://127.0.0.1:${port}\n      flushTimeout: 1\n`,
  });
  const env = testEnv(home);
  // the collector starts only after the run has returned: a run that waited for delivery would never return
  // (no timing assertion: under load the run's own steps take what they take)
  const r = await cli(['pipeline', 'run'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`siem syslog\\+tcp://127\\.0\\.0\\.1:${port}: 0 sent, 4 pending \\(127\\.0\\.0\\.1:${port}: ECONNREFUSED\\); sent next time`));
  await collector.start();
  const e = await cli(['audit', 'export', '--to', `syslog+tcp://127.0.0.1:${port}`], { cwd: dir, env });
  assert.equal(e.code, 0, e.stderr);
  assert.equal(e.stderr, `pipeguard: 4 event(s) delivered to syslog+tcp://127.0.0.1:${port}\n`);
  await until(() => collector.messages.length === 4);
  exactlyOnce(collector.messages.map(syslogSeq), 4);
  const again = await cli(['audit', 'export', '--to', `syslog+tcp://127.0.0.1:${port}`], { cwd: dir, env });
  assert.equal(again.stderr, `pipeguard: 0 event(s) delivered to syslog+tcp://127.0.0.1:${port}\n`);
  await collector.stop();
  const down = await cli(['audit', 'export', '--to', `syslog+tcp://127.0.0.1:${port}`, '--timeout', '300ms'], { cwd: dir, env });
  assert.equal(down.code, 0, 'nothing pending, so nothing to fail');
});

test('audit export writes each format, one line per entry, to stdout or a file; bad usage is exit 2', async () => {
  const { dir, home } = await makeProject({ 'pipeguard.yml': '' });
  const path = join(dir, '.pipeguard/audit.jsonl');
  const log = new AuditLog({ path, actor: { user: 'u', host: 'h' }, fsync: false });
  for (let i = 0; i < 4; i++) await log.append('deploy.started', { target: `t${i}` });
  const env = testEnv(home);
  for (const [format, re] of [['jsonl', /^\{"actor"/], ['cef', /^CEF:0\|pipeguard\|/], ['leef', /^LEEF:2\.0\|pipeguard\|/], ['syslog', /^<\d+>1 /]] as const) {
    const r = await cli(['audit', 'export', '--format', format], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 4, format);
    for (const l of lines) assert.match(l, re);
  }
  const since = await cli(['audit', 'export', '--format', 'cef', '--since', '3', '-o', 'out.cef'], { cwd: dir, env });
  assert.equal(since.code, 0);
  assert.equal(readFileSync(join(dir, 'out.cef'), 'utf8').trim().split('\n').length, 2);
  assert.equal((await cli(['audit', 'export', '--format', 'xml'], { cwd: dir, env })).code, 2);
  assert.equal((await cli(['audit', 'export', '--to', 'ftp://x'], { cwd: dir, env })).code, 2);
  assert.equal((await cli(['audit', 'export', '--to', 'syslog+tcp://127.0.0.1:1', '--format', 'hec'], { cwd: dir, env })).code, 2);
  const missing = await cli(['audit', 'export', 'nope.jsonl'], { cwd: dir, env });
  assert.equal(missing.stderr, 'pipeguard: nope.jsonl: no such audit log\n');
  assert.ok(!existsSync(join(dir, 'nope.jsonl')));
});
