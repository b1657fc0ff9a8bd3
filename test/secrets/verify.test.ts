// --verify against a local double of every provider on 127.0.0.1: never a real provider.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BUILTIN_RULES } from '../../src/analyzers/secrets/rules/index.js';
import { configSchema } from '../../src/config/schema.js';
import type { Finding, Report } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { exoscaleAuthorization, sharedKeySignature, sharedKeyStringToSign } from '../../src/scanners/secrets/signing.js';
import { signV4 } from '../../src/scanners/secrets/sigv4.js';
import { secretsScanner } from '../../src/scanners/secrets/scanner.js';
import { openDirectory } from '../../src/targets/directory.js';
import { render, FORMATS } from '../../src/report/index.js';
import { evaluate } from '../../src/gate/evaluate.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { githubToken } from '../helpers/tokens.js';

type Mode = 'live' | 'revoked' | 'limited' | 'slow' | 'github-limit';

/** What the double was asked. */
interface Seen {
  method: string;
  path: string;
  credential: string | undefined;
}

/** The credential a request carries, as each provider takes it; AWS: the key id, once the double checked the signature. */
function credentialOf(req: IncomingMessage, body: string, secrets: Map<string, string>): string | undefined {
  const auth = req.headers.authorization ?? '';
  if (req.headers['private-token']) return String(req.headers['private-token']);
  if (auth.startsWith('Bearer ')) return auth.slice(7);
  if (auth.startsWith('Basic ')) {
    const [user, pass] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
    return pass ? `${user}:${pass}` : user;
  }
  const m = /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/us-east-1\/sts\/aws4_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (m) {
    // Recompute the signature with the secret the double knows for this key id: a wrong one is a 403, as at AWS.
    const secret = secrets.get(m[1]!);
    if (!secret) return undefined;
    const expected = signV4(
      { method: req.method!, host: req.headers.host!, path: '/', query: '', headers: { 'content-type': String(req.headers['content-type']) }, body, region: 'us-east-1', service: 'sts', amzDate: String(req.headers['x-amz-date']) },
      m[1]!,
      secret,
    );
    return expected.signature === m[4] && expected.signedHeaders === m[3] ? m[1] : `bad-signature:${m[1]}`;
  }
  const shared = /^SharedKey ([a-z0-9]{3,24}):([A-Za-z0-9+/=]+)$/.exec(auth);
  if (shared) {
    // Azure Storage Shared Key, as the service checks it: the string to sign rebuilt from the request (the verb, 11
    // empty standard headers, the x-ms-* headers, the account and path, the query), HMAC-SHA256 with the key.
    const [account, signature] = [shared[1]!, shared[2]!];
    const key = secrets.get(account);
    if (!key) return undefined;
    const url = new URL(req.url!, 'http://double');
    const ms = Object.keys(req.headers).filter((h) => h.startsWith('x-ms-')).sort().map((h) => `${h}:${String(req.headers[h])}\n`).join('');
    const query = [...url.searchParams.keys()].sort().map((k) => `\n${k}:${url.searchParams.get(k)}`).join('');
    const toSign = `${req.method}\n${'\n'.repeat(11)}${ms}/${account}${url.pathname}${query}`;
    const expected = createHmac('sha256', Buffer.from(key, 'base64')).update(toSign).digest('base64');
    return expected === signature ? account : `bad-signature:${account}`;
  }
  const exo = /^EXO2-HMAC-SHA256 credential=(EXO[A-Za-z0-9]+),expires=(\d+),signature=([A-Za-z0-9+/=]+)$/.exec(auth);
  if (exo) {
    // Exoscale API v2: `METHOD path`, body, signed query values, signed headers, expiry; HMAC-SHA256 with the secret.
    const secret = secrets.get(exo[1]!);
    if (!secret) return undefined;
    const message = `${req.method} ${req.url!.split('?')[0]}\n${body}\n\n\n${exo[2]}`;
    const expected = createHmac('sha256', secret).update(message).digest('base64');
    return expected === exo[3] ? exo[1] : `bad-signature:${exo[1]}`;
  }
  return undefined;
}

const PATHS: Record<string, string> = {
  'GET /user': 'github',
  'GET /api/v4/personal_access_tokens/self': 'gitlab',
  'POST /api/auth.test': 'slack',
  'GET /v1/balance': 'stripe',
  'GET /-/whoami': 'npm',
  'GET /v1/models': 'openai',
  'GET /v3/scopes': 'sendgrid',
  'POST /': 'aws',
  'GET /': 'azure-storage',
  'GET /v2/zone': 'exoscale',
};

class Double {
  server!: Server;
  seen: Seen[] = [];
  modes = new Map<string, Mode>();
  signingKeys = new Map<string, string>();
  url = '';
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url!.split('?')[0]!;
        const credential = credentialOf(req, body, this.signingKeys);
        this.seen.push({ method: req.method!, path, credential });
        const known =
          PATHS[`${req.method} ${path}`] ??
          (/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\.json$/.test(path) ? 'twilio' : req.method === 'GET' && /^\/[a-z0-9]{3,24}\/$/.test(path) ? 'azure-storage' : undefined);
        const mode = credential ? this.modes.get(credential) : undefined;
        if (!known) return void res.writeHead(404).end();
        if (mode === 'slow') return void setTimeout(() => res.writeHead(200).end('{}'), 2000).unref();
        if (mode === 'limited') return void res.writeHead(429).end();
        if (mode === 'github-limit') return void res.writeHead(403, { 'x-ratelimit-remaining': '0' }).end('{}');
        if (known === 'slack') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(mode === 'live' ? { ok: true } : { ok: false, error: 'invalid_auth' }));
        res.writeHead(mode === 'live' ? 200 : 401).end('{}');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

const double = new Double();
before(() => double.start());
after(() => new Promise<void>((r) => double.server.close(() => r())));

const now = () => new Date('2026-01-01T00:00:00Z');
const PROVIDERS = ['github', 'gitlab', 'slack', 'stripe', 'npm', 'openai', 'sendgrid', 'twilio', 'aws', 'azure-storage', 'exoscale'] as const;

function config(extra: Record<string, unknown> = {}) {
  return configSchema.parse({
    scanners: {
      secrets: {
        verify: true,
        verifyHosts: ['127.0.0.1'],
        verifyEndpoints: Object.fromEntries(PROVIDERS.map((p) => [p, double.url])),
        verifyTimeoutMs: 300,
        ...extra,
      },
    },
  });
}

async function scan(dir: string, cfg = config(), showSecrets = false): Promise<Report> {
  return runScan({ target: await openDirectory(dir), registry: [secretsScanner], now, config: cfg, options: { threads: 1, showSecrets } });
}

/** A rule's first positive example, and the secret the scanner finds in it. */
async function sample(ruleId: string): Promise<{ text: string; secret: string }> {
  const text = BUILTIN_RULES.find((r) => r.id === ruleId)!.examples.positive[0]!;
  const r = await scan(makeDir({ 'a.env': text + '\n' }), configSchema.parse({}), true);
  const f = r.findings.find((x) => x.ruleId === ruleId)!;
  return { text, secret: f.data!['secret'] as string };
}

const verdict = (f: Finding | undefined) => f?.data?.['verified'];

const SINGLE: [string, string][] = [
  ['github-pat', 'github'],
  ['gitlab-pat', 'gitlab'],
  ['slack-bot-token', 'slack'],
  ['stripe-live-secret-key', 'stripe'],
  ['npm-access-token', 'npm'],
  ['openai-project-key', 'openai'],
  ['sendgrid-api-key', 'sendgrid'],
];

for (const [ruleId, provider] of SINGLE) {
  test(`${provider}: live, revoked, rate-limited and slow tokens (${ruleId})`, async () => {
    const { text, secret } = ruleId === 'github-pat' ? { text: `GITHUB_TOKEN=${githubToken(77)}`, secret: githubToken(77) } : await sample(ruleId);
    const cred = secret;
    const dir = makeDir({ 'a.env': text + '\n' });
    for (const [mode, expected] of [['live', 'live'], ['revoked', 'revoked'], ['limited', 'unknown'], ['slow', 'unknown']] as const) {
      double.modes.set(cred, mode);
      double.seen = [];
      const r = await scan(dir);
      const f = r.findings.find((x) => x.ruleId === ruleId);
      assert.equal(verdict(f), expected, `${mode} → ${expected}`);
      if (expected === 'live') assert.equal(f!.confidence, 'high');
      assert.equal(double.seen.length, 1, 'one request per secret');
      assert.equal(double.seen[0]!.credential, cred, 'the secret went to its own provider, in the expected header');
      assert.equal(PATHS[`${double.seen[0]!.method} ${double.seen[0]!.path}`], provider);
      // The secret is in no output, and the verdict is in every machine format.
      const decision = evaluate(r, { policy: config(), now: now() });
      for (const format of FORMATS) {
        const out = render(format, r, decision, { color: false, verbose: true, showAll: true });
        assert.ok(!out.includes(secret), `${format} holds the secret`);
      }
      assert.match(JSON.stringify(JSON.parse(render('sarif', r, decision, { color: false }))), new RegExp(`"verified":"${expected}"`));
    }
  });
}

test('github: a 403 for a spent rate limit is unknown, not revoked', async () => {
  const t = githubToken(601);
  double.modes.set(t, 'github-limit');
  const r = await scan(makeDir({ 'a.env': `T=${t}\n` }));
  assert.equal(verdict(r.findings[0]), 'unknown');
});

test('aws: STS GetCallerIdentity signed with SigV4 (checked by the double), live and revoked', async () => {
  const { text: idLine, secret: keyId } = await sample('aws-access-key-id');
  const { text: secretLine, secret } = await sample('aws-secret-access-key');
  const dir = makeDir({ 'creds.ini': `${idLine}\n${secretLine}\n` });
  double.signingKeys.set(keyId, secret);
  double.modes.set(keyId, 'live');
  double.seen = [];
  let r = await scan(dir);
  // Written together, the two parts are one finding (aws-access-key-pair) checked with both.
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['aws-access-key-pair']);
  assert.equal(verdict(r.findings.find((f) => f.ruleId === 'aws-access-key-pair')), 'live');
  assert.deepEqual(double.seen.map((s) => [s.method, s.path, s.credential]), [['POST', '/', keyId]]);
  // Apart (more than five lines between them), each part is its own finding, checked together as before.
  const apart = makeDir({ 'creds.ini': `${idLine}
${'\n'.repeat(8)}${secretLine}
` });
  r = await scan(apart);
  assert.equal(verdict(r.findings.find((f) => f.ruleId === 'aws-secret-access-key')), 'live');
  assert.equal(verdict(r.findings.find((f) => f.ruleId === 'aws-access-key-id')), 'live');
  // The double knows another secret for the key: the signature does not match, AWS answers 403.
  double.signingKeys.set(keyId, [...secret].reverse().join(''));
  double.modes.set(`bad-signature:${keyId}`, 'revoked');
  r = await scan(dir);
  assert.equal(verdict(r.findings.find((f) => f.ruleId === 'aws-access-key-pair')), 'revoked');
  // A secret key alone (no key id in the file) is not verified.
  double.seen = [];
  r = await scan(makeDir({ 'only.ini': secretLine + '\n' }));
  assert.equal(verdict(r.findings[0]), undefined);
  assert.equal(double.seen.length, 0);
});

test('twilio: account SID with its auth token, basic auth', async () => {
  const sid = 'AC' + createHash('md5').update('sid').digest('hex');
  const { text, secret } = await sample('twilio-auth-token');
  // Written together, the SID and the token are one finding (twilio-account-pair) checked with both; apart (more
  // than five lines between them), each is its own finding and the token is checked with the SID as before.
  const together = makeDir({ '.env': `TWILIO_ACCOUNT_SID=${sid}\n${text}\n` });
  const apart = makeDir({ '.env': `TWILIO_ACCOUNT_SID=${sid}\n${'\n'.repeat(8)}${text}\n` });
  for (const [mode, expected] of [['live', 'live'], ['revoked', 'revoked']] as const) {
    double.modes.set(`${sid}:${secret}`, mode);
    double.seen = [];
    let r = await scan(together);
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['twilio-account-pair']);
    assert.equal(verdict(r.findings[0]), expected);
    assert.deepEqual(double.seen.map((s) => s.path), [`/2010-04-01/Accounts/${sid}.json`]);
    double.seen = [];
    r = await scan(apart);
    assert.equal(verdict(r.findings.find((f) => f.ruleId === 'twilio-auth-token')), expected);
    assert.deepEqual(double.seen.map((s) => s.path), [`/2010-04-01/Accounts/${sid}.json`]);
  }
});

test('azure storage: account name and key, List Containers signed with Shared Key (checked by the double)', async () => {
  const text = BUILTIN_RULES.find((r) => r.id === 'azure-storage-connection-string')!.examples.positive[0]!;
  const account = /AccountName=(\w+)/.exec(text)![1]!;
  const key = /AccountKey=([^;]+)/.exec(text)![1]!;
  const dir = makeDir({ 'appsettings.json': `{ "Storage": "${text}" }\n` });
  double.signingKeys.set(account, key);
  for (const [mode, expected] of [['live', 'live'], ['revoked', 'revoked'], ['limited', 'unknown']] as const) {
    double.modes.set(account, mode);
    double.seen = [];
    const r = await scan(dir);
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['azure-storage-connection-string']);
    assert.equal(verdict(r.findings[0]), expected);
    assert.deepEqual(double.seen.map((s) => [s.method, s.path, s.credential]), [['GET', '/', account]]);
  }
  // The key as a setting, with the account's name a few lines away: the same check.
  const keyText = BUILTIN_RULES.find((r) => r.id === 'azure-storage-account-key')!.examples.positive[0]!;
  const settingKey = keyText.slice(keyText.indexOf('=') + 1);
  double.signingKeys.set('acmeprodfiles', settingKey);
  double.modes.set('acmeprodfiles', 'live');
  double.seen = [];
  let r = await scan(makeDir({ '.env': `AZURE_STORAGE_ACCOUNT=acmeprodfiles\nAZURE_REGION=westeurope\n${keyText}\n` }));
  assert.equal(verdict(r.findings.find((f) => f.ruleId === 'azure-storage-account-key')), 'live');
  assert.deepEqual(double.seen.map((s) => s.credential), ['acmeprodfiles']);
  // Another key than the account's: the signature does not match, the service answers 403.
  double.signingKeys.set(account, settingKey);
  double.modes.set(`bad-signature:${account}`, 'revoked');
  r = await scan(dir);
  assert.equal(verdict(r.findings[0]), 'revoked');
  // A key without its account's name cannot be asked about: no request.
  double.seen = [];
  r = await scan(makeDir({ '.env': `${keyText}\n` }));
  assert.equal(verdict(r.findings[0]), undefined);
  assert.equal(double.seen.length, 0);
});

test('azure storage: `{account}` in the endpoint is the account\'s name; the default host is the account\'s own', async () => {
  const text = BUILTIN_RULES.find((r) => r.id === 'azure-storage-connection-string')!.examples.positive[0]!;
  const account = /AccountName=(\w+)/.exec(text)![1]!;
  const dir = makeDir({ 'a.txt': text + '\n' });
  // Path-style, as the storage emulator serves accounts: the account in the path and in the signed resource.
  double.signingKeys.set(account, /AccountKey=([^;]+)/.exec(text)![1]!);
  double.modes.set(account, 'live');
  double.seen = [];
  let r = await scan(dir, config({ verifyEndpoints: { 'azure-storage': `${double.url}/{account}` } }));
  assert.equal(verdict(r.findings[0]), 'live');
  assert.deepEqual(double.seen.map((s) => [s.path, s.credential]), [[`/${account}/`, account]]);
  // The default endpoint, outside the allow-list: never asked, and the reason names the account's host.
  const cfg = configSchema.parse({ scanners: { secrets: { verify: true, verifyHosts: ['*.blob.example.invalid'], verifyTimeoutMs: 300 } } });
  double.seen = [];
  r = await scan(dir, cfg);
  assert.equal(verdict(r.findings[0]), 'unknown');
  assert.equal(String(r.findings[0]!.data!['verifiedBy']), `${account}.blob.core.windows.net is not in scanners.secrets.verifyHosts`);
  assert.equal(double.seen.length, 0);
});

test('exoscale: API key and secret, the zone list signed as API v2 requests are (checked by the double)', async () => {
  const apiKey = 'EXOu5MmxNmSJDOJ7J2FSBb8mJJZV';
  const secret = 'xVq2Zr9Xt4Wn8Lp3Ks6Hd1Jf5Gb0Nc8Ya3Ue7IqK2mT';
  const dir = makeDir({ 'exoscale.toml': `[accounts]\nkey = "${apiKey}"\nsecret = "${secret}"\n` });
  double.signingKeys.set(apiKey, secret);
  for (const [mode, expected] of [['live', 'live'], ['revoked', 'revoked'], ['slow', 'unknown']] as const) {
    double.modes.set(apiKey, mode);
    double.seen = [];
    const r = await scan(dir);
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['exoscale-api-key-pair']);
    assert.equal(verdict(r.findings[0]), expected);
    assert.deepEqual(double.seen.map((s) => [s.method, s.path, s.credential]), [['GET', '/v2/zone', apiKey]]);
  }
  double.signingKeys.set(apiKey, [...secret].reverse().join(''));
  double.modes.set(`bad-signature:${apiKey}`, 'revoked');
  assert.equal(verdict((await scan(dir)).findings[0]), 'revoked');
});

test('signing: an Exoscale worked example with signed query arguments; the Shared Key string to sign', () => {
  // HMAC-SHA256 of "GET /v2/resource/<id>\n\nv1v2\n\n1599140767" with the secret, base64.
  assert.equal(
    exoscaleAuthorization({ method: 'GET', path: '/v2/resource/a02baf5a-a3e4-49a0-857b-8a08d276c1c0', body: '', expires: 1599140767, query: { p2: 'v2', p1: 'v1' } }, 'EXO29147e9f89102b7ac1e88514', 'Gjq2O4GmXbrVwWiwvSaXAX4pkXhJyK8Dl7zuvkJ8rIw'),
    'EXO2-HMAC-SHA256 credential=EXO29147e9f89102b7ac1e88514,signed-query-args=p1;p2,expires=1599140767,signature=iySgamuwvts0vmltyqBfonKPaMk6hdLUtE/jsf9Mac0=',
  );
  const req = { method: 'GET', account: 'myaccount', path: '/', query: { restype: 'x', COMP: 'list' }, headers: { 'x-ms-version': '2021-08-06', 'X-MS-Date': 'Fri, 26 Jun 2015 23:39:12 GMT' } };
  assert.equal(sharedKeyStringToSign(req), 'GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2021-08-06\n/myaccount/\ncomp:list\nrestype:x');
  assert.equal(sharedKeySignature(req, 'not base64!'), undefined);
});

test('without --verify no request is made; limits, allow-list and --offline hold', async () => {
  const tokens = [githubToken(201), githubToken(202), githubToken(203)];
  const dir = makeDir({ 'a.env': tokens.map((t, i) => `T${i}=${t}`).join('\n') + '\n' });
  for (const t of tokens) double.modes.set(t, 'live');
  double.seen = [];
  let r = await scan(dir, configSchema.parse({}));
  assert.equal(double.seen.length, 0);
  assert.ok(r.findings.every((f) => verdict(f) === undefined));
  // Request limit: two requests, the third is unknown without a request.
  r = await scan(dir, config({ verifyMaxRequests: 2 }));
  assert.equal(double.seen.length, 2);
  assert.deepEqual(r.findings.map(verdict), ['live', 'live', 'unknown']);
  // A host outside the allow-list is never asked.
  double.seen = [];
  r = await scan(dir, config({ verifyHosts: ['api.github.com'] }));
  assert.equal(double.seen.length, 0);
  assert.ok(r.findings.every((f) => verdict(f) === 'unknown' && String(f.data!['verifiedBy']).includes('verifyHosts')));
  // --offline wins over the config.
  r = await runScan({ target: await openDirectory(dir), registry: [secretsScanner], now, config: config(), options: { threads: 1, offline: true } });
  assert.equal(double.seen.length, 0);
});

test('config: a plain-HTTP endpoint off loopback is refused; the CLI refuses --verify with --offline', async () => {
  assert.throws(() => configSchema.parse({ scanners: { secrets: { verifyEndpoints: { github: 'http://api.example.com' } } } }), /https/);
  const dir = makeDir({ 'a.env': `T=${githubToken(301)}\n` });
  const res = await cli(['secrets', dir, '--verify', '--offline'], { cwd: dir });
  assert.equal(res.code, 2);
  assert.match(res.stderr, /--offline/);
});

test('CLI: --verify with the config pointing at the double', async () => {
  const t = githubToken(401);
  double.modes.set(t, 'live');
  const yml = `scanners:\n  secrets:\n    verifyHosts: ['127.0.0.1']\n    verifyEndpoints: { github: '${double.url}' }\n`;
  const dir = makeDir({ 'a.env': `T=${t}\n`, 'pipeguard.yml': yml });
  double.seen = [];
  const plain = await cli(['secrets', dir, '--format', 'json', '--no-progress'], { cwd: dir });
  assert.equal(double.seen.length, 0, 'no request without --verify');
  assert.ok(!plain.stdout.includes('"verified"'));
  const res = await cli(['secrets', dir, '--verify', '--format', 'json', '--no-progress'], { cwd: dir });
  assert.equal(res.code, 1);
  assert.equal(double.seen.length, 1);
  assert.ok(!res.stdout.includes(t) && !res.stderr.includes(t));
  assert.match(res.stdout, /"verified": ?"live"/);
});

test('SigV4 matches AWS published examples (sigv4 test suite get-vanilla, IAM ListUsers)', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  const base = { path: '/', body: '', region: 'us-east-1', amzDate: '20150830T123600Z' };
  assert.equal(
    signV4({ ...base, method: 'GET', host: 'example.amazonaws.com', query: '', headers: {}, service: 'service' }, 'AKIDEXAMPLE', secret).signature,
    '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  );
  const iam = signV4(
    { ...base, method: 'GET', host: 'iam.amazonaws.com', query: 'Action=ListUsers&Version=2010-05-08', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }, service: 'iam' },
    'AKIDEXAMPLE',
    secret,
  );
  assert.equal(iam.signature, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  assert.equal(iam.authorization, 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
});

test('worker threads hand raw secrets back for --verify only, never into the finding', async () => {
  const t = githubToken(501);
  double.modes.set(t, 'revoked');
  const dir = makeDir({ 'a.env': `T=${t}\n` });
  double.seen = [];
  const r = await runScan({ target: await openDirectory(dir), registry: [secretsScanner], now, config: config(), options: { threads: 2, workersOnly: true } });
  assert.equal(verdict(r.findings[0]), 'revoked');
  assert.equal(double.seen.length, 1);
  assert.equal(r.findings[0]!.data!['secret'], undefined);
  assert.ok(!JSON.stringify(r).includes(t));
});
