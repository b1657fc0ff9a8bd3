import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileCondition } from '../../src/core/cel.js';
import { compare, derivePytm, loadPeers, PEERS_DIR, pipeguardThreats, pytmConditionToCel, threagileRisks } from '../../bench/lib/threatmodel-peers.js';
import { makeDir } from '../helpers/tmp.js';

test('the peer example models load and validate through our loader; their threat data cross-checks', () => {
  const data = loadPeers();
  assert.equal(data.pytm.model.elements.size, 5);
  assert.equal(data.pytm.model.flows.length, 6);
  assert.equal(data.pytm.threats.length, 101);
  assert.equal(data.threagile.model.elements.size, 14);
  assert.equal(data.threagile.model.flows.length, 20);
  assert.equal(data.threagile.risks.rules.length + data.threagile.risks.notDerived.length, 42);
  assert.equal(threagileRisks(data.threagile).length, 54);
});

test('bad peer data is refused with the file named', () => {
  const dir = makeDir({});
  cpSync(PEERS_DIR, dir, { recursive: true });
  const mapping = JSON.parse(readFileSync(join(dir, 'mapping.json'), 'utf8'));
  mapping.pytm.INP01.pipeguard = ['tm-no-such-rule'];
  writeFileSync(join(dir, 'mapping.json'), JSON.stringify(mapping));
  assert.throws(() => loadPeers(dir), /mapping\.json: pytm INP01: unknown pipeguard rule tm-no-such-rule/);
  cpSync(join(PEERS_DIR, 'mapping.json'), join(dir, 'mapping.json'));
  const risks = JSON.parse(readFileSync(join(dir, 'threagile/risks.json'), 'utf8'));
  risks.risks[0].target.id = 'nowhere';
  writeFileSync(join(dir, 'threagile/risks.json'), JSON.stringify(risks));
  assert.throws(() => loadPeers(dir), /threagile\/risks\.json: nowhere is not an element or flow/);
});

test("pytm's Python conditions become equivalent CEL", () => {
  assert.equal(pytmConditionToCel('target.a is True and (target.b is False or not target.c)'), 'target.a == true && (target.b == false || !target.c)');
  const run = (cond: string, target: Record<string, unknown>) => compileCondition(pytmConditionToCel(cond))({ target });
  assert.equal(run("target.protocol == 'HTTP' and target.usesVPN is False", { protocol: 'HTTP', usesVPN: false }), true);
  assert.equal(run("target.protocol != 'HTTPS' or target.usesLatestTLSversion is False", { protocol: 'HTTPS', usesLatestTLSversion: true }), false);
  // Identifiers that contain and/or/not are left alone.
  assert.equal(pytmConditionToCel('target.handlesResourceConsumption is False'), 'target.handlesResourceConsumption == false');
});

test("pytm's threats on tm.py follow its conditions and tm.py's attributes", () => {
  const data = loadPeers();
  const found = derivePytm(data.pytm);
  const on = (id: string) => new Set(found.filter((t) => t.target === id).map((t) => t.id));
  // DS06 (data leak) on every flow; nothing on the Actor (pytm's external-entity threats target ExternalEntity).
  assert.equal(found.filter((t) => t.id === 'DS06').length, 6);
  assert.equal(on('user').size, 0);
  // The web server is hardened (no DS03 footprinting), neither validates nor sanitizes input (HA01) and has no
  // access control (AC07).
  assert.ok(!on('web').has('DS03') && on('web').has('HA01') && on('web').has('AC07'));
  // The database is not hardened; Lambda has access control but validates no input.
  assert.ok(on('lambda').has('INP13') && !on('lambda').has('API01'));
  // Only the threats whose target class matches: Server threats never land on a Datastore.
  assert.ok(!on('db').has('INP05') && on('db').has('AC01'));
});

test('the comparison counts what each tool reports that the other does not', () => {
  const data = loadPeers();
  const c = compare(data.threagile.model, threagileRisks(data.threagile), pipeguardThreats(data.threagile.model), data.mapping.threagile);
  const k = c.counts;
  assert.equal(k.peer, k.peerMatched + k.peerMissedWithRule + k.peerNoRule);
  assert.equal(k.pipeguard, k.pipeguardMatched + k.pipeguardOnly);
  // The LDAP-injection risk Threagile raises on the CMS's directory lookup is one pipeguard reports too.
  const auth = c.rows.find((r) => r.target === 'auth-traffic')!;
  assert.ok(auth.peerMatched.some((r) => r.id === 'ldap-injection') && auth.matchedBy.includes('tm-flow-ldap-injection'));
  // SSRF: Threagile's risk is on the outgoing flow, pipeguard's on the process making the request.
  const erp = c.rows.find((r) => r.target === 'erp-system-traffic')!;
  assert.ok(erp.matchedBy.includes('tm-process-ssrf@apache-webserver'));
});
