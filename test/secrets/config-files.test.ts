import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScan } from '../../src/engine/run.js';
import { secretsScanner } from '../../src/scanners/secrets/scanner.js';
import { openDirectory } from '../../src/targets/directory.js';
import { makeDir } from '../helpers/tmp.js';
import { fileLoc } from '../helpers/fixtures.js';

// Synthetic values only.
const PW = 'Hx4pR9sT2vW6yZ1q';
const b64 = (s: string) => Buffer.from(s).toString('base64');

test('credential files: .npmrc, .pypirc, nuget.config, .netrc, Docker config.json, .git-credentials, Terraform state', async () => {
  const dir = makeDir({
    '.npmrc': `//registry.npmjs.org/:_authToken=dc35864a-4e81-991e-70cd-5da99dba003f\n//npm.acme.io/:_password=${b64(PW)}\n`,
    '.pypirc': `[distutils]\nindex-servers = testpypi\n\n[testpypi]\nusername = alice\npassword = ${PW}\n`,
    'nuget.config': `<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="alice" />\n      <add key="ClearTextPassword"  value="${PW}" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n`,
    '.netrc': `machine api.acme.io login alice password ${PW}\n`,
    '.docker/config.json': `{"auths": {"https://index.docker.io/v1/": {"auth": "${b64(`alice:${PW}`)}"}}}\n`,
    '.git-credentials': `https://alice:${PW}@git.acme.io\n`,
    'infra/terraform.tfstate': `{"version": 4, "resources": [{"instances": [{"attributes": {"master_password": "${PW}", "username": "admin"}}]}]}\n`,
    // Placeholders are not credentials.
    'docs/.pypirc': '[pypi]\nusername = __token__\npassword = <your-token>\n',
  });
  const r = await runScan({ target: await openDirectory(dir), registry: [secretsScanner], now: () => new Date('2026-01-01T00:00:00Z'), options: { threads: 1 } });
  const byPath = new Map<string, string[]>();
  for (const f of r.findings) byPath.set(fileLoc(f.location).path, [...(byPath.get(fileLoc(f.location).path) ?? []), f.ruleId]);
  assert.deepEqual(byPath.get('.npmrc')?.sort(), ['npmrc-auth-token', 'npmrc-basic-auth']);
  assert.deepEqual(byPath.get('.pypirc'), ['pypirc-password']);
  assert.equal(byPath.get('nuget.config')?.length, 1);
  assert.deepEqual(byPath.get('.netrc'), ['netrc-password']);
  assert.deepEqual(byPath.get('.docker/config.json'), ['docker-config-auth']);
  assert.equal(byPath.get('.git-credentials')?.length, 1);
  assert.deepEqual(byPath.get('infra/terraform.tfstate'), ['terraform-state-secret']);
  assert.equal(byPath.get('docs/.pypirc'), undefined);
  assert.ok(!JSON.stringify(r).includes(PW), 'no secret printed whole');
});
