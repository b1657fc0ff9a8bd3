import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goImports, jsImports, npmPackageOf } from '../../../src/analyzers/reachability/usage.js';
import { configSchema } from '../../../src/config/schema.js';
import type { Finding } from '../../../src/core/types.js';
import { evaluate } from '../../../src/gate/evaluate.js';
import { pythonModulesOf } from '../../../src/analyzers/reachability/python-modules.js';
import { pyImports } from '../../../src/analyzers/reachability/python.js';
import type { SourceUsage } from '../../../src/analyzers/reachability/usage.js';
import type { OsvRecord } from '../../../src/advisories/osv.js';
import { npmSymbol, reachability } from '../../../src/scanners/deps/reachability.js';
import { fixtureCopy, scanDeps } from './helpers.js';

/** `package advisory reachability` of the findings of one fixture folder, sorted. */
function verdicts(findings: Finding[], prefix: string, pkg?: string): string[] {
  return findings
    .filter((f) => String((f.location as { path?: string }).path).startsWith(`${prefix}/`) && (!pkg || f.data?.package === pkg))
    .map((f) => `${String(f.data?.package)} ${String(f.data?.advisoryId)} ${String(f.data?.reachability ?? 'unknown')}`)
    .sort();
}

const FOLDERS = ['reach-npm-uses', 'reach-npm-imports', 'reach-npm-none', 'reach-go-uses', 'reach-go-none'];

test('npm: a package the code calls the affected function of, one it merely imports, one it does not import', async () => {
  const report = await scanDeps(fixtureCopy(...FOLDERS));
  // _.defaultsDeep is the function CVE-2019-10744 names; the other advisories name template, toNumber, baseSet...
  assert.deepEqual(verdicts(report.findings, 'reach-npm-uses'), [
    'lodash CVE-2019-10744 reachable',
    'lodash CVE-2020-28500 imported-only',
    'lodash CVE-2020-8203 imported-only',
    'lodash CVE-2021-23337 imported-only',
  ]);
  // imports chunk only
  assert.ok(verdicts(report.findings, 'reach-npm-imports').every((v) => v.endsWith(' imported-only')));
  // 'lodash' appears in a comment and a string, never in an import
  assert.ok(verdicts(report.findings, 'reach-npm-none').every((v) => v.endsWith(' unreferenced')));
  const f = report.findings.find((x) => x.data?.reachability === 'reachable');
  assert.ok(f?.tags?.includes('reachable'));
  assert.match(f?.message ?? '', /\(reachable\)\.$/);
});

test('Go: the symbol an advisory names is called, the module is imported for other symbols, or not imported at all', async () => {
  const report = await scanDeps(fixtureCopy(...FOLDERS));
  // language.Parse is named by CVE-2021-38561; CVE-2022-32149 names ParseAcceptLanguage only
  assert.deepEqual(verdicts(report.findings, 'reach-go-uses', 'golang.org/x/text').slice(0, 2), ['golang.org/x/text CVE-2021-38561 reachable', 'golang.org/x/text CVE-2022-32149 imported-only']);
  assert.ok(verdicts(report.findings, 'reach-go-none', 'golang.org/x/text').every((v) => v.endsWith(' unreferenced')));
  // standard-library advisories are judged by the packages they name (this program imports only fmt and strings)
  const std = verdicts(report.findings, 'reach-go-none', 'stdlib');
  assert.ok(std.length > 0 && std.every((v) => !v.endsWith(' reachable')), std.join(', '));
});

test('failOn: reachable lists imported-only and unreferenced vulnerabilities as suppressed; without code nothing is judged', async () => {
  const report = await scanDeps(fixtureCopy('reach-npm-uses', 'reach-npm-none', 'npm3'), { failOn: 'reachable' });
  const decision = evaluate(report, { policy: configSchema.parse({ failOn: 'high' }), now: new Date() });
  const inReach = (f: Finding) => String((f.location as { path?: string }).path).startsWith('reach-');
  // only the advisory whose function the code calls can fail the gate; the others stay listed, with the reason
  assert.deepEqual(decision.violations.filter(inReach).map((f) => `${String(f.data?.package)} ${String(f.data?.advisoryId)}`), ['lodash CVE-2019-10744']);
  const quiet = decision.suppressed.filter((s) => inReach(s.finding));
  assert.equal(quiet.length, 7);
  assert.ok(quiet.some((s) => /failOn: reachable \(no source file imports it\)/.test(s.reason)));
  assert.ok(quiet.some((s) => /failOn: reachable \(imported, but none of the affected functions is used\)/.test(s.reason)));
  // npm3 holds a lockfile and no code: its findings carry no verdict and still count
  const bare = report.findings.filter((f) => String((f.location as { path?: string }).path).startsWith('npm3/'));
  assert.ok(bare.length > 0 && bare.every((f) => f.data?.reachability === undefined && !(f.fingerprint in (report.configIgnored ?? {}))));
  const off = await scanDeps(fixtureCopy('reach-npm-none'), { reachability: false });
  assert.ok(off.findings.length > 0 && off.findings.every((f) => f.data?.reachability === undefined));
});

test('import reading: ESM, CommonJS, dynamic import, subpaths, re-exports; comments and strings are not imports', () => {
  const uses = (src: string, path = 'a.ts') => Object.fromEntries(jsImports(path, src).map((u) => [u.module, [...u.names].sort()]));
  assert.deepEqual(uses("import _ from 'lodash';\n_.template('x');"), { lodash: ['default', 'template'] });
  assert.deepEqual(uses("import * as fp from 'lodash/fp';\nfp.merge({}, {});"), { lodash: ['fp', 'merge'] });
  assert.deepEqual(uses("const { defaultsDeep: dd } = require('lodash');\ndd({}, {});", 'a.js'), { lodash: ['defaultsDeep'] });
  assert.deepEqual(uses("const t = require('lodash').template;", 'a.js'), { lodash: ['template'] });
  assert.deepEqual(uses("const m = await import('minimatch');\nm.default('a', 'b');"), { minimatch: ['default'] });
  assert.deepEqual(uses("export { parse } from '@babel/parser';"), { '@babel/parser': ['parse'] });
  assert.deepEqual(uses("// require('lodash')\nconst s = 'lodash';\nimport './local.js';\nimport fs from 'node:fs';"), {});
  // type-only imports load nothing; a regex or template literal holding a quote is not a string that hides code
  assert.deepEqual(uses("import type { TemplateOptions } from 'lodash';\nimport { type X, merge } from 'deepmerge';\nmerge(a, b);"), { deepmerge: ['X', 'merge'] });
  assert.deepEqual(uses("const re = /'lodash'/g; const t = `${x ? \"'\" : ''}`;\nconst m = require('minimist')(process.argv);", 'a.js'), { minimist: ['default'] });
  assert.deepEqual(uses("import express = require('express');\nconst app = express();\napp.use(express.json());"), { express: ['default', 'json'] });
  assert.deepEqual(uses('const x = `a ${require(\'ms\')(1000)} b`;', 'a.js'), { ms: ['default'] });
  assert.deepEqual(uses("export * from 'rxjs';\nexport const a = 1;\nexport default function f() {}"), { rxjs: ['*'] });
  assert.deepEqual(npmPackageOf('@scope/pkg/deep/file.js'), { name: '@scope/pkg', sub: 'deep/file.js' });
  assert.equal(npmPackageOf('./x'), undefined);
  assert.equal(npmSymbol('(lodash).defaultsDeep', 'lodash'), 'defaultsDeep');
  assert.equal(npmSymbol('(lodash.defaultsdeep)', 'lodash.defaultsdeep'), 'default');
  assert.equal(npmSymbol('minimatch.Minimatch.parse', 'minimatch'), 'Minimatch');
  const go = goImports('package x\n\nimport (\n\tyaml "gopkg.in/yaml.v3"\n\t"golang.org/x/net/html"\n\t// "net/http"\n)\n\nfunc f() { html.Parse(nil); yaml.Unmarshal(nil, nil); d.Token() }\n');
  assert.deepEqual(go.map((u) => `${u.module}:${[...u.names].join(',')}`), ['gopkg.in/yaml.v3:Unmarshal', 'golang.org/x/net/html:Parse']);
  assert.ok(go[0]?.methods.has('Token'));
});

test('PyPI: a distribution is reached through its import name (PyYAML as yaml); text naming it and installed copies are not uses', async () => {
  const report = await scanDeps(fixtureCopy('reach-py-uses', 'reach-py-none'));
  const uses = verdicts(report.findings, 'reach-py-uses', 'PyYAML');
  assert.ok(uses.length > 0 && uses.every((v) => v.endsWith(' reachable')), uses.join(', '));
  // main.py names yaml only in a docstring, a comment and a string; the .venv copy of yaml is not the application's
  const none = verdicts(report.findings, 'reach-py-none', 'PyYAML');
  assert.ok(none.length > 0 && none.every((v) => v.endsWith(' unreferenced')), none.join(', '));
  assert.ok(verdicts(report.findings, 'reach-py-none', 'requests').every((v) => v.endsWith(' reachable')));
});

test('PyPI: functions an advisory names decide reachable or imported-only; a transitive package by the direct one that brings it', () => {
  const usage = (src: string): SourceUsage => ({ files: [{ path: 'app.py', ecosystem: 'PyPI', imports: pyImports(src) }], sources: { npm: [], Go: [], PyPI: ['app.py'] } });
  const record = (fns: string[]): OsvRecord => ({ id: 'TEST-1', affected: [{ package: { ecosystem: 'PyPI', name: 'jinja2' }, ecosystem_specific: { affected_functions: fns } }] });
  const dep = { key: 'jinja2@2.10', ecosystem: 'PyPI', name: 'Jinja2', version: '2.10', direct: true };
  const sandbox = record(['jinja2.sandbox.SandboxedEnvironment']);
  assert.equal(reachability(dep, [sandbox], 'requirements.txt', usage('from jinja2.sandbox import SandboxedEnvironment\nSandboxedEnvironment()\n')), 'reachable');
  assert.equal(reachability(dep, [sandbox], 'requirements.txt', usage('import jinja2.sandbox\nenv = jinja2.sandbox.SandboxedEnvironment()\n')), 'reachable');
  assert.equal(reachability(dep, [sandbox], 'requirements.txt', usage('import jinja2\njinja2.Template("x").render()\n')), 'imported-only');
  assert.equal(reachability(dep, [record([])], 'requirements.txt', usage('import jinja2\n')), 'reachable');
  assert.equal(reachability(dep, [sandbox], 'requirements.txt', usage('import flask\n')), 'unreferenced');
  // markupsafe comes in through Jinja2: reachable when Jinja2 is imported
  const transitive = { key: 'markupsafe@1.0', ecosystem: 'PyPI', name: 'MarkupSafe', version: '1.0', path: ['Jinja2@2.10', 'MarkupSafe@1.0'] };
  assert.equal(reachability(transitive, [], 'poetry.lock', usage('from jinja2 import Template\n')), 'reachable');
  assert.equal(reachability(transitive, [], 'poetry.lock', usage('import os\n')), 'unreferenced');
  // no Python code beside the lockfile: nothing to judge
  assert.equal(reachability(dep, [sandbox], 'svc/requirements.txt', usage('import jinja2\n')), undefined);
});

test('Python import reading and the import names of distributions', () => {
  const uses = (src: string) => Object.fromEntries(pyImports(src).map((u) => [u.module, [...u.names].sort()]));
  assert.deepEqual(uses('import os, yaml as y\ny.safe_load(s)\n'), { os: [], yaml: ['safe_load'] });
  assert.deepEqual(uses('from requests import (\n    get,\n    Session as S,\n)\n'), { requests: ['Session', 'get'], 'requests.get': [], 'requests.Session': [] });
  assert.deepEqual(uses('from . import views\nfrom .models import User\nfrom __future__ import annotations\n'), {});
  assert.deepEqual(uses('"""\nimport yaml\n"""\n# import django\nx = "import flask"\n'), {});
  assert.deepEqual(uses('from yaml import *\n'), { yaml: ['*'] });
  assert.deepEqual(pythonModulesOf('PyYAML'), ['yaml', '_yaml']);
  assert.deepEqual(pythonModulesOf('beautifulsoup4'), ['bs4']);
  assert.ok(pythonModulesOf('Flask-Cors').includes('flask_cors'));
  assert.ok(pythonModulesOf('google-cloud-storage').includes('google.cloud.storage'));
});
