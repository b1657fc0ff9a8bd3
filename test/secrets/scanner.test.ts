import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import type { Report } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { render, FORMATS } from '../../src/report/index.js';
import { evaluate } from '../../src/gate/evaluate.js';
import { defaultThreads, hasSpareWorkers, prestartWorkers, releaseWorkers, threadsFor } from '../../src/scanners/secrets/prestart.js';
import { secretsScanner } from '../../src/scanners/secrets/scanner.js';
import { openDirectory } from '../../src/targets/directory.js';
import { makeDir, writeTree } from '../helpers/tmp.js';
import { awsKeyId, githubToken, seeded } from '../helpers/tokens.js';
import { fileLoc } from '../helpers/fixtures.js';

const registry = [secretsScanner];
const now = () => new Date('2026-01-01T00:00:00Z');

async function scanDir(dir: string, threads = 1, workersOnly = false): Promise<Report> {
  return runScan({ target: await openDirectory(dir), registry, now, options: { threads, workersOnly } });
}

test('worker threads give the same findings as one thread, in the same order', async () => {
  // Over the inline threshold so the pool starts.
  const tree: Record<string, string> = {};
  const filler = `${seeded(1, 60)}\n`.repeat(2000);
  for (let i = 0; i < 60; i++) tree[`f${i}.txt`] = filler + (i % 7 === 0 ? `aws_key = ${awsKeyId(100 + i)}\n` : '');
  const dir = makeDir(tree);
  const one = await scanDir(dir, 1);
  const two = await scanDir(dir, 2);
  const workers = await scanDir(dir, 3, true);
  assert.equal(one.findings.length, 9);
  assert.deepEqual(two.findings, one.findings);
  assert.deepEqual(workers.findings, one.findings);
  assert.deepEqual(workers.statuses, one.statuses);
});

test('acceptance: deterministic, fingerprints stable across line shifts, rule ids declared, no raw secret in any format', async () => {
  const keys = [awsKeyId(1), awsKeyId(2)];
  const dir = makeDir({ 'a/b.env': `AWS_ACCESS_KEY_ID=${keys[0]}\n`, 'c.yml': `aws:\n  key: ${keys[1]}\n  again: ${keys[1]}\n` });
  const r1 = await scanDir(dir);
  const r2 = await scanDir(dir);
  assert.deepEqual(r1, r2);
  assert.equal(r1.findings.length, 3, 'the same key twice in one file is two findings');
  assert.equal(new Set(r1.findings.map((f) => f.fingerprint)).size, 3);
  const declared = new Set(secretsScanner.rules(configSchema.parse({}).scanners.secrets).map((r) => r.id));
  for (const f of r1.findings) assert.ok(declared.has(f.ruleId));
  writeTree(dir, { 'c.yml': `# header\n\n\naws:\n  key: ${keys[1]}\n  again: ${keys[1]}\n` });
  const shifted = await scanDir(dir);
  assert.deepEqual(shifted.findings.map((f) => f.fingerprint).sort(), r1.findings.map((f) => f.fingerprint).sort());
  const decision = evaluate(r1, { policy: configSchema.parse({}), now: now() });
  for (const format of FORMATS) {
    const text = render(format, r1, decision, { color: true, verbose: true });
    for (const k of keys) assert.ok(!text.includes(k), `${format} output holds a raw secret`);
  }
});

test('abort is honoured', async () => {
  const dir = makeDir({ 'a.txt': `k=${awsKeyId(5)}\n` });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(runScan({ target: await openDirectory(dir), registry, signal: ac.signal }));
});

test('worker threads reading files themselves skip binaries and still honour inline ignores', async () => {
  const tree: Record<string, string | Uint8Array> = {};
  const filler = `${seeded(2, 60)}\n`.repeat(2000);
  for (let i = 0; i < 50; i++) tree[`f${i}.txt`] = filler;
  // After the 4 MB read inline, these go to the workers.
  tree['z1-secret.txt'] = `aws_key = ${awsKeyId(201)}\n`;
  tree['z2-ignored.txt'] = `aws_key = ${awsKeyId(202)} # pipeguard:ignore[aws-access-key-id] test value\n`;
  tree['z3-binary.dat2'] = Buffer.concat([Buffer.from(`aws_key = ${awsKeyId(203)}\n`), Buffer.from([0, 1, 2])]);
  const dir = makeDir(tree);
  const r = await runScan({ target: await openDirectory(dir), registry, now, options: { threads: 2, workersOnly: true } });
  assert.deepEqual(r.findings.map((f) => fileLoc(f.location).path), ['z1-secret.txt', 'z2-ignored.txt']);
  const ignored = r.findings.find((f) => fileLoc(f.location).path === 'z2-ignored.txt')!;
  assert.match(r.inlineIgnored?.[ignored.fingerprint] ?? '', /test value/);
});

test('files read straight into the automaton: one over several buffer sizes, a BOM, and small files after a big one', async () => {
  // 8 MB: the read buffer (4 MB to start) and the WebAssembly memory grow twice while reading it; secrets at
  // both ends and across the first growth point find their lines.
  const line = `${seeded(3, 70)}\n`;
  const head = `aws_key = ${awsKeyId(301)}\n`;
  const body = line.repeat(Math.ceil((4 << 20) / line.length));
  const big = head + body + `aws_key = ${awsKeyId(302)}\n` + line.repeat(Math.ceil((4 << 20) / line.length)) + `aws_key = ${awsKeyId(303)}\n`;
  const dir = makeDir({
    'a-big.txt': big,
    'b-bom.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`é = 1\naws_key = ${awsKeyId(304)}\n`)]),
    'c-small.txt': `aws_key = ${awsKeyId(305)}\n`,
  });
  for (const threads of [1, 2]) {
    const r = await scanDir(dir, threads, threads > 1);
    assert.deepEqual(
      r.findings.map((f) => [fileLoc(f.location).path, fileLoc(f.location).startLine, fileLoc(f.location).startColumn]),
      [
        ['a-big.txt', 1, 11],
        ['a-big.txt', 2 + body.split('\n').length - 1, 11],
        ['a-big.txt', big.split('\n').length - 1, 11],
        ['b-bom.txt', 2, 11],
        ['c-small.txt', 1, 11],
      ],
      `threads ${threads}`,
    );
  }
});

test('without the WebAssembly automaton (keywords of too many characters) files are read into the shared buffer', async () => {
  const { compileRules } = await import('../../src/analyzers/secrets/engine.js');
  const { BUILTIN_RULES } = await import('../../src/analyzers/secrets/rules/index.js');
  const { analyzeFile } = await import('../../src/scanners/secrets/read.js');
  // 80 distinct printable characters in keywords: more than the WebAssembly table's 63 classes.
  const symbols = Array.from({ length: 80 }, (_, i) => String.fromCharCode(33 + i)).join('');
  const custom = { id: 'many-chars', title: 'x', severity: 'low' as const, keywords: [symbols.toLowerCase()], regex: 'never-matches-\\d{99}', examples: { positive: [], negative: [] } };
  const set = compileRules([...BUILTIN_RULES, custom]);
  assert.equal(set.matcher.input(16), undefined, 'the automaton should have fallen back to JavaScript');
  const line = `${seeded(5, 70)}\n`;
  const body = line.repeat(Math.ceil((3 << 20) / line.length));
  const dir = makeDir({ 'big.txt': body + `aws_key = ${awsKeyId(401)}\n`, 'small.txt': `aws_key = ${awsKeyId(402)}\n` });
  for (const [name, line1] of [['big.txt', body.split('\n').length], ['small.txt', 1]] as const) {
    const r = analyzeFile({ path: name, diskPath: `${dir}/${name}` }, set, false);
    assert.ok('hits' in r, JSON.stringify(r));
    assert.deepEqual(
      r.hits.map((h) => [h.ruleId, h.line]),
      [['aws-access-key-id', line1]],
    );
  }
});

test('default threads: this one plus one per processor the load average leaves idle, up to 4', () => {
  // A quiet machine: every processor, up to 4.
  assert.equal(threadsFor({ processors: 2, load: 0 }), 2);
  assert.equal(threadsFor({ processors: 2, load: 0.4 }), 2);
  assert.equal(threadsFor({ processors: 8, load: 0 }), 4);
  assert.equal(threadsFor({ processors: 1, load: 0 }), 1);
  // A busy one: a worker would only take processor time from other processes (and cost its own start).
  assert.equal(threadsFor({ processors: 2, load: 0.6 }), 1);
  assert.equal(threadsFor({ processors: 2, load: 15 }), 1);
  assert.equal(threadsFor({ processors: 8, load: 5.2 }), 3);
  assert.equal(threadsFor({ processors: 16, load: 40 }), 1);
  const here = defaultThreads();
  assert.ok(here >= 1 && here <= 4);
});

test('threads started ahead wait for their rules, are adopted by the next scan and do its work; unused ones are stopped', async () => {
  const dir = makeDir({ 'a.txt': `aws_key = ${awsKeyId(7)}\n`, 'b.txt': 'nothing here\n', 'c.txt': `AWS_KEY=${awsKeyId(8)}\n` });
  prestartWorkers(2);
  assert.ok(hasSpareWorkers(2));
  // Every file goes to the workers: the findings come from the adopted threads.
  const r = await runScan({ target: await openDirectory(dir), registry, now, options: { threads: 3, workersOnly: true } });
  assert.equal(hasSpareWorkers(2), false, 'adopted');
  assert.deepEqual(r.findings.map((f) => fileLoc(f.location).path), ['a.txt', 'c.txt']);
  assert.deepEqual(r.findings, (await scanDir(dir, 1)).findings);
  // A scan with another thread count starts its own; the waiting ones stay until released.
  prestartWorkers(1);
  const two = await runScan({ target: await openDirectory(dir), registry, now, options: { threads: 3, workersOnly: true } });
  assert.equal(two.findings.length, 2);
  assert.ok(hasSpareWorkers(1));
  releaseWorkers();
  assert.equal(hasSpareWorkers(1), false);
});

test('Kubernetes Secret data: base64 values are decoded and searched, reported at the encoded value', async () => {
  const token = githubToken(7);
  const b64 = Buffer.from(token).toString('base64');
  const plain = Buffer.from('not-a-secret-value').toString('base64');
  const dir = makeDir({
    'deploy/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  token: ${b64}\n  mode: ${plain}\n`,
    // Outside a Secret's data the same value is decoded by the general pass (base64 anywhere).
    'deploy/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\ndata:\n  token: ${b64}\n`,
  });
  const r = await scanDir(dir);
  const decoded = r.findings.filter((f) => f.data?.['decodedFrom']);
  assert.equal(decoded.length, 2, JSON.stringify(r.findings.map((f) => [f.ruleId, f.location])));
  const f = decoded.find((d) => fileLoc(d.location).path === 'deploy/secret.yaml')!;
  assert.equal(f.ruleId, 'github-pat');
  assert.equal(fileLoc(f.location).startLine, 7);
  assert.equal((fileLoc(f.location) as { startColumn?: number }).startColumn, 10);
  assert.match(f.message, /base64 in a Kubernetes Secret/);
  const g = decoded.find((d) => fileLoc(d.location).path === 'deploy/configmap.yaml')!;
  assert.equal(g.ruleId, 'github-pat');
  assert.equal(g.data?.['decodedFrom'], 'base64');
  // The manifest rule yields to the secret decoded at the same place; the harmless value alone is not reported.
  assert.ok(!r.findings.some((x) => x.ruleId === 'kubernetes-secret-data' && fileLoc(x.location).path === 'deploy/secret.yaml' && fileLoc(x.location).startLine === 7));
  const all = JSON.stringify(r);
  assert.ok(!all.includes(token) && !all.includes(b64), 'neither the secret nor its encoding is printed');
});

test('an encoded secret in a file read from disk is placed at its run, after plain secrets and others decoded before it', async () => {
  // The file is read into the keyword automaton's memory; searching a decoded value must not overwrite it.
  const token = githubToken(12);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const text = `// header\n${'x = 1\n'.repeat(5)}const a = '${b64(`password = 'Xy9zQ2wE7rT5uI8oP1aS'`)}';\nconst k = '${awsKeyId(7)}';\nconst b = '${b64(`GITHUB_TOKEN=${token}`)}';\n`;
  const r = await scanDir(makeDir({ 'a.js': text }));
  const at = r.findings.map((f) => [f.ruleId, (fileLoc(f.location) as { startLine?: number }).startLine, (fileLoc(f.location) as { startColumn?: number }).startColumn, f.evidence?.slice(0, 12)]);
  assert.deepEqual(at, [
    ['generic-password', 7, 12, "const a = 'X"],
    ['aws-access-key-id', 8, 12, "const k = 'A"],
    ['github-pat', 9, 12, "const b = 'g"],
  ]);
});

test('encoded secrets anywhere: base64, base64url, hex, percent-encoding and base64 in base64 are decoded, with bounds', async () => {
  const token = githubToken(11);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const dir = makeDir({
    'a.env': `BLOB=${b64(`GITHUB_TOKEN=${token}`)}\n`,
    'b.json': `{"v": "${Buffer.from(`token: ${token}?>>`).toString('base64url')}"}\n`,
    'c.ini': `hex = ${Buffer.from(`key=${token}`).toString('hex')}\n`,
    'd.txt': `see https://x.example/cb?state=${encodeURIComponent(`{"token":"${token}"}`)}\n`,
    'e.yaml': `double: ${b64(b64(`k=${token}`))}\n`,
    // Lockfiles are encoded data by design; binary after decoding and words are not tried.
    'package-lock.json': `{"x": "${b64(`GITHUB_TOKEN=${token}`)}"}\n`,
    'f.txt': `${Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256)).toString('base64')} ThisIsAVeryLongIdentifierWithoutDigitsAtAll\n`,
  });
  const r = await scanDir(dir);
  const by = new Map(r.findings.filter((f) => f.data?.['decodedFrom']).map((f) => [fileLoc(f.location).path, f]));
  assert.deepEqual([...by.keys()].sort(), ['a.env', 'b.json', 'c.ini', 'd.txt', 'e.yaml']);
  assert.equal(by.get('a.env')!.data?.['decodedFrom'], 'base64');
  assert.equal(by.get('b.json')!.data?.['decodedFrom'], 'base64url');
  assert.equal(by.get('c.ini')!.data?.['decodedFrom'], 'hex');
  assert.equal(by.get('d.txt')!.data?.['decodedFrom'], 'percent-encoding');
  assert.equal(by.get('e.yaml')!.data?.['decodedFrom'], 'base64 in base64');
  for (const f of by.values()) assert.equal(f.ruleId, 'github-pat');
  assert.equal((fileLoc(by.get('c.ini')!.location) as { startColumn?: number }).startColumn, 7);
  assert.ok(!JSON.stringify(r).includes(token));
});
