// Speed of the deliver stage: the streaming masker (what every byte a step writes goes through) beside GNU sed
// replacing the same values (what a CI script does by hand: `sed -e 's/VALUE/***/g'`), in process and as cold
// CLIs (`pipeguard run --all-secrets -- cat LOG` against `sed -f script LOG`), plus audit log append and verify
// rates. CPU time (user + system) is the figure to read: the machine may be shared. Single-threaded throughout.
// Run: npm run bench -- deliver [MiB]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../src/deliver/audit/log.js';
import { verifyAuditLog } from '../src/deliver/audit/verify.js';
import { encodedForms } from '../src/deliver/mask/encodings.js';
import { Masker, maskPatterns } from '../src/deliver/mask/masker.js';
import { encryptAge, formatSecretsYaml, newIdentity } from '../src/deliver/secrets/age-file.js';
import { BENCH_DIR, CLI, QUICK, build, table } from './util.js';

// The log's size in MiB: the first positional argument (--quick: 2).
const MIB = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? (QUICK ? 2 : 16));
const ROUNDS = 5;
const dir = join(BENCH_DIR, 'deliver');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

// 50 secrets of 20 to 40 characters, deterministic
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const secrets = new Map<string, string>();
for (let i = 0; i < 50; i++) secrets.set(`SECRET_${i}`, Array.from({ length: 20 + Math.floor(rnd() * 21) }, () => ALNUM[Math.floor(rnd() * 62)]).join(''));
const values = [...secrets.values()];
const patterns = maskPatterns(secrets, 8);

// a build log: ordinary lines, one in 200 holding a secret raw or in one of its encodings
const lines: string[] = [];
let size = 0;
let planted = 0;
for (let i = 0; size < MIB * 1024 * 1024; i++) {
  let line = `2026-01-02T03:04:${String(i % 60).padStart(2, '0')}Z INFO  [worker-${i % 8}] GET /api/v1/items/${i} 200 ${(i * 7) % 900}ms user=u${i % 1000} trace=${(i * 2654435761) % 4294967296}`;
  if (i % 200 === 0) {
    const v = values[Math.floor(rnd() * values.length)]!;
    const forms = encodedForms(v, 8);
    line += ` token=${forms[Math.floor(rnd() * forms.length)]!.bytes.toString()}`;
    planted++;
  }
  lines.push(line);
  size += line.length + 1;
}
const logFile = join(dir, 'build.log');
const text = Buffer.from(lines.join('\n') + '\n');
writeFileSync(logFile, text);
console.log(`input: ${(text.length / 1048576).toFixed(1)} MiB, ${lines.length} lines, ${planted} planted secrets; 50 secrets -> ${patterns.length} patterns (raw and encodings)`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const count = (b: Buffer, s: string) => {
  let n = 0;
  for (let i = b.indexOf(s); i >= 0; i = b.indexOf(s, i + s.length)) n++;
  return n;
};

// ---- in process: the masker over 64 KiB chunks ----
const cpu: number[] = [];
const wall: number[] = [];
let masked = 0;
for (let r = 0; r < ROUNDS; r++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const m = new Masker(patterns);
  const out: Buffer[] = [];
  for (let at = 0; at < text.length; at += 65536) out.push(m.push(text.subarray(at, at + 65536)));
  out.push(m.end());
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  masked = count(Buffer.concat(out), '***');
}
const buildMs = (() => {
  const t0 = performance.now();
  new Masker(patterns);
  return performance.now() - t0;
})();

// ---- the peer: GNU sed with the same patterns, and with the raw values only ----
const bre = (s: string) => s.replace(/[\\/.*[\]^$&]/g, (c) => `\\${c}`);
const script = (ps: string[]) => ps.map((p) => `s/${bre(p)}/***/g`).join('\n') + '\n';
const allScript = join(dir, 'all.sed');
const rawScript = join(dir, 'raw.sed');
writeFileSync(allScript, script(patterns.map((p) => p.toString())));
writeFileSync(rawScript, script(values));

/** CPU and wall seconds of a command (GNU time), its stdout to a file. */
function timedCmd(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, out = join(dir, 'out.txt')): { cpu: number; wall: number; status: number | null } {
  const r = spawnSync('sh', ['-c', `/usr/bin/time -f '%e %U %S' "$@" > ${out}`, 'sh', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const m = /([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`no timing from ${cmd}: ${r.stderr.slice(-400)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), status: r.status };
}

// ---- cold CLIs: pipeguard run -- cat LOG, against sed -f script LOG ----
build();
const proj = join(dir, 'project');
mkdirSync(join(proj, 'secrets'), { recursive: true });
const { identity, recipient } = await newIdentity();
writeFileSync(join(dir, 'identity.txt'), identity + '\n');
writeFileSync(join(proj, 'pipeguard.yml'), 'version: 1\n');
writeFileSync(join(proj, 'secrets/bench.recipients'), recipient + '\n');
writeFileSync(join(proj, 'secrets/bench.age.yml'), await encryptAge(formatSecretsYaml(secrets), [recipient]));
const env = { ...process.env, PIPEGUARD_AGE_IDENTITY_FILE: join(dir, 'identity.txt') };
const pg: { cpu: number; wall: number }[] = [];
const sedAll: { cpu: number; wall: number }[] = [];
const sedRaw: { cpu: number; wall: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // paired: each tool once per round, in turn
  const a = spawnSync('sh', ['-c', `cd ${proj} && /usr/bin/time -f '%e %U %S' node ${CLI} run --env bench --all-secrets -- cat ${logFile} > ${join(dir, 'pg.txt')}`], { encoding: 'utf8', env });
  const m = /([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(a.stderr);
  if (!m || a.status !== 0) throw new Error(`pipeguard run failed: ${a.stderr.slice(-400)}`);
  pg.push({ wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) });
  sedAll.push(timedCmd('sed', ['-f', allScript, logFile], process.env, join(dir, 'sed-all.txt')));
  sedRaw.push(timedCmd('sed', ['-f', rawScript, logFile], process.env, join(dir, 'sed-raw.txt')));
}
const pgOut = readFileSync(join(dir, 'pg.txt'));
const sedAllOut = readFileSync(join(dir, 'sed-all.txt'));
const sedRawOut = readFileSync(join(dir, 'sed-raw.txt'));
const leftIn = (b: Buffer) => values.filter((v) => b.includes(v)).length;

// ---- audit log ----
async function appendRate(n: number, fsync: boolean): Promise<{ perSec: number; cpuMs: number; path: string }> {
  const path = join(dir, `audit-${fsync ? 'fsync' : 'nofsync'}.jsonl`);
  rmSync(path, { force: true });
  const log = new AuditLog({ path, actor: { user: 'bench', host: 'bench' }, fsync, checkpointEvery: 1000 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await log.append('step.finished', { stage: 'build', step: `s${i}`, status: 'succeeded', exitCode: 0, durationMs: i });
  const c = process.cpuUsage(c0);
  return { path, perSec: n / ((performance.now() - t0) / 1000), cpuMs: (c.user + c.system) / 1000 };
}
const withFsync = await appendRate(1000, true);
const noFsync = await appendRate(10_000, false);
const v0 = process.cpuUsage();
const vt = performance.now();
const verified = await verifyAuditLog(noFsync.path);
const vcpu = process.cpuUsage(v0);
const verifyPerSec = verified.entries / ((performance.now() - vt) / 1000);

const mb = text.length / 1e6;
console.log('\nmasking (in process, 64 KiB chunks, medians of 5):');
table([
  ['', 'cpu s', 'wall s', 'MB/s (cpu)', 'masked'],
  ['pipeguard masker', median(cpu) / 1000, median(wall) / 1000, (mb / (median(cpu) / 1000)).toFixed(0), masked],
]);
console.log(`  (automaton built in ${buildMs.toFixed(1)} ms for ${patterns.length} patterns)`);
console.log('\ncold CLI, medians of 5 paired runs (node start, decrypting the secrets file, spawning cat, masking, writing):');
const med = (xs: { cpu: number; wall: number }[]) => ({ cpu: median(xs.map((x) => x.cpu)), wall: median(xs.map((x) => x.wall)) });
const rows: [string, { cpu: number; wall: number }, Buffer][] = [
  ['pipeguard run -- cat (all forms)', med(pg), pgOut],
  [`sed -f (same ${patterns.length} patterns)`, med(sedAll), sedAllOut],
  ['sed -f (50 raw values only)', med(sedRaw), sedRawOut],
];
table([['', 'cpu s', 'wall s', 'MB/s (cpu)', 'masked', 'raw values left'], ...rows.map(([n, t, out]) => [n, t.cpu, t.wall, (mb / t.cpu).toFixed(0), count(out, '***'), leftIn(out)])]);
console.log(`\nratio (CPU): sed with the same patterns / pipeguard = ${(med(sedAll).cpu / med(pg).cpu).toFixed(1)}x; sed with raw values only / pipeguard = ${(med(sedRaw).cpu / med(pg).cpu).toFixed(2)}x`);
console.log('\naudit log (in process, one writer):');
table([
  ['', 'entries/s (wall)', 'cpu ms/entry'],
  ['append, fsync each (1,000)', withFsync.perSec.toFixed(0), (withFsync.cpuMs / 1000).toFixed(3)],
  ['append, no fsync (10,000)', noFsync.perSec.toFixed(0), (noFsync.cpuMs / 10_000).toFixed(3)],
  [`verify (${verified.entries} entries)`, verifyPerSec.toFixed(0), ((vcpu.user + vcpu.system) / 1000 / verified.entries).toFixed(3)],
]);
console.log('\nmachine: 2 vCPUs, shared with other work while measured; read the CPU columns.');
