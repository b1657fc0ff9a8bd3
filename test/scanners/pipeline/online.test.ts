import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeDir } from '../../helpers/tmp.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { runScan } from '../../../src/engine/run.js';
import { configSchema } from '../../../src/config/schema.js';
import { pipelineScanner } from '../../../src/scanners/pipeline/scanner.js';
import { usesRefs } from '../../../src/scanners/pipeline/online.js';

const sha = (c: string): string => c.repeat(40);
const [A, B, C, D, E, F] = ['a', 'b', 'c', 'd', 'e', 'f'].map(sha) as [string, string, string, string, string, string];

const WORKFLOW = `name: ci
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/act@${A} # v1
      - uses: acme/act@${B} # v1
      - uses: acme/act@${F}
      - uses: acme/act@${E}
      - uses: acme/act@main
      - uses: acme/act@v2
`;

/** A GitHub API double on 127.0.0.1: acme/act has tags v1 (A), v2 (B), main (C) and branches main (C), dev (D). */
async function apiDouble(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const auth = req.headers.authorization;
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (auth !== 'Bearer test-token') return json(401, { message: 'Bad credentials' });
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/repos/acme/act/tags') return json(200, u.searchParams.get('page') === '1' ? [{ name: 'v1', commit: { sha: A } }, { name: 'v2', commit: { sha: B } }, { name: 'main', commit: { sha: C } }] : []);
    if (u.pathname === '/repos/acme/act/branches') return json(200, u.searchParams.get('page') === '1' ? [{ name: 'main', commit: { sha: C } }, { name: 'dev', commit: { sha: D } }] : []);
    if (u.pathname === `/repos/acme/act/compare/main...${F}`) return json(200, { status: 'behind' });
    if (u.pathname.startsWith('/repos/acme/act/compare/')) return json(200, { status: 'diverged' });
    return json(404, { message: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

async function scan(pipeline: Record<string, unknown>, options: Record<string, unknown>) {
  const dir = makeDir({ '.github/workflows/ci.yml': WORKFLOW });
  return runScan({ target: await openDirectory(dir), config: configSchema.parse({ scanners: { pipeline } }), registry: [pipelineScanner], now: () => new Date(0), options });
}

test('usesRefs reads owner, repo, ref, the version comment and the column of each uses:', () => {
  const refs = usesRefs('w.yml', WORKFLOW);
  assert.equal(refs.length, 6);
  assert.deepEqual([refs[0]!.owner, refs[0]!.repo, refs[0]!.ref, refs[0]!.comment, refs[0]!.line, refs[0]!.column], ['acme', 'act', A, 'v1', 8, 15]);
  assert.equal(refs[4]!.ref, 'main');
  assert.equal(usesRefs('a.yml', '    - uses: ./local\n    - uses: docker://alpine:3\n').length, 0);
});

test('--online: impostor commit, ref confusion, stale ref and a mismatched version comment, from a local API double; cached requests', async () => {
  const api = await apiDouble();
  try {
    const report = await scan({ githubApi: api.url }, { online: true, env: { GITHUB_TOKEN: 'test-token' } });
    const got = report.findings.filter((f) => (f.data as { online?: boolean } | undefined)?.online).map((f) => `${f.ruleId}:${(f.location as { startLine: number }).startLine}`).sort();
    assert.deepEqual(got, ['gha-impostor-commit:11', 'gha-ref-confusion:12', 'gha-ref-version-mismatch:9', 'gha-stale-action-ref:10', 'gha-stale-action-ref:11'].sort());
    // Each list is fetched once for the six references (cache), and the walk is bounded.
    assert.equal(api.hits.filter((h) => h.startsWith('/repos/acme/act/tags')).length, 1);
    assert.ok(api.hits.length < 40, `${api.hits.length} requests`);
  } finally {
    await api.close();
  }
});

test('--online without a token, or in an offline run, is skipped with a note; a request budget stops the walk with a note', async () => {
  const api = await apiDouble();
  try {
    const none = await scan({ githubApi: api.url, online: true }, { env: {} });
    assert.ok(none.warnings?.some((w) => /online checks .* skipped: no GITHUB_TOKEN/.test(w)));
    const offline = await scan({ githubApi: api.url }, { online: true, offline: true, env: { GITHUB_TOKEN: 'test-token' } });
    assert.ok(offline.warnings?.some((w) => /skipped: the run is offline/.test(w)));
    assert.equal(api.hits.length, 0);
    const bounded = await scan({ githubApi: api.url, onlineMaxRequests: 2 }, { online: true, env: { GITHUB_TOKEN: 'test-token' } });
    assert.ok(bounded.warnings?.some((w) => /stopped after 2 GitHub API requests/.test(w)));
    assert.ok(api.hits.length <= 2);
  } finally {
    await api.close();
  }
});
