// Peers' block-level ignores, found by parsing the block (Terraform and YAML), not by indentation: checkov:skip inside a
// resource, trivy:ignore above a block, KICS's ignore-block and ignore-file, Checkov's Kubernetes annotations, and
// Trivy's .trivyignore / .trivyignore.yaml. Each suppressed finding is listed with its reason; look-alikes are not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scan } from '../../src/index.js';
import { testAdvisoryDb } from '../helpers/advisories.js';
import { makeDir } from '../helpers/tmp.js';

type Where = { path: string; line: number; rule: string; reason?: string };

async function run(tree: Record<string, string>, scanners: string[]): Promise<{ active: Where[]; suppressed: Where[]; warnings: string[] }> {
  const dir = makeDir(tree);
  const { decision, report } = await scan(dir, { scanners, failOn: 'none' });
  const where = (f: { finding: { ruleId: string; location: unknown }; reason?: string } | { ruleId: string; location: unknown }): Where => {
    const finding = 'finding' in f ? f.finding : f;
    const loc = finding.location as { path: string; startLine: number };
    return { path: loc.path, line: loc.startLine, rule: finding.ruleId, ...('reason' in f && f.reason ? { reason: f.reason } : {}) };
  };
  return { active: [...decision.violations, ...decision.findings].map(where), suppressed: decision.suppressed.map(where), warnings: report.warnings ?? [] };
}

// An SSH rule open to the world; the heredoc's text at column 0 ends the block for anyone who judges by indentation.
const rule = (name: string, extra = '') =>
  [`resource "aws_security_group_rule" "${name}" {`, extra, '  description = <<EOT', 'SSH for the bastion', 'EOT', '  type        = "ingress"', '  from_port   = 22', '  to_port     = 22', '  protocol    = "tcp"', '  cidr_blocks = ["0.0.0.0/0"]', '}'].filter((l) => l !== '').join('\n');

test('checkov:skip inside a Terraform resource covers that whole resource, its look-alike next door stays', async () => {
  const tf = [rule('a', '  #checkov:skip=CKV_AWS_24:bastion reachable by design'), rule('b'), ''].join('\n');
  const { active, suppressed } = await run({ 'main.tf': tf }, ['iac']);
  const inA = (w: Where) => w.line >= 1 && w.line <= 11;
  assert.ok(suppressed.some((w) => inA(w) && w.line >= 7), JSON.stringify({ active, suppressed }));
  assert.deepEqual(active.filter(inA), []);
  assert.ok(suppressed.every((w) => w.reason === 'checkov ignore comment: checkov:skip=CKV_AWS_24:bastion reachable by design'));
  assert.ok(active.some((w) => w.line > 11), 'resource b is still reported');
});

test('trivy:ignore above a Terraform block covers the block to its closing brace; the next block is reported', async () => {
  const tf = ['#trivy:ignore:AVD-AWS-0107', rule('a'), rule('b'), ''].join('\n');
  const { active, suppressed } = await run({ 'main.tf': tf }, ['iac']);
  const inA = (w: Where) => w.line >= 2 && w.line <= 12;
  assert.ok(suppressed.some(inA), JSON.stringify({ active, suppressed }));
  assert.deepEqual(active.filter(inA), []);
  assert.ok(active.some((w) => w.line > 12));
  assert.ok(suppressed.every((w) => w.reason === 'trivy ignore comment: trivy:ignore:AVD-AWS-0107'));
});

const POD = (name: string, extra: string[] = []) => [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  `  name: ${name}`,
  ...extra,
  'spec:',
  '  hostNetwork: true',
  '  containers:',
  '    - name: c',
  '      image: nginx:1.27',
  '      securityContext:',
  '        privileged: true',
  '        allowPrivilegeEscalation: true',
];

test('kics-scan ignore-block above a YAML key covers its whole value; its siblings are reported', async () => {
  const lines = POD('p');
  lines.splice(lines.indexOf('      securityContext:'), 0, '      # kics-scan ignore-block');
  const { active, suppressed } = await run({ 'pod.yaml': lines.join('\n') + '\n' }, ['iac']);
  const from = lines.indexOf('      securityContext:') + 1;
  const block = (w: Where) => w.line >= from && w.line <= from + 2;
  assert.ok(suppressed.some(block), JSON.stringify({ active, suppressed }));
  assert.deepEqual(active.filter(block), []);
  assert.ok(active.some((w) => w.line === lines.indexOf('  hostNetwork: true') + 1), 'hostNetwork, outside the block, is reported');
  assert.ok(suppressed.every((w) => w.reason === 'kics ignore comment: kics-scan ignore-block'));
});

test('kics-scan ignore-file suppresses every IaC finding of its file, not another file\'s nor a secret in it', async () => {
  const key = `AKIA${'IOSFODNN7EXAMPLQ'}`;
  const { active, suppressed } = await run({ 'a.yaml': ['# kics-scan ignore-file', ...POD('a'), `  # key ${key}`].join('\n') + '\n', 'b.yaml': POD('b').join('\n') + '\n' }, ['iac', 'secrets']);
  assert.ok(suppressed.some((w) => w.path === 'a.yaml'), JSON.stringify({ active, suppressed }));
  assert.deepEqual(active.filter((w) => w.path === 'a.yaml' && w.rule !== 'aws-access-key-id'), []);
  assert.ok(active.some((w) => w.path === 'a.yaml' && w.rule === 'aws-access-key-id'), 'KICS scans no secrets');
  assert.ok(active.some((w) => w.path === 'b.yaml'));
});

test("Checkov's Kubernetes annotation checkov.io/skipN covers its object, not the next object of the stream", async () => {
  const doc = [...POD('a', ['  annotations:', '    checkov.io/skip1: CKV_K8S_20=privileged by design']), '---', ...POD('b')].join('\n') + '\n';
  const { active, suppressed } = await run({ 'pods.yaml': doc }, ['iac']);
  const firstEnd = doc.split('\n').indexOf('---') + 1;
  assert.ok(suppressed.some((w) => w.line < firstEnd), JSON.stringify({ active, suppressed }));
  assert.deepEqual(active.filter((w) => w.line < firstEnd), []);
  assert.ok(active.some((w) => w.line > firstEnd));
  assert.ok(suppressed.every((w) => w.reason === 'checkov annotation: checkov.io/skip1: CKV_K8S_20=privileged by design'));
});

test('a look-alike: checkov.io/skip in a ConfigMap value or under spec is no annotation', async () => {
  const doc = [...POD('a'), '  nodeSelector:', '    checkov.io/skip1: CKV_K8S_20'].join('\n') + '\n';
  const { suppressed } = await run({ 'pod.yaml': doc }, ['iac']);
  assert.deepEqual(suppressed, []);
});

const KEY = (n: number) => `AKIA${'IOSFODNN7EXAMP'}${String.fromCharCode(65 + n)}${String.fromCharCode(66 + n)}`;

test('.trivyignore: a listed secret rule id is suppressed with the entry as the reason; an expired entry and another id are not', async () => {
  const tree = {
    '.trivyignore': '# accepted\naws-access-key-id  # test keys only\nCVE-2099-0001 exp:2000-01-01\n',
    'a.js': `const k = "${KEY(1)}";\n`,
  };
  const { active, suppressed, warnings } = await run(tree, ['secrets']);
  assert.deepEqual(suppressed.map((w) => `${w.path} ${w.rule} ${w.reason}`), ['a.js aws-access-key-id .trivyignore: aws-access-key-id']);
  assert.ok(warnings.includes('.trivyignore:3: CVE-2099-0001 expired on 2000-01-01, no longer applied'), warnings.join('\n'));
  assert.deepEqual(active.filter((w) => w.rule === 'aws-access-key-id'), []);
  const none = await run({ '.trivyignore': 'github-pat\n', 'a.js': `const k = "${KEY(2)}";\n` }, ['secrets']);
  assert.deepEqual(none.suppressed, []);
  assert.ok(none.active.some((w) => w.rule === 'aws-access-key-id'));
});

test('.trivyignore.yaml: entries by kind, narrowed by paths, with their statement; a vulnerability by its CVE alias', async () => {
  const lock = JSON.stringify({ name: 'x', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'x', version: '1.0.0', dependencies: { lodash: '4.17.19' } }, 'node_modules/lodash': { version: '4.17.19' } } });
  const tree = {
    '.trivyignore.yaml': [
      'vulnerabilities:',
      '  - id: CVE-2020-8203',
      '    statement: lodash.zipObjectDeep is not called',
      'secrets:',
      '  - id: aws-access-key-id',
      '    paths: ["test/**"]',
      'misconfigurations:',
      '  - id: aws-access-key-id',
      '',
    ].join('\n'),
    'pipeguard.yml': `scanners:\n  deps:\n    db: ${JSON.stringify(testAdvisoryDb())}\n`,
    'package.json': JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { lodash: '4.17.19' } }),
    'package-lock.json': lock,
    'test/a.js': `const k = "${KEY(3)}";\n`,
    'src/b.js': `const k = "${KEY(4)}";\n`,
  };
  const { active, suppressed } = await run(tree, ['secrets', 'deps']);
  const s = suppressed.map((w) => `${w.path} ${w.rule} ${w.reason}`).sort();
  assert.ok(s.includes('test/a.js aws-access-key-id .trivyignore.yaml: aws-access-key-id'), s.join('\n'));
  assert.ok(s.some((x) => x.startsWith('package-lock.json ') && x.endsWith('.trivyignore.yaml: CVE-2020-8203 (lodash.zipObjectDeep is not called)')), s.join('\n'));
  assert.ok(active.some((w) => w.path === 'src/b.js' && w.rule === 'aws-access-key-id'), 'paths narrow the entry');
});
