import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from '../../helpers/tmp.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { runScan, standaloneContext } from '../../../src/engine/run.js';
import { configSchema } from '../../../src/config/schema.js';
import { iacScanner, scanIacText } from '../../../src/scanners/iac/index.js';
import { iacConfigSchema } from '../../../src/scanners/iac/config.js';
import { fileLoc } from '../../helpers/fixtures.js';

const fx = (p: string) => readFileSync(join(import.meta.dirname, 'fixtures', p), 'utf8');
const cfg = iacConfigSchema.parse({});

async function scanDir(tree: Record<string, string>, config: Record<string, unknown> = {}) {
  const dir = makeDir(tree);
  const target = await openDirectory(dir);
  return runScan({ target, config: configSchema.parse(config), registry: [iacScanner], now: () => new Date(0) });
}

test('reads only Dockerfiles, compose files, manifests and .tf; malformed files are file errors and the scan goes on', async () => {
  const report = await scanDir({
    'Dockerfile': 'FROM node\nCMD ["node"]\n',
    'svc/api.dockerfile': 'FROM node:20.11.1\nUSER node\n',
    'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.25.4\n    privileged: true\n',
    'k8s/web.yaml': fx('k8s/network.yaml'),
    'k8s/broken.yaml': fx('k8s/malformed.yaml'),
    'infra/main.tf': fx('tf/gcp-azure.tf'),
    'infra/broken.tf': fx('tf/malformed.tf'),
    'bad/Dockerfile': fx('docker/malformed.Dockerfile'),
    'config/settings.yaml': 'kind: not-k8s\nvalues: [1, 2]\n',
    'charts/web/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n',
    'README.md': 'FROM node\n',
  });
  const st = report.statuses.find((s) => s.scanner === 'iac')!;
  assert.equal(st.status, 'partial', st.reason);
  const errs = st.fileErrors.map((e) => `${e.path}: ${e.message}`);
  assert.ok(errs.some((e) => /^k8s\/broken\.yaml: line \d+: /.test(e)), errs.join('\n'));
  assert.ok(errs.includes('infra/broken.tf: line 4: expected "," or "]" in list'), errs.join('\n'));
  assert.ok(errs.includes('bad/Dockerfile: line 3: unknown instruction FRUM'), errs.join('\n'));
  assert.ok(errs.includes('bad/Dockerfile: line 4: heredoc EOF is not terminated'), errs.join('\n'));
  const paths = new Set(report.findings.map((f) => fileLoc(f.location).path));
  assert.deepEqual([...paths].sort(), ['Dockerfile', 'bad/Dockerfile', 'docker-compose.yml', 'infra/main.tf', 'k8s/web.yaml', 'svc/api.dockerfile']);
  const rules = new Set(report.findings.map((f) => f.ruleId));
  for (const r of ['docker-base-untagged', 'docker-no-user', 'compose-privileged', 'k8s-service-nodeport', 'tf-gcp-firewall-open-admin-port']) assert.ok(rules.has(r), r);
});

test('exact positions: start and end line/column (end exclusive)', () => {
  const text = 'FROM alpine:3.19.1\nRUN apk add --no-cache \\\n      curl=8.5.0-r0 \\\n      bash\nUSER 1000\nHEALTHCHECK CMD true\n';
  const f = scanIacText('Dockerfile', text, cfg, () => {});
  const apk = f.find((x) => x.ruleId === 'docker-apk-unpinned')!;
  assert.deepEqual([fileLoc(apk.location).startLine, fileLoc(apk.location).startColumn, fileLoc(apk.location).endLine, fileLoc(apk.location).endColumn], [4, 7, 4, 11]);
  const base = f.find((x) => x.ruleId === 'docker-base-no-digest')!;
  assert.deepEqual([fileLoc(base.location).startLine, fileLoc(base.location).startColumn, fileLoc(base.location).endLine, fileLoc(base.location).endColumn], [1, 6, 1, 19]);

  const y = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\nspec:\n  hostPID: true\n  containers: []\n';
  const k = scanIacText('pod.yaml', y, cfg, () => {}).find((x) => x.ruleId === 'k8s-host-pid')!;
  assert.deepEqual([fileLoc(k.location).startLine, fileLoc(k.location).startColumn, fileLoc(k.location).endLine, fileLoc(k.location).endColumn], [7, 3, 7, 16]);
  assert.equal(fileLoc(k.location).logical, 'Pod/ns/p');
});

test('identity does not depend on line numbers; disabled rules and severity overrides apply', () => {
  const a = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: ns }\nspec:\n  containers:\n    - name: app\n      image: nginx\n';
  const b = '# moved\n\n\n' + a;
  const ids = (t: string, c = cfg) => scanIacText('p.yaml', t, c, () => {}).map((f) => `${f.ruleId}|${f.identity}|${f.severity}`).sort();
  assert.deepEqual(ids(a), ids(b));
  assert.ok(ids(a).some((s) => s.startsWith('k8s-image-latest|Pod/ns/p/containers/app|medium')));
  const c2 = iacConfigSchema.parse({ disable: ['k8s-image-latest'], severity: { 'k8s-no-cpu-limit': 'high' } });
  assert.ok(!ids(a, c2).some((s) => s.startsWith('k8s-image-latest')));
  assert.ok(ids(a, c2).some((s) => s.startsWith('k8s-no-cpu-limit|') && s.endsWith('|high')));
  assert.ok(!iacScanner.rules(c2).some((r) => r.id === 'k8s-image-latest'));
});

test('Dockerfile parser: escape directive with backtick continuations', () => {
  const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    Invoke-WebRequest https://example.test/x.ps1 -OutFile x.ps1 ; `\n    chmod 777 C:\\app\nUSER ContainerUser\nHEALTHCHECK CMD ["cmd", "/c", "exit 0"]\n';
  const f = scanIacText('Dockerfile', text, cfg, () => {});
  const chmod = f.find((x) => x.ruleId === 'docker-chmod-world-writable')!;
  assert.equal(fileLoc(chmod.location).startLine, 5);
  assert.equal(fileLoc(chmod.location).startColumn, 11);
});

test('scanner honours abort', async () => {
  const dir = makeDir({ 'Dockerfile': 'FROM node\n', 'b/Dockerfile': 'FROM node\n' });
  const target = await openDirectory(dir);
  const ac = new AbortController();
  ac.abort();
  const out = [];
  for await (const f of iacScanner.scan(target, standaloneContext(target, cfg, configSchema.parse({}), { signal: ac.signal }))) out.push(f);
  assert.equal(out.length, 0);
});
