// A time-bounded fuzz over the parser entry points a hostile repository or user controls: the config, lockfiles,
// workflows, Dockerfiles, HCL, archives and SARIF/JSON baselines. Each round mutates a valid seed (byte flips,
// cuts, duplicated slices, YAML/JSON syntax characters) from a fixed-seed generator, runs the CLI as a user
// would, and requires exit 0, 1 or 2, and on 2 one line with no stack trace and no "internal error".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { zipSync } from 'fflate';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';

/** Wall-clock bound of the whole fuzz (a bound on its work, not an assertion). */
const BUDGET_MS = Number(process.env.PIPEGUARD_FUZZ_MS ?? 30_000);

const SEEDS: Record<string, string | Uint8Array> = {
  'pipeguard.yml': 'failOn: high\nexclude: ["dist/**"]\nscanners:\n  secrets:\n    allowlist:\n      regexes: ["^test"]\n',
  'package-lock.json': JSON.stringify({ name: 'a', lockfileVersion: 3, packages: { '': { name: 'a' }, 'node_modules/lodash': { version: '4.17.20' } } }),
  'yarn.lock': '# yarn lockfile v1\n\nlodash@^4.17.20:\n  version "4.17.20"\n  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.20.tgz"\n',
  'requirements.txt': 'django==3.2.0\nrequests>=2.0 ; python_version > "3"\n',
  'go.mod': 'module x\n\ngo 1.21\n\nrequire github.com/gin-gonic/gin v1.7.0\n',
  '.github/workflows/ci.yml': 'on: pull_request_target\npermissions: write-all\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo "${{ github.event.pull_request.title }}"\n',
  Dockerfile: 'FROM node:latest\nUSER root\nENV API_KEY=abc123def456\nRUN curl https://x.sh | sh\nADD http://x/y.tgz /y\n',
  'main.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl    = "public-read"\n}\nresource "aws_security_group" "s" {\n  ingress {\n    cidr_blocks = ["0.0.0.0/0"]\n    from_port = 22\n  }\n}\n',
  'k8s.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n      securityContext:\n        privileged: true\n',
  'app.zip': zipSync({ 'conf/app.properties': new TextEncoder().encode('password=hunter2hunter2\n'), 'inner.zip': zipSync({ 'a.txt': new TextEncoder().encode('x') }) }),
};
const BASELINE = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'pipeguard', rules: [] } }, results: [{ ruleId: 'x', partialFingerprints: { primaryLocationLineHash: 'abc' } }] }] });

/** xorshift32: deterministic rounds, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const SPECIAL = ['{', '}', '[', ']', '"', "'", ':', '\n', '\0', '&a ', '*a', '!!binary ', '\\', '${{', '<<: *a', '\ufeff', '\xff', '-', '#', '\t'];

function mutate(input: string | Uint8Array, r: () => number): Uint8Array {
  let b = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input);
  const n = 1 + Math.floor(r() * 6);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * Math.max(1, b.length));
    const op = Math.floor(r() * 5);
    if (op === 0 && b.length) b[at] = Math.floor(r() * 256);
    else if (op === 1) b = b.subarray(0, at);
    else if (op === 2) b = Buffer.concat([b.subarray(0, at), Buffer.from(SPECIAL[Math.floor(r() * SPECIAL.length)]!), b.subarray(at)]);
    else if (op === 3) {
      const len = Math.floor(r() * 64);
      b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at, at + len), b.subarray(at)]);
    } else b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + Math.floor(r() * 16)))]);
  }
  return b;
}

test('mutated configs, lockfiles, workflows, Dockerfiles, HCL, archives and baselines never crash the CLI', async () => {
  const r = rng(20261207);
  const names = Object.keys(SEEDS);
  const started = Date.now();
  const failures: string[] = [];
  let rounds = 0;
  while (Date.now() - started < BUDGET_MS && rounds < 400) {
    rounds++;
    const dir = makeDir();
    const name = names[Math.floor(r() * names.length)]!;
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    const bytes = mutate(SEEDS[name]!, r);
    writeFileSync(p, bytes);
    const withBaseline = r() < 0.2;
    if (withBaseline) writeFileSync(join(dir, 'base.sarif'), mutate(BASELINE, r));
    const args = ['scan', '.', '--no-progress', '--format', 'json', '--scanners', 'secrets,deps,pipeline,iac', ...(withBaseline ? ['--baseline', 'base.sarif'] : [])];
    const res = await cli(args, { cwd: dir, env: { PIPEGUARD_DB: join(dir, 'none.db') } });
    const bad =
      ![0, 1, 2].includes(res.code) || (res.code === 2 && (res.stderr.trimEnd().split('\n').length !== 1 || /internal error|\n\s+at /.test(res.stderr)));
    if (bad) failures.push(`round ${rounds} ${name}${withBaseline ? ' +baseline' : ''}: exit ${res.code}: ${res.stderr.slice(0, 300)}`);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(rounds > 0);
  assert.deepEqual(failures, []);
});
