import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { parseSource } from '../../../src/scanners/sast/js/parse.js';
import { SLIM_FACTORY } from '../../../src/scanners/sast/js/slim.js';
import ts from '../../../src/scanners/sast/js/tslib.js';

// Issue 24: parsed trees are most of an import group's memory. The analysis builds them without the compiler's
// binder/checker/emitter fields (js/slim.ts); the nodes must behave as the compiler's own for everything it reads.

const SOURCE = [
  '/** doc */',
  'export async function handler(req, res) {',
  '  const { id } = req.query;',
  '  class A { static m(x?: number) { return x!; } }',
  '  label: for (const k of [1, 2]) if (k) break label; else continue;',
  '  return a?.b?.[id] ?? `t${id}`;',
  '}',
].join('\n');

function nodes(sf: TS.SourceFile): TS.Node[] {
  const out: TS.Node[] = [];
  const visit = (n: TS.Node): void => {
    out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('the compiler loaded for the analysis makes nodes without the binder, checker and emitter fields', () => {
  const { sf, error } = parseSource('a.ts', SOURCE);
  assert.equal(error, undefined);
  const all = nodes(sf);
  assert.ok(all.length > 60);
  for (const n of all.slice(1)) {
    for (const f of ['id', 'modifierFlagsCache', 'original', 'emitNode', 'symbol', 'localSymbol', 'flowNode', 'locals', 'nextContainer']) {
      assert.equal(Object.hasOwn(n, f), false, `${ts.SyntaxKind[n.kind]} has no own ${f}`);
    }
    // what the analysis reads of a node works as on the compiler's own nodes
    assert.equal(n.getText(sf), SOURCE.slice(n.getStart(sf), n.getEnd()));
    assert.equal(ts.getOriginalNode(n), n);
    assert.ok(n.parent && ts.forEachChild(n.parent, (c) => c === n || undefined), 'parent set');
  }
  const fn = all.find(ts.isFunctionDeclaration)!;
  assert.equal(ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Export, ts.ModifierFlags.Export);
  assert.equal(ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async, ts.ModifierFlags.Async);
  assert.ok((ts as unknown as { getNodeId(n: TS.Node): number }).getNodeId(fn) > 0, 'an id is still assigned on demand');
  assert.equal(all.filter(ts.isIdentifier).map((i) => i.text).join(' '), 'handler req res id req query A m x x label k k label a b id id');
});

test('the node factory edit finds its text in the installed compiler', () => {
  const path = createRequire(import.meta.url).resolve('typescript');
  const source = readFileSync(path, 'utf8');
  const out = SLIM_FACTORY.apply(source);
  // a compiler upgrade that renames the markers would silently leave the fields in: ~170 lines go with 5.9
  const removed = source.split('\n').length - out.split('\n').length;
  assert.equal(removed, 0, 'lines are emptied, not removed (positions in stack traces stay)');
  const count = (s: string) => s.match(/^\s*node\.(jsDoc|symbol|localSymbol|flowNode|locals|nextContainer|endFlowNode|returnFlowNode) = void 0;$/gm)?.length ?? 0;
  assert.ok(count(source) - count(out) > 150, `${count(source) - count(out)} assignments removed`);
  // the binder's own reset of a flow node stays
  assert.ok(count(out) >= 1);
});
