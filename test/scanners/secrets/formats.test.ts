// How credentials are written where the peers' rule samples showed gaps: Kubernetes Secret manifests, nuget.config
// package-source passwords, Azure storage account keys, base64-encoded JWTs, curl's `-u`, and the placeholder
// filters every rule goes through. Each case is a line preceded by `# ruleid: <id>` (that rule must report the
// line) or `# ok: <id>` (it must not), in a file of the path given. Synthetic values only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlaceholder } from '../../../src/analyzers/secrets/filters.js';
import { checkSecretFixture } from '../../helpers/secret-fixtures.js';

describe('Kubernetes Secret manifests', () => {
  it('reports the first base64 entry of data:, past short, empty and templated entries, comments and certificates', () => {
    const fixture = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: db',
      'data:',
      '  # base64 of the user name',
      '  user: YWRtaW4=',
      '  token: {{ .Values.token | b64enc }}',
      '  empty: ""',
      '# ruleid: kubernetes-secret-data',
      '  password: cjRuZDBtUDRzc3cwcmQ5OA==',
      '---',
      // As `kubectl get -o yaml` writes it: data first, `kind:` after every entry.
      'apiVersion: v1',
      'data:',
      '  ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUR4RENDQXF5Z0F3SUJBZ0lVV3pqUDl5',
      '# ruleid: kubernetes-secret-data',
      '  token: c2EtdG9rZW4tOXhLMm1RN3ZMNHBSOHdaMw==',
      'kind: Secret # service account token',
      'metadata:',
      '  name: sa-token',
      '---',
      // A flow mapping, with a comment after `data:`.
      'kind: "Secret"',
      '# ruleid: kubernetes-secret-data',
      'data: {password: cjRuZDBtUDRzc3cwcmQ5OA==, user: YWRtaW4=}',
      '---',
      // `kind:` after a block of labels and annotations longer than a few lines.
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: api-credentials',
      '  namespace: payments',
      '  labels:',
      '    app.kubernetes.io/name: payments-api',
      '    app.kubernetes.io/instance: payments-api-production',
      '    app.kubernetes.io/managed-by: Helm',
      '    helm.sh/chart: payments-api-4.12.0',
      '  annotations:',
      '    meta.helm.sh/release-name: payments-api-production',
      '    meta.helm.sh/release-namespace: payments',
      'type: Opaque',
      'data:  # base64',
      '# ruleid: kubernetes-secret-data',
      '  api-key: SzhxWjJtUnQ5dkx4NHBXbg==',
      '---',
      // Look-alikes: placeholders, certificates only, other kinds, another document's data.
      'kind: Secret',
      'data:',
      '# ok: kubernetes-secret-data',
      '  htpasswd: ""',
      '# ok: kubernetes-secret-data',
      '  password: {{ .Values.password | b64enc }}',
      '# ok: kubernetes-secret-data',
      '  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUR4RENDQXF5Z0F3SUJBZ0lVV3pqUDl5',
      '---',
      'kind: SecretProviderClass',
      'data:',
      '# ok: kubernetes-secret-data',
      '  objects: cjRuZDBtUDRzc3cwcmQ5OA==',
      '---',
      'kind: ConfigMap',
      'data:',
      '# ok: kubernetes-secret-data',
      '  settings: cjRuZDBtUDRzc3cwcmQ5OA==',
      '---',
      'kind: Secret',
      'stringData:',
      '# ok: kubernetes-secret-data',
      '  password: cjRuZDBtUDRzc3cwcmQ5OA==',
    ].join('\n');
    assert.deepEqual(checkSecretFixture(fixture, 'deploy/secret.yaml'), []);
  });
});

describe('Kubernetes Secret manifests as JSON', () => {
  it('reads `kubectl get -o json` output and hand-written JSON; other kinds and empty values are not reported', () => {
    const fixture = [
      '[',
      '  {',
      '    "apiVersion": "v1",',
      '# ruleid: kubernetes-secret-data',
      '    "data": { "ca.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUR4RENDQXF5Z0F3SUJBZ0lVV3pqUDl5", "password": "cjRuZDBtUDRzc3cwcmQ5OA==",',
      '      "username": "YWRtaW4=" },',
      '    "kind": "Secret",',
      '    "metadata": { "name": "db" }',
      '  },',
      '  {',
      '    "kind": "Secret", "metadata": { "name": "api" },',
      '# ruleid: kubernetes-secret-data',
      '    "data": { "token": "c2EtdG9rZW4tOXhLMm1RN3ZMNHBSOHdaMw==" }',
      '  },',
      '  {',
      '# ok: kubernetes-secret-data',
      '    "data": { "settings": "cjRuZDBtUDRzc3cwcmQ5OA==" }, "kind": "ConfigMap"',
      '  },',
      '  {',
      '# ok: kubernetes-secret-data',
      '    "data": { "htpasswd": "" }, "kind": "Secret"',
      '  }',
      ']',
    ].join('\n');
    assert.deepEqual(checkSecretFixture(fixture, 'deploy/secrets.json'), []);
  });
});

describe('nuget.config package-source passwords', () => {
  it('reads the value to the quote that closes the element, and leaves references alone', () => {
    const fixture = [
      '<packageSourceCredentials>',
      '  <Contoso>',
      '    <add key="Username" value="build-agent" />',
      '<!-- ruleid: nuget-config-password -->',
      '    <add key="ClearTextPassword" value="h*+=hZ?3F$IVT9L<"/>',
      '<!-- ruleid: nuget-config-password -->',
      '    <add key="ClearTextPassword" value="%oX9%svCuC~@9E" />',
      '<!-- ruleid: nuget-config-password -->',
      '    <add key="Password"\t \tvalue=" 9+!p:R<"x,y#f1" \t />',
      '<!-- ok: nuget-config-password -->',
      '    <add key="ClearTextPassword" value="%NUGET_FEED_PASSWORD%" />',
      '<!-- ok: nuget-config-password -->',
      '    <add key="ClearTextPassword" value="$NUGET_FEED_PASSWORD" />',
      '<!-- ok: nuget-config-password -->',
      '    <add key="ClearTextPassword" value="abc" />',
      '  </Contoso>',
      '</packageSourceCredentials>',
    ].join('\n');
    assert.deepEqual(checkSecretFixture(fixture, 'nuget.config'), []);
  });
});

describe('Azure storage account keys', () => {
  it('reads the name as words, and whatever short text comes between it and the key', () => {
    const key = 'H7jmFmnQx4XJ4tArGDuTH0tcm9IkRaMFxGFc1/+EI/FbVCk7JGnBPFcIV8NuFnHNMBWCWHGoO1idhH3775RfIG==';
    const fixture = [
      '# ruleid: azure-storage-account-key',
      `Azure Storage Account Key: ${key}`,
      '# ruleid: azure-storage-account-key',
      `Set-AzStorageAccount -StorageAccountKey (ConvertTo-SecureString "${key}")`,
      '# ruleid: azure-storage-account-key',
      `new StorageSharedKeyCredential(name, accountKey = "${key}")`,
      '# ruleid: azure-storage-account-key',
      `<AccountKey>${key}</AccountKey>`,
      // A key of another length, or a bank account's key, is not one.
      '# ok: azure-storage-account-key',
      `accountKey: "${key.slice(0, 60)}=="`,
      '# ok: azure-storage-account-key',
      `bankAccountKey: "${key}"`,
      '# ok: azure-storage-account-key',
      'storage_account_key: "${STORAGE_KEY}"',
    ].join('\n');
    assert.deepEqual(checkSecretFixture(fixture, 'deploy/notes.txt'), []);
  });
});

describe('base64-encoded JWTs', () => {
  it('reads a blob wrapped over lines, a blank line or a lone carriage return between', () => {
    const fixture = [
      '# ruleid: jwt-base64',
      'ZXlKd01uTWlPaU0td04aGkaou/gX43Cr6lOEM4m\n\nZH9AJSi3PQx7Rk2LmWvN8dTb\rrv==',
      '# ok: jwt-base64',
      'ZXlKd01uTWlPaU0td04a',
    ].join('\n');
    assert.deepEqual(checkSecretFixture(fixture, 'token.txt'), []);
  });
});

describe("curl's -u", () => {
  it('reports a typed password, whatever the user name is written as; variables and placeholders are not secrets', () => {
    const fixture = [
      '# ruleid: curl-basic-auth',
      'curl -u admin:s3cr3tP4ss https://nexus.acme.io',
      '# ruleid: curl-basic-auth',
      'curl -u "${USER}":s3cr3tP4ss https://nexus.acme.io',
      '# ruleid: curl-basic-auth',
      'curl -u $(whoami):s3cr3tP4ss https://nexus.acme.io',
      '# ruleid: curl-basic-auth',
      'curl -X POST --user "{acd3c08b-74e8-4f44-a2d0-80694le24f46}":"{ZqL5kVrX1n8tA2}" https://gateway.acme.io',
      '# ruleid: curl-basic-auth',
      "curl --user kevin:'pRf7vG2h1L8nQkW9' -iX PATCH https://api.acme.io",
      '# ruleid: curl-basic-auth',
      'curl --user=ci:Qlr9sjW2x https://x.io',
      '# ok: curl-basic-auth',
      'curl -u "${USER}:${PASS}" https://api.acme.io',
      '# ok: curl-basic-auth',
      'curl -u "${username}":"${password}" https://api.acme.io',
      '# ok: curl-basic-auth',
      'curl -k -X POST -I -u "SRVC_JENKINS:${APPID}" https://ci.acme.io',
      '# ok: curl-basic-auth',
      'curl -u "${{ secrets.NEXUS_USER }}:${{ secrets.NEXUS_PASSWORD }}" https://nexus.acme.io',
      '# ok: curl-basic-auth',
      'curl --user "$(cat ./login.txt):$(cat ./password.txt)" https://x.io',
      '# ok: curl-basic-auth',
      'curl -u "apikey:{apikey}" https://api.acme.io',
      '# ok: curl-basic-auth',
      'curl -u "apikey:{client_secret}" https://api.acme.io',
      '# ok: curl-basic-auth',
      'curl -u "%NEXUS_USER%:%NEXUS_PASSWORD%" https://nexus.acme.io',
      '# ok: curl-basic-auth',
      'curl --user-agent "Mozilla:5.0" https://x.io',
    ].join('\n');
    assert.deepEqual(checkSecretFixture(fixture, 'scripts/deploy.sh'), []);
  });
});

describe('Authorization: Basic', () => {
  it('a JWT sent under the Basic scheme is not base64 credentials', () => {
    const fixture = [
      '# ruleid: authorization-basic-header',
      'curl -H "Authorization: Basic J8teNbeARlHEjQLb4s1BG9r6VWuReCO7" https://x.io',
      '# ok: authorization-basic-header',
      'curl -H "Authorization: Basic eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb25maWRlbmNlIjowLjh9.kvRPfjAhLhtRTczoRgctVGp7KY1QVH3UBZM-gM0x8ec" https://x.io',
    ].join('\n');
    assert.deepEqual(checkSecretFixture(fixture, 'README.md'), []);
  });
});

describe('placeholder filters', () => {
  it('a %NAME% or $NAME is a reference where a word starts and ends, not inside a random value', () => {
    assert.equal(isPlaceholder('%NUGET_PASSWORD%'), true);
    assert.equal(isPlaceholder('%APPDATA%\\NuGet'), true);
    assert.equal(isPlaceholder('$DB_PASSWORD'), true);
    assert.equal(isPlaceholder('user:$DB_PASSWORD@db'), true);
    assert.equal(isPlaceholder('%oX9%svCuC~@9E'), false);
    assert.equal(isPlaceholder('h*+=hZ?3F$IVT9L<'), false);
    assert.equal(isPlaceholder('TestSource%Password%'), false);
  });

  it('ascending runs typed by hand are placeholders; random values are not', () => {
    assert.equal(isPlaceholder('re_1234abcd_OBcDeFgHiJkLmNoPqRsTuVwX'), true);
    // Two runs are not enough (a test's `AKIAZ7QRSTUVWXY23456` is still reported).
    assert.equal(isPlaceholder('AKIAZ7QRSTUVWXY23456'), false);
    assert.equal(isPlaceholder('sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde'), true);
    assert.equal(isPlaceholder('key-abcd-7Qm2-lmno-Zx9p-4567-Rt3v'), true);
    assert.equal(isPlaceholder('re_Kx8v2Q1m_TzR6pWb9LcN4yHd7FsA3gJe'), false);
    assert.equal(isPlaceholder('9fHCSs+xMRlSadcLjWJ9Wov7/abb1hGNjJtw+qXy92nl5bUtzJeMuoSg+ihjsS2sOREBd6tC6hQvkuG3gSqlwN=='), false);
  });
});
