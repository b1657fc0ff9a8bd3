import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ForgeDouble, type Recording } from '../helpers/forge-double.js';
import { cli } from '../helpers/cli.js';
import { makeDir, makeRepo } from '../helpers/tmp.js';
import { recording } from '../posture/helpers.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(new URL('../report/fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object);
// The required shape of Scorecard's JSON output (format v2), from its pkg/scorecard/json.v2.schema.
const validateScorecard = ajv.compile({
  type: 'object',
  required: ['date', 'repo', 'scorecard', 'score', 'checks', 'metadata'],
  properties: {
    date: { type: 'string' },
    repo: { type: 'object', required: ['name', 'commit'], properties: { name: { type: 'string' }, commit: { type: 'string' } } },
    scorecard: { type: 'object', required: ['version', 'commit'] },
    score: { type: 'number' },
    metadata: { type: 'array', items: { type: 'string' } },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['details', 'score', 'reason', 'name', 'documentation'],
        properties: { details: { type: 'array', items: { type: 'string' } }, score: { type: 'integer' }, reason: { type: 'string' }, name: { type: 'string' }, documentation: { type: 'object', required: ['url', 'short'] } },
      },
    },
  },
});

const TOKEN = 'ghp_' + 'Zx9'.repeat(12);
const weak = new ForgeDouble(recording('github-weak'));
const hardened = new ForgeDouble(recording('github-hardened'));
before(async () => {
  for (const d of [weak, hardened]) {
    await d.start();
    d.tokens = { [TOKEN]: ['*'] };
  }
});
after(async () => {
  await weak.stop();
  await hardened.stop();
});

const dir = makeDir();
const run = (args: string[], env: Record<string, string> = {}) => cli(['posture', ...args, '--cache-dir', join(dir, 'cache')], { cwd: dir, env: { GITHUB_TOKEN: TOKEN, ...env } });

test('posture --github: JSON report with the posture block, exit 1 on high findings, the token printed nowhere', async () => {
  const r = await run(['--github', 'acme/legacy-api', '--api-url', weak.url, '-f', 'json']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; gate: string; location: { path: string } }[]; posture: { repositories: { reviews: { rate: number }; scorecard: { score: number }; checks: { id: string; status: string }[] }[]; api: { requests: number } } };
  assert.equal(doc.findings.length, 42);
  assert.ok(doc.findings.some((f) => f.ruleId === 'forge-branch-unprotected' && f.gate === 'violation'), 'doc.findings.some((f) => f.ruleId === \'forge-branch-unprotected\' && f.gate === \'violation\')');
  const repo = doc.posture.repositories[0]!;
  assert.equal(repo.reviews.rate, 0.25);
  assert.equal(repo.scorecard.score, 2.9, 'the risk-weighted mean of the 17 conclusive checks');
  assert.deepEqual(repo.checks.find((c) => c.id === 'forge-branch-unprotected'), { id: 'forge-branch-unprotected', status: 'fail', findings: 1 });
  assert.deepEqual(repo.checks.find((c) => c.id === 'forge-webhook-no-secret')?.status, 'fail');
  assert.ok(doc.posture.api.requests > 20, 'doc.posture.api.requests > 20');
  assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), '!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN)');
});

test('posture --format scorecard is Scorecard JSON v2; SARIF validates; the table ends with the posture summary', async () => {
  const sarif = join(dir, 'p.sarif');
  const r = await run(['--github', 'acme/legacy-api', '--api-url', weak.url, '-f', 'scorecard', '-o', join(dir, 'p.scorecard.json'), '-f', 'sarif', '-o', sarif]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^pipeguard: FAIL: 42 finding\(s\) on 1 repository/);
  const sc = JSON.parse(readFileSync(join(dir, 'p.scorecard.json'), 'utf8')) as { score: number; repo: { name: string; commit: string }; checks: { name: string; score: number }[] };
  assert.ok(validateScorecard(sc), JSON.stringify(validateScorecard.errors));
  assert.equal(sc.score, 2.9);
  assert.deepEqual(sc.repo, { name: 'github.com/acme/legacy-api', commit: 'a1'.repeat(20) });
  // Every Scorecard check, by name, in Scorecard's order (alphabetical).
  assert.deepEqual(sc.checks.map((c: { name: string }) => c.name), [
    'Binary-Artifacts', 'Branch-Protection', 'CI-Tests', 'CII-Best-Practices', 'Code-Review', 'Contributors', 'Dangerous-Workflow', 'Dependency-Update-Tool', 'Fuzzing',
    'License', 'Maintained', 'Packaging', 'Pinned-Dependencies', 'SAST', 'Security-Policy', 'Signed-Releases', 'Token-Permissions', 'Vulnerabilities', 'Webhooks',
  ]);
  const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: { ruleId: string; locations: { logicalLocations?: { name: string }[] }[] }[] }[] };
  assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3)));
  const unprotected = log.runs[0]!.results.find((x) => x.ruleId === 'forge-branch-unprotected')!;
  assert.equal(unprotected.locations[0]!.logicalLocations![0]!.name, 'github.com/acme/legacy-api branches/main/protection');
  const t = await run(['--github', 'acme/legacy-api', '--api-url', weak.url]);
  assert.match(t.stdout, /posture:\n {2}github\.com\/acme\/legacy-api: review 1\/4 human changes reviewed \(25%\); Scorecard 2\.9\/10; /);
  assert.match(t.stdout, /API: \d+ requests \(\d+ answered 304 Not Modified\)/);
});

test('posture: a hardened repository passes (exit 0); --fail-on none passes a weak one', async () => {
  const ok = await run(['--github', 'acme/payments', '--api-url', hardened.url, '-f', 'markdown']);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /### Posture\n\n\| Repository \| Reviewed changes \| Scorecard \| Checks \|/);
  assert.match(ok.stdout, /\| github\.com\/acme\/payments \| 2\/2 \(100%\) \| 10\.0 \|/);
  const none = await run(['--github', 'acme/legacy-api', '--api-url', weak.url, '--fail-on', 'none', '-f', 'json']);
  assert.equal(none.code, 0);
});

test('posture --offline answers from the cache with no request', async () => {
  const cacheRun = (args: string[]) => cli(['posture', ...args], { cwd: dir, env: { GITHUB_TOKEN: TOKEN } });
  const c = join(dir, 'offline-cache');
  const first = await cacheRun(['--github', 'acme/payments', '--api-url', hardened.url, '--cache-dir', c, '-f', 'json']);
  const n = hardened.seen.length;
  const second = await cacheRun(['--github', 'acme/payments', '--api-url', hardened.url, '--cache-dir', c, '-f', 'json', '--offline']);
  assert.equal(hardened.seen.length, n);
  const strip = (s: string) => {
    const d = JSON.parse(s) as { findings: unknown; posture: { repositories: unknown } };
    return { findings: d.findings, repositories: d.posture.repositories };
  };
  assert.deepEqual(strip(second.stdout), strip(first.stdout));
});

test('posture --path runs the file checks on a local checkout, not through the API', async () => {
  const repo = makeRepo([{ files: { 'SECURITY.md': 'security@acme.example\n', 'package.json': '{"dependencies":{"a":"1.0.0"}}\n' } }]);
  const n = weak.count('/repos/acme/legacy-api/git/blobs');
  const r = await run(['--github', 'acme/legacy-api', '--api-url', weak.url, '--path', repo, '-f', 'json']);
  assert.equal(weak.count('/repos/acme/legacy-api/git/blobs'), n, 'no blob read through the API');
  const ids = (JSON.parse(r.stdout) as { findings: { ruleId: string; location: { path?: string; repository?: string } }[] }).findings.filter((f) => f.ruleId.startsWith('posture-')).map((f) => `${f.ruleId} ${f.location.path ?? f.location.repository}`);
  assert.deepEqual(ids.sort(), ['posture-missing-lockfile package.json', 'posture-no-dependency-updates github.com/acme/legacy-api']);
});

test('posture: usage and input errors are one line and exit 2', async () => {
  const closed = await closedPort();
  const cases: [string[], RegExp][] = [
    [[], /give exactly one of --github OWNER\/REPO, --gitlab GROUP\/PROJECT, --org ORG/],
    [['--github', 'a/b', '--gitlab', 'c/d'], /give exactly one of/],
    [['--github', 'a/b', '--forge', 'gitlab'], /--forge goes with --org/],
    [['--org', 'acme', '--path', '.'], /--path checks one repository/],
    [['--github', 'a/b', '-f', 'xml'], /unknown format xml \(use table, json, sarif, junit, markdown, html, gitlab-sast, .*, scorecard\)/],
    [['--github', 'a/b', '--api-url', 'ftp://x'], /--api-url takes an http\(s\) URL/],
    [['--github', 'a/b', '--api-url', 'https://user:pw@x.example'], /must not hold credentials/],
    [['--github', 'a/b', '--max-wait', 'soon'], /--max-wait takes a whole number of seconds/],
    [['--github', 'acme/nope', '--api-url', weak.url], /GitHub repository acme\/nope not found or not visible to the token \(404: Not Found\)/],
    [['--github', 'acme/payments', '--api-url', `http://127.0.0.1:${closed}`], /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});

test('posture --org: every repository of the organisation, organisation settings, file findings under each repository', async () => {
  const org = await new ForgeDouble(orgRecording()).start();
  org.tokens = { [TOKEN]: ['*'] };
  try {
    const r = await run(['--org', 'acme', '--api-url', org.url, '-f', 'json', '--fail-on', 'critical']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; location: { path?: string; repository?: string } }[]; posture: { repositories: { repository: string }[]; organisation: { checks: { id: string; status: string }[] } } };
    assert.deepEqual(doc.posture.repositories.map((x) => x.repository), ['github.com/acme/legacy-api', 'github.com/acme/payments']);
    assert.deepEqual(doc.posture.organisation.checks, [
      { id: 'forge-org-2fa-not-required', status: 'fail', findings: 1 },
      { id: 'forge-org-base-permission-write', status: 'pass', findings: 0 },
    ]);
    const paths = doc.findings.map((f) => `${f.ruleId} ${f.location.path ?? f.location.repository}`);
    assert.ok(paths.includes('forge-org-2fa-not-required github.com/acme'), 'paths.includes(\'forge-org-2fa-not-required github.com/acme\')');
    assert.ok(paths.includes('posture-missing-lockfile github.com/acme/legacy-api/package.json'), 'file paths are under their repository');
    assert.ok(!paths.some((p) => p.includes('acme/payments') && p.startsWith('forge-')), 'the hardened repository has no finding');
    assert.equal(org.seen.filter((s) => s.path === '/repos/acme/legacy-api').length, 0, 'the listing already holds each repository');
    const sc = await run(['--org', 'acme', '--api-url', org.url, '-f', 'scorecard', '--fail-on', 'none']);
    const arr = JSON.parse(sc.stdout) as unknown[];
    assert.equal(arr.length, 2);
    for (const x of arr) assert.ok(validateScorecard(x), 'validateScorecard(x)');
  } finally {
    await org.stop();
  }
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An organisation of the two recorded repositories (GraphQL answers told apart by repository name). */
function orgRecording(): Recording {
  const a = recording('github-weak');
  const b = recording('github-hardened');
  const tag = (rec: Recording, name: string) => (rec.routes['POST /graphql']!.graphql ?? []).map((g) => ({ ...g, variables: { ...g.variables, name } }));
  const repo = (rec: Recording, name: string) => rec.routes[`GET /repos/acme/${name}`]!.body;
  return {
    forge: 'github',
    routes: {
      ...a.routes,
      ...b.routes,
      'POST /graphql': { graphql: [...tag(a, 'legacy-api'), ...tag(b, 'payments')] },
      'GET /orgs/acme/repos': { paginate: true, body: [repo(b, 'payments'), repo(a, 'legacy-api'), { ...(repo(a, 'legacy-api') as object), name: 'old', full_name: 'acme/old', archived: true }] },
      'GET /orgs/acme': { body: { login: 'acme', id: 5000, html_url: 'https://github.com/acme', two_factor_requirement_enabled: false, default_repository_permission: 'read', members_can_create_repositories: false } },
      'GET /orgs/acme/members': { paginate: true, body: [{ login: 'octo-admin', id: 7000 }] },
    },
  };
}

test('posture: suppressions and baselines work on repository locations (path globs match the repository)', async () => {
  writeFileSync(join(dir, 'suppress.yml'), 'version: 1\nsuppressions:\n  - rule: forge-branch-unprotected\n    path: "github.com/acme/*"\n    reason: the legacy API is frozen, tracked in SEC-12\n');
  const r = await run(['--github', 'acme/legacy-api', '--api-url', weak.url, '-c', join(dir, 'suppress.yml'), '-f', 'json']);
  const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; fingerprint: string }[]; suppressed: { ruleId: string; reason: string }[] };
  assert.deepEqual(doc.suppressed.map((s) => [s.ruleId, s.reason]), [['forge-branch-unprotected', 'the legacy API is frozen, tracked in SEC-12']]);
  assert.equal(doc.findings.filter((f) => f.ruleId === 'forge-branch-unprotected').length, 0);
  writeFileSync(join(dir, 'base.json'), r.stdout);
  const again = await run(['--github', 'acme/legacy-api', '--api-url', weak.url, '--baseline', join(dir, 'base.json'), '-c', join(dir, 'suppress.yml'), '-f', 'json']);
  assert.equal(again.code, 0, 'every finding is in the baseline: the fingerprints of settings are stable across runs');
});
