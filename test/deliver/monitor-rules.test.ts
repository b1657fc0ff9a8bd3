// Each built-in monitor rule against events that must raise it and look-alikes that must not, through the CLI.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { git, makeDir, makeRepo } from '../helpers/tmp.js';
import { eventWriter, monitorJson, stepRun } from './helpers/monitor.js';

const BASE = 'failOn: high\n';

function ids(findings: { ruleId: string }[]): string[] {
  return findings.map((f) => f.ruleId).sort();
}

describe('monitor built-in rules', () => {
  it('gate-overridden: an override raises it; a passing or failing gate decision does not', async () => {
    const dir = makeDir({ 'pipeguard.yml': BASE });
    const w = eventWriter(dir);
    await w('gate.decision', { gate: 'build', outcome: 'pass', violations: 0 }, { run: 'r1' });
    await w('gate.decision', { gate: 'build', outcome: 'fail', violations: 2 }, { run: 'r2' });
    let r = await monitorJson(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ids(r.findings), []);
    await w('override', { gate: 'build', reason: 'CVE-2026-1 not reachable', by: 'ana', violations: 2 }, { run: 'r2' });
    r = await monitorJson(dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(ids(r.findings), ['gate-overridden']);
    assert.match(r.findings[0]!.message, /gate build overridden by ana: CVE-2026-1 not reachable/);
  });

  it('secret-first-read: a known step reading a new secret raises it; its usual secret, and a new step, do not', async () => {
    const dir = makeDir({ 'pipeguard.yml': BASE });
    const w = eventWriter(dir);
    await stepRun(w, 'r1', { stage: 'build', step: 'compile' }, { secrets: ['NPM_TOKEN'] });
    // a step seen for the first time: what it reads is learned, not alerted
    await stepRun(w, 'r1', { stage: 'deploy', step: 'release' }, { secrets: ['DEPLOY_KEY'] });
    await stepRun(w, 'r2', { stage: 'build', step: 'compile' }, { secrets: ['NPM_TOKEN'] });
    let r = await monitorJson(dir);
    assert.deepEqual(ids(r.findings), [], r.stderr);
    await stepRun(w, 'r3', { stage: 'build', step: 'compile' }, { secrets: ['NPM_TOKEN', 'DEPLOY_KEY'] });
    r = await monitorJson(dir, [], {});
    assert.deepEqual(ids(r.findings), ['secret-first-read']);
    assert.match(r.findings[0]!.message, /step web\/build\/compile read secret DEPLOY_KEY for the first time/);
  });

  it('secret-first-read: the state file carries what was learned to the next run', async () => {
    const dir = makeDir({ 'pipeguard.yml': BASE });
    const w = eventWriter(dir);
    await stepRun(w, 'r1', { stage: 'build', step: 'compile' }, { secrets: ['NPM_TOKEN'] });
    const first = await cli(['monitor', '-f', 'json'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    await stepRun(w, 'r2', { stage: 'build', step: 'compile' }, { secrets: ['NPM_TOKEN', 'AWS_KEY'] });
    // without --from-start: only the new entries are read, against the learned state
    const second = await cli(['monitor', '-f', 'json'], { cwd: dir });
    assert.equal(second.code, 1, second.stderr);
    const f = (JSON.parse(second.stdout) as { findings: { ruleId: string; message: string }[] }).findings;
    assert.deepEqual(f.map((x) => x.ruleId), ['secret-first-read']);
    assert.match(f[0]!.message, /AWS_KEY/);
    assert.match(second.stderr, /\d+ event\(s\), 1 alert/);
  });

  it('new-outbound-host: a known step contacting a new host raises it; its usual hosts and a first run do not', async () => {
    const dir = makeDir({ 'pipeguard.yml': 'failOn: medium\n' });
    const w = eventWriter(dir);
    await stepRun(w, 'r1', { stage: 'build', step: 'install' }, { hosts: ['registry.npmjs.org'] });
    await stepRun(w, 'r2', { stage: 'build', step: 'install' }, { hosts: ['REGISTRY.npmjs.org'] });
    let r = await monitorJson(dir);
    assert.deepEqual(ids(r.findings), [], r.stderr);
    await stepRun(w, 'r3', { stage: 'build', step: 'install' }, { hosts: ['registry.npmjs.org', 'exfil.example.net'] });
    r = await monitorJson(dir);
    assert.deepEqual(ids(r.findings), ['new-outbound-host']);
    assert.match(r.findings[0]!.message, /contacted exfil\.example\.net for the first time/);
    assert.doesNotMatch(r.findings[0]!.message, /registry/);
  });

  it('deploy-outside-window: judged in the window\'s time zone', async () => {
    const cfg = `${BASE}monitor:\n  deployWindow: { days: [mon, tue, wed, thu, fri], hours: "09:00-17:00", timezone: Europe/Berlin }\n  disable: [unsigned-artifact-deployed]\n`;
    const dir = makeDir({ 'pipeguard.yml': cfg });
    const w = eventWriter(dir);
    const deploy = (id: string, time: string) => w('deploy.started', { deployId: id, service: 'web', strategy: 'canary', candidate: { version: '1.2.0' }, steps: [10, 100] }, { time });
    await deploy('d-tue-0930-berlin', '2026-01-06T08:30:00Z'); // ok: Tuesday 09:30 in Berlin (08:30 UTC)
    await deploy('d-tue-1630-berlin', '2026-01-06T15:30:00Z'); // ok: 16:30 Berlin
    await deploy('d-tue-0830-berlin', '2026-01-06T07:30:00Z'); // ruleid: 08:30 Berlin, before the window though 07:30 UTC
    await deploy('d-tue-1730-berlin', '2026-01-06T16:30:00Z'); // ruleid: 17:30 Berlin (16:30 UTC, inside it in UTC)
    await deploy('d-sat-noon', '2026-01-10T11:00:00Z'); // ruleid: Saturday
    const r = await monitorJson(dir);
    assert.equal(r.code, 1, r.stderr);
    const msgs = r.findings.filter((f) => f.ruleId === 'deploy-outside-window').map((f) => f.message).sort();
    assert.equal(msgs.length, 3, msgs.join('\n'));
    assert.match(msgs.join('\n'), /d-sat-noon of web started sat 12:00 Europe\/Berlin, outside mon,tue,wed,thu,fri 09:00-17:00 Europe\/Berlin/);
    assert.match(msgs.join('\n'), /d-tue-0830-berlin/);
    assert.match(msgs.join('\n'), /d-tue-1730-berlin/);
    assert.doesNotMatch(msgs.join('\n'), /0930|1630/);
  });

  it('deploy-outside-window: never fires without a configured window', async () => {
    const dir = makeDir({ 'pipeguard.yml': `${BASE}monitor:\n  disable: [unsigned-artifact-deployed]\n` });
    await eventWriter(dir)('deploy.started', { deployId: 'd1', service: 'web', strategy: 'canary', candidate: { version: '1' }, steps: [100] }, { time: '2026-01-10T03:00:00Z' });
    assert.deepEqual(ids((await monitorJson(dir)).findings), []);
  });

  it('unsigned-artifact-deployed: traffic to a candidate whose signature no gate or event verified', async () => {
    const dir = makeDir({ 'pipeguard.yml': BASE });
    const w = eventWriter(dir);
    const good = 'a'.repeat(64);
    const signedOk = [{ requirement: 'signed', outcome: 'verified', detail: 'key 1a2b' }];
    // verified by another tool before the deploy
    await w('artifact.verified', { ref: 'dist/app.tgz', digest: `sha256:${good}`, verified: true, by: 'cosign verify-blob' });
    await w('artifact.verified', { ref: 'dist/evil.tgz', digest: 'c'.repeat(64), verified: false });
    const deploy = async (id: string, o: { artifact?: Record<string, string>; gate?: { ok: boolean; checks: unknown[] }; weights?: number[]; promote?: boolean }) => {
      await w('deploy.started', { deployId: id, service: 'web', strategy: 'canary', candidate: { version: '1.0', ...(o.artifact ? { artifact: o.artifact } : {}) }, steps: [10, 100] });
      if (o.gate) await w('deploy.artifact', { deployId: id, ref: o.artifact?.['ref'] ?? '', ...(o.artifact?.['digest'] ? { digest: o.artifact['digest'] } : {}), ...o.gate });
      for (const weight of o.weights ?? [10, 100]) await w('deploy.shift', { deployId: id, weight });
      if (o.promote) await w('deploy.promoted', { deployId: id, version: '1.0' });
    };
    await deploy('d-gate-signed', { artifact: { ref: 'dist/web.tgz', digest: `sha256:${'d'.repeat(64)}` }, gate: { ok: true, checks: signedOk }, promote: true }); // ok: the deploy's own gate verified it
    await deploy('d-event-signed', { artifact: { ref: 'dist/app.tgz', digest: good.toUpperCase() } }); // ok: verified earlier, same digest, other case, no prefix
    await deploy('d-shift-zero', { artifact: { ref: 'x', digest: 'f'.repeat(64) }, weights: [0] }); // ok: no traffic reached it
    await deploy('d-provenance-only', { artifact: { ref: 'dist/web.tgz', digest: `sha256:${'9'.repeat(64)}` }, gate: { ok: true, checks: [{ requirement: 'provenance', outcome: 'verified', detail: '' }] } }); // ruleid: a gate that did not check the signature
    await deploy('d-other', { artifact: { ref: 'dist/app.tgz', digest: 'b'.repeat(64) } }); // ruleid: same name, another digest
    await deploy('d-failed-verify', { artifact: { ref: 'dist/evil.tgz', digest: 'c'.repeat(64) }, gate: { ok: false, checks: [{ requirement: 'signed', outcome: 'tampered', detail: 'digest mismatch' }] } }); // ruleid
    await deploy('d-none', { promote: true }); // ruleid: nothing named
    const r = await monitorJson(dir);
    assert.equal(r.code, 1);
    const msgs = r.findings.map((f) => `${f.ruleId} ${f.message}`).sort();
    assert.equal(msgs.length, 4, msgs.join('\n'));
    assert.ok(msgs.every((m) => m.startsWith('unsigned-artifact-deployed')));
    assert.match(msgs.join('\n'), /deploy d-none sent traffic to a candidate that names no artifact/);
    assert.match(msgs.join('\n'), /deploy d-other sent traffic to dist\/app\.tgz \(b{64}\), whose signature was not verified/);
    assert.match(msgs.join('\n'), /d-provenance-only/);
    assert.match(msgs.join('\n'), /d-failed-verify/);
    assert.doesNotMatch(msgs.join('\n'), /d-gate-signed|d-event-signed|d-shift-zero/);
    assert.equal(r.findings[0]!.severity, 'critical');
    // every shift and the promotion of one deploy are one alert
    assert.equal(r.findings.find((f) => f.message.includes('d-none'))!.data.count, 3);
  });

  it('auth-failures: N failures from one address within the window raise one alert; fewer, slower or successes do not', async () => {
    const dir = makeDir({ 'pipeguard.yml': BASE, 'map.yml': 'type: http.request\ntime: ts\nfields:\n  ip: remote_addr\n  status: status:number\n  path: uri\n' });
    const lines: string[] = [];
    const at = (min: number, sec: number) => new Date(Date.UTC(2026, 0, 6, 10, min, sec)).toISOString();
    const req = (ip: string, status: string, t: string) => lines.push(JSON.stringify({ ts: t, remote_addr: ip, status, uri: '/login' }));
    for (let i = 0; i < 12; i++) req('203.0.113.7', '401', at(0, i * 5)); // ruleid: 12 in one minute
    for (let i = 0; i < 9; i++) req('198.51.100.2', '403', at(1, i)); // ok: 9, below 10
    for (let i = 0; i < 20; i++) req('192.0.2.1', '401', at(i * 6 % 60, 0).replace(/T10/, `T${String(10 + Math.floor((i * 6) / 60)).padStart(2, '0')}`)); // ok: one every 6 minutes
    for (let i = 0; i < 50; i++) req('192.0.2.99', '200', at(2, i % 60)); // ok: successes
    writeFileSync(join(dir, 'access.jsonl'), lines.join('\n') + '\n');
    const r = await monitorJson(dir, ['--no-log', '--source', 'access.jsonl', '--map', 'map.yml']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(ids(r.findings), ['auth-failures']);
    assert.match(r.findings[0]!.message, /repeated authentication failures from 203\.0\.113\.7 \(12 events/);
    assert.equal(r.findings[0]!.data.count, 12);
  });

  it('auth-failures: auth.failure events of the audit log count too, grouped by user', async () => {
    const dir = makeDir({ 'pipeguard.yml': BASE });
    const w = eventWriter(dir);
    for (let i = 0; i < 10; i++) await w('auth.failure', { user: 'admin', method: 'password' }, { time: `2026-01-06T10:00:${String(i).padStart(2, '0')}Z` });
    for (let i = 0; i < 5; i++) await w('auth.failure', { user: 'bob', method: 'password' }, { time: `2026-01-06T10:01:${String(i).padStart(2, '0')}Z` });
    const r = await monitorJson(dir);
    assert.deepEqual(r.findings.map((f) => f.message.replace(/ \(.*/, '')), ['repeated authentication failures from admin']);
  });
});

describe('monitor built-in rules over git evidence', () => {
  const CONFIG = `${BASE}monitor:\n  git: .\n`;

  it('ci-change-unreviewed and suppression-added: judged from the commit a run builds', async () => {
    const repo = makeRepo([
      { files: { 'pipeguard.yml': CONFIG, 'src/app.js': 'x\n', '.github/workflows/ci.yml': 'on: push\n' }, message: 'initial' },
    ]);
    const sha = () => git(repo, ['rev-parse', 'HEAD']).trim();
    const commits: Record<string, string> = {};
    // ruleid: ci-change-unreviewed — a workflow edited in a plain commit
    writeFileSync(join(repo, '.github/workflows/ci.yml'), 'on: [push, pull_request]\n');
    git(repo, ['commit', '-qam', 'ci: run on pull requests']);
    commits['unreviewed-ci'] = sha();
    // ok: the same kind of change with a review trailer
    writeFileSync(join(repo, '.github/workflows/ci.yml'), 'on: [push]\n');
    git(repo, ['commit', '-qam', 'ci: only push\n\nReviewed-by: Bea <bea@example.test>']);
    commits['trailer-ci'] = sha();
    // ok: a change that does not touch the pipeline
    writeFileSync(join(repo, 'src/app.js'), 'y\n');
    git(repo, ['commit', '-qam', 'app change']);
    commits['app-only'] = sha();
    // ok: a workflow change merged from a branch (a merge commit: how a forge records a merged pull request)
    git(repo, ['checkout', '-qb', 'feature']);
    writeFileSync(join(repo, '.github/workflows/ci.yml'), 'on: [push, workflow_dispatch]\n');
    git(repo, ['commit', '-qam', 'ci: manual runs']);
    git(repo, ['checkout', '-q', 'main']);
    git(repo, ['merge', '-q', '--no-ff', '-m', 'Merge pull request #7 from feature', 'feature']);
    commits['merged-ci'] = sha();
    // ruleid: suppression-added (and ci-change-unreviewed: pipeguard.yml is the pipeline's own definition)
    writeFileSync(join(repo, 'pipeguard.yml'), `${CONFIG}suppressions:\n  - { rule: aws-access-key, path: test/**, reason: fixtures, expires: 2099-01-01 }\n`);
    git(repo, ['commit', '-qam', 'silence a finding']);
    commits['config-suppression'] = sha();
    // ruleid: suppression-added — an inline ignore comment, in a reviewed commit
    writeFileSync(join(repo, 'src/app.js'), 'const k = "x"; // pipeguard:ignore[aws-access-key] test key\n');
    git(repo, ['commit', '-qam', 'inline ignore\n\nApproved-by: Cy <cy@example.test>']);
    commits['inline-ignore'] = sha();
    const w = eventWriter(repo);
    for (const [name, c] of Object.entries(commits)) await w('run.started', { pipeline: name, stages: ['build'] }, { run: `run-${name}`, commit: c });
    // an unknown commit is no evidence either way
    await w('run.started', { pipeline: 'ghost', stages: [] }, { run: 'run-ghost', commit: 'f'.repeat(40) });
    const r = await monitorJson(repo);
    assert.equal(r.code, 1, r.stderr);
    const got = r.findings.map((f) => `${f.ruleId} ${Object.entries(commits).find(([, c]) => f.message.includes(c.slice(0, 12)))?.[0] ?? '?'}`).sort();
    assert.deepEqual(got, ['ci-change-unreviewed config-suppression', 'ci-change-unreviewed unreviewed-ci', 'suppression-added config-suppression', 'suppression-added inline-ignore']);
    const sup = r.findings.filter((f) => f.ruleId === 'suppression-added').map((f) => f.message).join('\n');
    assert.match(sup, /pipeguard\.yml: suppression rule aws-access-key, path test\/\*\*/);
    assert.match(sup, /src\/app\.js: 1 inline ignore comment/);
    const ci = r.findings.find((f) => f.message.includes(commits['unreviewed-ci']!.slice(0, 12)))!;
    assert.match(ci.message, /changes \.github\/workflows\/ci\.yml with no review evidence/);
    assert.match(r.stderr, /warning: commit ffffffffffff is not in the repository at .*: no review evidence/);
  });

  it('a shallow clone: the commit at its edge is no evidence either way, and says so', async () => {
    const repo = makeRepo([
      { files: { 'pipeguard.yml': CONFIG, '.github/workflows/ci.yml': 'on: push\n' } },
      { files: { '.github/workflows/ci.yml': 'on: [push, pull_request]\n' }, message: 'unreviewed ci change' },
    ]);
    const clone = makeDir();
    git(clone, ['clone', '-q', '--depth', '1', `file://${repo}`, 'c']);
    const dir = join(clone, 'c');
    const head = git(dir, ['rev-parse', 'HEAD']).trim();
    await eventWriter(dir)('run.started', { pipeline: 'p', stages: [] }, { run: 'r1', commit: head });
    const r = await monitorJson(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ids(r.findings), []);
    assert.match(r.stderr, /is at the edge of a shallow clone .*fetch-depth: 2/);
    // with the parent fetched, the change is judged
    git(dir, ['fetch', '-q', '--deepen', '1']);
    const r2 = await monitorJson(dir);
    assert.deepEqual(ids(r2.findings), ['ci-change-unreviewed'], r2.stderr);
  });
});

describe('monitor rules in pipeguard.yml', () => {
  it('a user rule with a threshold and its own message; a user rule replaces a built-in of the same id', async () => {
    const cfg = `${BASE}monitor:
  rules:
    - id: many-failed-steps
      title: Steps failing again and again
      severity: high
      when: "event.type == 'step.finished' && event.data.status == 'failed'"
      threshold: { count: 3, window: 10m, groupBy: "event.data.stage + '/' + event.data.step" }
      message: "'step ' + group + ' failed repeatedly'"
    - id: gate-overridden
      severity: low
      when: "event.type == 'override' && event.data.reason.contains('hotfix')"
`;
    const dir = makeDir({ 'pipeguard.yml': cfg });
    const w = eventWriter(dir);
    for (let i = 0; i < 3; i++) await w('step.finished', { stage: 'test', step: 'unit', status: 'failed', exitCode: 1 }, { time: `2026-01-06T10:0${i}:00Z` });
    for (let i = 0; i < 2; i++) await w('step.finished', { stage: 'test', step: 'lint', status: 'failed', exitCode: 1 }, { time: `2026-01-06T10:0${i}:00Z` });
    await w('override', { gate: 'build', reason: 'not reachable', by: 'ana' });
    await w('override', { gate: 'build', reason: 'hotfix for INC-9', by: 'ana' });
    const r = await monitorJson(dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`).sort(), [
      'gate-overridden low gate-overridden',
      'many-failed-steps high step test/unit failed repeatedly (3 events, 2026-01-06T10:00:00.000Z to 2026-01-06T10:02:00.000Z)',
    ]);
  });

  it('bad CEL: one line naming pipeguard.yml and the rule, exit 2, nothing on stdout', async () => {
    const dir = makeDir({ 'pipeguard.yml': `${BASE}monitor:\n  rules:\n    - id: broken-rule\n      when: "event.type == "\n` });
    await eventWriter(dir)('override', { gate: 'g', reason: 'r', by: 'x' });
    const r = await cli(['monitor'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^pipeguard(: error)?: ?.*pipeguard\.yml:\d+: .*rule broken-rule: invalid CEL/);
  });

  it('a rule that reads a field some events lack: a warning, not a crash', async () => {
    const dir = makeDir({ 'pipeguard.yml': `${BASE}monitor:\n  builtins: false\n  rules:\n    - id: big-step\n      when: "event.data.durationMs > 1000"\n` });
    const w = eventWriter(dir);
    await w('step.finished', { stage: 's', step: 'a', status: 'succeeded', durationMs: 5000 });
    await w('gate.decision', { gate: 's', outcome: 'pass' });
    const r = await monitorJson(dir);
    assert.deepEqual(ids(r.findings), ['big-step']);
    assert.match(r.stderr, /warning: rule big-step could not be evaluated on 1 event/);
  });
});
