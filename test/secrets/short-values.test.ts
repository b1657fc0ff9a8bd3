// Short credentials in contexts that name them (a curl `-u` password, a database password, a nuget.config
// password), assignment forms the peers' generators write (CSV, XML elements, call arguments), and the code and
// placeholders that look like them. Each case is a line preceded by `# ruleid: <id>` (that rule must report the
// line) or `# ok: <id>` (it must not). Synthetic values only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSecretFixture } from '../helpers/secret-fixtures.js';


test('curl -u: short passwords, attached values and carriage returns are read; placeholders are not', () => {
  const fixture = [
    '# ruleid: curl-basic-auth',
    "curl\t--user=X_L8S58:'hlOj' https://x.io",
    '# ruleid: curl-basic-auth',
    'curl -s -uci:Qlrsj https://x.io',
    '# ruleid: curl-basic-auth',
    'curl -X POST\r--user deploy:drB_A0N https://x.io',
    '# ruleid: curl-basic-auth',
    'curl -u=":wGV5s" https://x.io',
    '# ok: curl-basic-auth',
    'curl -u foo:bar https://x.io',
    '# ok: curl-basic-auth',
    'curl -u api:key https://x.io',
    '# ok: curl-basic-auth',
    'curl -upload https://x.io',
    '# ok: curl-basic-auth',
    'curl -u user:%PASSWORD% https://x.io',
    '# ok: curl-basic-auth',
    'curl -u admin:admin https://x.io',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'deploy.sh'), []);
});

test('database passwords: six characters, CSV, XML elements and call defaults are read; code arguments are not', () => {
  const fixture = [
    '# ruleid: database-password',
    'os.getenv("DB_PASSWORD", "UJwuJ7")',
    '# ruleid: database-password',
    'DB_PASSWORDToken,aD@I4OV;q,',
    '# ruleid: database-password',
    '<db_passwordToken>ripKX=</db_passwordToken>',
    '# ruleid: database-password',
    'db_password: UJwuJ7',
    '# ok: database-password',
    'conn = connect(db_host, db_password, db_name2, port)',
    '# ok: database-password',
    'db_password, db_user2 = load()',
    '# ok: database-password',
    'DB_PASSWORD=[value]',
    '# ok: database-password',
    'somepwd=XXXXXXXXXXXXXXX',
    '# ok: database-password',
    'hash(pwd, salt1)',
    '# ok: database-password',
    'DB_PASSWORD=aaaaaa1',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'settings.py'), []);
});

test('nuget.config: a cleartext password of nine characters with one repeated is read; a %VAR% reference is not', () => {
  const fixture = [
    '<!-- ruleid: nuget-config-password -->',
    '<add key="ClearTextPassword" value="Bqxx8yZDp" />',
    '<!-- ok: nuget-config-password -->',
    '<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />',
    '<!-- ok: nuget-config-password -->',
    '<add key="ClearTextPassword" value="aaaaaaaaa" />',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'nuget.config'), []);
});

test('values typed as ascending runs (abc123def456) are examples; random values of the same length are not', () => {
  const fixture = [
    '# ok: generic-token',
    'API_TOKEN=abc123def456',
    '# ok: generic-token',
    'auth_token = "123abc456def789"',
    '# ruleid: generic-token',
    'API_TOKEN=q7Rk2mX9wZp4',
    '# ruleid: generic-token',
    'auth_token = "abc1x3def45Q6z"',
  ].join('\n');
  assert.deepEqual(checkSecretFixture(fixture, 'settings.env'), []);
});
