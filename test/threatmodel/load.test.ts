import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { parseModel } from '../../src/threatmodel/load.js';

function fails(text: string, re: RegExp, line?: number): void {
  try {
    parseModel(text, 'threatmodel.yml');
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.format(), re);
    if (line !== undefined) assert.equal(e.line, line, e.format());
    return;
  }
  assert.fail('model accepted');
}

test('a small model loads with defaults filled in and the line of every part', () => {
  const m = parseModel(
    `title: Shop
boundaries:
  net: { trust: untrusted }
elements:
  user: { kind: external, boundary: net }
  api:
    kind: process
flows:
  - from: user
    to: api
    protocol: HTTPS
`,
    'threatmodel.yml',
  );
  assert.equal(m.title, 'Shop');
  assert.equal(m.elements.get('api')!.line, 6);
  assert.equal(m.elements.get('api')!.custom, true);
  assert.equal(m.elements.get('user')!.custom, false);
  const f = m.flows[0]!;
  assert.deepEqual([f.id, f.protocol, f.encrypted, f.authentication, f.line], ['user->api', 'https', true, 'none', 9]);
  assert.equal(m.boundaries.get('net')!.trust, 'untrusted');
});

test('errors name the file, the line and the key', () => {
  fails('elements:\n  api:\n    kind: process\n    internetFacng: true\n', /^threatmodel\.yml:4: elements\.api\.internetFacng: Unrecognized key/, 4);
  fails('elements:\n  api: { kind: proces }\n', /^threatmodel\.yml:2: elements\.api\.kind: "proces" is not allowed: use one of process, datastore, external/, 2);
  fails('elements:\n  api: { kind: process, boundary: dmz }\n', /:2: elements\.api\.boundary: unknown boundary dmz/, 2);
  fails('boundaries: { dmz: {} }\nelements:\n  api: { kind: process, boundary: dnz }\n', /unknown boundary dnz \(did you mean dmz\?\)/, 3);
  fails('elements:\n  api: { kind: process }\nflows:\n  - from: api\n    to: db\n', /:5: flows\[0\]\.to: unknown element db/, 5);
  fails('elements:\n  a: { kind: process }\n  b: { kind: process }\nflows:\n  - { from: a, to: b }\n  - { from: a, to: b }\n', /:6: flows\[1\]: flow id a->b is used twice \(also flows\[0\]\): give each flow/, 6);
  fails('elements:\n  a: { kind: process }\nflows:\n  - { from: a, to: a }\n', /a flow needs two different elements/);
  fails('elements:\n  a: { kind: process, stores: [pii] }\n', /:2: elements\.a\.stores\[0\]: unknown asset pii/, 2);
  fails('boundaries:\n  a: { parent: b }\n  b: { parent: a }\n', /boundaries nest in a cycle/);
  fails('controls:\n  waf:\n    mitigates: [tm-process-injection]\n', /:2: controls\.waf: a control without checks is manual/, 2);
  fails('accepted:\n  - threat: tm-process-injection@api\n    reason: fine\n', /:2: accepted\[0\]\.threat: unknown element or flow api/, 2);
  fails('accepted:\n  - threat: tm-x\n    reason: fine by us\n    expires: soon\n', /:4: accepted\[0\]\.expires: expected a date/, 4);
  fails('elements: [\n', /^threatmodel\.yml:\d+: invalid YAML/);
  fails('elements:\n  a: { kind: process }\n  a: { kind: process }\n', /:3: invalid YAML/, 3);
  fails('- just\n- a list\n', /must be a mapping/);
  fails('elements:\n  "bad id!": { kind: process }\n', /:2: elements\.bad id!: Invalid key/, 2);
});

test('YAML alias bombs are refused, not expanded', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++) bomb.push(`${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${i === 0 ? 'a' : 'bcdefghij'[i - 1]}`).join(',')}]`);
  fails(`${bomb.join('\n')}\n`, /threatmodel\.yml:1: invalid YAML|must be a mapping|Unrecognized key/);
});
