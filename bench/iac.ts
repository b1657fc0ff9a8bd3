// Dockerfile scanning speed and findings: pipeguard's iac scanner beside dockerfilelint 1.8.0 (npm), the only
// Dockerfile/IaC linter installable here (hadolint, checkov, kube-score, kube-linter, tfsec are not on npm or
// Debian 12, and PyPI is not reachable). Kubernetes, compose and Terraform have no installable peer.
// Run: node --import tsx bench/iac.ts [fileCount]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, CLI, build, table, timed } from './util.js';

const N = Number(process.argv[2] ?? 2000);
const peerDir = join(BENCH_DIR, 'iac-peer');
const peer = join(peerDir, 'node_modules', '.bin', 'dockerfilelint');
if (!existsSync(peer)) {
  mkdirSync(peerDir, { recursive: true });
  if (!existsSync(join(peerDir, 'package.json'))) writeFileSync(join(peerDir, 'package.json'), '{"name":"iac-peer","private":true}\n');
  const r = spawnSync('flock', ['/tmp/pipeguard-npm.lock', 'npm', 'install', '--save-exact', '--no-audit', '--no-fund', 'dockerfilelint@1.8.0'], { cwd: peerDir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not install dockerfilelint');
}

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
const files: string[] = [];
const corpus = join(BENCH_DIR, 'iac-corpus');
rmSync(corpus, { recursive: true, force: true });
for (let i = 0; i < N; i++) {
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
  const p = join(corpus, `svc${i}`, 'Dockerfile');
  mkdirSync(join(corpus, `svc${i}`), { recursive: true });
  writeFileSync(p, lines.join('\n'));
  files.push(p);
}

build();
const cli = CLI;
const out = join(BENCH_DIR, 'iac-out.json');
const ours = timed('node', [cli, 'scan', corpus, '--scanners', 'iac', '--no-gitignore', '--no-archives', '--no-progress', '--fail-on', 'none', '-f', 'json', '-o', out], {}, 3);
if (ours.status !== 0) throw new Error(`pipeguard failed: ${ours.stderr}`);
const ourFindings = (JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[] }).findings.length;
// dockerfilelint exits with its issue count and loses piped output over 64 KiB: write to a file.
const peerOut = join(BENCH_DIR, 'iac-peer-out.json');
writeFileSync(join(BENCH_DIR, 'iac-files.txt'), files.join('\n'));
const theirs = timed('sh', ['-c', `xargs node ${peer} -o json < ${join(BENCH_DIR, 'iac-files.txt')} > ${peerOut}`], {}, 3);
let peerFindings = 0;
try {
  const j = JSON.parse(readFileSync(peerOut, 'utf8')) as { files: { issues: unknown[] }[] };
  peerFindings = j.files.reduce((n, f) => n + f.issues.length, 0);
} catch {
  console.log(`dockerfilelint output was not JSON (exit ${theirs.status}): ${theirs.stderr.slice(0, 200)}`);
}
// The library API in-process (no CLI start-up), best of 3 warm runs.
const { openDirectory } = await import('../src/targets/directory.js');
const { runScan } = await import('../src/engine/run.js');
const { configSchema } = await import('../src/config/schema.js');
const { iacScanner } = await import('../src/scanners/iac/index.js');
let inproc = Infinity;
for (let i = 0; i < 4; i++) {
  const t0 = process.hrtime.bigint();
  await runScan({ target: await openDirectory(corpus, { gitignore: false }), config: configSchema.parse({}), registry: [iacScanner] });
  if (i > 0) inproc = Math.min(inproc, Number(process.hrtime.bigint() - t0) / 1e9);
}
table([
  ['tool', 'files', 'seconds', 'files/s', 'findings', 'max RSS MiB'],
  ['pipeguard scan --scanners iac', N, ours.seconds, N / ours.seconds, ourFindings, ours.maxRssMiB ?? '-'],
  ['pipeguard iac scanner, in-process', N, inproc, N / inproc, ourFindings, '-'],
  ['dockerfilelint 1.8.0', N, theirs.seconds, N / theirs.seconds, peerFindings, theirs.maxRssMiB ?? '-'],
]);
console.log(`speed ratio vs dockerfilelint (files/s): CLI end-to-end ${(theirs.seconds / ours.seconds).toFixed(2)}x, in-process ${(theirs.seconds / inproc).toFixed(2)}x (dockerfilelint's figure includes its own node start-up); findings ratio ${(ourFindings / Math.max(1, peerFindings)).toFixed(2)}x`);
