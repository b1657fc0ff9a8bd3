/**
 * Browser discovery with Debian's Chromium: a single-page app whose API calls are made by script (one on load,
 * one on a click) is only testable once the browser has recorded them; its call to another origin is aborted.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { app, listed, scan, status } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : 'needs chromium (apt-get install chromium)';

describe('dast --browser', () => {
  it('records the XHR/fetch calls of a single-page app and attacks them; calls out of scope are aborted', { skip: SKIP }, async () => {
    let outside = 0;
    const other = http.createServer((_req, res) => {
      outside++;
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    after(() => other.close());
    const tracker = `http://127.0.0.1:${(other.address() as AddressInfo).port}/track`;
    const db = new Database(':memory:');
    db.exec("CREATE TABLE items (name TEXT); INSERT INTO items VALUES ('apple');");
    const a = await app({
      extra: (ex) => {
        ex.get('/spa/', (_req, res) =>
          res.type('html').send(`<!doctype html><html><body><div id="out"></div><button id="go">Search</button><script>
            fetch('/spa/api/items').then(r => r.json()).then(j => { document.getElementById('out').textContent = j.length; });
            fetch(${JSON.stringify(tracker)}).catch(() => {});
            document.getElementById('go').addEventListener('click', () => fetch('/spa/api/search?term=apple').then(r => r.text()));
          </script></body></html>`),
        );
        ex.get('/spa/api/items', (_req, res) => res.json([{ name: 'apple' }]));
        ex.get('/spa/api/search', (req, res) => {
          try {
            res.json(db.prepare(`SELECT name FROM items WHERE name = '${String(req.query.term)}'`).all());
          } catch (e) {
            res.status(500).json({ error: `SqliteError: ${(e as Error).message}` });
          }
        });
      },
    });
    const only = { only: ['dast-sqli-error'], crawl: { maxPages: 5 } };
    const [plain, browsed] = await Promise.all([scan(`${a.url}/spa/`, only), scan(`${a.url}/spa/`, { ...only, browser: true, chromium: CHROMIUM })]);
    assert.equal(status(browsed).status, 'succeeded', status(browsed).reason);
    assert.equal(listed(plain), '', 'found without the browser');
    assert.ok(browsed.findings.some((f) => f.location.kind === 'http' && f.location.pathTemplate === '/spa/api/search' && f.location.parameter === 'term'), listed(browsed));
    assert.ok((status(browsed).stats?.['browser-aborted'] ?? 0) >= 1);
    assert.equal(outside, 0, 'the browser reached another origin');
  });
});
