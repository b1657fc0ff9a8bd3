// pipeguard monitor end to end: follow mode on a log that grows, de-duplication and the rate limit, alerts in the
// hash-chained alerts log delivered to a real TCP syslog collector, JSON-lines sources and their errors.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { readAuditEntries } from '../../src/deliver/audit/read.js';
import { verifyAuditLog } from '../../src/deliver/audit/verify.js';
import { monitorSchema, runMonitor, type Alert } from '../../src/deliver/monitor/index.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { githubToken } from '../helpers/tokens.js';
import { streamCollector } from './helpers/collectors.js';
import { eventWriter, monitorJson } from './helpers/monitor.js';

async function alertsIn(path: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const r of readAuditEntries(path)) if (r.entry.type === 'monitor.alert') out.push(r.entry.data);
  return out;
}

/** Waits (bounded) until `cond` holds; fails the test if it never does. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (cond()) return;
    await sleep(50);
  }
  assert.fail(`gave up waiting for ${what}`);
}

describe('pipeguard monitor', () => {
  it('a flood of the same alert is one alert with a count, in the report and in the alerts log', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    const w = eventWriter(dir);
    for (let i = 0; i < 300; i++) await w('override', { gate: 'build', reason: 'not reachable', by: 'ana', violations: 1 }, { time: `2026-01-06T10:0${Math.floor(i / 60)}:${String(i % 60).padStart(2, '0')}Z` });
    const r = await monitorJson(dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]!.data.count, 300);
    assert.match(r.findings[0]!.message, /\(300 events, 2026-01-06T10:00:00.000Z to 2026-01-06T10:04:59.000Z\)/);
    const logged = await alertsIn(join(dir, '.pipeguard/alerts.jsonl'));
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!['count'], 300);
    // the alerts log is an audit log: hash-chained, verifiable
    assert.equal((await verifyAuditLog(join(dir, '.pipeguard/alerts.jsonl'))).ok, true);
  });

  it('repeats after the de-duplication window are a new alert', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\nmonitor:\n  dedupWindow: 10m\n' });
    const w = eventWriter(dir);
    const o = (time: string) => w('override', { gate: 'build', reason: 'r', by: 'ana' }, { time });
    await o('2026-01-06T10:00:00Z');
    await o('2026-01-06T10:09:00Z');
    await o('2026-01-06T10:11:00Z');
    const r = await monitorJson(dir);
    assert.deepEqual(r.findings.map((f) => f.data.count).sort(), [1, 2]);
  });

  it('past the rate limit, alerts are counted into one monitor-rate-limited alert of the highest severity', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\nmonitor:\n  rateLimit: { count: 3, window: 1m }\n' });
    const w = eventWriter(dir);
    for (let i = 0; i < 10; i++) await w('override', { gate: `g${i}`, reason: 'r', by: 'ana' }, { time: `2026-01-06T10:00:${String(i).padStart(2, '0')}Z` });
    await w('deploy.started', { deployId: 'd1', service: 'web', strategy: 'canary', candidate: { version: '1' }, steps: [100] }, { time: '2026-01-06T10:00:30Z' });
    await w('deploy.shift', { deployId: 'd1', weight: 100 }, { time: '2026-01-06T10:00:31Z' });
    const r = await monitorJson(dir);
    const byRule = r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.data.count}`).sort();
    assert.deepEqual(byRule, ['gate-overridden high 1', 'gate-overridden high 1', 'gate-overridden high 1', 'monitor-rate-limited critical 8']);
    const limited = r.findings.find((f) => f.ruleId === 'monitor-rate-limited')!;
    assert.match(limited.message, /8 more alert\(s\) than monitor.rateLimit allows \(3 per 60s\) were held back: 7 gate-overridden, 1 unsigned-artifact-deployed/);
  });

  it('follow mode: alerts on entries appended while it follows, raised at once, then stops when told', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    const w = eventWriter(dir);
    await w('gate.decision', { gate: 'build', outcome: 'pass' });
    const cfg = monitorSchema.parse({});
    const ac = new AbortController();
    const guard = setTimeout(() => ac.abort(), 30_000); // a bound, not an assertion
    const raised: Alert[] = [];
    const { AuditLog } = await import('../../src/deliver/audit/log.js');
    const alertsLog = new AuditLog({ path: join(dir, 'alerts.jsonl'), actor: { user: 'monitor', host: 'h' }, fsync: false });
    const running = runMonitor({ config: cfg, root: dir, inputs: [{ kind: 'audit', path: join(dir, '.pipeguard/audit.jsonl'), display: 'audit.jsonl' }], statePath: join(dir, 'state.json'), follow: ac.signal, alertsLog, onAlert: (a, phase) => phase === 'raised' && raised.push(a) });
    // append while it follows: one override now, and once it is seen, 5 more of the same
    await sleep(100);
    await w('override', { gate: 'build', reason: 'hotfix', by: 'ana' }, { time: '2026-01-06T10:00:00Z' });
    await until(() => raised.length === 1, 'the first alert');
    assert.equal((await alertsIn(join(dir, 'alerts.jsonl'))).length, 1, 'written as soon as it was raised');
    for (let i = 1; i <= 5; i++) await w('override', { gate: 'build', reason: 'hotfix', by: 'ana' }, { time: `2026-01-06T10:00:0${i}Z` });
    // a partial line (a writer in the middle of it) is not read
    appendFileSync(join(dir, '.pipeguard/audit.jsonl'), '{"v":1,"seq":');
    await until(() => raised[0]!.count === 6, 'the repeats counted into the alert');
    ac.abort();
    clearTimeout(guard);
    const result = await running;
    assert.equal(raised.length, 1, 'repeats are counted, not raised');
    assert.equal(result.alerts.length, 1);
    assert.equal(result.alerts[0]!.count, 6);
    const logged = await alertsIn(join(dir, 'alerts.jsonl'));
    assert.deepEqual(logged.map((d) => [d['count'], d['update'] ?? false]), [[1, false], [6, true]]);
  });

  it('follow mode on a JSON-lines source: a burst appended while following crosses the threshold', async () => {
    const dir = makeDir();
    const src = join(dir, 'access.jsonl');
    writeFileSync(src, JSON.stringify({ ts: '2026-01-06T10:00:00Z', ip: '10.0.0.1', status: 200 }) + '\n');
    const ac = new AbortController();
    const guard = setTimeout(() => ac.abort(), 30_000);
    const raised: Alert[] = [];
    const running = runMonitor({
      config: monitorSchema.parse({}),
      root: dir,
      inputs: [{ kind: 'source', path: src, display: 'access.jsonl', mapping: { type: 'http.request', time: 'ts', fields: { ip: 'ip', status: 'status:number' } } }],
      statePath: join(dir, 'state.json'),
      follow: ac.signal,
      onAlert: (a, phase) => phase === 'raised' && raised.push(a),
    });
    for (let i = 0; i < 12; i++) {
      // half a line first: a line is only read once it is whole
      const line = JSON.stringify({ ts: `2026-01-06T10:01:${String(i).padStart(2, '0')}Z`, ip: '203.0.113.9', status: '401' }) + '\n';
      appendFileSync(src, line.slice(0, 20));
      await sleep(20);
      appendFileSync(src, line.slice(20));
    }
    await until(() => raised.length === 1 && raised[0]!.count === 12, 'the threshold alert and the events after it');
    ac.abort();
    clearTimeout(guard);
    const r = await running;
    assert.equal(r.events, 13);
    assert.deepEqual(r.alerts.map((a) => [a.rule, a.count, a.first]), [['auth-failures', 12, '2026-01-06T10:01:00.000Z']]);
    // the position is kept: the next run reads nothing old
    const next = await runMonitor({ config: monitorSchema.parse({}), root: dir, inputs: [{ kind: 'source', path: src, display: 'access.jsonl', mapping: { type: 'http.request', time: 'ts' } }], statePath: join(dir, 'state.json') });
    assert.equal(next.events, 0);
  });

  it('follow mode: when events stop, the alert closes after its window and its count goes out without a new event', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    const w = eventWriter(dir);
    const now = Date.now();
    for (let i = 0; i < 3; i++) await w('override', { gate: 'build', reason: 'again', by: 'ana' }, { time: new Date(now + i).toISOString() });
    const ac = new AbortController();
    const guard = setTimeout(() => ac.abort(), 30_000);
    const { AuditLog } = await import('../../src/deliver/audit/log.js');
    const alertsLog = new AuditLog({ path: join(dir, 'alerts.jsonl'), actor: { user: 'monitor', host: 'h' }, fsync: false });
    const closed: Alert[] = [];
    const running = runMonitor({ config: monitorSchema.parse({ dedupWindow: '300ms' }), root: dir, inputs: [{ kind: 'audit', path: join(dir, '.pipeguard/audit.jsonl'), display: 'audit.jsonl' }], statePath: join(dir, 'state.json'), follow: ac.signal, alertsLog, onAlert: (a, phase) => phase === 'closed' && closed.push(a) });
    await until(() => closed.length === 1, 'the alert closing while idle');
    assert.equal(ac.signal.aborted, false, 'closed by the passing time, not by the stop');
    ac.abort();
    clearTimeout(guard);
    await running;
    const logged = await alertsIn(join(dir, 'alerts.jsonl'));
    assert.deepEqual(logged.map((d) => [d['count'], d['update'] ?? false]), [[1, false], [3, true]]);
  });

  it('follow mode through the CLI stops after --for and reports what it saw', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    await eventWriter(dir)('override', { gate: 'build', reason: 'x', by: 'ana' });
    const r = await cli(['monitor', '--follow', '--for', '500ms', '-f', 'json'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ALERT high gate-overridden: gate build overridden by ana: x/);
    assert.equal((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length, 1);
  });

  it('alerts go to a real TCP syslog collector on 127.0.0.1 in CEF, from the alerts log\'s cursor', async () => {
    const collector = await streamCollector();
    try {
      const dir = makeDir({ 'pipeguard.yml': `failOn: high\nmonitor:\n  siem:\n    - { to: "syslog+tcp://127.0.0.1:${collector.port}", format: cef, flushTimeout: 10s }\n` });
      const w = eventWriter(dir);
      await w('override', { gate: 'build', reason: 'a|b=c', by: 'ana' });
      const r = await cli(['monitor'], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /siem syslog\+tcp:\/\/127\.0\.0\.1:\d+: 1 sent, all delivered/);
      await until(() => collector.messages.length === 1, 'the alert at the collector');
      const m = collector.messages[0]!;
      assert.match(m, /CEF:0\|pipeguard\|pipeguard\|[^|]+\|monitor\.alert\|Security alert\|8\|/);
      assert.match(m, /msg=gate-overridden: gate build overridden by ana: a\|b\\=c/);
      // a second run delivers only what is new
      await w('deploy.started', { deployId: 'd9', service: 'web', strategy: 'canary', candidate: { version: '2' }, steps: [100] });
      await w('deploy.promoted', { deployId: 'd9', version: '2' });
      const r2 = await cli(['monitor'], { cwd: dir });
      assert.equal(r2.code, 1, r2.stderr);
      await until(() => collector.messages.length === 2, 'the second alert');
      assert.match(collector.messages[1]!, /\|monitor\.alert\|Security alert\|10\|.*unsigned-artifact-deployed/);
    } finally {
      await collector.stop();
    }
  });

  it('a JSON-lines source: a bad line is exit 2 naming the file and line, and no report', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\nmonitor:\n  rules: [{ id: any-request, when: "event.type == \'http.request\'" }]\n', 'map.yml': 'type: http.request\ntime: ts\n', 'bad.jsonl': '{"ts":"2026-01-06T10:00:00Z","status":401}\nnot json\n' });
    const r = await cli(['monitor', '--no-log', '--source', 'bad.jsonl', '--map', 'map.yml', '-f', 'json'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad\.jsonl:2: not JSON/);
    assert.ok(!existsSync(join(dir, '.pipeguard/alerts.jsonl')) && !existsSync(join(dir, '.pipeguard/monitor-state.json')), 'nothing written');
    writeFileSync(join(dir, 'bad.jsonl'), '{"ts":"2026-01-06T10:00:00Z","status":401}\n');
    assert.equal((await cli(['monitor', '--no-log', '--source', 'bad.jsonl', '--map', 'map.yml'], { cwd: dir })).code, 1, 'the same line alone raises the alert');
    writeFileSync(join(dir, 'bad.jsonl'), '{"status":401}\n');
    const r2 = await cli(['monitor', '--no-log', '--source', 'bad.jsonl', '--map', 'map.yml'], { cwd: dir });
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /bad\.jsonl:1: no time in field ts/);
    writeFileSync(join(dir, 'map.yml'), 'time: ts\n');
    const r3 = await cli(['monitor', '--no-log', '--source', 'bad.jsonl', '--map', 'map.yml'], { cwd: dir });
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /map\.yml: give type or typeField/);
  });

  it('a token in a logged URL is masked before any rule, alert, alerts log or report sees it', async () => {
    const token = githubToken(23);
    const cfg = `failOn: high\nmonitor:\n  rules:\n    - id: admin-path\n      when: "event.data.path.startsWith('/admin')"\n      message: "'admin path ' + event.data.path + ' by ' + event.actor.user"\n`;
    const dir = makeDir({ 'pipeguard.yml': cfg, 'map.yml': 'type: http.request\ntime: ts\nuser: who\nfields: { path: uri }\n' });
    writeFileSync(join(dir, 'a.jsonl'), JSON.stringify({ ts: '2026-01-06T10:00:00Z', uri: `/admin/export?access_token=${token}`, who: token }) + '\n');
    const r = await cli(['monitor', '--no-log', '--source', 'a.jsonl', '--map', 'map.yml', '-f', 'json'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /admin path \/admin\/export\?access_token=ghp_\*+/);
    for (const text of [r.stdout, r.stderr, readFileSync(join(dir, '.pipeguard/alerts.jsonl'), 'utf8')]) assert.ok(!text.includes(token), 'the token is never shown whole');
  });

  it('usage errors: --source without --map, no audit log', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    assert.equal((await cli(['monitor', '--source', 'x.jsonl'], { cwd: dir })).code, 2);
    const r = await cli(['monitor'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /audit\.jsonl: no such audit log/);
  });
});
