import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../src/server/db/types.js';
import { migrate } from '../../src/server/db/migrate.js';
import { readReport } from '../../src/server/ingest/read.js';
import { affectedByAdvisory, affectedByPackage } from '../../src/server/store/affected.js';
import { getFinding, listFindings } from '../../src/server/store/findings.js';
import { ingestReport, RunConflictError } from '../../src/server/store/ingest.js';
import { loadSla, setProjectSla, setSla } from '../../src/server/store/sla.js';
import { exportSuppressions, importSuppressions } from '../../src/server/store/suppressions.js';
import { expireAcceptances, setTriage } from '../../src/server/store/triage.js';
import { meanTimeToFix, openTrend } from '../../src/server/store/trends.js';
import { render } from '../../src/report/index.js';
import { sampleDecision, sampleReport } from '../report/sample.js';
import { chunksOf, dbKinds, finding, fp, pipeguardReport } from './helpers.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

async function upload(db: Db, text: string, run: string, now: number, project = 'web') {
  const report = await readReport(chunksOf(text, 1000));
  return ingestReport(db, report, { project, runKey: run, bodyHash: `h-${run}-${text.length}`, uploadedBy: 'test', createProject: true, now });
}

async function stateOf(db: Db): Promise<Record<string, string>> {
  const page = await listFindings(db, { state: 'all' }, { limit: 500 }, T0);
  return Object.fromEntries(page.items.map((f) => [f.fingerprint, `${f.state}/${f.triage}`]));
}

for (const kind of await dbKinds()) {
  describe(`store on ${kind.name}`, { skip: kind.skip }, () => {
    test('each run classifies findings as new, unchanged, fixed, reintroduced; fields follow the latest run', async () => {
      const db = await kind.open();
      const a = finding({ fingerprint: fp(1) });
      const b = finding({ fingerprint: fp(2), severity: 'medium' });
      const c = finding({ fingerprint: fp(3), scanner: 'secrets', ruleId: 'aws-key' });
      let r = await upload(db, pipeguardReport([a, b, c]), 'r1', T0);
      assert.deepEqual([r.created, r.new, r.unchanged, r.fixed, r.reintroduced], [true, 3, 0, 0, 0]);
      // b is gone (fixed); a moved lines and changed severity; c stays.
      const aMoved = { ...a, severity: 'critical' as const, location: { ...a.location, startLine: 42 } };
      r = await upload(db, pipeguardReport([aMoved, c]), 'r2', T0 + DAY);
      assert.deepEqual([r.new, r.unchanged, r.fixed, r.reintroduced], [0, 2, 1, 0]);
      const page = await listFindings(db, { state: 'all' }, {}, T0 + DAY);
      const byFp = new Map(page.items.map((f) => [f.fingerprint, f]));
      assert.equal(byFp.get(fp(1))!.line, 42);
      assert.equal(byFp.get(fp(1))!.severity, 'critical');
      assert.equal(byFp.get(fp(2))!.state, 'fixed');
      // b comes back: reintroduced, opened again.
      r = await upload(db, pipeguardReport([aMoved, b, c]), 'r3', T0 + 2 * DAY);
      assert.deepEqual([r.new, r.unchanged, r.fixed, r.reintroduced], [0, 2, 0, 1]);
      const back = await getFinding(db, byFp.get(fp(2))!.id);
      assert.equal(back.state, 'open');
      assert.equal(back.reopened, 1);
      assert.equal(back.openedAt, T0 + 2 * DAY);
      assert.deepEqual(back.history.map((h) => h.change), ['reintroduced', 'fixed', 'new']);
    });

    test('a scanner that failed or did not run closes nothing', async () => {
      const db = await kind.open();
      const s = finding({ fingerprint: fp(10), scanner: 'secrets', ruleId: 'aws-key' });
      const d = finding({ fingerprint: fp(11), scanner: 'deps', ruleId: 'GHSA-aaaa-bbbb-cccc' });
      await upload(db, pipeguardReport([s, d]), 'r1', T0);
      // deps failed, secrets did not run at all: both stay open.
      const r = await upload(db, pipeguardReport([], { scanners: ['sast'], failed: ['deps'] }), 'r2', T0 + DAY);
      assert.equal(r.fixed, 0);
      assert.deepEqual(Object.values(await stateOf(db)), ['open/none', 'open/none']);
    });

    test('uploads are idempotent per run id; another report under the same id is a conflict', async () => {
      const db = await kind.open();
      const text = pipeguardReport([finding({ fingerprint: fp(1) })]);
      const first = await upload(db, text, 'ci-1', T0);
      const again = await upload(db, text, 'ci-1', T0 + 1000);
      assert.equal(again.created, false);
      assert.equal(again.runId, first.runId);
      await assert.rejects(upload(db, pipeguardReport([]), 'ci-1', T0 + 2000), RunConflictError);
      const runs = await db.all('SELECT id FROM runs');
      assert.equal(runs.length, 1);
    });

    test('triage survives re-imports, line moves and fix-then-reintroduce; an expired acceptance reopens', async () => {
      const db = await kind.open();
      const a = finding({ fingerprint: fp(1) });
      const b = finding({ fingerprint: fp(2) });
      await upload(db, pipeguardReport([a, b]), 'r1', T0);
      const ids = (await listFindings(db, {}, {}, T0)).items;
      const idA = ids.find((f) => f.fingerprint === fp(1))!.id;
      const idB = ids.find((f) => f.fingerprint === fp(2))!.id;
      await setTriage(db, { findingId: idA, state: 'false_positive', reason: 'test data only', actor: 'alice', now: T0 });
      await setTriage(db, { findingId: idB, state: 'accepted_risk', reason: 'behind a VPN', expires: '2026-03-10', actor: 'bob', now: T0 });
      await assert.rejects(setTriage(db, { findingId: idB, state: 'accepted_risk', reason: 'no date', actor: 'bob', now: T0 }), /expiry/);
      await assert.rejects(setTriage(db, { findingId: idB, state: 'false_positive', actor: 'bob', now: T0 }), /reason/);
      // Moved lines, then fixed, then back.
      await upload(db, pipeguardReport([{ ...a, location: { path: 'src/app.js', startLine: 99 } }, b]), 'r2', T0 + DAY);
      await upload(db, pipeguardReport([b]), 'r3', T0 + 2 * DAY);
      await upload(db, pipeguardReport([a, b]), 'r4', T0 + 3 * DAY);
      assert.deepEqual(await stateOf(db), { [fp(1)]: 'open/false_positive', [fp(2)]: 'open/accepted_risk' });
      // The acceptance ends at the end of 2026-03-10.
      assert.equal(await expireAcceptances(db, Date.parse('2026-03-10T23:59:00Z')), 0);
      assert.equal(await expireAcceptances(db, Date.parse('2026-03-11T00:00:00Z')), 1);
      const fb = await getFinding(db, idB);
      assert.equal(fb.triage, 'none');
      assert.deepEqual(fb.audit.map((e) => [e.actor, e.action]), [['system', 'acceptance-expired'], ['bob', 'triage']]);
      const fa = await getFinding(db, idA);
      assert.deepEqual(fa.audit.map((e) => [e.actor, e.detail['to'], e.detail['reason']]), [['alice', 'false_positive', 'test data only']]);
    });

    test('SLA: due dates per severity, overdue lists, and a changed SLA moves due dates', async () => {
      const db = await kind.open();
      await upload(db, pipeguardReport([finding({ fingerprint: fp(1), severity: 'critical' }), finding({ fingerprint: fp(2), severity: 'low' }), finding({ fingerprint: fp(3), severity: 'info' })]), 'r1', T0);
      const overdue = async (now: number) => (await listFindings(db, { overdue: true }, {}, now)).items.map((f) => f.severity);
      assert.deepEqual(await overdue(T0 + 6 * DAY), []);
      assert.deepEqual(await overdue(T0 + 8 * DAY), ['critical']);
      assert.deepEqual(await overdue(T0 + 121 * DAY), ['critical', 'low']);
      await setSla(db, { critical: 30, info: 1 }, 'admin', T0);
      assert.deepEqual(await overdue(T0 + 8 * DAY), ['info']);
      // Triaged away: not overdue.
      const id = (await listFindings(db, { severity: ['info'] }, {}, T0)).items[0]!.id;
      await setTriage(db, { findingId: id, state: 'wont_fix', reason: 'noise', actor: 'a', now: T0 });
      assert.deepEqual(await overdue(T0 + 8 * DAY), []);
    });

    test('per-project SLA: overrides the server SLA for its project only, survives server changes, applies to new findings, goes back to default', async () => {
      const db = await kind.open();
      await upload(db, pipeguardReport([finding({ fingerprint: fp(1), severity: 'high' })]), 'w1', T0, 'web');
      await upload(db, pipeguardReport([finding({ fingerprint: fp(2), severity: 'high' })]), 'a1', T0, 'api');
      const overdue = async (now: number) => (await listFindings(db, { overdue: true }, {}, now)).items.map((f) => f.project).sort();
      const web = Number((await db.get<{ id: number }>("SELECT id FROM projects WHERE name = 'web'"))!.id);
      assert.deepEqual(await overdue(T0 + 6 * DAY), []);
      const set = await setProjectSla(db, web, { high: 5, critical: null }, 'admin', T0);
      assert.deepEqual(set.overrides, { high: 5, critical: null });
      assert.equal(set.days.high, 5);
      assert.equal(set.days.critical, null);
      assert.equal(set.days.medium, 90);
      assert.deepEqual(await overdue(T0 + 6 * DAY), ['web']);
      // The server SLA moves the other projects' due dates, not the overridden severity of this one.
      await setSla(db, { high: 3 }, 'admin', T0);
      assert.deepEqual(await overdue(T0 + 4 * DAY), ['api']);
      assert.equal((await loadSla(db, web)).high, 5);
      // A finding that opens later in the project gets the project's days.
      await upload(db, pipeguardReport([finding({ fingerprint: fp(1), severity: 'high' }), finding({ fingerprint: fp(3), severity: 'high' })]), 'w2', T0 + 2 * DAY, 'web');
      const due = (await listFindings(db, { project: 'web' }, {}, T0)).items.map((f) => (f.dueAt! - T0) / DAY).sort();
      assert.deepEqual(due, [5, 7]);
      // Back to the server's days.
      await setProjectSla(db, web, { high: 'default' }, 'admin', T0);
      assert.deepEqual(await overdue(T0 + 4 * DAY), ['api', 'web']);
      await assert.rejects(setProjectSla(db, web, { high: -1 }, 'admin', T0), /days must be a whole number/);
      await assert.rejects(setProjectSla(db, web, { urgent: 1 }, 'admin', T0), /unknown severity/);
      const audit = await db.all<{ action: string }>("SELECT action FROM audit WHERE action = 'project-sla'");
      assert.equal(audit.length, 2);
    });

    test('keyset paging walks 1,234 findings forwards and backwards without gaps or repeats', async () => {
      const db = await kind.open();
      const sevs = ['critical', 'high', 'medium', 'low', 'info'] as const;
      const many = Array.from({ length: 1234 }, (_, i) => finding({ fingerprint: fp(i + 1), severity: sevs[i % 5]!, location: { path: `src/f${i % 7}.js`, startLine: i } }));
      await upload(db, pipeguardReport(many), 'big', T0);
      const seen: number[] = [];
      const pages: string[] = [];
      let after: string | undefined;
      for (let guard = 0; guard < 100; guard++) {
        const p = await listFindings(db, {}, { limit: 100, ...(after ? { after } : {}) }, T0, guard === 0);
        if (guard === 0) assert.equal(p.total, 1234);
        seen.push(...p.items.map((f) => f.id));
        if (p.next) pages.push(p.next);
        if (!p.next) break;
        after = p.next;
      }
      assert.equal(seen.length, 1234);
      assert.equal(new Set(seen).size, 1234);
      // Most severe first.
      const ranks = (await listFindings(db, {}, { limit: 500 }, T0)).items.map((f) => sevs.indexOf(f.severity as (typeof sevs)[number]));
      assert.deepEqual(ranks, [...ranks].sort((x, y) => x - y));
      // Back from the last page: the previous page is the one before it.
      const last = await listFindings(db, {}, { after: pages[pages.length - 1]! , limit: 100 }, T0);
      const prev = await listFindings(db, {}, { before: last.prev!, limit: 100 }, T0);
      assert.deepEqual(prev.items.map((f) => f.id), seen.slice(1100, 1200));
      // Filters: path glob and severity.
      const js3 = await listFindings(db, { path: 'src/f3*', severity: ['high'] }, { limit: 500 }, T0, true);
      assert.ok(js3.items.every((f) => f.path === 'src/f3.js' && f.severity === 'high'), 'filter let others through');
      assert.equal(js3.total, many.filter((f, i) => i % 7 === 3 && f.severity === 'high').length);
    });

    test('SARIF from another tool: identity from partialFingerprints, severity bands, flows, web requests', async () => {
      const db = await kind.open();
      const sarif = (line: number, extra: object[] = []) =>
        JSON.stringify({
          version: '2.1.0',
          $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
          runs: [
            {
              tool: { driver: { name: 'CodeQL', rules: [{ id: 'js/sql-injection', shortDescription: { text: 'SQL injection' }, properties: { 'security-severity': '8.8' } }] } },
              results: [
                {
                  ruleId: 'js/sql-injection',
                  message: { text: 'Query built from user input.' },
                  locations: [{ physicalLocation: { artifactLocation: { uri: 'src/db.js' }, region: { startLine: line, snippet: { text: 'db.query(q)' } } } }],
                  partialFingerprints: { primaryLocationLineHash: 'abc123:1' },
                  codeFlows: [{ threadFlows: [{ locations: [{ location: { physicalLocation: { artifactLocation: { uri: 'src/http.js' }, region: { startLine: 3 } }, message: { text: 'req.query.id' } } }] }] }],
                },
                { ruleId: 'js/xss', level: 'note', message: { text: 'Reflected.' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'https://app.test/search?q=1' } } }], webRequest: { method: 'GET', target: 'https://app.test/search?q=<x>' }, webResponse: { statusCode: 200, body: { text: '<x>' } } },
                ...extra,
              ],
            },
          ],
        });
      await upload(db, sarif(10), 's1', T0);
      const r = await upload(db, sarif(55), 's2', T0 + DAY);
      assert.deepEqual([r.new, r.unchanged, r.fixed], [0, 2, 0]);
      const items = (await listFindings(db, {}, {}, T0)).items;
      const sqli = items.find((f) => f.ruleId === 'js/sql-injection')!;
      assert.equal(sqli.severity, 'high');
      assert.equal(sqli.scanner, 'codeql');
      assert.equal(sqli.line, 55);
      const d = await getFinding(db, sqli.id);
      assert.equal(d.rule?.title, 'SQL injection');
      assert.equal((d.detail['flow'] as unknown[]).length, 1);
      const xss = await getFinding(db, items.find((f) => f.ruleId === 'js/xss')!.id);
      assert.equal(xss.kind, 'http');
      assert.equal(xss.severity, 'low');
      assert.equal((xss.detail['response'] as { statusCode: number }).statusCode, 200);
    });

    test("pipeguard's own SARIF: an advisory's rule files the finding under the scanner's rule, the advisory as an alias", async () => {
      const db = await kind.open();
      await upload(db, render('sarif', sampleReport(), sampleDecision(), { color: false }), 'p1', T0);
      const items = (await listFindings(db, { state: 'all' }, { limit: 500 }, T0)).items;
      const vuln = items.find((f) => f.scanner === 'deps')!;
      assert.equal(vuln.ruleId, 'vulnerable-dependency');
      const d = await getFinding(db, vuln.id);
      assert.ok(d.aliases.includes('GHSA-35JH-R3H4-6JHM'), JSON.stringify(d.aliases));
      assert.equal(items.some((f) => f.ruleId.startsWith('GHSA-')), false);
    });

    test('which projects use a package or are affected by an advisory (findings and SBOMs)', async () => {
      const db = await kind.open();
      const vuln = finding({
        fingerprint: fp(5),
        scanner: 'deps',
        ruleId: 'GHSA-35jh-r3h4-6jhm',
        location: { path: 'package-lock.json', logical: 'lodash@4.17.20' },
        data: { advisoryId: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], package: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' },
      });
      await upload(db, pipeguardReport([vuln], { scanners: ['deps'] }), 'r1', T0, 'shop');
      const bom = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', components: [{ name: 'inner', version: '1.0.0' }] }, { name: 'express', version: '4.18.0' }] });
      await upload(db, bom, 'sbom-1', T0, 'admin-ui');
      assert.deepEqual((await affectedByAdvisory(db, 'cve-2021-23337')).map((r) => [r.project, r.package, r.version, r.open]), [['shop', 'lodash', '4.17.20', 1]]);
      assert.deepEqual((await affectedByPackage(db, 'lodash', '4.17.20')).map((r) => [r.project, r.open, r.inSbom]), [['admin-ui', 0, true], ['shop', 1, false]]);
      assert.deepEqual((await affectedByPackage(db, 'inner', undefined)).map((r) => r.project), ['admin-ui']);
      assert.deepEqual(await affectedByPackage(db, 'lodash', '4.17.21'), []);
    });

    test('triage exports as pipeguard.yml suppressions and imports back', async () => {
      const db = await kind.open();
      const a = finding({ fingerprint: fp(1), ruleId: 'js-eval' });
      const b = finding({ fingerprint: fp(2), ruleId: 'js-xss', location: { path: 'test/fixtures/x.js', startLine: 1 } });
      await upload(db, pipeguardReport([a, b]), 'r1', T0);
      const pid = Number((await db.get<{ id: number }>("SELECT id FROM projects WHERE name = 'web'"))!.id);
      const id = (await listFindings(db, { rule: 'js-eval' }, {}, T0)).items[0]!.id;
      await setTriage(db, { findingId: id, state: 'accepted_risk', reason: 'internal tool only', expires: '2026-06-30', actor: 'alice', now: T0 });
      const yml = await exportSuppressions(db, pid, 'web', T0);
      assert.match(yml, /fingerprint: "?0+1"?/);
      assert.match(yml, /reason: "?accepted risk: internal tool only \(alice\)"?/);
      assert.match(yml, /expires: "?2026-06-30"?/);
      // Import into a fresh database: same triage, recorded in the audit trail.
      const db2 = await kind.open();
      await upload(db2, pipeguardReport([a, b]), 'r1', T0);
      const pid2 = Number((await db2.get<{ id: number }>("SELECT id FROM projects WHERE name = 'web'"))!.id);
      const res = await importSuppressions(db2, pid2, `${yml}\n  - rule: js-xss\n    path: "test/**"\n    reason: "false positive: fixture"\n  - rule: gone\n    reason: nothing matches\n  - rule: js-xss\n    reason: old\n    expires: 2020-01-01\n`, 'bob', T0);
      assert.deepEqual(res, { applied: 2, unmatched: ['rule gone'], expired: ['rule js-xss'] });
      const after = await listFindings(db2, { state: 'all' }, {}, T0);
      const t = Object.fromEntries(after.items.map((f) => [f.ruleId, f.triage]));
      assert.deepEqual(t, { 'js-eval': 'accepted_risk', 'js-xss': 'false_positive' });
      const detail = await getFinding(db2, after.items.find((f) => f.ruleId === 'js-eval')!.id);
      assert.equal(detail.triageReason, 'internal tool only');
      assert.equal(detail.audit[0]!.actor, 'bob');
      await assert.rejects(importSuppressions(db2, pid2, 'suppressions:\n  - reason: x\n', 'bob', T0), /pipeguard.yml:2/);
    });

    test('trend: open counts per day from run snapshots, mean time to fix per week; gate-suppressed findings are marked', async () => {
      const db = await kind.open();
      const a = finding({ fingerprint: fp(1), severity: 'high' });
      const s = finding({ fingerprint: fp(2), severity: 'low' });
      await upload(db, pipeguardReport([a], { suppressed: [{ finding: s, reason: 'documented sample' }] }), 'r1', T0 - 2 * DAY);
      await upload(db, pipeguardReport([]), 'r2', T0);
      const trend = await openTrend(db, T0, 3);
      assert.deepEqual(trend.map((p) => [p.day, p.counts.high, p.counts.low]), [['2026-02-27', 1, 1], ['2026-02-28', 1, 1], ['2026-03-01', 0, 0]]);
      // Mean time to fix: both were opened two days before the run that fixed them, in the last of the weeks.
      const mttf = await meanTimeToFix(db, T0, 2);
      assert.deepEqual(mttf.map((w) => [w.fixed, w.meanDays]), [[0, 0], [2, 2]]);
      const sup = await listFindings(db, { suppressed: 'yes', state: 'all' }, {}, T0);
      assert.deepEqual(sup.items.map((f) => f.suppressed), ['config: documented sample']);
    });

    test('migrations are versioned and run once; a newer database is refused', async () => {
      const db = await kind.open();
      assert.deepEqual(await migrate(db), []);
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [999, 'future', 0]);
      await assert.rejects(migrate(db), /schema version 999, newer/);
    });
  });
}
