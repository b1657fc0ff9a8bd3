/**
 * Discovery: robots.txt and sitemap.xml entries, crawl depth and de-duplication by path template (a real HTTP
 * server on 127.0.0.1 that records what it was asked for), and the OpenAPI 2.0 and 3.1 imports (the test
 * application's own document is 3.0 and is covered by the scans of the other files).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { Report } from '../../src/core/types.js';
import { importOpenApi } from '../../src/scanners/dast/discovery/openapi.js';
import { listed, scan, status } from './helpers.js';

describe('dast crawl', () => {
  const asked: string[] = [];
  let base = '';
  let report: Report;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(url.pathname);
    const html = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`);
    };
    switch (true) {
      case url.pathname === '/':
        return html(`${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `<a href="/items/${i}">item ${i}</a>`).join(' ')} <a href="/d1">deeper</a>`);
      case url.pathname === '/robots.txt':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('User-agent: *\nDisallow: /private/report\nDisallow: /*.pdf\nSitemap: /maps/site.xml\n');
      case url.pathname === '/maps/site.xml':
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(`<?xml version="1.0"?><urlset><url><loc>${base}search?q=shoes&amp;page=1</loc></url></urlset>`);
      case url.pathname === '/sitemap.xml':
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(`<?xml version="1.0"?><urlset><url><loc>${base}from-default-sitemap</loc></url></urlset>`);
      case url.pathname === '/search':
        // A reflected XSS reachable only through the sitemap named in robots.txt.
        return html(`<p>Results for ${url.searchParams.get('q') ?? ''}</p>`);
      case /^\/d\d$/.test(url.pathname): {
        const n = Number(url.pathname.slice(2));
        return html(`<a href="/d${n + 1}">next</a>`);
      }
      default:
        if (['/private/report', '/from-default-sitemap'].includes(url.pathname) || url.pathname.startsWith('/items/')) return html('<p>a page</p>');
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
    }
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    report = await scan(base, { only: ['dast-xss-reflected'], crawl: { depth: 2, perTemplate: 3, maxPages: 50 } });
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('reads robots.txt (paths and the sitemap it names) and the default sitemap.xml, and attacks what they list', () => {
    assert.equal(status(report).status, 'succeeded', status(report).reason);
    for (const p of ['/robots.txt', '/maps/site.xml', '/sitemap.xml', '/private/report', '/from-default-sitemap', '/search']) assert.ok(asked.includes(p), `${p} not requested: ${[...new Set(asked)].join(' ')}`);
    assert.ok(!asked.some((p) => p.endsWith('.pdf') || p.includes('*')), 'a robots.txt wildcard was requested');
    assert.ok(
      report.findings.some((f) => f.ruleId === 'dast-xss-reflected' && f.location.kind === 'http' && f.location.pathTemplate === '/search' && f.location.parameter === 'q'),
      listed(report),
    );
  });

  it('crawls each path template a bounded number of times and stops at the depth', () => {
    const items = new Set(asked.filter((p) => p.startsWith('/items/')));
    assert.equal(items.size, 3, `pages of /items/{id} crawled: ${[...items].join(' ')}`);
    assert.ok(asked.includes('/d1') && asked.includes('/d2'), asked.join(' '));
    assert.ok(!asked.includes('/d3'), 'crawled past the depth of 2');
  });
});

describe('OpenAPI import', () => {
  it('reads a Swagger 2.0 document: basePath, path, query, header, body (with $ref) and formData parameters', async () => {
    const doc = `swagger: "2.0"
info: { title: t, version: "1" }
basePath: /v2
securityDefinitions: { key: { type: apiKey, in: header, name: X-Key } }
paths:
  /pets/{petId}:
    parameters:
      - { name: petId, in: path, required: true, type: integer }
    get:
      parameters:
        - { name: fields, in: query, type: string, enum: [name, tag] }
        - { name: X-Trace, in: header, type: string }
      responses: { "200": { description: ok } }
    put:
      security: [ { key: [] } ]
      parameters:
        - { name: body, in: body, schema: { $ref: "#/definitions/Pet" } }
      responses: { "200": { description: ok } }
  /upload:
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - { name: title, in: formData, type: string, default: holiday }
      responses: { "200": { description: ok } }
definitions:
  Pet:
    type: object
    properties:
      name: { type: string, example: rex }
      owner: { type: object, properties: { email: { type: string, format: email } } }
      id: { type: integer, readOnly: true }
`;
    const eps = await importOpenApi({ text: doc, name: 'swagger.yml' }, 'http://127.0.0.1:1');
    const get = eps.find((e) => e.method === 'GET' && e.pathTemplate === '/v2/pets/{petId}');
    assert.ok(get, JSON.stringify(eps));
    assert.deepEqual(
      get.params.map((p) => [p.name, p.in, p.value]),
      [
        ['petId', 'path', 1],
        ['fields', 'query', 'name'],
        ['X-Trace', 'header', 'pipeguard'],
      ],
    );
    const put = eps.find((e) => e.method === 'PUT')!;
    assert.equal(put.bodyType, 'json');
    assert.equal(put.auth, true);
    assert.deepEqual(
      put.params.filter((p) => p.in === 'json').map((p) => [p.name, p.value]),
      [
        ['name', 'rex'],
        ['owner.email', 'pipeguard@example.com'],
      ],
    );
    const upload = eps.find((e) => e.pathTemplate === '/v2/upload')!;
    assert.equal(upload.bodyType, 'form');
    assert.deepEqual(upload.params, [{ name: 'title', in: 'form', value: 'holiday' }]);
  });

  it('reads an OpenAPI 3.1 document: type arrays with null, examples lists, $ref components, servers', async () => {
    const doc = JSON.stringify({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      servers: [{ url: 'http://{host}/api/v3', variables: { host: { default: 'x' } } }],
      paths: {
        '/orders/{orderId}': {
          get: {
            parameters: [
              { name: 'orderId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
              { name: 'note', in: 'query', schema: { type: ['string', 'null'], examples: ['gift'] } },
            ],
            responses: { '200': { description: 'ok' } },
          },
          patch: {
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } },
            responses: { '200': { description: 'ok' } },
          },
        },
      },
      components: { schemas: { Order: { type: 'object', properties: { qty: { type: ['integer', 'null'], minimum: 2 }, status: { const: 'open' } } } } },
    });
    const eps = await importOpenApi({ text: doc, name: 'openapi.json' }, 'http://127.0.0.1:1');
    const get = eps.find((e) => e.method === 'GET')!;
    assert.equal(get.pathTemplate, '/api/v3/orders/{orderId}');
    assert.deepEqual(
      get.params.map((p) => [p.name, p.in, p.value]),
      [
        ['orderId', 'path', '00000000-0000-4000-8000-000000000001'],
        ['note', 'query', 'gift'],
      ],
    );
    const patch = eps.find((e) => e.method === 'PATCH')!;
    assert.deepEqual(
      patch.params.filter((p) => p.in === 'json').map((p) => [p.name, p.value]),
      [
        ['qty', 2],
        ['status', 'open'],
      ],
    );
  });

  it('refuses a document that does not parse or resolve, with an input error naming the file', async () => {
    const bad = ['paths: [1, 2\n', 'just words\n', 'openapi: 3.1.0\npaths: { /a: { get: { requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Nope" } } } } } } }\n'];
    for (const text of bad) {
      await assert.rejects(importOpenApi({ text, name: 'bad.yml' }, 'http://127.0.0.1:1'), (e: Error) => e instanceof InputError && e.file === 'bad.yml' && /^not a valid OpenAPI document: /.test(e.message), text);
    }
  });
});
