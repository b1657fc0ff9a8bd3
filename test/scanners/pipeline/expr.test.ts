import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessPath, ExprSyntaxError, findExpressions, parseExpression } from '../../../src/scanners/pipeline/expr.js';
import { contextTaint, valueLeaves } from '../../../src/scanners/pipeline/github.js';

test('parses access chains, brackets, wildcards and calls with source offsets', () => {
  const src = "x ${{ github.event['issue'].title || format('{0}', github.event.commits.*.message) }} y";
  const [occ] = findExpressions(src);
  assert.ok(occ && occ.expr);
  assert.equal(src.slice(occ.start, occ.end), "${{ github.event['issue'].title || format('{0}', github.event.commits.*.message) }}");
  const leaves = valueLeaves(occ.expr);
  assert.deepEqual(leaves.map((l) => accessPath(l)!.join('.')), ['github.event.issue.title', 'github.event.commits.*.message']);
  assert.deepEqual(leaves.map((l) => src.slice(l.start, l.end)), ["github.event['issue'].title", 'github.event.commits.*.message']);
});

test('operator precedence and boolean results', () => {
  const e = parseExpression("a == 'x' || b && !c");
  assert.equal(e.kind, 'binary');
  assert.equal(e.kind === 'binary' && e.op, '||');
  // comparisons and boolean functions yield booleans, not the tainted text
  assert.deepEqual(valueLeaves(parseExpression("github.event.issue.title == 'x'")), []);
  assert.deepEqual(valueLeaves(parseExpression("contains(github.event.issue.title, 'x')")), []);
  assert.equal(valueLeaves(parseExpression("fromJSON(github.event.issue.body).x")).length, 1);
});

test('strings may hold braces and doubled quotes; unterminated input is a syntax error with an offset', () => {
  const src = "${{ format('}}{0}''', github.sha) }} and ${{ github.sha == }}";
  const occ = findExpressions(src);
  assert.equal(occ.length, 2);
  assert.ok(occ[0]!.expr);
  assert.ok(occ[1]!.error instanceof ExprSyntaxError);
  assert.throws(() => parseExpression("'abc"), /unterminated string/);
  assert.throws(() => parseExpression('a.'), ExprSyntaxError);
});

test('taint classes', () => {
  assert.equal(contextTaint('github.event.pull_request.head.ref'.split('.')), 'attacker');
  assert.equal(contextTaint('github.event.pull_request'.split('.')), 'attacker');
  assert.equal(contextTaint('github.event.pull_request.head.sha'.split('.')), undefined);
  assert.equal(contextTaint('github.event.pull_request.number'.split('.')), undefined);
  assert.equal(contextTaint('github.event.pages.*.page_name'.split('.')), 'attacker');
  assert.equal(contextTaint('github.event.commits.?.message'.split('.')), 'attacker');
  assert.equal(contextTaint('inputs.version'.split('.')), 'input');
  assert.equal(contextTaint('github.sha'.split('.')), undefined);
});
