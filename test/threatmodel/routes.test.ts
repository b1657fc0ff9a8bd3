import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { jsRoutes, lineRoutes, normalisePath, resolveMounts } from '../../src/threatmodel/derive/routes.js';
import { assertFixture } from '../helpers/fixtures.js';

const DIR = new URL('./fixtures/routes/', import.meta.url);
const files = readdirSync(DIR).sort();
const read = (f: string) => readFileSync(new URL(f, DIR), 'utf8');

test('routes are found where declared, and look-alikes (HTTP clients, getters, decorators) are not', () => {
  const js = files.filter((f) => /\.[jt]s$/.test(f));
  const all = [...resolveMounts(js.map((f) => jsRoutes(f, read(f)))), ...files.filter((f) => !/\.[jt]s$/.test(f)).flatMap((f) => lineRoutes(f, read(f)))];
  for (const f of files) {
    const hits = all.filter((r) => r.file === f).map((r) => ({ ruleId: 'route', line: r.line }));
    assertFixture(f, read(f), hits);
  }
});

test('methods and paths are normalised, and mounts prefix the routes of the mounted router', () => {
  const js = files.filter((f) => /\.[jt]s$/.test(f));
  const routes = resolveMounts(js.map((f) => jsRoutes(f, read(f)))).map((r) => `${r.method} ${r.path}`);
  for (const r of ['GET /healthz', 'POST /login', 'DELETE /v1/items/{id}', 'GET /things', 'POST /things', 'GET /users', 'GET /users/{id}', 'GET /hooks/{name}', 'POST /hooks/{name}', 'GET /accounts/{id}', 'POST /accounts']) {
    assert.ok(routes.includes(r), `${r} missing from ${routes.join(', ')}`);
  }
  const lines = files.filter((f) => !/\.[jt]s$/.test(f)).flatMap((f) => lineRoutes(f, read(f))).map((r) => `${r.method} ${r.path}`);
  for (const r of ['POST /upload', 'PUT /upload', 'GET /items/{item_id}', '* /status', 'GET /orders/{id}', 'GET /ping', 'GET /api/orders/{id}', 'POST /api/orders']) {
    assert.ok(lines.includes(r), `${r} missing from ${lines.join(', ')}`);
  }
  assert.equal(normalisePath('users/:id/'), '/users/{id}');
  assert.equal(normalisePath('/a/<int:id>/[slug]/{x:[0-9]+}'), '/a/{id}/{slug}/{x}');
});

test('Next.js route files', () => {
  assert.deepEqual(jsRoutes('pages/api/users/[id].ts', 'export default function h() {}').routes.map((r) => `${r.method} ${r.path}`), ['* /api/users/{id}']);
  assert.deepEqual(
    jsRoutes('src/app/(shop)/orders/[id]/route.ts', 'export async function GET() {}\nexport const POST = async () => {};\nfunction PUT() {}\n').routes.map((r) => `${r.method} ${r.path}`),
    ['GET /orders/{id}', 'POST /orders/{id}'],
  );
});
