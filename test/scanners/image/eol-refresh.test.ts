import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeDir } from '../../helpers/tmp.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/refresh-eol.mjs', import.meta.url));
const DATA = fileURLToPath(new URL('../../../src/data/eol.json', import.meta.url));

test('refresh-eol fetches every product from a local server and rewrites the data file; a failing product leaves it untouched', async () => {
  let fail = false;
  const server = createServer((req, res) => {
    const product = /^\/api\/([a-z-]+)\.json$/.exec(req.url ?? '')?.[1];
    if (!product || (fail && product === 'python')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ cycle: '2', eol: '2031-01-01', extendedSupport: '2033-01-01' }, { cycle: '1', eol: false, support: '2020-01-01' }]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  try {
    const file = join(makeDir(), 'eol.json');
    copyFileSync(DATA, file);
    await promisify(execFile)(process.execPath, [SCRIPT, url], { env: { ...process.env, EOL_FILE: file } });
    const data = JSON.parse(readFileSync(file, 'utf8')) as { updated: string; products: Record<string, unknown[]> };
    assert.deepEqual(data.products.debian, [{ cycle: '1', eol: '2020-01-01' }, { cycle: '2', eol: '2031-01-01', extended: '2033-01-01' }]);
    assert.equal(Object.keys(data.products).length, 9);
    fail = true;
    const before = readFileSync(file, 'utf8');
    await assert.rejects(promisify(execFile)(process.execPath, [SCRIPT, url], { env: { ...process.env, EOL_FILE: file } }), /python: HTTP 404/);
    assert.equal(readFileSync(file, 'utf8'), before);
  } finally {
    server.close();
  }
});
