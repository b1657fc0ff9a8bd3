import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuditLog, followAuditLog, maskPatterns, runStep, verifyAuditLog, type AuditEntry } from '../../src/index.js';
import { makeDir } from '../helpers/tmp.js';

test('the library API the deploy stage builds on: append events, follow the log, run a step with declared secrets masked', async () => {
  const dir = makeDir();
  const path = join(dir, 'audit.jsonl');
  const log = new AuditLog({ path, actor: { user: 'deployer', host: 'h' }, fsync: false });
  const ac = new AbortController();
  const seen: AuditEntry[] = [];
  const following = (async () => {
    for await (const r of followAuditLog(path, { signal: ac.signal, pollMs: 20 })) {
      seen.push(r.entry);
      if (seen.length === 4) ac.abort();
    }
  })();
  await log.append('deploy.started', { target: 'blue', version: '1.2.3' }, { run: 'r1' });
  const out: Buffer[] = [];
  const secrets = new Map([['TOKEN', { name: 'DEPLOY_TOKEN', source: 'test', value: 'deploy-token-value-9' }]]);
  const res = await runStep(
    { name: 'switch', run: 'echo "switching with $TOKEN"; echo "$LEAKY"', shell: 'sh', env: { LEAKY: 'no secret here' }, secrets: [] },
    { root: dir, baseEnv: { PATH: process.env['PATH'] ?? '' }, secrets, mask: maskPatterns(new Map([['DEPLOY_TOKEN', 'deploy-token-value-9']])), stdout: { write: (c) => out.push(Buffer.from(c)) }, stderr: { write: () => undefined }, audit: log, runId: 'r1', stage: 'deploy', killGraceMs: 1000 },
  );
  assert.equal(res.status, 'succeeded');
  assert.equal(Buffer.concat(out).toString(), '[deploy/switch] switching with ***\n[deploy/switch] no secret here\n');
  await following;
  assert.deepEqual(seen.map((e) => e.type), ['deploy.started', 'step.started', 'secret.access', 'step.finished']);
  assert.equal(seen[2]!.data['name'], 'DEPLOY_TOKEN');
  assert.equal((await verifyAuditLog(path)).ok, true);
});
