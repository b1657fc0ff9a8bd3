import assert from 'node:assert/strict';
import { cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { FIXTURES, scanDeps, summary } from '../scanners/deps/helpers.js';
import { fileLoc } from '../helpers/fixtures.js';

test('scanning an SBOM made elsewhere (CycloneDX and SPDX) finds what scanning the lockfile finds', async () => {
  const dir = makeDir();
  cpSync(join(FIXTURES, 'npm3'), join(dir, 'npm3'), { recursive: true });
  const direct = summary((await scanDeps(dir)).findings);
  assert.ok(direct.length > 5);
  for (const [format, file] of [
    ['cyclonedx', 'app.cdx.json'],
    ['spdx', 'app.spdx.json'],
  ] as const) {
    const r = await cli(['sbom', 'npm3', '--format', format, '-o', file], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const only = makeDir();
    mkdirSync(join(only, 'in'));
    renameSync(join(dir, file), join(only, 'in', file));
    const report = await scanDeps(only);
    assert.deepEqual(summary(report.findings), direct, format);
    const st = report.statuses.find((s) => s.scanner === 'deps');
    assert.equal(st?.stats?.packages, 53, format);
    const lodash = report.findings.find((f) => f.data?.package === 'lodash');
    assert.equal(fileLoc(lodash!.location).path, `in/${file}`);
    assert.ok(fileLoc(lodash!.location).startLine, 'line of the component in the SBOM');
    rmSync(only, { recursive: true, force: true });
  }
});

test('a JSON file that is neither CycloneDX nor SPDX but named like an SBOM is a file error', async () => {
  const dir = makeDir({ 'bom.json': '{"hello": "world"}\n' });
  const report = await scanDeps(dir);
  assert.deepEqual(report.statuses.find((s) => s.scanner === 'deps')?.fileErrors, [{ path: 'bom.json', message: 'line 1: not a CycloneDX or SPDX JSON document' }]);
});
