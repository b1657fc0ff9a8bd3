// Dockerfile scanning speed and findings: pipeguard's iac scanner beside dockerfilelint 1.8.0 (npm, pinned by
// bench/lock/dockerfilelint), the only Dockerfile/IaC linter installable here (hadolint, checkov, kube-score,
// kube-linter, tfsec are not on npm or Debian 12, and PyPI is not reachable). Kubernetes, compose and Terraform have
// no installable peer. Cold CLI against cold CLI in paired alternating rounds, then pipeguard at 1x, 2x and 4x the files.
// Run: node --import tsx bench/iac.ts [fileCount] [--quick] [--runs N] [--scales 1,2,4]
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BENCH_DIR, build, cold, header, inputDigest, paired, pinned, pipeguardRun, positionals, printPaired, QUICK, ratio, ROOT, type Run, scaling } from './util.js';

const N = Number(positionals()[0] ?? (QUICK ? 200 : 2000));
const peer = join(pinned('dockerfilelint'), 'node_modules', '.bin', 'dockerfilelint');

// A deterministic corpus of realistic Dockerfiles: multi-stage builds, package installs, users, secrets, EXPOSE.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const BASES = ['node:20', 'node:20.11.1-slim', 'python:3.12-slim', 'golang:1.22', 'ubuntu:22.04', 'debian:12', 'alpine:3.19', 'nginx', 'nginx:latest', 'eclipse-temurin:21-jre@sha256:' + 'ab'.repeat(32)];
const RUNS = [
  'RUN apt-get update && apt-get install -y curl git \\\n    ca-certificates \\\n && rm -rf /var/lib/apt/lists/*',
  'RUN apt-get update && apt-get install -y --no-install-recommends tini=0.19.0-1 && rm -rf /var/lib/apt/lists/*',
  'RUN apk add --no-cache bash=5.2.21-r0 curl',
  'RUN apk add openssl',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'RUN pip install flask gunicorn==21.2.0',
  'RUN npm ci && npm run build',
  'RUN npm install -g pnpm',
  'RUN curl -fsSL https://get.example.com/install.sh | sh',
  'RUN go build -o /out/app ./cmd/app',
  'RUN chmod 777 /tmp/cache',
  'RUN sudo chown -R app /app',
  'RUN wget -qO /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt',
  'RUN useradd -r -u 10001 app',
];
/** `n` Dockerfiles in `.bench/iac-corpus-<n>` (made once; the generator restarts from its seed, so the first n of 2n are the same files). */
function corpus(n: number): { dir: string; files: string[] } {
  const dir = join(BENCH_DIR, `iac-corpus-${n}`);
  const files = Array.from({ length: n }, (_, i) => join(`svc${i}`, 'Dockerfile'));
  if (existsSync(join(dir, '.done'))) return { dir, files };
  rmSync(dir, { recursive: true, force: true });
  seed = 42;
  for (let i = 0; i < n; i++) {
    const lines = ['# syntax=docker/dockerfile:1', `FROM ${pick(BASES)} AS build`, 'WORKDIR /src', 'COPY . .'];
    for (let j = 0, k = 3 + Math.floor(rnd() * 6); j < k; j++) lines.push(pick(RUNS));
    if (rnd() < 0.2) lines.push('ENV API_TOKEN=abc123def456');
    if (rnd() < 0.2) lines.push('ARG NPM_TOKEN');
    lines.push(`FROM ${pick(BASES)}`, 'COPY --from=build /src/out /app');
    if (rnd() < 0.2) lines.push('ADD https://example.com/tool /usr/local/bin/tool');
    lines.push(`EXPOSE ${pick(['8080', '3000', '22', '80 443'])}`);
    if (rnd() < 0.6) lines.push(pick(['USER app', 'USER 10001', 'USER root']));
    if (rnd() < 0.4) lines.push('HEALTHCHECK --interval=30s CMD curl -f http://localhost:8080/ || exit 1');
    lines.push('CMD ["/app/run"]', '');
    mkdirSync(join(dir, `svc${i}`), { recursive: true });
    writeFileSync(join(dir, files[i]!), lines.join('\n'));
  }
  // the list dockerfilelint is given (relative paths: xargs fits thousands in one command line); not in the scanned tree
  writeFileSync(join(BENCH_DIR, `iac-files-${n}.txt`), files.join('\n'));
  writeFileSync(join(dir, '.done'), '');
  return { dir, files };
}

/** pipeguard scan --scanners iac, cold. */
function ours(dir: string, out: string): Run {
  return pipeguardRun(['scan', dir, '--scanners', 'iac', '--no-gitignore', '--no-archives'], out, 'iac');
}

/** dockerfilelint over the same files, cold: one process (xargs with a command line large enough for all of them). */
function theirs(dir: string, n: number, out: string): Run {
  // dockerfilelint exits with its issue count and loses piped output over 64 KiB: write to a file.
  const s = cold('sh', ['-c', `xargs -s 1000000 node ${peer} -o json < ${join(BENCH_DIR, `iac-files-${n}.txt`)} > ${out}`], { cwd: dir });
  let files = 0;
  let findings = 0;
  try {
    // one JSON document per dockerfilelint process, should xargs ever start more than one
    const docs = JSON.parse(`[${readFileSync(out, 'utf8').trim().replace(/}\s*{"files"/g, '},{"files"')}]`) as { files: { issues: unknown[] }[] }[];
    for (const j of docs) {
      files += j.files.length;
      findings += j.files.reduce((k, f) => k + f.issues.length, 0);
    }
  } catch {
    throw new Error(`dockerfilelint output was not JSON (exit ${s.status}): ${s.stderr.slice(0, 200)}`);
  }
  return { ...s, files, findings };
}

build();
header('iac benchmark');
const one = corpus(N);
console.log(`corpus: ${relative(ROOT, one.dir)}: ${N} Dockerfiles (seeded generator), digest ${inputDigest(one.dir)}`);
const out = (name: string, i: number) => join(BENCH_DIR, `iac-${name}-${i}.json`);
const results = paired([
  { name: 'pipeguard scan --scanners iac', threads: '1 (the iac scanner runs on the main thread)', run: (i) => ours(one.dir, out('ours', i)) },
  { name: 'dockerfilelint 1.8.0', threads: '1 (Node, one thread)', run: (i) => theirs(one.dir, N, out('peer', i)) },
]);
printPaired(results);
console.log(`ratio: ${ratio(results[1]!, results[0]!)} (above 1: pipeguard is ahead)`);
// The library API in-process (no CLI start-up): labelled, beside the cold figures, not a replacement for them.
const { openDirectory } = await import('../src/targets/directory.js');
const { runScan } = await import('../src/engine/run.js');
const { configSchema } = await import('../src/config/schema.js');
const { iacScanner } = await import('../src/scanners/iac/index.js');
const walls: number[] = [];
const cpus: number[] = [];
for (let i = 0; i < 4; i++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await runScan({ target: await openDirectory(one.dir, { gitignore: false }), config: configSchema.parse({}), registry: [iacScanner] });
  const c = process.cpuUsage(c0);
  if (i > 0) {
    walls.push(Number(process.hrtime.bigint() - t0) / 1e9);
    cpus.push((c.user + c.system) / 1e6);
  }
}
walls.sort((a, b) => a - b);
cpus.sort((a, b) => a - b);
console.log(`[in-process, not a CLI run] pipeguard iac scanner through the library API, warm, median of 3 after one warm-up: wall ${walls[1]!.toFixed(2)} s, CPU ${cpus[1]!.toFixed(2)} s (no Node start-up, no bundle load)`);
scaling({
  tool: 'pipeguard scan --scanners iac; the generator asked for n times the files',
  input: (n) => ({ path: corpus(N * n).dir }),
  run: (input, n, i) => ours(input.path, out(`scale${n}`, i)),
});
