import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import type { Report } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { secretsScanner } from '../../src/scanners/secrets/scanner.js';
import { openDirectory } from '../../src/targets/directory.js';
import { makeDir } from '../helpers/tmp.js';

const now = () => new Date('2026-01-01T00:00:00Z');

async function scan(files: Record<string, string>): Promise<Report> {
  return runScan({ target: await openDirectory(makeDir(files)), registry: [secretsScanner], now, config: configSchema.parse({}), options: { threads: 1, showSecrets: true } });
}

const ids = (r: Report) => r.findings.map((f) => f.ruleId).sort();
const secretOf = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id)?.data?.['secret'];

// Synthetic values of each vendor's documented shape.
const SID = 'AC53a3b34416754835926c85fdd2f15698';
const TOKEN = 'f1a20097288280520da383d8572893a7';
const TENANT = '9e1a2b3c-4d5e-4f60-8a7b-1c2d3e4f5a6b';
const CLIENT = '4c5e1a7b-92d3-4f08-b6a1-3e9d0c7f2a15';
const AZ_SECRET = 'fcB8Q~uLUWIsrN0fV9tN563vTtkO9VPeGRzjn4nd';
const EXO_KEY = 'EXOu5MmxNmSJDOJ7J2FSBb8mJJZV';
const EXO_SECRET = 'xVq2Zr9Xt4Wn8Lp3Ks6Hd1Jf5Gb0Nc8Ya3Ue7IqK2mT';

test('Twilio: the account SID and its auth token near each other are one finding, apart two', async () => {
  let r = await scan({ '.env': `TWILIO_ACCOUNT_SID=${SID}\nTWILIO_AUTH_TOKEN=${TOKEN}\n` });
  assert.deepEqual(ids(r), ['twilio-account-pair']);
  assert.equal(secretOf(r, 'twilio-account-pair'), `${SID}:${TOKEN}`);
  // Either order, in YAML.
  r = await scan({ 'config.yml': `twilio:\n  auth_token: "${TOKEN}"\n  region: us1\n  account_sid: "${SID}"\n` });
  assert.deepEqual(ids(r), ['twilio-account-pair']);
  // More than five lines apart: each part is its own finding.
  r = await scan({ '.env': `TWILIO_ACCOUNT_SID=${SID}\n${'\n'.repeat(8)}TWILIO_AUTH_TOKEN=${TOKEN}\n` });
  assert.deepEqual(ids(r), ['twilio-account-sid', 'twilio-auth-token']);
});

test('Azure: tenant ID, client ID and client secret written together are one finding', async () => {
  let r = await scan({ '.env': `AZURE_TENANT_ID=${TENANT}\nAZURE_CLIENT_ID=${CLIENT}\nAZURE_CLIENT_SECRET=${AZ_SECRET}\n` });
  assert.deepEqual(ids(r), ['azure-ad-client-credentials']);
  assert.equal(secretOf(r, 'azure-ad-client-credentials'), `${TENANT}:${CLIENT}:${AZ_SECRET}`);
  // The tenant in a sign-in URL, the secret first (appsettings.json).
  r = await scan({
    'appsettings.json': `{\n  "AzureAd": {\n    "Authority": "https://login.microsoftonline.com/${TENANT}",\n    "ClientSecret": "${AZ_SECRET}",\n    "ClientId": "${CLIENT}"\n  }\n}\n`,
  });
  assert.deepEqual(ids(r), ['azure-ad-client-credentials']);
  assert.equal(secretOf(r, 'azure-ad-client-credentials'), `${TENANT}:${CLIENT}:${AZ_SECRET}`);
  // Without a tenant: the client pair.
  r = await scan({ '.env': `AZURE_CLIENT_ID=${CLIENT}\nAZURE_CLIENT_SECRET=${AZ_SECRET}\n` });
  assert.equal(secretOf(r, 'azure-ad-client-credentials'), `${CLIENT}:${AZ_SECRET}`);
  // A UUID that is not named a client ID (a subscription) does not pair: the secret alone.
  r = await scan({ '.env': `AZURE_SUBSCRIPTION_ID=${CLIENT}\nAZURE_CLIENT_SECRET=${AZ_SECRET}\n` });
  assert.deepEqual(ids(r), ['azure-ad-client-secret']);
});

test('Exoscale: the API key (EXO…) and its secret near each other are one finding', async () => {
  let r = await scan({ 'exoscale.toml': `[accounts]\nkey = "${EXO_KEY}"\nsecret = "${EXO_SECRET}"\n` });
  assert.deepEqual(ids(r), ['exoscale-api-key-pair']);
  assert.equal(secretOf(r, 'exoscale-api-key-pair'), `${EXO_KEY}:${EXO_SECRET}`);
  // The key alone stays a finding of its own.
  r = await scan({ 'exoscale.toml': `key = "${EXO_KEY}"\nzone = "ch-gva-2"\n` });
  assert.deepEqual(ids(r), ['exoscale-api-key']);
});

// A synthetic storage account key: 86 base64 characters and `==`.
const STORAGE_KEY = 'PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA/2O76UMFxFkM/R5Kjp1vRt+1fjORS/6ilI8ihN5KXSc7Tvo==';

test('Azure storage: the account name joins its key (connection string, or a setting within five lines)', async () => {
  let r = await scan({ 'appsettings.json': `{ "Blob": "DefaultEndpointsProtocol=https;AccountName=acmefiles01;AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net" }\n` });
  assert.deepEqual(ids(r), ['azure-storage-connection-string']);
  assert.equal(secretOf(r, 'azure-storage-connection-string'), `acmefiles01:${STORAGE_KEY}`);
  // The name after the key in the string.
  r = await scan({ 'a.txt': `AccountKey=${STORAGE_KEY};AccountName=acmefiles02;\n` });
  assert.equal(secretOf(r, 'azure-storage-connection-string'), `acmefiles02:${STORAGE_KEY}`);
  // A setting: the nearest account name within five lines; `..._KEY` settings are not names.
  r = await scan({ '.env': `AZURE_STORAGE_ACCOUNT=acmeold\nX=1\nAZURE_STORAGE_ACCOUNT=acmefiles03\nAZURE_STORAGE_KEY=${STORAGE_KEY}\n` });
  assert.equal(secretOf(r, 'azure-storage-account-key'), `acmefiles03:${STORAGE_KEY}`);
  r = await scan({ 'config.yml': `storage:\n  storage_account_key: "${STORAGE_KEY}"\n  account_name: acmefiles04\n` });
  assert.equal(secretOf(r, 'azure-storage-account-key'), `acmefiles04:${STORAGE_KEY}`);
  // No name near: the key alone.
  r = await scan({ '.env': `AZURE_STORAGE_ACCOUNT=acmefiles05\n${'\n'.repeat(8)}AZURE_STORAGE_KEY=${STORAGE_KEY}\n` });
  assert.equal(secretOf(r, 'azure-storage-account-key'), STORAGE_KEY);
  // A name that is no storage account name (upper case, too long) is not taken.
  r = await scan({ 'a.txt': `AccountName=Acme_Files;AccountKey=${STORAGE_KEY}\n` });
  assert.equal(secretOf(r, 'azure-storage-connection-string'), STORAGE_KEY);
});
