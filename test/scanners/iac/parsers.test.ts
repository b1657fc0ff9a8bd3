import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSpaceCode, parseDockerfile, shellCommands } from '../../../src/analyzers/iac/dockerfile.js';
import { worldWritable } from '../../../src/analyzers/iac/dockerfile-audit.js';
import { parseHcl, HclError } from '../../../src/analyzers/iac/hcl.js';
import type { Expr } from '../../../src/analyzers/iac/hcl.js';
import { parseJsonPos } from '../../../src/scanners/iac/terraform/policy.js';

test('Dockerfile: directives only at the top, continuations with comments, heredocs, stages', () => {
  const df = parseDockerfile(
    [
      '# syntax=docker/dockerfile:1',
      '# check=skip=all',
      '# escape=\\',
      'ARG BASE=debian:12',
      'FROM ${BASE} AS Build',
      '# syntax=ignored (not at the top)',
      'RUN echo a \\',
      '  # dropped comment',
      '',
      '  && echo b',
      'RUN <<EOF1 cat <<-EOF2 > /out',
      'one',
      'EOF1',
      '\ttwo',
      '\tEOF2',
      'FROM build',
      'CMD ["x"]',
    ].join('\n'),
  );
  assert.deepEqual(df.directives.map((d) => d.name), ['syntax', 'check', 'escape']);
  assert.equal(df.stages.length, 2);
  assert.equal(df.stages[0]!.image, 'debian:12');
  assert.equal(df.stages[0]!.name, 'build');
  const run = df.instructions.filter((i) => i.keyword === 'RUN');
  assert.equal(run[0]!.args.text, 'echo a   && echo b');
  assert.equal(run[0]!.startLine, 7);
  assert.equal(run[0]!.endLine, 10);
  assert.deepEqual(run[0]!.args.pos(run[0]!.args.text.indexOf('&&')), { line: 10, column: 3 });
  assert.deepEqual(run[1]!.heredocs.map((h) => [h.name, h.body.text]), [['EOF1', 'one\n'], ['EOF2', 'two\n']]);
  assert.deepEqual(run[1]!.heredocs[1]!.body.pos(0), { line: 14, column: 2 });
  assert.equal(run[1]!.endLine, 15);
  assert.deepEqual(df.errors, []);
});

test('shell splitting keeps offsets, quotes, redirections and substitutions', () => {
  const cmds = shellCommands(`apt-get install -y "a b" 'c' 2>&1 | tee log && x=$(echo "y;z") ; sudo -E make`);
  assert.deepEqual(cmds.map((c) => c.words.map((w) => w.text)), [['apt-get', 'install', '-y', 'a b', 'c', '2>&1'], ['tee', 'log'], ['x=$(echo "y;z")'], ['sudo', '-E', 'make']]);
  assert.equal(cmds[0]!.next, '|');
  assert.equal(cmds[0]!.words[3]!.start, 19);
});

test('the shell splitter\'s space test is JavaScript\'s \\s, for every UTF-16 code unit', () => {
  for (let c = 0; c <= 0xffff; c++) assert.equal(isSpaceCode(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
  // Unicode spaces, vertical tabs and form feeds split words as ASCII spaces do (they used to make the splitter
  // loop for ever, until the heap ran out); a NUL does not.
  assert.deepEqual(shellCommands('a\vb\fc \u2028d').map((c) => c.words.map((w) => w.text)), [['a', 'b', 'c', 'd']]);
  assert.deepEqual(shellCommands('apt-get\u00a0install\u3000curl\u0000x').map((c) => c.words.map((w) => w.text)), [['apt-get', 'install', 'curl\u0000x']]);
});

test('chmod modes: world-writable or not', () => {
  for (const m of ['777', '0777', '666', '1777', 'o+w', 'a+rwx', 'u+x,o+w', 'a=rwx']) assert.equal(worldWritable(m), true, m);
  for (const m of ['755', '0644', '700', 'u+w', '+x', 'g+w', 'o-w', '+w']) assert.equal(worldWritable(m), false, m);
});

test('HCL: blocks, attributes, nested templates, heredocs, calls, for-expressions and comments keep positions', () => {
  const src = [
    '# comment',
    'locals {',
    '  name = "app-${var.env == "prod" ? "p" : "${var.x}"}"',
    '  list = [for s in var.subnets : s.id if s.public]',
    '  obj  = { for k, v in var.m : k => v }',
    '  /* block',
    '     comment */',
    '  n    = -1',
    '  expr = var.a != null ? var.a : "b"',
    '}',
    'resource "aws_iam_policy" "p" {',
    '  policy = jsonencode({',
    '    Statement = [{ Action = ["s3:*"], "Resource" : "*" }]',
    '  })',
    '  doc = <<-EOT',
    '    {"a": 1}',
    '    EOT',
    '}',
  ].join('\n');
  const body = parseHcl(src);
  assert.deepEqual(body.blocks.map((b) => [b.type, ...b.labels]), [['locals'], ['resource', 'aws_iam_policy', 'p']]);
  const loc = body.blocks[0]!.body.attributes;
  assert.deepEqual(loc.map((a) => [a.name, a.value.kind]), [['name', 'string'], ['list', 'raw'], ['obj', 'raw'], ['n', 'number'], ['expr', 'raw']]);
  const name = loc[0]!.value as Extract<Expr, { kind: 'string' }>;
  assert.equal(name.template, true);
  assert.equal(src.slice(name.range[0], name.range[1]), '"app-${var.env == "prod" ? "p" : "${var.x}"}"');
  const pol = body.blocks[1]!.body.attributes[0]!.value as Extract<Expr, { kind: 'call' }>;
  assert.equal(pol.name, 'jsonencode');
  const doc = body.blocks[1]!.body.attributes[1]!.value as Extract<Expr, { kind: 'heredoc' }>;
  assert.equal(doc.value, '{"a": 1}\n');
  assert.equal(src.slice(doc.contentStart, doc.contentStart + 4), '    ');
});

test('HCL errors carry offsets', () => {
  for (const [src, msg] of [
    ['a = "x', /unterminated string/],
    ['b {\n  c = 1\n', /missing "}"/],
    ['x = <<EOF\nno end\n', /heredoc EOF is not terminated/],
    ['y = [1 2]', /unexpected "2" after an expression/],
    ['}', /unexpected "}"/],
  ] as const) {
    assert.throws(() => parseHcl(src), (e: unknown) => e instanceof HclError && msg.test(e.message) && e.offset >= 0, src);
  }
});

test('JSON with positions', () => {
  const v = parseJsonPos('{ "a": [1, "*", true, null] }', 100)!;
  assert.equal(v.t, 'obj');
  if (v.t !== 'obj') return;
  const arr = v.entries[0]!.value;
  assert.equal(arr.t, 'arr');
  if (arr.t !== 'arr') return;
  assert.deepEqual(arr.items[1]!.range, [111, 114]);
  assert.equal(parseJsonPos('{ "a": }', 0), undefined);
});
