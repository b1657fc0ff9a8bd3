import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VERSION } from '../../src/core/version.js';
import { hashEntry, type AuditEntry } from '../../src/deliver/audit/entry.js';
import { cefHeader, cefValue, leefValue, octetCounted, sdValue, toCef, toJsonl, toLeef, toSyslog } from '../../src/deliver/siem/formats.js';

const entry: AuditEntry = {
  v: 1,
  seq: 7,
  time: '2026-01-02T03:04:05.678Z',
  type: 'step.finished',
  actor: { user: 'ana', host: 'ci-runner-1', pid: 4242, ci: 'gitlab-ci', ciRun: 'https://gitlab.example/p/-/jobs/9' },
  run: '20260102T030405Z-abcdef',
  data: { stage: 'build', step: 'compile', status: 'failed', exitCode: 2, note: 'a=b|c\\d\nnext\tcol]"é' },
  prev: 'a'.repeat(64),
};
const ev = { entry, hash: hashEntry(entry) };

test('CEF escaping: pipe and backslash in the header, equals sign and backslash in extensions, line breaks as \\n', () => {
  assert.equal(cefHeader('a|b\\c\nd'), 'a\\|b\\\\c d');
  assert.equal(cefValue('a=b|c\\d\r\ne\rf'), 'a\\=b|c\\\\d\\ne\\rf');
  const line = toCef(ev);
  assert.ok(line.startsWith(`CEF:0|pipeguard|pipeguard|${VERSION}|step.finished|Step finished|5|`));
  const ext = line.split('|').slice(7).join('|');
  assert.ok(!ext.includes('\n') && !ext.includes('\r'));
  // parse the extension back as a CEF reader does: split at unescaped " key=" boundaries
  const pairs = new Map<string, string>();
  for (const m of ext.matchAll(/(\w+)=((?:\\.|[^\\=])*?)(?= \w+=|$)/g)) pairs.set(m[1]!, m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)));
  assert.equal(pairs.get('rt'), String(Date.parse(entry.time)));
  assert.equal(pairs.get('externalId'), '7');
  assert.equal(pairs.get('suser'), 'ana');
  assert.equal(pairs.get('outcome'), 'failure');
  assert.equal(pairs.get('cs1Label'), 'run');
  assert.equal(pairs.get('cs1'), entry.run);
  assert.equal(pairs.get('cs2'), 'build/compile');
  assert.equal(pairs.get('cs3'), ev.hash);
  assert.equal(pairs.get('cn1'), '2');
  assert.deepEqual(JSON.parse(pairs.get('cs6')!), entry.data);
  // no label without its value
  const noRun = toCef({ entry: { ...entry, run: undefined as unknown as string, data: {} }, hash: ev.hash });
  assert.ok(!noRun.includes('cs1Label') && !noRun.includes('cn1Label'));
});

test('LEEF 2.0: declared tab delimiter, escaped header, values never hold the delimiter or a line break', () => {
  assert.equal(leefValue('a\tb\nc\\d\re'), 'a\\tb\\nc\\\\d\\re');
  const line = toLeef(ev);
  const [head, ...rest] = line.split('|x09|');
  assert.equal(head, `LEEF:2.0|pipeguard|pipeguard|${VERSION}|step.finished`);
  const attrs = rest.join('|x09|').split('\t');
  assert.ok(!line.includes('\n'));
  const map = new Map(attrs.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  assert.equal(map.get('devTime'), entry.time);
  assert.equal(map.get('devTimeFormat'), "yyyy-MM-dd'T'HH:mm:ss.SSSX");
  assert.equal(map.get('sev'), '5');
  assert.equal(map.get('usrName'), 'ana');
  assert.equal(map.get('identHostName'), 'ci-runner-1');
  assert.equal(map.get('seq'), '7');
  assert.equal(map.get('entryHash'), ev.hash);
  const data = map.get('data')!.replace(/\\([\\tnr])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!);
  assert.deepEqual(JSON.parse(data), entry.data);
});

test('RFC 5424: PRI, header fields, structured data escaping, BOM before a UTF-8 message, octet counting', () => {
  assert.equal(sdValue('a"b\\c]d'), 'a\\"b\\\\c\\]d');
  const msg = toSyslog(ev);
  // facility 13 (log audit) * 8 + severity 5 (notice, for a failed step)
  const m = /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*?[^\\]\]) (.*)$/s.exec(msg);
  assert.ok(m, msg);
  assert.deepEqual(m.slice(1, 7), ['109', entry.time, 'ci-runner-1', 'pipeguard', '4242', 'step.finished']);
  assert.equal(m[7], `[pipeguard@32473 seq="7" hash="${ev.hash}" prev="${entry.prev}" run="${entry.run}" user="ana" ci="gitlab-ci"]`);
  assert.ok(m[8]!.startsWith('\ufeff'), 'UTF-8 message starts with a BOM');
  assert.deepEqual(JSON.parse(m[8]!.slice(1)), entry);
  const ascii = toSyslog({ entry: { ...entry, data: {} }, hash: ev.hash });
  assert.ok(!ascii.includes('\ufeff'));
  // a header field with spaces or non-ASCII is made printable; an empty one is the NILVALUE
  const odd = toSyslog({ entry: { ...entry, actor: { user: 'x y', host: 'my host é' } }, hash: ev.hash }, { body: 'cef' });
  assert.match(odd, /^<\d+>1 \S+ my_host__ pipeguard - step\.finished \[pipeguard@32473 [^\]]*user="x y"[^\]]*\] \ufeffCEF:0\|/);
  // octet counting: the length is in bytes, not characters
  const framed = octetCounted(msg);
  const sp = framed.indexOf(32);
  assert.equal(Number(framed.subarray(0, sp).toString()), Buffer.byteLength(msg));
  assert.equal(framed.subarray(sp + 1).toString(), msg);
  // UDP: cut to fit, marked, still valid UTF-8
  const big = toSyslog({ entry: { ...entry, data: { blob: 'é'.repeat(5000) } }, hash: ev.hash }, { maxBytes: 1024 });
  assert.ok(Buffer.byteLength(big) <= 1024);
  assert.match(big, /truncated="true"\]/);
  assert.ok(!big.includes('\ufffd'));
});

test('JSON lines: the canonical entry with its hash', () => {
  const line = toJsonl(ev);
  assert.deepEqual(JSON.parse(line), { ...entry, hash: ev.hash });
  assert.ok(line.startsWith('{"actor":{"ci":"gitlab-ci"'));
});
