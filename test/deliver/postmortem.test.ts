// pipeguard postmortem: a rolled-back canary deploy (audit events and a deploy record as the deploy stage writes
// them), a failed pipeline run (really run), a time window; the SVG chart parsed as XML; hostile names escaped.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { DEPLOY_EVENTS, type DeployRecord } from '../../src/deliver/deploy/record.js';
import type { RunRecord } from '../../src/deliver/runner/record.js';
import { deployChart } from '../../src/deliver/postmortem/index.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { githubToken } from '../helpers/tokens.js';
import { makeProject, testEnv } from './helpers/project.js';
import { eventWriter } from './helpers/monitor.js';

/** Parses XML with saxes; returns the elements seen and every text node, or throws on the first error. */
function parseXml(xml: string): { elements: string[]; texts: string[]; attrs: string[] } {
  const p = new SaxesParser({ xmlns: false });
  const elements: string[] = [];
  const texts: string[] = [];
  const attrs: string[] = [];
  let err: Error | undefined;
  p.on('error', (e) => (err ??= e));
  p.on('opentag', (t) => {
    elements.push(t.name);
    for (const v of Object.values(t.attributes)) attrs.push(String(v));
  });
  p.on('text', (t) => texts.push(t));
  p.on('doctype', () => undefined);
  p.write(xml).close();
  if (err) throw err;
  return { elements, texts, attrs };
}

const HOSTILE = '<script>alert(1)</script>&"\'';

/** A canary deploy that went bad at 50% and was rolled back, as `pipeguard deploy` records it. */
async function rolledBackDeploy(dir: string, o: { service?: string; reason?: string; id?: string; run?: string } = {}): Promise<DeployRecord> {
  const w = eventWriter(dir);
  const id = o.id ?? '20260106T100000Z-d3p10y';
  const service = o.service ?? 'web';
  const cand = { version: '1.5.0', artifact: { ref: 'registry.example/web:1.5.0', digest: `sha256:${'e'.repeat(64)}` } };
  const base = { version: '1.4.2' };
  const stats = (requests: number, errors: number, p95Ms: number) => ({ requests, errors, errorRate: errors / requests, p50Ms: p95Ms / 3, p95Ms, p99Ms: p95Ms * 1.5 });
  const samples = [
    { t: '2026-01-06T10:01:00.000Z', weight: 10, candidate: stats(200, 1, 120), baseline: stats(1800, 2, 110) },
    { t: '2026-01-06T10:02:00.000Z', weight: 50, candidate: stats(1000, 310, 840), baseline: stats(1000, 1, 115) },
  ];
  const decisions = [
    { weight: 10, verdict: 'pass' as const, reason: 'error rate 0.5% within 0.5%', candidate: samples[0]!.candidate, baseline: samples[0]!.baseline },
    { weight: 50, verdict: 'fail' as const, reason: o.reason ?? 'error rate 31% over the 0.5% budget', candidate: samples[1]!.candidate, baseline: samples[1]!.baseline },
  ];
  const t = (s: number) => `2026-01-06T10:0${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}Z`;
  await w(DEPLOY_EVENTS.started, { deployId: id, service, strategy: 'canary', candidate: cand, baseline: base, steps: [10, 50, 100] }, { time: t(0) });
  await w(DEPLOY_EVENTS.artifact, { deployId: id, ref: cand.artifact.ref, digest: cand.artifact.digest, ok: true, checks: [{ requirement: 'signed', outcome: 'verified', detail: 'key 1a2b' }] }, { time: t(1) });
  await w(DEPLOY_EVENTS.health, { deployId: id, release: 'candidate', ok: true, status: 200, durationMs: 12 }, { time: t(2) });
  await w(DEPLOY_EVENTS.shift, { deployId: id, weight: 10 }, { time: t(3) });
  await w(DEPLOY_EVENTS.analysis, { deployId: id, ...decisions[0] }, { time: t(60) });
  await w(DEPLOY_EVENTS.shift, { deployId: id, weight: 50 }, { time: t(61) });
  await w(DEPLOY_EVENTS.analysis, { deployId: id, ...decisions[1] }, { time: t(120) });
  await w(DEPLOY_EVENTS.shift, { deployId: id, weight: 0 }, { time: t(121) });
  await w(DEPLOY_EVENTS.rolledBack, { deployId: id, version: '1.4.2', reason: decisions[1]!.reason }, { time: t(122) });
  await w(DEPLOY_EVENTS.finished, { deployId: id, outcome: 'rolled-back', reason: decisions[1]!.reason, durationMs: 122000 }, { time: t(122) });
  const rec: DeployRecord = {
    id,
    service,
    strategy: 'canary',
    startedAt: t(0).replace('Z', '.000Z'),
    finishedAt: '2026-01-06T10:02:02.000Z',
    outcome: 'rolled-back',
    reason: decisions[1]!.reason,
    candidate: cand,
    baseline: base,
    steps: [10, 50, 100],
    samples,
    decisions,
    thresholds: { maxErrorRate: 0.005, maxP95Ms: 500, minRequests: 100 },
    ...(o.run ? { run: o.run } : {}),
  };
  mkdirSync(join(dir, '.pipeguard/deploys'), { recursive: true });
  writeFileSync(join(dir, '.pipeguard/deploys', `${id}.json`), JSON.stringify(rec, null, 2));
  return rec;
}

describe('pipeguard postmortem', () => {
  it('a rolled-back deploy: timeline, what was deployed, analysis, decision, prefilled sections; Markdown with the chart beside', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    await rolledBackDeploy(dir);
    const r = await cli(['postmortem', '20260106T100000Z-d3p'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, /^# Postmortem: deploy 20260106T100000Z-d3p10y of web\n/);
    for (const h of ['Summary', 'Timeline', 'What was deployed', 'What the analysis saw', 'Decision and rollback', 'Findings involved', 'Impact', 'Root cause', 'What went well', 'What failed', 'Action items']) assert.match(md, new RegExp(`^## ${h}$`, 'm'), h);
    assert.match(md, /1\.5\.0 rolled back after 2 analysis windows at 50% of traffic; error rate 31% vs 0\.5% budget, p95 840 ms vs 500 ms, baseline 0\.1%/);
    assert.match(md, /\| 2026-01-06 10:02:02Z \| ✗ rolled back to 1\.4\.2: error rate 31% over the 0\.5% budget \|/);
    assert.match(md, /\| 2026-01-06 10:00:03Z \| traffic to the candidate: 10% \|/);
    assert.match(md, /\| 2026-01-06 10:00:01Z \| ✓ artifact registry\.example\/web:1\.5\.0 \(sha256:eeeeeeeeeeee\): verified \(signed verified\) \|/);
    assert.match(md, /311 of 1200 requests served by 1\.5\.0 failed \(26%\), with at most 50% of traffic on it for 2 min/);
    assert.match(md, /rolled back automatically to 1\.4\.2/);
    assert.match(md, /\| 2026-01-06 10:02:00Z \| 50% \| 1000 \| 310 \| 31% \| 840 ms \| 0\.1% \| 115 ms \|/);
    assert.match(md, /- \[ \] Find the change in 1\.5\.0 that caused the 31% error rate/);
    assert.match(md, /registry\.example\/web:1\.5\.0 \(sha256:e{64}\)/);
    // to a file: the chart is written beside it as SVG and linked
    const out = await cli(['postmortem', '20260106T100000Z-d3p10y', '-o', 'pm.md'], { cwd: dir });
    assert.equal(out.code, 0, out.stderr);
    const svgName = readdirSync(dir).find((f) => f.endsWith('.svg'))!;
    assert.equal(svgName, 'pm-20260106T100000Z-d3p10y.svg');
    assert.match(readFileSync(join(dir, 'pm.md'), 'utf8'), /!\[error rate and p95 latency of 20260106T100000Z-d3p10y\]\(pm-20260106T100000Z-d3p10y\.svg\)/);
    const svg = parseXml(readFileSync(join(dir, svgName), 'utf8'));
    assert.equal(svg.elements[0], 'svg');
    assert.equal(svg.elements.filter((e) => e === 'polyline').length, 4, 'candidate and baseline, error rate and p95');
    assert.ok(svg.texts.includes('budget 0.5%') && svg.texts.includes('budget 500 ms'), svg.texts.join('|'));
    assert.ok(svg.texts.includes('rolled back'));
  });

  it('a deploy run as a pipeline step: the run\'s gate violations, override and alerts are in its postmortem', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    const runId = '20260106T095500Z-a1b2c3';
    const run: RunRecord = {
      id: runId, pipeline: 'shop', status: 'passed', startedAt: '2026-01-06T09:55:00.000Z', finishedAt: '2026-01-06T10:03:00.000Z', actor: { user: 'ana', host: 'ci' }, overrides: [{ gate: 'build', reason: 'CVE-2026-9 not reachable' }],
      stages: [{ name: 'build', status: 'passed', steps: [{ name: 'compile', status: 'succeeded', secrets: [] }],
        gate: { id: 'build', scanners: ['deps'], path: '.', outcome: 'overridden', failOn: 'high', findings: 1, suppressed: 0, notes: [], override: { reason: 'CVE-2026-9 not reachable', by: 'ana' },
          violations: [{ scanner: 'deps', ruleId: 'CVE-2026-9', severity: 'high', message: 'left-pad 1.0.0 has CVE-2026-9', path: 'package-lock.json', line: 12, fingerprint: 'f'.repeat(32) }] } }],
    };
    mkdirSync(join(dir, '.pipeguard/runs'), { recursive: true });
    writeFileSync(join(dir, '.pipeguard/runs', `${runId}.json`), JSON.stringify(run));
    const w = eventWriter(dir);
    await w('run.started', { pipeline: 'shop', stages: ['build', 'deploy'] }, { run: runId, time: '2026-01-06T09:55:00Z' });
    await w('override', { gate: 'build', reason: 'CVE-2026-9 not reachable', by: 'ana', violations: 1 }, { run: runId, time: '2026-01-06T09:58:00Z' });
    await w('run.started', { pipeline: 'other', stages: [] }, { run: '20260106T095600Z-ffffff', time: '2026-01-06T09:56:00Z' });
    await rolledBackDeploy(dir, { run: runId });
    // an alert the monitor raised about the deploy
    const { AuditLog } = await import('../../src/deliver/audit/log.js');
    await new AuditLog({ path: join(dir, '.pipeguard/alerts.jsonl'), actor: { user: 'm', host: 'h' }, now: () => new Date('2026-01-06T10:00:05Z'), fsync: false })
      .append('monitor.alert', { rule: 'unsigned-artifact-deployed', severity: 'critical', message: 'deploy 20260106T100000Z-d3p10y started with an unverified artifact', count: 1, first: '2026-01-06T10:00:00Z' });
    const r = await cli(['postmortem', '20260106T100000Z-d3p10y'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| high \| CVE-2026-9 \| package-lock\.json:12 \| build \(overridden\) \| 20260106T095500Z-a1b2c3 \| left-pad 1\.0\.0 has CVE-2026-9 \|/);
    assert.match(r.stdout, /✗ gate build overridden by ana: CVE-2026-9 not reachable/);
    assert.match(r.stdout, /ALERT critical unsigned-artifact-deployed/);
    assert.match(r.stdout, /- \[ \] Review the override of gate build/);
    assert.match(r.stdout, /- \[ \] Triage alert unsigned-artifact-deployed/);
    assert.doesNotMatch(r.stdout, /ffffff/, 'another run is not part of it');
  });

  it('HTML: one page, well-formed, every hostile name escaped (saxes parses it; no script or img element)', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    await rolledBackDeploy(dir, { service: `web${HOSTILE}`, reason: `bad <img src=x onerror=alert(2)> ]]> & more` });
    const r = await cli(['postmortem', '20260106T100000Z-d3p10y', '--format', 'html'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const html = r.stdout;
    assert.doesNotMatch(html, /<script|<img/i);
    const doc = parseXml(html);
    assert.deepEqual([...new Set(doc.elements)].filter((e) => ['script', 'img', 'iframe', 'object'].includes(e)), []);
    assert.ok(doc.elements.includes('svg') && doc.elements.includes('polyline'));
    const text = doc.texts.join('');
    assert.ok(text.includes(`of web${HOSTILE}`), 'the name is shown, as text');
    assert.ok(text.includes('bad <img src=x onerror=alert(2)> ]]> & more'));
    // Markdown: the same names as text, no HTML
    const md = (await cli(['postmortem', '20260106T100000Z-d3p10y'], { cwd: dir })).stdout;
    assert.doesNotMatch(md, /<script|<img/i);
    assert.match(md, /of web&lt;script&gt;alert\(1\)&lt;\/script&gt;&amp;"'/);
    // and the chart alone, for the same record, parses too
    const rec = JSON.parse(readFileSync(join(dir, '.pipeguard/deploys/20260106T100000Z-d3p10y.json'), 'utf8')) as DeployRecord;
    const svg = parseXml(deployChart(rec)!);
    assert.ok(svg.texts.join('').includes(`Deploy 20260106T100000Z-d3p10y of web${HOSTILE}`));
  });

  it('the chart of a deploy with one window, no baseline and no latency figures is still well-formed', () => {
    const rec: DeployRecord = {
      id: 'd1', service: 's', strategy: 'blue-green', startedAt: '2026-01-06T10:00:00Z', outcome: 'failed', candidate: { version: '2' }, steps: [100],
      samples: [{ t: '2026-01-06T10:01:00Z', weight: 100, candidate: { requests: 0, errors: 0, errorRate: 0 } }],
      decisions: [], thresholds: { maxErrorRate: 0.01, minRequests: 50 },
    };
    const svg = parseXml(deployChart(rec)!);
    assert.equal(svg.elements.filter((e) => e === 'polyline').length, 1);
    assert.equal(deployChart({ ...rec, samples: [] }), undefined);
  });

  it('a failed pipeline run: the failing step and its output, the gate violations, the override, action items', async () => {
    const token = githubToken(11);
    const { dir, home } = await makeProject({
      'pipeguard.yml': `pipeline:
  name: shop
  stages:
    - name: source
      steps:
        - name: scan
          gate: { scanners: [secrets], path: src, failOn: low }
    - name: build
      steps:
        - name: compile
          run: 'echo "compiling <main>"; echo "error: missing module" >&2; exit 3'
        - name: package
          run: 'true'
`,
      'src/settings.ini': `token = ${token}\n`,
    });
    const env = testEnv(home);
    const run = await cli(['pipeline', 'run', '--override', 'source/scan', '--reason', 'test token, rotated in SEC-7'], { cwd: dir, env });
    assert.equal(run.code, 1, run.stderr);
    const runId = /run (\d{8}T\d{6}Z-[0-9a-f]{6})/.exec(run.stderr)![1]!;
    const r = await cli(['postmortem', runId], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, new RegExp(`^# Postmortem: pipeline run ${runId} of shop`));
    assert.match(md, /Pipeline run \S+ of shop by \S+: failed at build\/compile: step compile exited with status 3/);
    assert.match(md, /✗ gate source\/scan: overridden \(1 violation\(s\)\)/);
    assert.match(md, /✗ gate source\/scan overridden by \S+: test token, rotated in SEC-7/);
    assert.match(md, /✗ step build\/compile failed \(exit 3\)/);
    assert.match(md, /\| (high|critical|medium) \| github-pat \| src\/settings\.ini:1 \| source\/scan \(overridden\) \|/);
    assert.match(md, /Gate source\/scan failed and was overridden: "test token, rotated in SEC-7"/);
    assert.match(md, /- \[ \] Fix github-pat \(\w+\) in src\/settings\.ini:1/);
    assert.match(md, /1 later step\(s\) did not run/);
    assert.match(md, /## Output of the failed steps \(masked\)\n\n### \S+ build\/compile\n\n~~~text\ncompiling <main>\nerror: missing module\n~~~/);
    assert.ok(!md.includes(token), 'the secret is never shown whole');
    assert.ok(!md.includes('## What the analysis saw'), 'no deploy, no analysis section');
  });

  it('a time window takes the deploys and runs in it; an unknown id or bad time is exit 2', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: high\n' });
    await rolledBackDeploy(dir);
    const w = eventWriter(dir);
    await w('override', { gate: 'late', reason: 'outside', by: 'x' }, { time: '2026-01-07T00:00:00Z' });
    const r = await cli(['postmortem', '--since', '2026-01-06T09:00:00Z', '--until', '2026-01-06T11:00:00Z'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Postmortem: 2026-01-06T09:00:00.000Z to 2026-01-06T11:00:00.000Z/);
    assert.match(r.stdout, /Deploy 20260106T100000Z-d3p10y of web/);
    assert.doesNotMatch(r.stdout, /outside/);
    const bad = await cli(['postmortem', 'nope'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /no pipeline run or deploy nope/);
    assert.equal((await cli(['postmortem', '--since', 'yesterday'], { cwd: dir })).code, 2);
    writeFileSync(join(dir, '.pipeguard/deploys/broken.json'), '{');
    const broken = await cli(['postmortem', '20260106T100000Z-d3p10y'], { cwd: dir });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /\.pipeguard\/deploys\/broken\.json: not JSON/);
  });
});
