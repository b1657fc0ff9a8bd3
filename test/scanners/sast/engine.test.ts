import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDir } from '../../helpers/tmp.js';
import { scanDir } from './helpers.js';
import type { SastConfig } from '../../../src/scanners/sast/config.js';
import { fileLoc } from '../../helpers/fixtures.js';

async function found(tree: Record<string, string>, cfg: Partial<SastConfig> = {}): Promise<string[]> {
  const r = await scanDir(makeDir(tree), cfg);
  assert.deepEqual(r.errors, []);
  return r.findings.map((f) => `${f.ruleId} ${fileLoc(f.location).path}:${fileLoc(f.location).startLine}`).sort();
}

test('re-exports, default exports and CommonJS exports resolve across files', async () => {
  const got = await found({
    'routes.js': [
      "const express = require('express');",
      "const { lookup } = require('./lib');",
      "import runIt from './runner.mjs';",
      'const app = express();',
      "app.get('/a', (req, res) => { lookup(req.query.q); runIt(req.body.cmd); res.end(); });",
    ].join('\n'),
    'lib/index.js': "export * from './db.js';\n",
    'lib/db.js': "import { pool } from './pool.js';\nexport function lookup(v) {\n  return pool.query('SELECT ' + v);\n}\n",
    'lib/pool.js': "export const pool = { query() {} };\n",
    'runner.mjs': "import cp from 'node:child_process';\nexport default function run(c) {\n  cp.execSync(c);\n}\n",
  });
  assert.deepEqual(got, ['js-command-injection runner.mjs:3', 'js-sql-injection lib/db.js:3']);
});

test('CommonJS module.exports objects and exports.f, class static and instance methods', async () => {
  const got = await found({
    'h.js': [
      "const svc = require('./svc');",
      "const { Files } = require('./files');",
      'module.exports = function handler(req, res) {',
      '  svc.run(req.params.x);',
      '  Files.read(req.query.f);',
      '  new Files().write(req.query.g);',
      '};',
    ].join('\n'),
    'svc.js': "const { exec } = require('child_process');\nfunction run(x) {\n  exec('echo ' + x);\n}\nmodule.exports = { run };\n",
    'files.js': [
      "const fs = require('fs');",
      'class Files {',
      '  static read(p) {',
      '    return fs.readFileSync(p);',
      '  }',
      '  write(p) {',
      '    fs.writeFileSync(p, "x");',
      '  }',
      '}',
      'exports.Files = Files;',
    ].join('\n'),
  });
  assert.deepEqual(got, ['js-command-injection svc.js:3', 'js-path-traversal files.js:4', 'js-path-traversal files.js:7']);
});

test('promise chains, async/await, callbacks, closures, spread and containers carry taint', async () => {
  const got = await found({
    'a.ts': [
      "import { exec } from 'child_process';",
      "import type { Request, Response } from 'express';",
      'async function getName(req: Request) { return req.query.name as string; }',
      'export async function h(req: Request, res: Response) {',
      '  const n = await getName(req);',
      '  getName(req).then((v) => exec(v));',
      '  const parts = [n, "x"];',
      '  const opts = { ...{ cmd: n } };',
      '  const run = () => exec(opts.cmd);',
      '  run();',
      '  parts.forEach((p) => exec(p));',
      '  const joined = parts.join(" ");',
      '  exec(joined);',
      '  res.end();',
      '}',
    ].join('\n'),
  });
  assert.deepEqual(got, ['js-command-injection a.ts:11', 'js-command-injection a.ts:13', 'js-command-injection a.ts:6', 'js-command-injection a.ts:9']);
});

test('framework sources: Koa ctx, NestJS decorators, Fastify, Next.js, browser and message events', async () => {
  const got = await found({
    'koa.js': "const Router = require('@koa/router');\nconst r = new Router();\nr.get('/x', async (ctx) => {\n  ctx.redirect(ctx.query.next);\n});\n",
    'nest.ts': [
      "import { Controller, Get, Query } from '@nestjs/common';",
      "import { execSync } from 'child_process';",
      '@Controller()',
      'export class C {',
      '  @Get() run(@Query("cmd") cmd: string) {',
      '    return execSync(cmd);',
      '  }',
      '}',
    ].join('\n'),
    'fastify.js': "const fastify = require('fastify')();\nfastify.get('/f', async (request, reply) => {\n  return eval(request.query.code);\n});\n",
    'next.ts': [
      "import type { NextApiRequest, NextApiResponse } from 'next';",
      "import { readFileSync } from 'fs';",
      'export default function handler(req: NextApiRequest, res: NextApiResponse) {',
      '  res.send(readFileSync(req.query.file as string));',
      '}',
    ].join('\n'),
    'web.js': "window.addEventListener('message', (e) => {\n  document.getElementById('o').innerHTML = e.data;\n});\n",
    'cli.js': "const { execSync } = require('child_process');\nexecSync('git log ' + process.argv[2]);\n",
  });
  assert.deepEqual(got, [
    'js-code-injection fastify.js:3',
    'js-command-injection cli.js:2',
    'js-command-injection nest.ts:6',
    // the handler also never checks e.origin
    'js-message-handler-no-origin-check web.js:1',
    'js-open-redirect koa.js:4',
    'js-path-traversal next.ts:4',
    'js-xss web.js:2',
  ]);
});

test('guards: allow-list with early return, typeof, regex, number-typed parameter; and recursion terminates', async () => {
  const got = await found({
    'g.ts': [
      "import { exec } from 'child_process';",
      "import type { Request } from 'express';",
      'const OK = new Set(["a", "b"]);',
      'function run(n: number) { exec("x " + n); }',
      'function loop(s: string, depth: number): string { return depth > 3 ? s : loop(s + "!", depth + 1); }',
      'export function h(req: Request) {',
      '  const a = req.query.a as string;',
      '  if (!OK.has(a)) return;',
      '  exec(a);',
      '  const b = req.query.b as string;',
      '  if (!/^[a-z]+$/.test(b)) throw new Error("bad");',
      '  exec(b);',
      '  run(Number(req.query.c));',
      '  exec(loop(req.query.d as string, 0));',
      '  const c = req.query.e as string;',
      '  if (OK.has(c)) { exec(c); } else { exec("default"); }',
      '  exec(c);',
      '}',
    ].join('\n'),
  });
  assert.deepEqual(got, ['js-command-injection g.ts:14', 'js-command-injection g.ts:17']);
});

test('library mode: parameters of exported functions are untrusted', async () => {
  const tree = {
    'index.js': "const cp = require('child_process');\nexports.run = function run(cmd) {\n  cp.execSync(cmd);\n};\nfunction internal(cmd) { cp.execSync(cmd); }\n",
  };
  // `internal` is called nowhere: its parameter reaching the shell is an audit in both modes (see the next test)
  assert.deepEqual(await found(tree), ['js-command-injection index.js:5']);
  assert.deepEqual(await found(tree, { libraryMode: true }), ['js-command-injection index.js:3', 'js-command-injection index.js:5']);
});

test('a function nothing in its file calls: a parameter reaching a sink is a low-severity, low-confidence audit', async () => {
  const r = await scanDir(makeDir({
    'tools.js': [
      "const cp = require('child_process');",
      'function unused(cmd) {',
      '  cp.execSync(cmd);',
      '}',
      'function used(cmd) {',
      '  cp.execSync(cmd);',
      '}',
      "used('ls -la');",
      'const alsoUnused = (dir) => cp.execSync(`ls ${dir}`);',
      'function constantOnly(x) {',
      "  cp.execSync('uptime');",
      '}',
    ].join('\n'),
  }));
  assert.deepEqual(r.errors, []);
  const got = r.findings.map((f) => `${f.ruleId} ${fileLoc(f.location).startLine} ${f.severity}/${f.confidence} ${(f.tags ?? []).join(',')}`).sort();
  assert.deepEqual(got, ['js-command-injection 3 low/low taint,audit', 'js-command-injection 9 low/low taint,audit']);
  assert.match(r.findings[0]!.message, /parameter \w+ of \w+\(\), which nothing in this file calls/);
});

test('minified and generated files are skipped by the documented heuristic; the skip is counted', async () => {
  const line = "var a=require('child_process');a.exec(process.argv[2]);".repeat(60);
  const dir = makeDir({ 'dist/app.min.js': line, 'big.js': line, 'gen.ts': "// @generated by protoc\nimport { execSync } from 'child_process';\nexecSync(process.argv[2]);\n" });
  const r = await scanDir(dir);
  assert.deepEqual(r.findings, []);
  assert.equal(r.counts.filesSkipped, 3);
  const r2 = await scanDir(dir, { skipGenerated: false });
  assert.ok(r2.findings.length >= 2);
});

test('deterministic output and identities that survive line shifts', async () => {
  const src = "const { exec } = require('child_process');\nrequire('express')().get('/', (req, res) => {\n  exec(req.query.c);\n});\n";
  const a = await scanDir(makeDir({ 'a.js': src }));
  const b = await scanDir(makeDir({ 'a.js': '\n\n// moved\n' + src }));
  assert.equal(a.findings.length, 1);
  assert.equal(a.findings[0]!.identity, b.findings[0]!.identity);
  assert.notEqual(fileLoc(a.findings[0]!.location).startLine, fileLoc(b.findings[0]!.location).startLine);
  const again = await scanDir(makeDir({ 'a.js': src }));
  assert.deepEqual(again.findings, a.findings);
});

test('an aborted scan stops', async () => {
  const ac = new AbortController();
  ac.abort();
  const r = await scanDir(makeDir({ 'a.js': "require('child_process').exec(process.argv[2]);\n" }), {}, ac.signal);
  assert.deepEqual(r.findings, []);
});

test('only source files are read; others are not asked for', async () => {
  const r = await scanDir(makeDir({ 'a.txt': 'eval(process.argv[2])', 'b.md': 'x', 'c.js': 'eval(process.argv[2]);\n' }));
  assert.equal(r.counts.files, 1);
  assert.deepEqual(r.findings.map((f) => fileLoc(f.location).path), ['c.js']);
});

test('pathological nesting is a file error, not a crash, and other files are still analysed', async () => {
  const deep = 'const x = ' + '('.repeat(30000) + '1' + ')'.repeat(30000) + ';\n';
  const long = "const { exec } = require('child_process');\nexec(process.argv[2]" + " + 'a'".repeat(20000) + ');\n';
  const r = await scanDir(makeDir({ 'deep.js': deep, 'long.js': long, 'ok.js': 'eval(process.argv[2]);\n' }), { maxLineLength: 1_000_000 });
  assert.ok(r.findings.some((f) => fileLoc(f.location).path === 'ok.js' && f.ruleId === 'js-code-injection'));
  for (const e of r.errors) assert.ok(['deep.js', 'long.js'].includes(e.path), e.path);
});

test('second-order: data read back from a store the program fills from requests is a low-confidence source', async () => {
  const r = await scanDir(
    makeDir({
      'app.js': [
        "const express = require('express');",
        "const { exec } = require('child_process');",
        "const Job = require('./job');",
        'const app = express();',
        "app.post('/jobs', async (req, res) => { await Job.create({ cmd: req.body.cmd }); res.end(); });",
        'async function run() {',
        '  const job = await Job.findOne({ done: false });',
        '  exec(job.cmd);',
        '}',
        'async function other() {',
        '  const cfg = await Config.findOne({});',
        '  exec(cfg.cmd);',
        '}',
        'module.exports = { run, other };',
      ].join('\n'),
      'job.js': 'module.exports = class Job {};\n',
    }),
  );
  assert.deepEqual(r.errors, []);
  const hits = r.findings.filter((f) => f.ruleId === 'js-command-injection');
  assert.deepEqual(hits.map((f) => fileLoc(f.location).startLine), [8]);
  assert.equal(hits[0]!.confidence, 'low');
  assert.match(hits[0]!.message, /stored data from job \(second-order\)/);
});

test('a substring allow-list in another module is no guard, and the flow says where it was checked', async () => {
  const r = await scanDir(makeDir({
    'allow.js': [
      "const HOSTS = ['https://docs.example.com/'];",
      'exports.isAllowed = (url) => {',
      '  let ok = false;',
      '  for (const h of HOSTS) ok = ok || url.includes(h);',
      '  return ok;',
      '};',
    ].join('\n'),
    'app.js': [
      "const app = require('express')();",
      "const { isAllowed } = require('./allow');",
      "app.get('/go', (req, res) => {",
      '  const to = req.query.to;',
      '  if (isAllowed(to)) res.redirect(to);',
      '});',
    ].join('\n'),
  }), {});
  assert.deepEqual(r.errors, []);
  const f = r.findings.find((x) => x.ruleId === 'js-open-redirect');
  assert.ok(f, 'the redirect is reported');
  const step = f.flow?.find((s) => fileLoc(s.location).path === 'allow.js');
  assert.equal(step && fileLoc(step.location).startLine, 4);
  assert.match(step?.message ?? '', /substring test/);
});
