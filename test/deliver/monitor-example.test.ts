// The monitoring example (examples/monitor/), run as its README says.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyAuditLog } from '../../src/deliver/audit/verify.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { testEnv } from './helpers/project.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/monitor/', import.meta.url));

test('the monitoring example: the pipeline runs, monitor raises the two alerts the README shows, postmortems are written', async () => {
  const dir = makeDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  const env = testEnv(makeDir());
  const run = (argv: string[]) => cli(argv, { cwd: dir, env });
  const p = await run(['pipeline', 'run']);
  assert.equal(p.code, 0, p.stderr);
  const m = await run(['monitor', '--source', 'access.jsonl', '--map', 'access-map.yml']);
  assert.equal(m.code, 1, m.stderr);
  const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
  for (const line of m.stdout.split('\n').filter((l) => /^\s+\d+\s+HIGH/.test(l))) assert.ok(readme.includes(line), `README shows: ${line}`);
  assert.match(m.stdout, /auth-failures\s+repeated authentication failures from 203\.0\.113\.7 \(8 events/);
  assert.match(m.stdout, /admin-from-outside\s+admin path \/admin\/users requested from 198\.51\.100\.23/);
  assert.doesNotMatch(m.stdout, /10\.0\.0\./);
  assert.equal((await verifyAuditLog(join(dir, '.pipeguard/alerts.jsonl'))).ok, true);
  // the next run reads only what is new: nothing
  const again = await run(['monitor', '--source', 'access.jsonl', '--map', 'access-map.yml']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /0 event\(s\), 0 alert/);

  const html = await run(['postmortem', '20260106T091500Z-c4n4ry', '--deploys', 'deploys', '-o', 'postmortem.html']);
  assert.equal(html.code, 0, html.stderr);
  const page = readFileSync(join(dir, 'postmortem.html'), 'utf8');
  assert.match(page, /2\.8\.0 rolled back after 3 analysis windows at 50% of traffic; error rate 31% vs 0\.5% budget, p95 912 ms vs 400 ms/);
  assert.match(page, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const md = await run(['postmortem', '20260106T091500Z-c4n4ry', '--deploys', 'deploys', '-o', 'postmortem.md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(readFileSync(join(dir, 'postmortem.md'), 'utf8'), /\(postmortem-20260106T091500Z-c4n4ry\.svg\)/);
  assert.match(readFileSync(join(dir, 'postmortem-20260106T091500Z-c4n4ry.svg'), 'utf8'), /^<svg /);
  // the sample report committed beside the example is what the command writes (UPDATE_GOLDEN=1 rewrites it)
  for (const f of ['postmortem.md', 'postmortem-20260106T091500Z-c4n4ry.svg']) {
    const got = readFileSync(join(dir, f), 'utf8');
    if (process.env['UPDATE_GOLDEN']) writeFileSync(join(EXAMPLE, 'sample', f), got);
    assert.equal(got, readFileSync(join(EXAMPLE, 'sample', f), 'utf8'), `examples/monitor/sample/${f} is out of date: UPDATE_GOLDEN=1`);
  }
  assert.match(readme, /2\.8\.0 rolled\s+back after 3 analysis windows at 50% of traffic; error rate 31% vs 0\.5% budget, p95 912 ms vs 400 ms/);
  // the run's own postmortem: it passed
  const runId = /run (\S+) of pipeline shop/.exec(p.stderr)![1]!;
  const r = await run(['postmortem', runId]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Pipeline run \S+ of shop by \S+: passed\./);
});
