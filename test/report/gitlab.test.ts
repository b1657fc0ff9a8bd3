// GitLab's native reports validate against GitLab's report schemas (15.0.7, test/fixtures/gitlab) and put each
// finding in the report GitLab shows it in: the sample run, a CLI scan of a flawed project, and a real image.
/* eslint-disable @typescript-eslint/no-explicit-any -- reading parsed JSON */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { writeDatabase } from '../../src/advisories/db.js';
import { loadRecords } from '../../src/advisories/load.js';
import { renderCodeQuality } from '../../src/report/codequality.js';
import { renderGitlab, type GitlabReportType } from '../../src/report/gitlab.js';
import { cli } from '../helpers/cli.js';
import { testAdvisoryDb } from '../helpers/advisories.js';
import { makeDir } from '../helpers/tmp.js';
import { SAMPLE_SECRETS, sampleProject } from '../helpers/sample-project.js';
import { F, PLANTED, sampleDecision, sampleReport } from './sample.js';

const FIXTURES = new URL('../fixtures/gitlab/', import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: false });
const schemaFor = (name: string) => ajv.compile(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as object);
const VALIDATE: Record<GitlabReportType | 'codequality', ReturnType<typeof schemaFor>> = {
  sast: schemaFor('sast-report-format.json'),
  secret_detection: schemaFor('secret-detection-report-format.json'),
  dependency_scanning: schemaFor('dependency-scanning-report-format.json'),
  container_scanning: schemaFor('container-scanning-report-format.json'),
  codequality: schemaFor('codequality-report-format.json'),
};
const FORMAT: Record<GitlabReportType | 'codequality', string> = {
  sast: 'gitlab-sast',
  secret_detection: 'gitlab-secret-detection',
  dependency_scanning: 'gitlab-dependency-scanning',
  container_scanning: 'gitlab-container-scanning',
  codequality: 'gitlab-codequality',
};

function check(type: GitlabReportType | 'codequality', text: string): any {
  const doc = JSON.parse(text) as any;
  const valid: boolean = VALIDATE[type](structuredClone(doc));
  assert.ok(valid, `${type}: ${JSON.stringify(VALIDATE[type].errors?.slice(0, 5), null, 2)}`);
  if (type !== 'codequality') {
    assert.equal(doc.scan.type, type);
    const ids = doc.vulnerabilities.map((v: any) => v.id);
    assert.equal(new Set(ids).size, ids.length, 'vulnerability ids are unique');
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const v of doc.vulnerabilities) assert.equal(v.raw_source_code_extract, undefined);
  } else {
    const fps = doc.map((i: any) => i.fingerprint);
    assert.equal(new Set(fps).size, fps.length, 'fingerprints are unique');
  }
  return doc;
}

test('the validators really reject broken reports', () => {
  const doc = JSON.parse(renderGitlab('sast', sampleReport(), sampleDecision()));
  doc.vulnerabilities[0].severity = 'Severe';
  assert.equal(VALIDATE.sast(doc), false);
  const secret = JSON.parse(renderGitlab('secret_detection', sampleReport(), sampleDecision()));
  delete secret.vulnerabilities[0].location.commit;
  assert.equal(VALIDATE.secret_detection(secret), false);
  const dep = JSON.parse(renderGitlab('dependency_scanning', sampleReport(), sampleDecision()));
  delete dep.vulnerabilities[0].location.dependency;
  assert.equal(VALIDATE.dependency_scanning(dep), false);
  const time = JSON.parse(renderGitlab('sast', sampleReport(), sampleDecision()));
  time.scan.start_time = '2026-11-21T10:00:00.000Z';
  assert.equal(VALIDATE.sast(time), false);
  const cq = JSON.parse(renderCodeQuality(sampleReport(), sampleDecision()));
  cq[0].severity = 'high';
  assert.equal(VALIDATE.codequality(cq), false);
});

test('the sample: each active finding in the one report that fits it; suppressed and secret values left out', () => {
  const report = sampleReport();
  const decision = sampleDecision();
  const sast = check('sast', renderGitlab('sast', report, decision));
  const secrets = check('secret_detection', renderGitlab('secret_detection', report, decision));
  const deps = check('dependency_scanning', renderGitlab('dependency_scanning', report, decision));
  const container = check('container_scanning', renderGitlab('container_scanning', report, decision));
  const names = (d: any): string[] => d.vulnerabilities.map((v: any) => v.identifiers.find((i: any) => i.type === 'pipeguard_rule').value).sort();
  assert.deepEqual(names(sast), ['js-sql-injection', 'js-weak-hash']);
  assert.deepEqual(names(secrets), ['aws-access-key', 'github-token', 'slack-webhook']);
  assert.deepEqual(names(deps), ['deprecated-package', 'vulnerable-dependency']);
  assert.deepEqual(container.vulnerabilities, []);
  // A secret from history names its commit; one in the work tree the all-zero placeholder; an archive member its archive.
  const gh = secrets.vulnerabilities.find((v: any) => v.location.file === 'deploy/ci.sh');
  assert.equal(gh.location.commit.sha, F.ghToken.origin.commit);
  assert.equal(gh.location.commit.author, 'Dev Example');
  assert.equal(secrets.vulnerabilities.find((v: any) => v.location.file === 'config/settings.py').location.commit.sha, '0000000');
  assert.ok(secrets.vulnerabilities.some((v: any) => v.location.file === 'vendor/release 1.zip'));
  // The advisory is the primary identifier; the CVSS score's vector is absent from the sample, so none is made up.
  const lodash = deps.vulnerabilities.find((v: any) => v.location.dependency.package.name === 'lodash');
  assert.deepEqual(lodash.identifiers.slice(0, 2).map((i: any) => `${i.type}:${i.value}`), ['ghsa:GHSA-35jh-r3h4-6jhm', 'cve:CVE-2021-23337']);
  assert.equal(lodash.severity, 'High');
  assert.equal(lodash.solution, 'Upgrade lodash to 4.17.21.');
  assert.equal(lodash.cvss_vectors, undefined);
  assert.deepEqual(lodash.location, { file: 'package-lock.json', dependency: { package: { name: 'lodash' }, version: '4.17.20' } });
  // The taint path is in the details, step by step.
  const sqli = sast.vulnerabilities.find((v: any) => v.location.file === 'src/api/users.ts');
  assert.deepEqual(sqli.location, { file: 'src/api/users.ts', start_line: 42, end_line: 42 });
  assert.deepEqual(sqli.details.taint_path.items.map((i: any) => i.line_start), [30, 31, 42]);
  assert.equal(sqli.severity, 'High');
  assert.ok(sqli.identifiers.some((i: any) => i.type === 'cwe' && i.value === '89'));
  // Scan messages: the skipped scanner, file errors, suppressed findings left out.
  const messages = sast.scan.messages.map((m: any) => `${m.level} ${m.value}`);
  assert.ok(messages.includes('info licenses skipped: no license policy configured'));
  assert.ok(messages.includes('warn sast: src/legacy/broken.js: parse error at 3:14: unexpected token'));
  assert.ok(messages.includes('info 2 suppressed finding(s) left out'));
  assert.equal(sast.scan.start_time, '2026-11-21T10:00:00');
  assert.equal(sast.scan.status, 'success');
  for (const text of [sast, secrets, deps].map((d) => JSON.stringify(d))) for (const p of PLANTED) assert.ok(!text.includes(p));
});

test('Code Quality: one issue per active finding about a file, on its line, severities mapped', () => {
  const cq = check('codequality', renderCodeQuality(sampleReport(), sampleDecision()));
  const byFp = new Map(cq.map((i: any) => [i.fingerprint, i]));
  assert.equal(cq.length, 7);
  assert.deepEqual((byFp.get(F.awsKey.fingerprint) as any).location, { path: 'config/settings.py', lines: { begin: 12, end: 12 } });
  assert.equal((byFp.get(F.awsKey.fingerprint) as any).severity, 'blocker');
  assert.equal((byFp.get(F.lodash.fingerprint) as any).severity, 'critical');
  assert.deepEqual((byFp.get(F.lodash.fingerprint) as any).location.lines, { begin: 1, end: 1 });
  assert.equal((byFp.get(F.weakHash.fingerprint) as any).severity, 'minor');
  assert.equal(byFp.get(F.privateKey.fingerprint), undefined, 'suppressed findings are not issues');
});

test('a real scan writes all five GitLab reports, each valid and each with its findings', async () => {
  const db = testAdvisoryDb();
  const dir = makeDir({ ...sampleProject(), 'pipeguard.yml': `scanners:\n  deps:\n    db: ${JSON.stringify(db)}\n` });
  const types = Object.keys(FORMAT) as (GitlabReportType | 'codequality')[];
  const args = types.flatMap((t) => ['-f', FORMAT[t], '-o', `gl-${t}.json`]);
  const r = await cli(['scan', '.', '--no-progress', ...args], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const docs = Object.fromEntries(types.map((t) => [t, check(t, readFileSync(join(dir, `gl-${t}.json`), 'utf8'))])) as Record<string, any>;
  const rules = (t: string): string[] => docs[t].vulnerabilities.map((v: any) => v.identifiers.find((i: any) => i.type === 'pipeguard_rule').value);
  assert.ok(rules('secret_detection').length === 2, rules('secret_detection').join());
  assert.ok(rules('sast').includes('js-sql-injection'));
  assert.ok(rules('sast').includes('gha-template-injection'));
  assert.ok(rules('sast').includes('docker-curl-pipe-shell'));
  const lodash = docs.dependency_scanning.vulnerabilities.find((v: any) => v.identifiers.some((i: any) => i.value === 'GHSA-35jh-r3h4-6jhm'));
  assert.ok(lodash, `lodash advisory in dependency scanning: ${JSON.stringify(docs.dependency_scanning.vulnerabilities.map((v: any) => v.identifiers))}`);
  assert.match(lodash.cvss_vectors?.[0]?.vector ?? '', /^CVSS:3\.1\//);
  assert.deepEqual(docs.container_scanning.vulnerabilities, []);
  // Posture findings about the whole repository have no file: they are counted in a message, not invented a path.
  assert.ok(docs.sast.scan.messages.some((m: any) => /finding\(s\) about no file/.test(m.value)));
  assert.ok(docs.codequality.length >= rules('sast').length);
  for (const t of types) {
    const text = readFileSync(join(dir, `gl-${t}.json`), 'utf8');
    for (const s of SAMPLE_SECRETS) assert.ok(!text.includes(s), `${t} holds a secret whole`);
  }
});

test('a real Debian image: container scanning lists its vulnerable OS and language packages with the image and OS', async () => {
  const advisories = fileURLToPath(new URL('../scanners/deps/fixtures/os-advisories', import.meta.url));
  const image = fileURLToPath(new URL('../fixtures/images/debian.oci.tar', import.meta.url));
  const dir = makeDir();
  const db = join(dir, 'os.db');
  writeDatabase(db, [{ name: 'import:os', origin: advisories, records: loadRecords(advisories) }], new Date());
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'pipeguard.yml'), `scanners:\n  deps:\n    db: ${JSON.stringify(db)}\n    maxAgeDays: 100000\n`);
  const r = await cli(['scan', image, '--no-progress', '-c', join(dir, 'pipeguard.yml'), '-f', 'gitlab-container-scanning', '-o', 'cs.json', '-f', 'gitlab-dependency-scanning', '-o', 'ds.json'], { cwd: dir });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const cs = check('container_scanning', readFileSync(join(dir, 'cs.json'), 'utf8'));
  const pkgs = cs.vulnerabilities.map((v: any) => `${v.location.dependency.package.name}@${v.location.dependency.version}`).sort();
  assert.ok(pkgs.includes('libssl3@3.0.22-1~deb12u2'), pkgs.join());
  assert.ok(pkgs.includes('lodash@4.17.20'), pkgs.join());
  const ssl = cs.vulnerabilities.find((v: any) => v.location.dependency.package.name === 'libssl3');
  assert.equal(ssl.location.operating_system, 'Debian:12');
  assert.ok(image.endsWith(ssl.location.image.replace(/^(\.\.\/)+/, '')), ssl.location.image);
  assert.equal(ssl.identifiers[0].value, 'CVE-2099-0002');
  // Nothing of the image lands in dependency scanning, which is about the project's own manifests.
  assert.deepEqual(check('dependency_scanning', readFileSync(join(dir, 'ds.json'), 'utf8')).vulnerabilities, []);
});
