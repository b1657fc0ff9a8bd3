/**
 * The acceptance test every registered scanner must pass: each rule declared once, documented, with a positive and
 * a look-alike (inline fixture expectations, a tree case, or the rule's own examples); tree cases hold; a scan
 * stops on abort; the same input gives the same report; no secret reaches any report format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { SEVERITIES } from '../../src/core/types.js';
import type { RuleMeta, Scanner } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { evaluate } from '../../src/gate/evaluate.js';
import { FORMATS, render } from '../../src/report/index.js';
import { loadScanners } from '../../src/scanners/index.js';
import { openDirectory } from '../../src/targets/directory.js';
import { testAdvisoryDb } from '../helpers/advisories.js';
import { parseExpectations } from '../helpers/fixtures.js';
import { listFiles, runCase, type TreeCase } from '../helpers/rule-tester.js';
import { makeDir, makeRepo } from '../helpers/tmp.js';
import { awsKeyId, githubToken, seeded } from '../helpers/tokens.js';
import { CASES } from './cases.js';
import { SUITES } from './suites.js';

const db = testAdvisoryDb();
const config = configSchema.parse({});
const sections = config.scanners as Record<string, unknown>;
const scanners: Scanner[] = await loadScanners();
const rulesOf = (s: Scanner): RuleMeta[] => s.rules(sections[s.id]);

/** Rules shown positively and negatively, per scanner, by fixture annotations, tree cases and rule examples. */
function coverage(): { positive: Set<string>; negative: Set<string> } {
  const positive = new Set<string>();
  const negative = new Set<string>();
  for (const suite of SUITES) {
    for (const rel of listFiles(suite.dir)) {
      for (const e of parseExpectations(readFileSync(join(suite.dir, rel), 'utf8'))) (e.kind === 'ruleid' ? positive : negative).add(`${suite.scanner}/${e.ruleId}`);
    }
  }
  // DAST: each annotated route of the test application is a positive (its /vuln variant) and a look-alike (its
  // /fixed twin, which test/dast/*.test.ts keep silent).
  for (const e of parseExpectations(readFileSync(new URL('../dast/app/routes.ts', import.meta.url), 'utf8'))) {
    if (e.kind === 'ruleid') for (const set of [positive, negative]) set.add(`dast/${e.ruleId}`);
  }
  for (const c of CASES) {
    for (const id of c.positive) positive.add(`${c.scanner}/${id}`);
    for (const id of c.negative) negative.add(`${c.scanner}/${id}`);
  }
  for (const s of scanners) {
    for (const r of rulesOf(s)) {
      if (r.examples?.positive.length) positive.add(`${s.id}/${r.id}`);
      if (r.examples?.negative.length) negative.add(`${s.id}/${r.id}`);
    }
  }
  return { positive, negative };
}

test('every rule id is unique across scanners, kebab-case, and fully described', () => {
  const seen = new Map<string, string>();
  for (const s of scanners) {
    const rules = rulesOf(s);
    assert.ok(rules.length > 0, `${s.id} declares no rules`);
    for (const r of rules) {
      assert.equal(seen.get(r.id), undefined, `${r.id} is declared by ${seen.get(r.id)} and ${s.id}`);
      seen.set(r.id, s.id);
      assert.match(r.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, `${r.id} is not kebab-case`);
      assert.equal(r.scanner, s.id, r.id);
      assert.ok(r.title.length >= 3, `${r.id}: title`);
      assert.ok(r.help.length >= 20, `${r.id}: help text`);
      assert.ok(SEVERITIES.includes(r.severity), `${r.id}: severity ${r.severity}`);
      assert.ok(r.helpUri?.includes(`/docs/rules/${s.id}.md#${r.id}`), `${r.id}: helpUri`);
    }
  }
});

test('every rule has a positive example and a look-alike that must stay silent', () => {
  const { positive, negative } = coverage();
  const missing: string[] = [];
  for (const s of scanners) {
    for (const r of rulesOf(s)) {
      const key = `${s.id}/${r.id}`;
      if (!positive.has(key)) missing.push(`${key} (no positive)`);
      if (!negative.has(key)) missing.push(`${key} (no look-alike)`);
    }
  }
  assert.deepEqual(missing, []);
  const known = new Set(scanners.flatMap((s) => rulesOf(s).map((r) => `${s.id}/${r.id}`)));
  for (const key of [...positive, ...negative]) assert.ok(known.has(key), `an example names unknown rule ${key}`);
});

/** The folder of a tree case: a git repository when the case asks for one. */
function caseTree(c: TreeCase): string {
  return c.git ? makeRepo([{ files: c.files, message: 'initial' }]) : makeDir(c.files);
}

for (const c of CASES) {
  test(`tree case: ${c.name}`, async () => {
    const withDb = c.scanner === 'deps' || c.scanner === 'pipeline' ? { ...c, config: { ...c.config, scanners: { [c.scanner]: { db } } } } : c;
    assert.deepEqual(await runCase(withDb, caseTree), []);
  });
}

test('every scanner stops on abort: an aborted scan yields no finding', async () => {
  const ac = new AbortController();
  ac.abort();
  for (const suite of SUITES) {
    const [scanner] = await loadScanners([suite.scanner]);
    const report = await runScan({ target: await openDirectory(suite.dir, { gitignore: false }), config, registry: [scanner!], signal: ac.signal }).catch(() => undefined);
    assert.equal(report?.findings.length ?? 0, 0, `${suite.scanner} reported findings after abort`);
  }
});

/** A tree holding a secret in every place a scanner reads, so every scanner has a finding or a snippet near one. */
function seededTree(): { files: Record<string, string>; secrets: string[] } {
  const gh = githubToken(7);
  const aws = awsKeyId(11);
  const pw = `Pw-${seeded(13, 24)}`;
  const secrets = [gh, aws, pw];
  const files = {
    '.env': `GITHUB_TOKEN=${gh}\nAWS_ACCESS_KEY_ID=${aws}\n`,
    'Dockerfile': `FROM node:20\nENV DB_PASSWORD=${pw}\nENV API_TOKEN=${gh}\n`,
    '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      DEPLOY_TOKEN: ${gh}\n    steps:\n      - run: echo "${pw}"\n`,
    'k8s/app.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app:1\n      env:\n        - name: DB_PASSWORD\n          value: "${pw}"\n`,
    'docker-compose.yml': `services:\n  web:\n    image: web:1\n    environment:\n      API_TOKEN: "${gh}"\n`,
    'src/app.js': `const password = "${pw}";\nconst token = "${gh}";\nconst jwt = require('jsonwebtoken');\njwt.sign({ a: 1 }, "${pw}");\n`,
  };
  return { files, secrets };
}

test('no secret reaches any report format, with every scanner on, verbose or not', async () => {
  const { files, secrets } = seededTree();
  const dir = makeDir(files);
  const report = await runScan({ target: await openDirectory(dir, { gitignore: false }), config: configSchema.parse({ scanners: { deps: { db } } }), now: () => new Date('2026-01-02T03:04:05Z') });
  assert.ok(report.findings.some((f) => f.scanner === 'secrets'), 'the secrets scanner found the seeded secrets');
  assert.ok(new Set(report.findings.map((f) => f.scanner)).size >= 4, 'several scanners reported on the seeded tree');
  const decision = evaluate(report, { policy: configSchema.parse({}), now: new Date('2026-01-02T03:04:05Z') });
  for (const format of FORMATS) {
    for (const verbose of [false, true]) {
      const out = render(format, report, decision, { color: false, verbose });
      for (const s of secrets) assert.ok(!out.includes(s), `${format}${verbose ? ' (verbose)' : ''} printed a secret whole (${s.slice(0, 4)}…)`);
    }
  }
});

test('the same input gives the same report, byte for byte', async () => {
  const { files } = seededTree();
  const dir = makeDir(files);
  const once = async () => {
    const report = await runScan({ target: await openDirectory(dir, { gitignore: false }), config: configSchema.parse({ scanners: { deps: { db } } }), now: () => new Date('2026-01-02T03:04:05Z') });
    return render('json', report, evaluate(report, { policy: configSchema.parse({}), now: new Date('2026-01-02T03:04:05Z') }), { color: false });
  };
  assert.equal(await once(), await once());
});
