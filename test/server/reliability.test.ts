/**
 * Reliability with real processes: a server killed with SIGKILL in the middle of ingests loses nothing it
 * acknowledged and holds no half report, and restarts on its database; concurrent ingests of one project end
 * in the state of a sequential order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createToken } from '../../src/server/auth/tokens.js';
import { openDb } from '../../src/server/db/open.js';
import type { Db } from '../../src/server/db/types.js';
import { startServer } from '../../src/server/http/server.js';
import { dbKinds, finding, fp, pipeguardReport } from './helpers.js';
import { startServe } from './processes.js';

const PER_REPORT = 2500;

/** Report n: findings n*500 .. n*500+PER_REPORT (overlapping its neighbours, so runs fix and add). */
function reportN(n: number): string {
  return pipeguardReport(Array.from({ length: PER_REPORT }, (_, i) => finding({ fingerprint: fp(n * 500 + i + 1), location: { path: `src/f${i % 50}.js`, startLine: i + 1 } })));
}

async function token(spec: string): Promise<string> {
  const db = await openDb(spec, process.cwd());
  try {
    return (await createToken(db, { name: 'ci', projectId: null, scopes: ['upload', 'read'], actor: 'test', now: Date.now() })).token;
  } finally {
    await db.close();
  }
}

function post(url: string, tok: string, body: string, run: string): Promise<Response> {
  return fetch(`${url}/api/v1/projects/web/reports?run=${run}`, { method: 'POST', headers: { Authorization: `Bearer ${tok}` }, body });
}

for (const kind of await dbKinds()) {
  describe(`server on ${kind.name}`, { skip: kind.skip }, () => {
    test('kill -9 mid-ingest: every acknowledged run is whole after a restart, no run is half-written', { timeout: 240_000 }, async () => {
      const spec = kind.spec();
      const tok = await token(spec);
      const first = await startServe(spec);
      const acked: number[] = [];
      const sent: number[] = [];
      // Upload reports one after another; kill the server while one is being read and stored.
      const killAt = 3;
      for (let n = 0; n < 6; n++) {
        sent.push(n);
        const req = post(first.url, tok, reportN(n), `run-${n}`).then(
          (r) => r.status,
          () => 0,
        );
        if (n === killAt) {
          await new Promise((r) => setTimeout(r, 150));
          first.child.proc.kill('SIGKILL');
          await first.child.exited;
          await req;
          break;
        }
        const status = await req;
        assert.equal(status, 201);
        acked.push(n);
      }
      assert.deepEqual(acked, [0, 1, 2]);
      // Restart on the same database.
      const second = await startServe(spec);
      const db: Db = await openDb(spec, process.cwd());
      try {
        const runs = await db.all<{ id: number; run_key: string; total: number }>('SELECT id, run_key, total FROM runs ORDER BY id');
        for (const n of acked) assert.ok(runs.some((r) => r.run_key === `run-${n}`), `run-${n} acknowledged but missing`);
        // Whatever is stored is whole: the in-flight run is there completely or not at all.
        for (const r of runs) {
          assert.equal(Number(r.total), PER_REPORT, r.run_key);
          const rf = await db.get<{ n: number }>("SELECT count(*) AS n FROM run_findings WHERE run_id = ? AND change <> 'fixed'", [r.id]);
          assert.equal(Number(rf!.n), PER_REPORT, r.run_key);
        }
        assert.ok(runs.length === 3 || runs.length === 4, `${runs.length} runs stored`);
        // The client retries the unacknowledged upload: stored once either way.
        const retry = await post(second.url, tok, reportN(killAt), `run-${killAt}`);
        assert.equal(retry.status, runs.length === 4 ? 200 : 201);
        const open = await db.get<{ n: number }>("SELECT count(*) AS n FROM findings WHERE state = 'open'");
        assert.equal(Number(open!.n), PER_REPORT);
      } finally {
        await db.close();
        second.child.proc.kill('SIGTERM');
        assert.equal(await second.child.exited, 0);
      }
    });

    test('concurrent ingests of one project end as some sequential order does', { timeout: 120_000 }, async () => {
      const A = pipeguardReport([finding({ fingerprint: fp(1) }), finding({ fingerprint: fp(2) })]);
      const B = pipeguardReport([finding({ fingerprint: fp(2) }), finding({ fingerprint: fp(3) })]);
      const C = pipeguardReport([finding({ fingerprint: fp(3) }), finding({ fingerprint: fp(4), severity: 'low' })]);
      const state = async (db: Db) => {
        const rows = await db.all<{ fingerprint: string; state: string; reopened: number }>('SELECT fingerprint, state, reopened FROM findings ORDER BY fingerprint');
        const runs = await db.all<{ run_key: string; new_count: number; fixed_count: number; reintroduced_count: number }>('SELECT run_key, new_count, fixed_count, reintroduced_count FROM runs ORDER BY id');
        return { findings: rows.map((r) => `${r.fingerprint.slice(-1)}:${r.state}:${r.reopened}`).join(' '), runs: runs.map((r) => r.run_key) };
      };
      const serverOn = async () => {
        const db = await kind.open();
        const srv = await startServer({ db, port: 0, host: '127.0.0.1' });
        const tok = (await createToken(db, { name: 't', projectId: null, scopes: ['upload'], actor: 't', now: Date.now() })).token;
        return { db, srv, tok };
      };
      const orders = new Map<string, string>();
      const perms = [['a', 'b', 'c'], ['a', 'c', 'b'], ['b', 'a', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['c', 'b', 'a']];
      const bodies: Record<string, string> = { a: A, b: B, c: C };
      for (const p of perms) {
        const s = await serverOn();
        for (const k of p) assert.equal((await post(s.srv.url, s.tok, bodies[k]!, k)).status, 201);
        const st = await state(s.db);
        orders.set(st.runs.join(''), st.findings);
        await s.srv.close();
      }
      for (let round = 0; round < 4; round++) {
        const s = await serverOn();
        const statuses = await Promise.all(['a', 'b', 'c'].map((k) => post(s.srv.url, s.tok, bodies[k]!, k).then((r) => r.status)));
        assert.deepEqual(statuses, [201, 201, 201]);
        const st = await state(s.db);
        assert.equal(st.findings, orders.get(st.runs.join('')), `order ${st.runs.join('')}`);
        await s.srv.close();
      }
    });
  });
}
