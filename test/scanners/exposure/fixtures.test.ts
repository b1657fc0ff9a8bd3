import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFixture, parseExpectations, fileLoc } from '../../helpers/fixtures.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { runScan } from '../../../src/engine/run.js';
import { loadConfigFile } from '../../../src/config/load.js';
import { exposureScanner } from '../../../src/scanners/exposure/index.js';
import { EXPOSURE_RULES } from '../../../src/scanners/exposure/policy.js';

const root = join(import.meta.dirname, 'fixtures', 'repo');
const FILES = ['pipeguard.yml', 'services/web/Dockerfile', 'docker-compose.yml', 'k8s/web.yaml', 'k8s/gateway.yaml', 'infra/web.tf'];

test('exposure fixture repository: every finding is annotated, every annotation is found', async () => {
  const { config } = loadConfigFile(join(root, 'pipeguard.yml'));
  const report = await runScan({ target: await openDirectory(root, { gitignore: false }), config, registry: [exposureScanner] });
  assert.deepEqual(report.statuses[0]!.fileErrors, []);
  const covered = new Set<string>();
  for (const f of FILES) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const e of parseExpectations(text)) if (e.kind === 'ruleid') covered.add(e.ruleId);
    const hits = report.findings.filter((x) => fileLoc(x.location).path === f).map((x) => ({ ruleId: x.ruleId, line: fileLoc(x.location).startLine ?? 0 }));
    assertFixture(f, text, hits);
  }
  const stray = report.findings.filter((x) => !FILES.includes(fileLoc(x.location).path));
  assert.deepEqual(stray, []);
  assert.deepEqual(EXPOSURE_RULES.map((r) => r.id).filter((id) => !covered.has(id)), []);
});
