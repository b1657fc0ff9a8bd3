import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileRules, detect, ruleRegex } from '../../../src/analyzers/secrets/engine.js';
import { BUILTIN_RULES } from '../../../src/analyzers/secrets/rules/index.js';
import type { SecretRuleSpec } from '../../../src/analyzers/secrets/rule.js';
import { CHECKSUMS } from '../../../src/analyzers/secrets/validators.js';

const set = compileRules(BUILTIN_RULES);

/** Masks a value for assertion messages: never print a (synthetic) secret whole. */
function mask(s: string): string {
  return s.length <= 12 ? s.replace(/./g, '*') : `${s.slice(0, 6)}…(${s.length} chars)`;
}

describe('built-in secret rules: catalogue', () => {
  it('has at least 210 rules', () => {
    assert.ok(BUILTIN_RULES.length >= 210, `only ${BUILTIN_RULES.length} rules`);
  });

  it('registers every rule of every category file', async () => {
    const dir = new URL('../../../src/analyzers/secrets/rules/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'shared.ts');
    assert.ok(files.length >= 8, files.join(', '));
    const registered = new Set(BUILTIN_RULES.map((r) => r.id));
    let total = 0;
    for (const f of files) {
      const mod = (await import(new URL(f, dir).href)) as Record<string, unknown>;
      const lists = Object.values(mod).filter((v): v is SecretRuleSpec[] => Array.isArray(v));
      assert.equal(lists.length, 1, `${f} exports one rule list`);
      for (const r of lists[0]!) assert.ok(registered.has(r.id), `${f}: ${r.id} not in BUILTIN_RULES`);
      total += lists[0]!.length;
    }
    assert.equal(total, BUILTIN_RULES.length);
  });

  it('ids are unique, kebab-case and sorted', () => {
    const ids = BUILTIN_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
    for (const id of ids) assert.match(id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    assert.deepEqual(ids, [...ids].sort());
  });

  it('every rule has keywords in lower case, a title, and examples both ways', () => {
    for (const r of BUILTIN_RULES) {
      assert.ok(r.keywords.length > 0, `${r.id}: no keywords`);
      for (const k of r.keywords) assert.equal(k, k.toLowerCase(), `${r.id}: keyword ${k} not lower case`);
      assert.ok(r.title.length > 0, `${r.id}: no title`);
      assert.ok(r.examples.positive.length >= 1, `${r.id}: no positive example`);
      assert.ok(r.examples.negative.length >= 1, `${r.id}: no negative example`);
      if (r.checksum) assert.ok(r.checksum in CHECKSUMS, `${r.id}: unknown checksum ${r.checksum}`);
    }
  });

  it('every regex (and allowlist regex) compiles with g + its flags', () => {
    for (const r of BUILTIN_RULES) {
      assert.doesNotThrow(() => new RegExp(r.regex, 'g' + (r.flags ?? '')), r.id);
      for (const a of [...(r.allowlist?.regexes ?? []), ...(r.allowlist?.matchRegexes ?? [])]) {
        assert.doesNotThrow(() => new RegExp(a, 'i'), `${r.id}: allowlist ${a}`);
      }
    }
  });

  it('each keyword occurs in (or right next to) every positive example', () => {
    for (const r of BUILTIN_RULES) {
      for (const p of r.examples.positive) {
        const low = p.toLowerCase();
        assert.ok(
          r.keywords.some((k) => low.includes(k)),
          `${r.id}: no keyword of [${r.keywords.join(', ')}] in a positive example`,
        );
      }
    }
  });
});

describe('built-in secret rules: examples through the engine', () => {
  for (const r of BUILTIN_RULES) {
    it(r.id, () => {
      for (const p of r.examples.positive) {
        const hits = detect(p, set).filter((d) => d.ruleId === r.id);
        assert.equal(hits.length, 1, `${r.id}: expected one finding in positive ${mask(p)}, got ${hits.length}`);
        assert.ok(p.includes(hits[0]!.secret), `${r.id}: secret not in the example`);
        assert.ok(hits[0]!.secret.length >= 8, `${r.id}: suspiciously short secret`);
        if (r.checksum) assert.ok(CHECKSUMS[r.checksum](hits[0]!.secret), `${r.id}: checksum`);
      }
      for (const n of r.examples.negative) {
        const hits = detect(n, set).filter((d) => d.ruleId === r.id);
        assert.equal(hits.length, 0, `${r.id}: negative example ${mask(n)} fired`);
      }
      for (const l of r.examples.lookalike ?? []) {
        assert.ok(r.checksum, `${r.id}: look-alike examples without a checksum`);
        const hits = detect(l, set).filter((d) => d.ruleId === r.id);
        assert.equal(hits.length, 1, `${r.id}: expected one low-confidence finding in look-alike ${mask(l)}`);
        assert.equal(hits[0]!.checksumFailed, true, `${r.id}: look-alike ${mask(l)} passed the checksum`);
        assert.equal(CHECKSUMS[r.checksum!](hits[0]!.secret), false);
      }
      for (const p of r.examples.positive) assert.ok(detect(p, set).every((d) => d.ruleId !== r.id || !d.checksumFailed), `${r.id}: positive failed its checksum`);
    });
  }
});

describe('built-in secret rules: search modes', () => {
  it('every rule is anchored on literals or searched in windows; window rules match around a keyword', () => {
    for (const rule of set.rules) {
      assert.notEqual(rule.mode, 'whole', `${rule.id}: neither anchored nor bounded: it would be searched whole`);
      if (rule.mode !== 'window') continue;
      for (const p of rule.spec.examples.positive) {
        const re = ruleRegex(rule, false);
        re.lastIndex = 0;
        const m = re.exec(p);
        assert.ok(m, `${rule.id}: regex misses a positive example`);
        const low = m[0].toLowerCase();
        assert.ok(rule.spec.keywords.some((k) => low.includes(k)), `${rule.id}: a match holds none of [${rule.spec.keywords.join(', ')}]`);
      }
    }
  });

  it('anchored and window searches find exactly what a whole-text search finds', () => {
    const reference = compileRules(BUILTIN_RULES, { exhaustive: true });
    // Every example in several surroundings: alone on a line, glued to text, next to other rules' keywords,
    // at the very start and end of the text, and inside long lines.
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed);
    const words = [...new Set(BUILTIN_RULES.flatMap((r) => r.keywords))];
    const filler = () => {
      let f = '';
      for (let i = rand() % 6; i > 0; i--) f += rand() % 3 === 0 ? words[rand() % words.length] : 'x = compute(a, b); ';
      return f;
    };
    const samples = BUILTIN_RULES.flatMap((r) => [...r.examples.positive, ...r.examples.negative]);
    const parts: string[] = [samples[0]!];
    for (const s of samples) {
      const sep = ['\n', ' ', '', '\t', '\n' + 'y'.repeat(rand() % 3000) + ' '][rand() % 5]!;
      parts.push(filler() + sep + s + sep + filler());
    }
    parts.push(samples[samples.length - 1]!);
    const text = parts.join('\n');
    const fast = detect(text, set);
    const slow = detect(text, reference);
    assert.ok(fast.length > 300, `only ${fast.length} detections`);
    assert.deepEqual(
      fast.map((d) => `${d.ruleId}@${d.start}-${d.end}`),
      slow.map((d) => `${d.ruleId}@${d.start}-${d.end}`),
    );
    // The same from bytes: the WebAssembly automaton leaves out the hits no rule can start a match at, and the
    // text is only made when some rule has a place to search.
    const ascii = text.replace(/[^\x00-\x7f]/g, '?');
    const bytes = Buffer.from(ascii, 'latin1');
    assert.ok(bytes.length > 1 << 19, 'the text spans several chunks of the byte scan');
    const viaBytes = detect(() => ascii, set, { bytes, decode: (v) => v });
    assert.deepEqual(
      viaBytes.map((d) => `${d.ruleId}@${d.start}-${d.end}`),
      detect(ascii, reference).map((d) => `${d.ruleId}@${d.start}-${d.end}`),
    );
  });
});

describe('built-in secret rules: regions of large texts', () => {
  it('searching strings of only the regions around the places to search finds what a whole-text search finds', () => {
    const reference = compileRules(BUILTIN_RULES, { exhaustive: true });
    const samples = BUILTIN_RULES.flatMap((r) => [...r.examples.positive, ...r.examples.negative]).map((t) => t.replace(/[^\x00-\x7f]/g, '?'));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed);
    // Code-like filler without keywords, so most texts hold one place to search (and a second sample sometimes).
    const filler = (n: number) => {
      let f = '';
      while (f.length < n) f += ['x = compute(a, b);\n', 'if (y > 3) { z++; }\n', 'const list = [1, 2, 3];\n'][rand() % 3];
      return f;
    };
    let regional = 0;
    let found = 0;
    for (const [i, sample] of samples.entries()) {
      const second = rand() % 4 === 0 ? samples[rand() % samples.length]! : '';
      const text = filler(9000 + (rand() % 5000)) + sample + '\n' + filler(rand() % 3000) + second + '\n' + filler(9000);
      let made = 0;
      const got = detect(() => (made++, text), set, { bytes: Buffer.from(text, 'latin1'), decode: (v) => v });
      // No text made, yet secrets found: they were found in region strings.
      if (made === 0 && got.length > 0) regional++;
      found += got.length;
      assert.deepEqual(
        got.map((d) => `${d.ruleId}@${d.start}-${d.end}:${d.line}:${d.column}`),
        detect(text, reference).map((d) => `${d.ruleId}@${d.start}-${d.end}:${d.line}:${d.column}`),
        `sample ${i}: ${sample.slice(0, 60)}`,
      );
    }
    assert.ok(regional > 60, `only ${regional} of ${samples.length} texts found secrets in regions`);
    assert.ok(found > 300, `only ${found} detections`);
  });
});

describe('built-in secret rules: in a large file', () => {
  it('finds every positive example when all sit in one file larger than the whole-text threshold', () => {
    const filler = 'const value = computeSomething(input, options); // ordinary code line\n'.repeat(8);
    const want: { id: string; sample: string }[] = [];
    let text = '';
    for (const r of BUILTIN_RULES) {
      for (const p of r.examples.positive) {
        text += filler + p + '\n';
        want.push({ id: r.id, sample: p });
      }
    }
    assert.ok(text.length > 100_000);
    const hits = detect(text, set);
    const missed = want.filter((w) => !hits.some((h) => h.ruleId === w.id && w.sample.includes(h.secret))).map((w) => w.id);
    assert.deepEqual(missed, []);
  });

  it('reports a provider token once, under the specific rule, not also as a generic assignment', () => {
    const sample = BUILTIN_RULES.find((r) => r.id === 'github-pat')!.examples.positive[0]!;
    const token = /ghp_[A-Za-z0-9]{36}/.exec(sample)![0];
    for (const line of [`GITHUB_TOKEN=${token}`, `api_key = "${token}"`, `password: ${token}`, `Authorization: Bearer ${token}`]) {
      assert.deepEqual(
        detect(line, set).map((d) => d.ruleId),
        ['github-pat'],
        line.slice(0, 14),
      );
    }
  });
});

describe('built-in secret rules: precision on code noise', () => {
  const noise = [
    'password = os.getenv("DB_PASSWORD")',
    'const token = process.env.GITHUB_TOKEN;',
    'api_key: ${{ secrets.API_KEY }}',
    'password: {{ .Values.db.password }}',
    'secret_key = settings.SECRET_KEY',
    'access_token = get_access_token(user)',
    '"integrity": "sha512-3bF0pYXa9T1nD2Gk5sVjQm4kzLh8cWq7uR6yEoP0xZ1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4aB5c=="',
    '"resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"',
    'checksum: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"',
    'client_secret = None',
    'password = true',
    'password = 12345',
    'auth_token = "${AUTH_TOKEN}"',
    'DATABASE_URL=postgres://user:password@localhost:5432/app',
    'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
    'REDIS_URL=redis://:@localhost:6379',
    'mongodb://<username>:<password>@cluster0.mongodb.net/test',
    'request_id = "6f1c2b1e-8a3d-4f5b-9c7e-2d1a0b3c4e5f"',
    'export API_KEY=$(vault kv get -field=key secret/app)',
    'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'password_file = /run/secrets/db_password',
    'token_url = https://oauth2.googleapis.com/token',
    "const password = req.body.password;",
    "this.password = password;",
    "password: string;",
    "password?: string | null;",
    "private String password;",
    "self.password = kwargs.get(\"password\")",
    "password = getpass.getpass(\"Password: \")",
    "password = input(\"Enter password: \")",
    "if (password !== confirmPassword) throw new Error(\"mismatch\");",
    "<input type=\"password\" name=\"password\" id=\"password\" />",
    "\"password\": \"Password\",",
    "password_label: \"Mot de passe\"",
    "PASSWORD_RESET_TIMEOUT = 3600",
    "password_hash = bcrypt.hashpw(password, bcrypt.gensalt())",
    "hashed_password = \"$2b$12$KIXQJ1c9hYzF3uU8G9p7TOeW6tTtHq0H0i3c5o3kYVZ8l9vJ5mS2a\"",
    "password: ${{ secrets.REGISTRY_PASSWORD }}",
    "password: ${REGISTRY_PASSWORD}",
    "DB_PASSWORD: {{ .Values.postgres.password | b64enc }}",
    "password = \"{{ db_password }}\"",
    "password = os.environ[\"DB_PASSWORD\"]",
    "password = ENV.fetch(\"DB_PASSWORD\")",
    "password = System.getenv(\"DB_PASSWORD\");",
    "password := os.Getenv(\"DB_PASSWORD\")",
    "var password = Environment.GetEnvironmentVariable(\"DB_PASSWORD\");",
    "password = config[\"database\"][\"password\"]",
    "password = settings.DATABASE_PASSWORD",
    "$password = $_POST['password'];",
    "password: !Ref DbPassword",
    "MasterUserPassword: !Sub '{{resolve:secretsmanager:${Secret}:SecretString:password}}'",
    "password = None",
    "password = \"\"",
    "password = ''",
    "api_key = None",
    "api_key: \"\"",
    "apiKey: process.env.API_KEY,",
    "apiKey: import.meta.env.VITE_API_KEY,",
    "const apiKey = useApiKey();",
    "api_key = st.secrets[\"api_key\"]",
    "API_KEY_HEADER = \"X-API-Key\"",
    "api_key_name = \"default-key\"",
    "\"api_key_id\": \"key_01HXYZ\",",
    "token = jwt.encode(payload, key, algorithm=\"HS256\")",
    "token = request.headers.get(\"Authorization\")",
    "access_token = response.json()[\"access_token\"]",
    "token_type = \"Bearer\"",
    "token_endpoint = \"https://login.microsoftonline.com/common/oauth2/v2.0/token\"",
    "TOKEN_EXPIRY_SECONDS = 86400",
    "tokens = tokenizer.encode(text)",
    "max_tokens = 4096",
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "token: ${{ github.token }}",
    "csrf_token = generate_csrf()",
    "refresh_token = tokens.refresh_token",
    "secret = Secret(name=\"db\", namespace=\"prod\")",
    "secret_name = \"prod/db/credentials\"",
    "secretRef: { name: app-secrets }",
    "kind: Secret",
    "SECRET_KEY = os.environ.get(\"SECRET_KEY\", \"\")",
    "client_secret = env(\"CLIENT_SECRET\")",
    "secret: { type: String, required: true },",
    "secretsmanager = boto3.client(\"secretsmanager\")",
    "private_key = serialization.load_pem_private_key(data, password=None)",
    "private_key_path = \"~/.ssh/id_rsa\"",
    "\"integrity\": \"sha512-E8rV9bU6cJjYv5c0KkN5o6r9t2t7qg3Sx5kQm3z1bU5rW5QY9Xb1+q0u1rGZ0v6J0n9cWw8Y3dQ6rT4yB6Y5gA==\"",
    "resolved \"https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c\"",
    "sha256 = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
    "checksum: 5d41402abc4b2a76b9719d911017c592",
    "commit: 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
    "image: ghcr.io/acme/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uuid = \"3fa85f64-5717-4562-b3fc-2c963f66afa6\"",
    "secret_id = \"3fa85f64-5717-4562-b3fc-2c963f66afa6\"",
    "url = \"https://api.github.com/repos/acme/app/actions/secrets/public-key\"",
    "\"secretlint\": \"^8.2.0\",",
    "PASSWORD_VALIDATORS = [{\"NAME\": \"django.contrib.auth.password_validation.MinimumLengthValidator\"}]",
    "auth_token_url = \"https://auth.acme.io/oauth/token\"",
    "key = \"value\"",
    "key: default_value_for_the_thing",
    "authToken: localStorage.getItem(\"authToken\"),",
    "password: faker.internet.password(),",
    "export TOKEN=$(gcloud auth print-access-token)",
    "TOKEN=$(cat /run/secrets/token)",
    "echo \"password=$PASSWORD\" >> $GITHUB_OUTPUT",
    "password_min_length: 12",
    "password: '********'",
    "password: \"<your-password>\"",
    "password: \"REPLACE_ME\"",
    "password = \"your_password_here\"",
    "session_token = \"...\"",
    "mongodb://mongo:27017",
    "postgres://postgres:postgres@localhost:5432/postgres",
    "redis://redis:6379/0",
    "amqp://guest:guest@rabbitmq:5672/",
    "https://user:pass@example.com",
    "https://username:password@github.com/org/repo.git",
    "DATABASE_URL=postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}",
    "url: https://${{ secrets.USER }}:${{ secrets.PASS }}@example.com",
    "\"sha1-nQ...\": true",
    "token: <token>",
    "password:\n  secure: \"Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1\"",
    "- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db\n      key: password",
    "POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password",
    "password: ${{ secrets.PASSWORD }}",
    "secretName: tls-cert-2024",
    "token: \"{{ lookup('env', 'TOKEN') }}\"",
    "api_key: !ENV ${API_KEY}",
    "apiKey: <%= ENV['API_KEY'] %>",
    "password: \"%{hiera('db_password')}\"",
    "secret_key: \"@@SECRET_KEY@@\"",
    "password: __PASSWORD__",
    "password = \"********\"",
    "token = 'Bearer ' + token",
    "private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)",
    "access_token = AccessToken.objects.create(user=user, token=generate_token())",
    "secret = hmac.new(key, msg, hashlib.sha256).hexdigest()",
  ];
  for (const line of noise) {
    it(`stays silent on: ${line.slice(0, 40).replace(/\n/g, '⏎')}`, () => {
      const hits = detect(line, set);
      assert.deepEqual(
        hits.map((h) => h.ruleId),
        [],
        `fired on ${line.slice(0, 40)}`,
      );
    });
  }
});

describe('built-in secret rules: encoded blobs', () => {
  /** Deterministic pseudo-random bytes (xorshift32) with runs of zero bytes, like embedded binaries. */
  function blob(size: number, seed: number): Buffer {
    const out = Buffer.alloc(size);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < size; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = i % 1000 < 960 ? x & 0xff : 0;
    }
    return out;
  }

  it('finds nothing in base64, base64url and hex dumps of binary data', () => {
    const data = blob(300_000, 0x5eed);
    const texts = {
      base64: data.toString('base64'),
      base64Lines: data.toString('base64').replace(/(.{76})/g, '$1\n'),
      base64url: data.toString('base64url'),
      hex: data.toString('hex').slice(0, 400_000),
      dataUri: `const wasm = "data:application/wasm;base64,${data.toString('base64')}";`,
    };
    for (const [name, text] of Object.entries(texts)) {
      assert.deepEqual(
        detect(text, set).map((d) => d.ruleId),
        [],
        name,
      );
    }
  });
});

describe('built-in secret rules: ReDoS guard', () => {
  it('every regex finishes adversarial 100 KB inputs within a generous bound', () => {
    const N = 100_000;
    const runs = ['aA0-_.', 'Ab9_', 'a-', 'a.b-c_d', '=', '/+a'];
    const base = [...runs.map((u) => u.repeat(Math.ceil(N / u.length)).slice(0, N)), 'a'.repeat(N)];
    const slow: string[] = [];
    for (const r of BUILTIN_RULES) {
      const re = new RegExp(r.regex, 'g' + (r.flags ?? ''));
      const kw = r.keywords[0]!;
      const inputs = [
        ...base,
        (kw + ' ').repeat(Math.ceil(N / (kw.length + 1))),
        (kw + '=' + 'aB3_-.'.repeat(40) + ' ').repeat(Math.ceil(N / (kw.length + 242))),
        (kw + 'x-'.repeat(64) + ':').repeat(Math.ceil(N / (kw.length + 129))),
        // near misses: each positive cut short (and cut in half), repeated without separators
        ...r.examples.positive.flatMap((p) => [p.slice(0, -1), p.slice(0, p.length >> 1)].map((q) => q.repeat(Math.ceil(N / Math.max(1, q.length))))),
      ];
      // CPU time of this process, not wall time: the bound is about the regex's work, not the machine's load
      const t0 = process.cpuUsage();
      for (const s of inputs) {
        re.lastIndex = 0;
        for (let i = 0; i < 100_000 && re.exec(s) !== null; i++) {
          if (re.lastIndex === 0) break;
        }
      }
      const used = process.cpuUsage(t0);
      const ms = (used.user + used.system) / 1000;
      if (ms > 2000) slow.push(`${r.id} ${Math.round(ms)} ms`);
    }
    assert.deepEqual(slow, []);
  });
});
