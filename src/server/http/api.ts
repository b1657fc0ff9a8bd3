/** The JSON API under /api/v1: uploads, findings, triage, runs, SLA, trends, affected projects, admin. */
import { createHash } from 'node:crypto';
import { parseScopes, type Scope } from '../auth/scopes.js';
import { createToken, listTokens, revokeToken } from '../auth/tokens.js';
import { listUsers, upsertUser } from '../auth/users.js';
import { readReport } from '../ingest/read.js';
import { affectedByAdvisory, affectedByPackage } from '../store/affected.js';
import { listAudit } from '../store/audit.js';
import { InvalidError } from '../store/errors.js';
import { getFinding, listFindings, type FindingFilter } from '../store/findings.js';
import { ingestReport } from '../store/ingest.js';
import { ensureProject, listProjects, projectId } from '../store/projects.js';
import { getRun, listRuns } from '../store/runs.js';
import { loadSla, projectOverrides, setProjectSla, setSla } from '../store/sla.js';
import { exportSuppressions, importSuppressions } from '../store/suppressions.js';
import { setTriage } from '../store/triage.js';
import { meanTimeToFix, openTrend } from '../store/trends.js';
import { bodyChunks, bodyText } from './body.js';
import { HttpError, idParam, need, visible, type Ctx, type Handler } from './context.js';
import { json, text } from './respond.js';
import type { Route } from './router.js';

/** A JSON object body, or 400. */
export async function jsonBody(ctx: Ctx): Promise<Record<string, unknown>> {
  const t = await bodyText(ctx.req);
  try {
    const v = JSON.parse(t) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'the body must be a JSON object');
}

/** Filters of a finding list from query parameters (shared by the API and the UI). */
export function filterFromQuery(q: URLSearchParams): FindingFilter {
  const list = (k: string): string[] => q.getAll(k).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const one = (k: string): string | undefined => q.get(k)?.trim() || undefined;
  const f: FindingFilter = {};
  const project = one('project');
  if (project) f.project = project;
  if (list('severity').length) f.severity = list('severity');
  for (const k of ['scanner', 'rule', 'path', 'age', 'package', 'version', 'advisory'] as const) {
    const v = one(k);
    if (v) f[k] = v;
  }
  const state = one('state');
  if (state) f.state = state as FindingFilter['state'];
  if (list('triage').length) f.triage = list('triage');
  if (one('overdue') === '1' || one('overdue') === 'true') f.overdue = true;
  const sup = one('suppressed');
  if (sup === 'yes' || sup === 'no') f.suppressed = sup;
  return f;
}

/** The project of a route, checked against the principal's binding. */
async function routeProject(ctx: Ctx, create = false): Promise<number> {
  const p = ctx.principal!;
  const name = ctx.params['project']!;
  const id = create && p.projectId === null ? await ensureProject(ctx.app.db, name, true, ctx.now) : await projectId(ctx.app.db, name);
  if (p.projectId !== null && p.projectId !== id) throw new HttpError(403, `this token is for another project`);
  return id;
}

const upload: Handler = async (ctx) => {
  const p = need(ctx, 'upload');
  const name = ctx.params['project']!;
  if (p.projectId !== null) await routeProject(ctx);
  const app = ctx.app;
  if (app.uploadsInFlight >= app.maxConcurrentUploads) throw new HttpError(503, 'busy reading other uploads: retry shortly', { 'Retry-After': '2' });
  app.uploadsInFlight++;
  try {
    const hash = createHash('sha256');
    const chunks = bodyChunks(ctx.req, app.maxUploadBytes);
    const report = await readReport(
      (async function* () {
        for await (const c of chunks) {
          hash.update(c);
          yield c;
        }
      })(),
    );
    const bodyHash = hash.digest('hex');
    const q = ctx.url.searchParams;
    const runKey = (q.get('run') ?? String(ctx.req.headers['x-pipeguard-run'] ?? '')).trim() || report.runKey || `sha256:${bodyHash}`;
    if (runKey.length > 200) throw new HttpError(400, 'run id is longer than 200 characters');
    const commit = q.get('commit')?.trim();
    const branch = q.get('branch')?.trim();
    const result = await ingestReport(app.db, report, {
      project: name,
      runKey,
      bodyHash,
      ...(commit ? { commit: commit.slice(0, 100) } : {}),
      ...(branch ? { branch: branch.slice(0, 200) } : {}),
      uploadedBy: p.name,
      createProject: p.projectId === null,
      now: ctx.now,
    });
    app.log(`upload ${name} run ${runKey}: ${result.created ? `${result.total} findings, ${result.new} new, ${result.fixed} fixed` : 'already stored'}`);
    json(ctx.res, result.created ? 201 : 200, { project: name, run: result.runId, runKey, format: report.format, ...result });
  } finally {
    app.uploadsInFlight--;
  }
};

const API: [string, string, Handler][] = [
  ['GET', '/api/v1/projects', async (ctx) => {
    const p = need(ctx, 'read');
    json(ctx.res, 200, { projects: await listProjects(ctx.app.db, ctx.now, visible(p)) });
  }],
  ['POST', '/api/v1/projects', async (ctx) => {
    const p = need(ctx, 'admin');
    const body = await jsonBody(ctx);
    if (typeof body['name'] !== 'string') throw new HttpError(400, 'name must be a string');
    const id = await ensureProject(ctx.app.db, body['name'], true, ctx.now);
    json(ctx.res, 201, { id, name: body['name'], by: p.name });
  }],
  ['POST', '/api/v1/projects/:project/reports', upload],
  ['GET', '/api/v1/projects/:project/runs', async (ctx) => {
    need(ctx, 'read');
    json(ctx.res, 200, { runs: await listRuns(ctx.app.db, await routeProject(ctx), Number(ctx.url.searchParams.get('limit') ?? 50) || 50) });
  }],
  ['GET', '/api/v1/runs/:id', async (ctx) => {
    const p = need(ctx, 'read');
    json(ctx.res, 200, await getRun(ctx.app.db, idParam(ctx), visible(p)));
  }],
  ['GET', '/api/v1/findings', async (ctx) => {
    const p = need(ctx, 'read');
    const q = ctx.url.searchParams;
    const filter = { ...filterFromQuery(q), ...(visible(p) ? { only: visible(p) } : {}) };
    const page = { ...(q.get('after') ? { after: q.get('after')! } : {}), ...(q.get('before') ? { before: q.get('before')! } : {}), limit: Number(q.get('limit') ?? 50) || 50 };
    json(ctx.res, 200, await listFindings(ctx.app.db, filter, page, ctx.now, q.get('total') === '1'));
  }],
  ['GET', '/api/v1/findings/:id', async (ctx) => {
    const p = need(ctx, 'read');
    json(ctx.res, 200, await getFinding(ctx.app.db, idParam(ctx), visible(p)));
  }],
  ['POST', '/api/v1/findings/:id/triage', async (ctx) => {
    const p = need(ctx, 'triage');
    const b = await jsonBody(ctx);
    const str = (k: string): string | undefined => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
    const id = idParam(ctx);
    await setTriage(ctx.app.db, { findingId: id, state: str('state') ?? '', ...(str('reason') ? { reason: str('reason')! } : {}), ...(str('expires') ? { expires: str('expires')! } : {}), actor: p.name, now: ctx.now }, visible(p));
    const f = await getFinding(ctx.app.db, id, visible(p));
    json(ctx.res, 200, { id, triage: f.triage, triageReason: f.triageReason, triageExpires: f.triageExpires });
  }],
  ['GET', '/api/v1/projects/:project/suppressions', async (ctx) => {
    need(ctx, 'read');
    const id = await routeProject(ctx);
    text(ctx.res, 200, await exportSuppressions(ctx.app.db, id, ctx.params['project']!, ctx.now), 'application/yaml; charset=utf-8');
  }],
  ['POST', '/api/v1/projects/:project/suppressions', async (ctx) => {
    const p = need(ctx, 'triage');
    const id = await routeProject(ctx);
    json(ctx.res, 200, await importSuppressions(ctx.app.db, id, await bodyText(ctx.req), p.name, ctx.now));
  }],
  ['GET', '/api/v1/sla', async (ctx) => {
    need(ctx, 'read');
    json(ctx.res, 200, { days: await loadSla(ctx.app.db) });
  }],
  ['PUT', '/api/v1/sla', async (ctx) => {
    const p = need(ctx, 'admin');
    json(ctx.res, 200, { days: await setSla(ctx.app.db, await jsonBody(ctx), p.name, ctx.now) });
  }],
  ['GET', '/api/v1/projects/:project/sla', async (ctx) => {
    need(ctx, 'read');
    const id = await routeProject(ctx);
    json(ctx.res, 200, { days: await loadSla(ctx.app.db, id), overrides: await projectOverrides(ctx.app.db, id) });
  }],
  ['PUT', '/api/v1/projects/:project/sla', async (ctx) => {
    const p = need(ctx, 'admin');
    const id = await routeProject(ctx);
    json(ctx.res, 200, await setProjectSla(ctx.app.db, id, await jsonBody(ctx), p.name, ctx.now));
  }],
  ['GET', '/api/v1/affected', async (ctx) => {
    const p = need(ctx, 'read');
    const q = ctx.url.searchParams;
    const advisory = q.get('advisory')?.trim();
    const pkg = q.get('package')?.trim();
    if (!advisory && !pkg) throw new HttpError(400, 'give advisory=ID or package=NAME (and version=V)');
    const rows = advisory ? await affectedByAdvisory(ctx.app.db, advisory, visible(p)) : await affectedByPackage(ctx.app.db, pkg!, q.get('version')?.trim() || undefined, visible(p));
    json(ctx.res, 200, { affected: rows });
  }],
  ['GET', '/api/v1/trends', async (ctx) => {
    const p = need(ctx, 'read');
    const q = ctx.url.searchParams;
    const days = Math.min(Math.max(Number(q.get('days') ?? 30) || 30, 1), 366);
    const project = q.get('project');
    const pid = project ? await projectId(ctx.app.db, project) : undefined;
    json(ctx.res, 200, { open: await openTrend(ctx.app.db, ctx.now, days, pid, visible(p)), mttf: await meanTimeToFix(ctx.app.db, ctx.now, Math.ceil(days / 7), pid, visible(p)) });
  }],
  ['GET', '/api/v1/audit', async (ctx) => {
    need(ctx, 'admin');
    const before = Number(ctx.url.searchParams.get('before'));
    json(ctx.res, 200, { audit: await listAudit(ctx.app.db, { ...(before ? { before } : {}), limit: 200 }) });
  }],
  ['GET', '/api/v1/tokens', async (ctx) => {
    need(ctx, 'admin');
    json(ctx.res, 200, { tokens: await listTokens(ctx.app.db) });
  }],
  ['POST', '/api/v1/tokens', async (ctx) => {
    const p = need(ctx, 'admin');
    const b = await jsonBody(ctx);
    const out = await tokenFromInput(ctx, { name: b['name'], project: b['project'], scopes: b['scopes'] }, p.name);
    json(ctx.res, 201, out);
  }],
  ['DELETE', '/api/v1/tokens/:id', async (ctx) => {
    const p = need(ctx, 'admin');
    await revokeToken(ctx.app.db, idParam(ctx), p.name, ctx.now);
    json(ctx.res, 200, { revoked: idParam(ctx) });
  }],
  ['GET', '/api/v1/users', async (ctx) => {
    need(ctx, 'admin');
    json(ctx.res, 200, { users: await listUsers(ctx.app.db) });
  }],
  ['POST', '/api/v1/users', async (ctx) => {
    const p = need(ctx, 'admin');
    const b = await jsonBody(ctx);
    if (typeof b['name'] !== 'string' || typeof b['role'] !== 'string' || typeof b['password'] !== 'string') throw new HttpError(400, 'name, role and password must be strings');
    await upsertUser(ctx.app.db, { name: b['name'], role: b['role'], password: b['password'], actor: p.name, now: ctx.now });
    json(ctx.res, 201, { name: b['name'], role: b['role'] });
  }],
];

/** Creates a token from API or form input: name, optional project (created if missing), scopes. */
export async function tokenFromInput(ctx: Ctx, input: { name: unknown; project: unknown; scopes: unknown }, actor: string): Promise<{ id: number; token: string; scopes: Scope[]; project: string | null }> {
  if (typeof input.name !== 'string' || !/^[\w.@-]{1,64}$/.test(input.name)) throw new InvalidError('token name: letters, digits, . _ @ -, up to 64 characters');
  const scopesText = Array.isArray(input.scopes) ? input.scopes.join(',') : typeof input.scopes === 'string' ? input.scopes : '';
  let scopes: Scope[];
  try {
    scopes = parseScopes(scopesText);
  } catch (e) {
    throw new InvalidError((e as Error).message);
  }
  const project = typeof input.project === 'string' && input.project.trim() ? input.project.trim() : null;
  const pid = project ? await ensureProject(ctx.app.db, project, true, ctx.now) : null;
  const { id, token } = await createToken(ctx.app.db, { name: input.name, projectId: pid, scopes, actor, now: ctx.now });
  return { id, token, scopes, project };
}

/** The API's routes. */
export const API_ROUTES: Route<Handler>[] = API.map(([method, pattern, handler]) => ({ method, pattern, handler }));
