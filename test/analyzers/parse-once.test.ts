import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { dockerfileAnalyzer } from '../../src/analyzers/iac/dockerfile.js';
import { hclAnalyzer } from '../../src/analyzers/iac/hcl.js';
import { yamlAnalyzer } from '../../src/analyzers/yaml.js';
import { configSchema } from '../../src/config/schema.js';
import type { FileAnalyzer } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { openDirectory } from '../../src/targets/directory.js';
import { makeDir } from '../helpers/tmp.js';

const TREE = {
  '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n',
  'k8s/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 8080\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n  containers:\n    - name: web\n      image: web:latest\n',
  'docker-compose.yml': 'services:\n  web:\n    image: web:1\n    ports:\n      - "8080:8080"\n',
  'Dockerfile': 'FROM node:20\nEXPOSE 8080\nRUN curl https://example.test/x.sh | sh\n',
  'infra/main.tf': 'resource "aws_security_group" "web" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
};

/** Counts each analyzer's runs per file while `run` goes on (the real analyzers, wrapped to count). */
async function countingRuns(analyzers: FileAnalyzer<unknown>[], run: () => Promise<unknown>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const saved = analyzers.map((a) => a.analyze);
  analyzers.forEach((a, i) => {
    a.analyze = (path, text) => {
      counts.set(`${a.id} ${path}`, (counts.get(`${a.id} ${path}`) ?? 0) + 1);
      return saved[i]!(path, text);
    };
  });
  try {
    await run();
  } finally {
    analyzers.forEach((a, i) => (a.analyze = saved[i]!));
  }
  return counts;
}

test('each file is parsed once per scan: pipeline and posture share the workflow, iac and exposure the manifests, Dockerfile and Terraform', async () => {
  const dir = makeDir(TREE);
  const config = configSchema.parse({ scanners: { exposure: { services: { web: { public: [443], match: { compose: 'web', docker: 'Dockerfile', k8s: ['service/web'] } } } } } });
  let ids: string[] = [];
  const counts = await countingRuns([yamlAnalyzer, dockerfileAnalyzer, hclAnalyzer] as FileAnalyzer<unknown>[], async () => {
    const report = await runScan({ target: await openDirectory(dir), config, scanners: ['pipeline', 'posture', 'iac', 'exposure'] });
    ids = report.findings.map((f) => `${f.scanner}/${f.ruleId}`);
  });
  // Every one of the four scanners read what it shares: the findings prove each looked at the files.
  for (const s of ['pipeline/', 'posture/', 'iac/', 'exposure/']) assert.ok(ids.some((i) => i.startsWith(s)), `${s} found nothing: ${ids.join(', ')}`);
  assert.deepEqual(
    Object.fromEntries([...counts].sort()),
    {
      'dockerfile Dockerfile': 1,
      'hcl infra/main.tf': 1,
      'yaml .github/workflows/ci.yml': 1,
      'yaml docker-compose.yml': 1,
      'yaml k8s/web.yaml': 1,
    },
  );
});

test('a second scan parses again: nothing is cached across scans', async () => {
  const dir = makeDir({ 'k8s/web.yaml': TREE['k8s/web.yaml'] });
  const counts = await countingRuns([yamlAnalyzer] as FileAnalyzer<unknown>[], async () => {
    for (let i = 0; i < 2; i++) await runScan({ target: await openDirectory(dir), scanners: ['iac'] });
  });
  assert.equal(counts.get('yaml k8s/web.yaml'), 2);
});

test('scanners get their parses of YAML, Dockerfiles and HCL through the analyses, not by calling a parser themselves', () => {
  const root = join(import.meta.dirname, '../../src/scanners');
  const offenders: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.ts')) {
        const text = readFileSync(p, 'utf8');
        // Our parsers only (the DAST scanner reads a user's OpenAPI document with the yaml package's own parse).
        const ours = [...text.matchAll(/import \{([^}]*)\} from '[./]*\/analyzers\/[^']*'/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()));
        for (const m of text.matchAll(/\b(parseYaml|parseDockerfile|parseHcl)\(/g)) {
          if (!ours.includes(m[1]!)) continue;
          const line = text.slice(0, m.index).split('\n').length;
          const lineText = text.split('\n')[line - 1]!;
          // Allowed: the fallback for callers outside a scan (`opts.parsed ?? parseYaml(text)`), and a Dockerfile
          // that posture builds around a shell script (not a file of the target).
          if (/\?\? parseYaml\(text\)|parseDockerfile\(wrapped\)/.test(lineText)) continue;
          offenders.push(`${relative(root, p)}:${line}`);
        }
      }
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
});
