import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { AuditLog } from '../../../src/deliver/audit/log.js';
import { verifyAuditLog } from '../../../src/deliver/audit/verify.js';
import { DeployProxy } from '../../../src/deliver/deploy/proxy.js';
import { DEPLOY_EVENTS, type DeployRecord } from '../../../src/deliver/deploy/record.js';
import { freePort } from '../../../src/deliver/deploy/release.js';
import { deployBehindProxy, type LiveRelease } from '../../../src/deliver/deploy/rollout.js';
import { makeDir } from '../../helpers/tmp.js';
import { deployYaml, loadLoop, startService, total, type Service } from './helpers.js';

/** A proxy of the test's own in front of a running baseline, a load loop through it, and a deploy of `env`. */
async function canary(env: Record<string, string>, o: { strategy?: string; analysis?: string; baselineEnv?: Record<string, string>; workers?: number } = {}) {
  const base: Service = await startService('v1', { LATENCY_MS: '5', ...o.baselineEnv });
  const dir = makeDir();
  const port = await freePort('127.0.0.1');
  const listen = `127.0.0.1:${port}`;
  const text = deployYaml({ listen, baseline: { version: 'v1', url: base.url }, env: { LATENCY_MS: '5', ...env }, ...(o.strategy ? { strategy: o.strategy } : {}), ...(o.analysis ? { analysis: o.analysis } : {}) });
  const { config } = parseConfig(text, 'pipeguard.yml');
  const proxy = new DeployProxy();
  await proxy.listen('127.0.0.1', port);
  const live: LiveRelease = { kind: 'external', backend: { version: 'v1', url: base.url } };
  proxy.setBackend('baseline', live.backend);
  const load = loadLoop(`http://${listen}/`, { workers: o.workers ?? 4, body: true });
  await load.firstAnswer;
  const audit = new AuditLog({ path: join(dir, 'audit.jsonl'), actor: { user: 'test', host: 'h' } });
  let out = '';
  const sink = { write: (c: Uint8Array | string) => (out += String(c)) };
  const r = await deployBehindProxy({ config, root: dir, configFile: 'pipeguard.yml', version: 'v2', environ: { PATH: process.env['PATH'] ?? '' }, audit, stdout: sink, stderr: sink, proxy, live });
  // a little more traffic after the decision, then stop and count
  const after = load.result.sent + 40;
  while (load.result.sent < after) await new Promise((res) => setTimeout(res, 10));
  const seen = await load.stop();
  await proxy.close();
  if (r.live?.kind === 'owned') await r.live.release.stop();
  const events = readFileSync(audit.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
  return { r, seen, events, out, dir, audit, proxy };
}

test('a good release is promoted through 10% -> 50% -> 100%; no request is lost across the switches', async () => {
  const { r, seen, events, out, audit } = await canary({});
  assert.equal(r.record.outcome, 'promoted', out);
  assert.equal(r.live?.kind, 'owned');
  assert.equal(seen.lost, 0, 'every request got an answer');
  assert.equal(seen.statuses.get(200), seen.sent, `all answered 200: ${JSON.stringify([...seen.statuses])}`);
  assert.ok((seen.byVersion.get('v1') ?? 0) > 0 && (seen.byVersion.get('v2') ?? 0) > 0);
  // the record: every step passed, in order, with figures
  assert.deepEqual(r.record.steps, [10, 50, 100]);
  const passes = r.record.decisions.filter((d) => d.verdict === 'pass');
  assert.deepEqual(passes.map((d) => d.weight), [10, 50, 100]);
  assert.ok(r.record.samples.every((s) => s.candidate.requests >= 10));
  // the audit log: every step and decision, each carrying the deploy id, and the chain holds
  const types = events.map((e) => e.type);
  assert.deepEqual(types.filter((t) => t.startsWith('deploy.') && t !== DEPLOY_EVENTS.analysis), ['deploy.started', 'deploy.health', 'deploy.shift', 'deploy.shift', 'deploy.shift', 'deploy.promoted', 'deploy.finished']);
  assert.deepEqual(events.filter((e) => e.type === DEPLOY_EVENTS.shift).map((e) => e.data['weight']), [10, 50, 100]);
  assert.ok(events.filter((e) => e.type.startsWith('deploy.')).every((e) => e.data['deployId'] === r.record.id));
  assert.equal(events.find((e) => e.type === DEPLOY_EVENTS.finished)!.data['outcome'], 'promoted');
  assert.equal((await verifyAuditLog(audit.path)).ok, true);
});

test('a release answering 30% errors is rolled back at 10%: no more than the canary\'s share of requests failed', async () => {
  const { r, seen, events } = await canary({ ERROR_RATE: '0.3' });
  assert.equal(r.record.outcome, 'rolled-back');
  assert.match(r.record.reason ?? '', /(error rate \d+\.\d% \(\d+\/\d+\) is over|\d+ errors in \d+ requests already exceed) the budget 5\.0%/);
  assert.equal(r.record.decisions.at(-1)!.weight, 10, 'decided at the first step');
  assert.equal(seen.lost, 0);
  const failed = total(seen.errorsByVersion);
  assert.ok(failed > 0, 'the bad release did fail some requests');
  assert.ok(failed <= 0.1 * seen.sent, `${failed} of ${seen.sent} requests failed: more than the canary's 10%`);
  assert.equal(seen.errorsByVersion.get('v1') ?? 0, 0);
  // after the rollback, the baseline serves everything
  assert.deepEqual(events.filter((e) => e.type === DEPLOY_EVENTS.shift).map((e) => e.data['weight']), [10, 0]);
  assert.equal(events.find((e) => e.type === DEPLOY_EVENTS.rolledBack)!.data['version'], 'v2');
});

test('a release that fails its health check never takes traffic', async () => {
  const { r, seen, events } = await canary({ HEALTH: '503' }, { analysis: '{ window: 300ms, maxErrorRate: 0.05, minRequests: 10 }' });
  assert.equal(r.record.outcome, 'failed');
  assert.match(r.record.reason ?? '', /health check \/healthz failed: answered 503, expected 200/);
  assert.equal(seen.byVersion.get('v2') ?? 0, 0, 'no request reached the candidate');
  assert.equal(seen.statuses.get(200), seen.sent);
  assert.ok(!events.some((e) => e.type === DEPLOY_EVENTS.shift));
  assert.equal(events.find((e) => e.type === DEPLOY_EVENTS.health)!.data['ok'], false);
});

test('blue/green: a slow release (p95 over the threshold) is rolled back; the baseline was ready all along', async () => {
  // 1.5 s against a 1 s threshold: far apart, so a loaded machine does not change the verdict
  const { r, seen, events } = await canary({ LATENCY_MS: '1500' }, { strategy: 'blue-green' });
  assert.equal(r.record.outcome, 'rolled-back');
  assert.match(r.record.reason ?? '', /p95 latency \d+(\.\d+)? ms is over 1000 ms/);
  assert.deepEqual(r.record.steps, [100]);
  assert.deepEqual(events.filter((e) => e.type === DEPLOY_EVENTS.shift).map((e) => e.data['weight']), [100, 0]);
  assert.equal(seen.lost, 0);
  assert.equal(seen.statuses.get(200), seen.sent, 'slow, but every request answered');
});

test('too little traffic is not conclusive: the deploy waits its windows, then fails safe rather than promote', async () => {
  const { r, events } = await canary({}, { workers: 1, analysis: '{ window: 100ms, maxErrorRate: 0.05, minRequests: 100000, maxWindows: 3 }' });
  assert.equal(r.record.outcome, 'rolled-back');
  assert.match(r.record.reason ?? '', /not conclusive after 3 windows .*fewer than the 100000 needed.*failing safe/);
  const verdicts = events.filter((e) => e.type === DEPLOY_EVENTS.analysis).map((e) => e.data['verdict']);
  assert.deepEqual(verdicts, ['inconclusive', 'inconclusive', 'fail']);
  assert.ok(!events.some((e) => e.type === DEPLOY_EVENTS.promoted));
});

test('the deploy record is the contract monitor and postmortem read', async () => {
  const { r, dir } = await canary({});
  const saved = JSON.parse(readFileSync(join(dir, '.pipeguard/deploys', `${r.record.id}.json`), 'utf8')) as DeployRecord;
  assert.equal(saved.id, r.record.id);
  assert.equal(saved.service, 'web');
  assert.equal(saved.strategy, 'canary');
  assert.equal(saved.outcome, 'promoted');
  assert.equal(saved.candidate.version, 'v2');
  assert.match(saved.candidate.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(saved.baseline?.version, 'v1');
  assert.deepEqual(saved.thresholds, { maxErrorRate: 0.05, maxP95Ms: 1000, minRequests: 10 });
  assert.ok(saved.finishedAt && saved.startedAt);
  for (const s of saved.samples) {
    assert.ok(!Number.isNaN(Date.parse(s.t)));
    assert.ok(s.baseline === undefined || typeof s.baseline.requests === 'number');
  }
});
