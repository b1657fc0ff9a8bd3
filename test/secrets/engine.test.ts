import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeBytes, analyzeText, redact } from '../../src/analyzers/secrets/analyze.js';
import { decodeText } from '../../src/targets/file.js';
import { LineIndex } from '../../src/core/lines.js';
import { compileRules, detect } from '../../src/analyzers/secrets/engine.js';
import { isPlaceholder, looksLikeCode, shannonEntropy } from '../../src/analyzers/secrets/filters.js';
import type { SecretRuleSpec } from '../../src/analyzers/secrets/rule.js';
import { BUILTIN_RULES } from '../../src/analyzers/secrets/rules/index.js';
import { awsKeyId, githubToken, seeded } from '../helpers/tokens.js';

const specific: SecretRuleSpec = {
  id: 'acme-token',
  title: 'ACME token',
  severity: 'high',
  keywords: ['acme_'],
  regex: String.raw`\b(acme_[A-Za-z0-9]{24})\b`,
  examples: { positive: [], negative: [] },
};
const generic: SecretRuleSpec = {
  id: 'generic-token',
  title: 'generic',
  severity: 'medium',
  keywords: ['token'],
  regex: String.raw`token\s*=\s*"([^"\s]{12,})"`,
  minEntropy: 3,
  generic: true,
  examples: { positive: [], negative: [] },
};

test('a generic hit on the same secret yields to the specific rule', () => {
  const set = compileRules([specific, generic]);
  const tok = 'acme_' + seeded(7, 24);
  const d = detect(`token = "${tok}"`, set);
  assert.deepEqual(d.map((x) => x.ruleId), ['acme-token']);
  const other = seeded(9, 20);
  assert.deepEqual(detect(`token = "${other}"`, set).map((x) => x.ruleId), ['generic-token']);
});

test('windowed search in a large text finds the same as a whole-text search', () => {
  const set = compileRules([specific]);
  const toks = [1, 2, 3].map((s) => 'acme_' + seeded(s, 24));
  const filler = 'x = 1; // padding line without keywords\n'.repeat(2000);
  const text = `${filler}${toks[0]}\n${filler}a=${toks[1]} b=${toks[2]}\n${filler}`;
  assert.ok(text.length > 100_000);
  const d = detect(text, set);
  assert.deepEqual(d.map((x) => x.secret), toks);
  const li = new LineIndex(text);
  for (const x of d) assert.equal(li.at(x.start).line, x.line);
  assert.equal(d[0]!.line, 2001);
  assert.equal(d[1]!.column, 3);
});

test('a minified single huge line still finds a keyword-adjacent secret', () => {
  const set = compileRules([specific]);
  const tok = 'acme_' + seeded(4, 24);
  const text = 'var a=1;'.repeat(50_000) + `k="${tok}";` + 'var b=2;'.repeat(50_000);
  assert.deepEqual(detect(text, set).map((x) => x.secret), [tok]);
});

test('placeholders, templates and patterned values are not secrets', () => {
  for (const s of ['ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '${GITHUB_TOKEN}', '{{ .Values.token }}', 'AKIAIOSFODNN7EXAMPLE', '<your-api-key>', 'abcdefghijklmnop', '$(cat /run/secret)', '%API_KEY%', 'your_token_here']) {
    assert.ok(isPlaceholder(s), s);
  }
  for (const s of [githubToken(1), seeded(3, 32)]) assert.ok(!isPlaceholder(s), s);
  for (const s of ['process.env.API_KEY', 'os.getenv("X")', 'config.get(secret)', 'true', '12345', './keys/id_rsa', 'https://example.com/a', 'getToken()', 'someVariableName', '123e4567-e89b-12d3-a456-426614174000', 'sha512-abc']) {
    assert.ok(looksLikeCode(s), s);
  }
  assert.ok(!looksLikeCode(seeded(5, 24)));
  assert.ok(shannonEntropy('aaaa') === 0);
  assert.ok(shannonEntropy(seeded(8, 40)) > 4);
});

test('evidence redacts every secret on the line, and the raw value only with showSecrets', () => {
  const set = compileRules(BUILTIN_RULES);
  const a = githubToken(11);
  const b = githubToken(12, 'gho');
  const text = `tokens: ${a} ${b}\n`;
  const hits = analyzeText(text, set, {});
  assert.equal(hits.length, 2);
  for (const h of hits) {
    assert.ok(!h.evidence.includes(a) && !h.evidence.includes(b), h.evidence);
    assert.equal(h.secret, undefined);
    assert.match(h.hash, /^sha256:[0-9a-f]{64}$/);
  }
  assert.equal(redact(a), `ghp_********(${a.length})`);
  const shown = analyzeText(text, set, { showSecrets: true });
  assert.equal(shown[0]!.secret, a);
  assert.ok(shown[0]!.evidence.includes(a));
});

test('bytes read as Latin-1 give the same hits as decoded text: columns, evidence and hashes of non-ASCII files', () => {
  const set = compileRules(BUILTIN_RULES);
  const tok = githubToken(31);
  const aws = awsKeyId(5);
  const texts = [
    `plain ascii ${tok}\n`,
    `// Größe: 10 €, naïve café\nconst t = "${tok}"; // schlüssel ✓\n`,
    `\ufeffbom first line ${tok}\n`,
    `emoji 🔑🔑 ${tok} and ${aws} ⟵ both\n😀\n`,
    `password = "Pässwört-9x7Qz2k4Lm"\nαβγ api_key: "${seeded(41, 24)}" δ\n`,
    `multi\r\nlines ← ${tok}\r\n`,
    // UTF-8 of à and Р holds the byte 0xA0, a no-break space to a regex reading bytes as Latin-1.
    `password = "voilà-S3cr3t-9x7Qz2k4"\n`,
    `db_password: "Пароль-Р9x7Qz2k4Lm"\n`,
  ];
  for (const text of texts) {
    const bytes = new TextEncoder().encode(text);
    for (const showSecrets of [false, true]) {
      const want = analyzeText(decodeText(bytes), set, { showSecrets });
      assert.ok(want.length > 0, text.slice(0, 12));
      assert.deepEqual(analyzeBytes(bytes, set, { showSecrets }), want, text.slice(0, 12));
    }
  }
});

test('the inline-ignore marker is reported by the automaton pass', () => {
  const set = compileRules(BUILTIN_RULES);
  for (const [text, marker] of [['x = 1 // pipeguard:ignore\n', true], ['x = 1 // PIPEGUARD: noted\n', true], ['pipeguard ignore\n', false]] as const) {
    const found = { marker: !marker };
    analyzeBytes(new TextEncoder().encode(text), set, { found });
    assert.equal(found.marker, marker, text);
  }
});

test('a custom rule is searched over the whole file when its keyword occurs anywhere (gitleaks keyword semantics)', () => {
  const rule: SecretRuleSpec = {
    id: 'acme-deploy-key',
    title: 'ACME deploy key',
    severity: 'high',
    keywords: ['acme'],
    regex: String.raw`deploy_key_([0-9A-Za-z]{24})`,
    examples: { positive: [], negative: [] },
  };
  const secret = seeded(61, 24);
  const text = `# acme settings\n${'x = 1;\n'.repeat(3000)}deploy_key_${secret}\n`;
  // As a user's rule: found far from its keyword.
  const custom = compileRules([rule], { custom: new Set([rule.id]) });
  assert.equal(custom.rules[0]!.mode, 'anchored');
  assert.deepEqual(detect(text, custom).map((d) => d.secret), [secret]);
  const unanchored = { ...rule, regex: String.raw`[a-z]+_key_([0-9A-Za-z]{24})` };
  const customWhole = compileRules([unanchored], { custom: new Set([rule.id]) });
  assert.equal(customWhole.rules[0]!.mode, 'whole');
  assert.deepEqual(detect(text, customWhole).map((d) => d.secret), [secret]);
  // Without its keyword in the file, not searched at all.
  assert.deepEqual(detect(text.replace('acme', 'other'), customWhole), []);
});

test('a two-character prefix anchors a rule only when it is the rule\'s keyword and the first characters are known far', () => {
  const rule = (id: string, keywords: string[], regex: string): SecretRuleSpec => ({ id, title: id, severity: 'medium', keywords, regex, examples: { positive: [], negative: [] } });
  const jwtLike = rule('jwt-like', ['ey'], String.raw`(?<![A-Za-z0-9_\-])ey[A-Za-z0-9]{17,400}\.ey[A-Za-z0-9_\-]{17,800}`);
  const shortLead = rule('short-lead', ['ey'], String.raw`ey[A-Za-z0-9.]{3}[^"]{0,40}`);
  const otherKeyword = rule('other-keyword', ['eyes_'], String.raw`(?:eyes_|ey)[A-Za-z0-9]{30}`);
  const set = compileRules([jwtLike, shortLead, otherKeyword]);
  assert.deepEqual(set.rules.map((r) => r.mode), ['anchored', 'window', 'window']);
  // The same matches as the whole-text reference, and none inside words (`key`, `they`) or mid-token.
  const body = `${seeded(3, 20)}.ey${seeded(4, 30)}`;
  const text = `they key=ey${body} xey${body} "ey${body}"\n${'obey the keyboard; '.repeat(500)}ey${body}`;
  const reference = compileRules([jwtLike], { exhaustive: true });
  const got = detect(text, compileRules([jwtLike])).map((d) => d.start);
  assert.deepEqual(got, detect(text, reference).map((d) => d.start));
  assert.equal(got.length, 3);
});

test('changedLines keeps only secrets on added lines', () => {
  const set = compileRules(BUILTIN_RULES);
  const text = `old ${githubToken(21)}\nnew ${githubToken(22)}\n`;
  const hits = analyzeText(text, set, { changedLines: new Set([2]) });
  assert.deepEqual(hits.map((h) => h.line), [2]);
});

test('a rule with an invalid regex is refused with its id', () => {
  assert.throws(() => compileRules([{ ...specific, regex: '(' }]), /acme-token: invalid regex/);
});

test('allowlist.exactRegexes drop secrets case-sensitively; allowlist.regexes ignore case', () => {
  const rule: SecretRuleSpec = {
    id: 'acme-word',
    title: 'ACME word',
    severity: 'high',
    keywords: ['acme='],
    regex: String.raw`acme=(?<secret>[A-Za-z]{6,})`,
    allowlist: { exactRegexes: ['^[A-Z][a-z]+$'], regexes: ['^zzz'] },
    examples: { positive: [], negative: [] },
  };
  const set = compileRules([rule]);
  const found = (text: string) => detect(text, set).map((d) => d.secret);
  assert.deepEqual(found('acme=Foobarbaz'), []);
  assert.deepEqual(found('acme=fOOBARBAZ'), ['fOOBARBAZ']);
  assert.deepEqual(found('acme=ZZZabcdef'), []);
});

test("a rule's paths globs: `**/` globs match the file name in any folder, others the whole path", () => {
  const spec = (paths: string[]): SecretRuleSpec => ({
    id: 'acme-env',
    title: 'ACME env',
    severity: 'high',
    keywords: ['acme='],
    regex: String.raw`acme=(?<secret>[A-Za-z0-9]{12,})`,
    paths,
    examples: { positive: [], negative: [] },
  });
  const text = `acme=${seeded(71, 20)}\n`;
  const found = (paths: string[], path: string) => detect(text, compileRules([spec(paths)]), { path }).length === 1;
  const env = ['**/.env', '**/.env.*', '**/*.env', '**/.envrc'];
  for (const p of ['.env', 'a/.env', 'a/b/.env.local', 'x.env', 'a/prod.env', '.envrc', '.x/.env']) assert.ok(found(env, p), p);
  for (const p of ['env', 'a/.env/b.txt', 'a.env.txt', 'dir.env/file', 'a/b/.ENV']) assert.ok(!found(env, p), p);
  // A glob with a folder in it is matched against the whole path; one without, against the file name.
  assert.ok(found(['config/*.env'], 'config/prod.env'));
  assert.ok(!found(['config/*.env'], 'other/prod.env'));
  assert.ok(found(['*.npmrc'], 'deep/down/.npmrc'));
});

test('built-in regexes are made on first use, and a lazy set finds what an eager one does, decoded values included', () => {
  const lazy = compileRules(BUILTIN_RULES, { lazy: true });
  const eager = compileRules(BUILTIN_RULES);
  assert.ok(lazy.rules.every((r) => r.regex === null && r.bytesRegex === null), 'nothing made at start');
  assert.ok(eager.rules.every((r) => r.regex !== null && r.bytesRegex !== null));
  // A file whose only GitHub token is base64-encoded: the file's own bytes hold none of the rule's keywords, so
  // only the decoding pass wakes it (and must make its regex).
  const token = githubToken(21);
  const only = Buffer.from(`const blob = '${Buffer.from(`GITHUB_TOKEN=${token}`).toString('base64')}';\nconst n = 42;\n`);
  const hits = analyzeBytes(only, lazy, { path: 'a.js' });
  assert.deepEqual(
    hits.map((h) => [h.ruleId, h.decodedFrom]),
    [['github-pat', 'base64']],
  );
  const made = lazy.rules.filter((r) => r.regex !== null || r.bytesRegex !== null).map((r) => r.id);
  assert.ok(made.includes('github-pat'), 'the decoded value made the rule it needed');
  assert.ok(made.length < 20, `only the rules that ran were made (${made.length})`);
  // Every rule's examples, plain and base64-encoded, one file each: the same hits from both sets.
  for (const rule of BUILTIN_RULES) {
    const lines = [...rule.examples.positive, ...rule.examples.negative];
    const text = lines.join('\n') + '\n' + lines.map((l) => `v = "${Buffer.from(l).toString('base64')}"`).join('\n') + '\n';
    const path = rule.paths?.length ? rule.paths[0]!.replace(/^\*\*\//, '').replace(/\*/g, 'x') : 'f.txt';
    assert.deepEqual(analyzeBytes(Buffer.from(text), lazy, { path }), analyzeBytes(Buffer.from(text), eager, { path }), rule.id);
  }
});
