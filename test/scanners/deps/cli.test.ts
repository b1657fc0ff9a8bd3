import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../../helpers/cli.js';
import { fixtureCopy, sampleDatabase } from './helpers.js';

interface JsonReport {
  findings: { scanner: string; ruleId: string; severity: string; location: { path: string }; data?: Record<string, unknown> }[];
  statuses: { scanner: string; status: string }[];
}

test('pipeguard scan . reports dependency and license findings and fails the gate on them', async () => {
  const dir = fixtureCopy('npm3');
  writeFileSync(join(dir, 'pipeguard.yml'), `scanners:\n  deps:\n    db: ${JSON.stringify(sampleDatabase())}\n  licenses:\n    allow: [MIT]\n`);
  const r = await cli(['scan', '.', '--format', 'json', '--scanners', 'deps,licenses'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const deps = report.findings.filter((f) => f.scanner === 'deps');
  const lic = report.findings.filter((f) => f.scanner === 'licenses');
  assert.ok(deps.some((f) => f.data?.package === 'lodash' && f.data?.advisoryId === 'CVE-2021-23337' && f.severity === 'high'));
  assert.ok(lic.length > 0 && lic.every((f) => f.ruleId === 'license-not-allowed' && f.location.path === 'npm3/package-lock.json'));
  assert.deepEqual(
    report.statuses.filter((s) => s.scanner === 'deps' || s.scanner === 'licenses').map((s) => s.status),
    ['succeeded', 'succeeded'],
  );
  const pass = await cli(['scan', '.', '--format', 'json', '--scanners', 'deps,licenses', '--fail-on', 'critical'], { cwd: dir });
  assert.equal(pass.code, 1, 'minimist CVE-2021-44906 is critical (CVSS 9.8)');
});
