// Speed of `pipeguard monitor`: the eight built-in rules plus two of a team's own (CEL, one with a threshold) over a
// JSON access log (mapped, secrets masked) and over an audit log of pipeline runs, in process. No peer tool: none
// runs CEL rules over these logs. CPU time is the figure to read: the machine may be shared.
// Run: npm run bench -- monitor [LINES]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../src/deliver/audit/log.js';
import { monitorSchema, runMonitor, type MonitorInput } from '../src/deliver/monitor/index.js';
import { BENCH_DIR, table } from './util.js';

const LINES = Number(process.argv[2] ?? 200_000);
const dir = join(BENCH_DIR, 'monitor');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

// an access log: mostly 200s, a password-guessing burst now and then, admin pages from inside and outside
const out: string[] = [];
const t0 = Date.UTC(2026, 0, 6, 8);
for (let i = 0; i < LINES; i++) {
  const burst = i % 5000 < 30;
  const ip = burst ? `203.0.113.${(i / 5000) % 250 | 0}` : `10.0.${(i >> 8) & 255}.${i & 255}`;
  const uri = i % 997 === 0 ? '/admin/users' : burst ? '/login' : `/products/${i % 400}?page=${i % 7}`;
  out.push(JSON.stringify({ time_iso8601: new Date(t0 + i * 50).toISOString(), remote_addr: i % 997 === 0 && i % 2 ? '198.51.100.9' : ip, request_uri: uri, status: burst ? '401' : '200', request_method: burst ? 'POST' : 'GET', http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' }));
}
const access = join(dir, 'access.jsonl');
writeFileSync(access, out.join('\n') + '\n');

// an audit log: 500 runs of 4 steps, each reading secrets, a few overrides
const logPath = join(dir, 'audit.jsonl');
const log = new AuditLog({ path: logPath, actor: { user: 'ci', host: 'runner' }, fsync: false, checkpointEvery: 1000 });
let entries = 0;
for (let r = 0; r < 500; r++) {
  const run = { run: `run-${r}` };
  await log.append('run.started', { pipeline: 'shop', stages: ['build', 'test'] }, run);
  for (const [stage, step] of [['build', 'compile'], ['build', 'package'], ['test', 'unit'], ['test', 'e2e']] as const) {
    await log.append('step.started', { stage, step, command: 'make', cwd: '.' }, run);
    await log.append('secret.access', { stage, step, name: r % 97 === 5 && step === 'unit' ? 'DEPLOY_KEY' : 'NPM_TOKEN', source: 'file' }, run);
    await log.append('step.finished', { stage, step, status: 'succeeded', exitCode: 0, signal: null, durationMs: 100 }, run);
    entries += 3;
  }
  if (r % 50 === 0) await log.append('override', { gate: 'build', reason: `ticket ${r}`, by: 'ana' }, run);
  await log.append('run.finished', { pipeline: 'shop', status: 'passed', durationMs: 1000 }, run);
  entries += 2;
}

const config = monitorSchema.parse({
  rules: [
    { id: 'admin-from-outside', severity: 'high', when: "event.type == 'http.request' && event.data.path.startsWith('/admin') && !event.data.ip.startsWith('10.')", message: "'admin path ' + event.data.path + ' from ' + event.data.ip", dedupKey: 'event.data.ip' },
    { id: 'login-burst', severity: 'medium', when: "event.type == 'http.request' && event.data.path == '/login' && event.data.method == 'POST'", threshold: { count: 20, window: '1m', groupBy: 'event.data.ip' } },
  ],
});
const mapping = { type: 'http.request', time: 'time_iso8601', fields: { ip: 'remote_addr', status: 'status:number', path: 'request_uri', method: 'request_method' } };

async function measure(name: string, inputs: MonitorInput[], events: number): Promise<(string | number)[]> {
  const state = join(dir, `${name}.state.json`);
  rmSync(state, { force: true });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const r = await runMonitor({ config, root: dir, inputs, statePath: state, fromStart: true });
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return [name, events.toLocaleString('en'), r.alerts.length, `${wall.toFixed(2)} s`, `${cpuS.toFixed(2)} s`, `${Math.round(events / cpuS).toLocaleString('en')}/s`];
}

const rows: (string | number)[][] = [['input', 'events', 'alerts', 'wall', 'CPU', 'events per CPU second']];
rows.push(await measure('access log (mapped, masked)', [{ kind: 'source', path: access, display: 'access.jsonl', mapping }], LINES));
rows.push(await measure('audit log', [{ kind: 'audit', path: logPath, display: 'audit.jsonl' }], entries));
table(rows);
