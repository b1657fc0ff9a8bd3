import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../../helpers/cli.js';
import { makeDir } from '../../helpers/tmp.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { runScan } from '../../../src/engine/run.js';
import { configSchema } from '../../../src/config/schema.js';
import { exposureScanner } from '../../../src/scanners/exposure/index.js';
import { fileLoc } from '../../helpers/fixtures.js';

/** A small shop: an API behind an Ingress, a Postgres, an admin tool, and the cloud firewall. */
const REPO = {
  'services/api/Dockerfile': 'FROM node:20.11.1-slim\nWORKDIR /app\nCOPY . .\nUSER node\nEXPOSE 8080 9229\nCMD ["node", "server.js"]\n',
  'docker-compose.yml': [
    'services:',
    '  api:',
    '    build: ./services/api',
    '    ports:',
    '      - "8080:8080"',
    '      - "127.0.0.1:9229:9229"',
    '  db:',
    '    image: postgres:16.2',
    '    ports:',
    '      - "5432:5432"',
    '  metrics:',
    '    image: prom/prometheus:v2.50.1',
    '    expose: ["9090"]',
    '',
  ].join('\n'),
  'deploy/k8s/api.yaml': [
    'apiVersion: v1',
    'kind: Service',
    'metadata: { name: api, namespace: shop }',
    'spec:',
    '  type: ClusterIP',
    '  selector: { app: api }',
    '  ports:',
    '    - port: 8080',
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata: { name: shop, namespace: shop }',
    'spec:',
    '  tls: [{ hosts: [shop.example.test], secretName: shop-tls }]',
    '  rules:',
    '    - host: shop.example.test',
    '      http:',
    '        paths:',
    '          - { path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 8080 } } } }',
    '',
  ].join('\n'),
  'infra/sg.tf': [
    'resource "aws_security_group" "api" {',
    '  ingress {',
    '    from_port   = 443',
    '    to_port     = 443',
    '    protocol    = "tcp"',
    '    cidr_blocks = ["0.0.0.0/0"]',
    '  }',
    '  ingress {',
    '    from_port   = 22',
    '    to_port     = 22',
    '    protocol    = "tcp"',
    '    cidr_blocks = ["0.0.0.0/0"]',
    '  }',
    '}',
    '',
  ].join('\n'),
};

const POLICY = [
  'scanners:',
  '  exposure:',
  '    services:',
  '      api:',
  '        public: [80, 443]',
  '        internal: [8080, 9229]',
  '        closed: [22]',
  '        match:',
  '          compose: api',
  '          k8s: [service/api, ingress/shop]',
  '          docker: services/api/Dockerfile',
  '          terraform: aws_security_group.api',
  '      db:',
  '        internal: [5432]',
  '      metrics:',
  '        internal: ["9090/tcp"]',
  '      admin:',
  '        public: [8443]',
  '',
].join('\n');

test('exposure without a policy prints the derived map and exits 0, saying no policy is declared', async () => {
  const dir = makeDir(REPO);
  const r = await cli(['exposure', '.'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^SERVICE\s+PORT\s+PROTO\s+REACH\s+VIA\s+SOURCE\s+POLICY$/m);
  assert.match(r.stdout, /-\s+8080\s+tcp\s+public\s+ports \(all interfaces\)\s+docker-compose\.yml:5:9/);
  assert.match(r.stdout, /-\s+9229\s+tcp\s+internal\s+ports \(127\.0\.0\.1\)/);
  assert.match(r.stdout, /443\s+tcp\s+public\s+Ingress TLS\s+deploy\/k8s\/api\.yaml:14:3/);
  assert.match(r.stdout, /22\s+tcp\s+public\s+ingress from 0\.0\.0\.0\/0\s+infra\/sg\.tf:12:20/);
  assert.match(r.stdout, /No exposure policy is declared/);
});

test('exposure reports every difference both ways with positions, and exits 1', async () => {
  const dir = makeDir({ ...REPO, 'pipeguard.yml': POLICY });
  const r = await cli(['exposure', '.', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { policy: boolean; matches: boolean; exposures: { service: string | null; port: string; reach: string; status: string; location: { path: string; startLine: number } }[]; differences: { ruleId: string; severity: string; message: string; location: { path: string; startLine?: number; startColumn?: number } }[] };
  assert.equal(out.policy, true);
  assert.equal(out.matches, false);
  const diff = (rule: string, path: string, line?: number) => out.differences.find((d) => d.ruleId === rule && fileLoc(d.location).path === path && (line === undefined || fileLoc(d.location).startLine === line));
  // compose api publishes 8080 on all interfaces, declared internal
  assert.ok(diff('exposure-wider-than-declared', 'docker-compose.yml', 5));
  // db publishes 5432 on all interfaces, declared internal
  assert.ok(diff('exposure-wider-than-declared', 'docker-compose.yml', 10));
  // SSH open to the world, declared closed
  const ssh = diff('exposure-closed-port-exposed', 'infra/sg.tf', 12)!;
  assert.equal(ssh.severity, 'high');
  assert.equal(fileLoc(ssh.location).startColumn, 20);
  // admin declares 8443 public, nothing exposes it: info, pointing at the policy line
  const stale = diff('exposure-declared-not-exposed', 'pipeguard.yml', 18)!;
  assert.equal(stale.severity, 'info');
  // matching exposures are ok
  const ok = out.exposures.filter((e) => e.status === 'ok').map((e) => `${e.service}:${e.port}:${fileLoc(e.location).path}`);
  assert.ok(ok.includes('api:9229:docker-compose.yml'));
  assert.ok(ok.includes('api:443:infra/sg.tf'));
  assert.ok(ok.includes('api:8080:deploy/k8s/api.yaml'));
  assert.ok(ok.includes('metrics:9090:docker-compose.yml'));
  assert.ok(ok.includes('api:8080:services/api/Dockerfile'));
  assert.equal(out.differences.filter((d) => d.severity !== 'info').length, 3);
});

test('an exposure that matches the policy exits 0; undeclared and unmatched resources fail', async () => {
  const policy = POLICY.replace('        closed: [22]\n', '        closed: []\n').replace('public: [80, 443]', 'public: [80, 443, 22]').replace("'5432:5432'", "'127.0.0.1:5432:5432'");
  const repo = { ...REPO, 'docker-compose.yml': REPO['docker-compose.yml'].replace('"8080:8080"', '"127.0.0.1:8080:8080"').replace('"5432:5432"', '"127.0.0.1:5432:5432"') };
  const dir = makeDir({ ...repo, 'pipeguard.yml': policy.replace(/      admin:\n        public: \[8443\]\n/, '') });
  const r = await cli(['exposure', '.'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /The exposure matches the policy/);

  const dir2 = makeDir({ ...repo, 'k8s/redis.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: redis }\nspec:\n  type: NodePort\n  ports: [{ port: 6379, nodePort: 30379 }]\n', 'pipeguard.yml': policy.replace('internal: [8080, 9229]', 'internal: [8080]') });
  const r2 = await cli(['exposure', '.'], { cwd: dir2 });
  assert.equal(r2.code, 1);
  assert.match(r2.stdout, /exposure-undeclared-port\s+Service api: docker-compose\.yml#services\/api exposes tcp port 9229/);
  assert.match(r2.stdout, /k8s\/redis\.yaml:6:35\s+medium exposure-unmatched-resource\s+Service\/default\/redis exposes tcp\/30379 \(public, via NodePort\)/);
});

test('exposure scanner in a scan: findings only when a policy exists; malformed files are file errors', async () => {
  const dir = makeDir({ ...REPO, 'k8s/bad.yaml': 'apiVersion: v1\nkind: Service\nspec: [\n', 'infra/bad.tf': 'resource "x" "y" {\n' });
  const noPolicy = await runScan({ target: await openDirectory(dir), config: configSchema.parse({}), registry: [exposureScanner] });
  assert.equal(noPolicy.findings.length, 0);
  const cfg = configSchema.parse({ scanners: { exposure: { services: { api: { public: [443, 80], internal: [8080, 9229], closed: [22], match: { compose: 'api', k8s: ['service/api', 'ingress/shop'], docker: 'services/*/Dockerfile', terraform: 'aws_security_group.*' } } } } } });
  const rep = await runScan({ target: await openDirectory(dir), config: cfg, registry: [exposureScanner] });
  const st = rep.statuses[0]!;
  assert.deepEqual(st.fileErrors.map((e) => e.path).sort(), ['infra/bad.tf', 'k8s/bad.yaml']);
  assert.match(st.fileErrors.find((e) => e.path === 'infra/bad.tf')!.message, /^line 2: missing "}"/);
  const rules = rep.findings.map((f) => `${f.ruleId}@${fileLoc(f.location).path}:${fileLoc(f.location).startLine}`).sort();
  assert.deepEqual(rules, [
    'exposure-closed-port-exposed@infra/sg.tf:12',
    'exposure-unmatched-resource@docker-compose.yml:10',
    'exposure-unmatched-resource@docker-compose.yml:13',
    'exposure-wider-than-declared@docker-compose.yml:5',
  ]);
  for (const f of rep.findings) assert.ok(!/\d+:\d+/.test(f.identity.replace(/\/\d+(-\d+)?\|/, '|')), f.identity);
});

test('bad usage and bad input exit 2', async () => {
  const dir = makeDir({ 'pipeguard.yml': 'scanners:\n  exposure:\n    services:\n      api:\n        public: ["http"]\n' });
  const r = await cli(['exposure', '.'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pipeguard\.yml:5/);
  const r2 = await cli(['exposure', '.', '--format', 'xml'], { cwd: dir });
  assert.equal(r2.code, 2);
  const r3 = await cli(['exposure', 'missing-dir'], { cwd: dir });
  assert.equal(r3.code, 2);
});
