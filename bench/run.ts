// npm run bench: every benchmark in bench/, one after another (each prints its own figures and ratios).
//   npm run bench [-- NAME...] [-- --quick]   (--quick: each scanner bench on a small input, one round, still 1x/2x/4x)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'util.ts'].includes(f))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
console.log(`npm run bench${quick ? ' --quick' : ''}: ${scripts.length} scripts; load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
let failed = 0;
for (const s of scripts) {
  console.log(`\n=== bench/${s} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${s}`, ...(quick ? ['--quick'] : [])], { stdio: 'inherit', env: { ...process.env, ...(quick ? { BENCH_QUICK: '1' } : {}) } });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${s} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
