/** The web UI's routes: server-rendered pages and the form posts behind them. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { can } from '../auth/scopes.js';
import { listTokens, revokeToken } from '../auth/tokens.js';
import { checkLogin, createSession, endSession, listUsers, SESSION_MS, upsertUser, userCount } from '../auth/users.js';
import { filterFromQuery, tokenFromInput } from '../http/api.js';
import { bodyText } from '../http/body.js';
import { HttpError, idParam, need, visible, type Ctx, type Handler } from '../http/context.js';
import { asset, html as sendHtml, redirect } from '../http/respond.js';
import type { Route } from '../http/router.js';
import { affectedByAdvisory, affectedByPackage } from '../store/affected.js';
import { listAudit } from '../store/audit.js';
import { InvalidError } from '../store/errors.js';
import { getFinding, listFindings } from '../store/findings.js';
import { listProjects, projectId } from '../store/projects.js';
import { getRun, listRuns } from '../store/runs.js';
import { loadSla, projectOverrides, setProjectSla, setSla } from '../store/sla.js';
import { importSuppressions } from '../store/suppressions.js';
import { setTriage } from '../store/triage.js';
import { meanTimeToFix, openTrend } from '../store/trends.js';
import { APP_CSS, APP_JS, ASSET_HASH } from './assets.gen.js';
import { page, type Section } from './layout.js';
import { adminBody } from './pages/admin.js';
import { findingBody } from './pages/finding.js';
import { findingsBody } from './pages/findings.js';
import { componentsBody, loginBody } from './pages/misc.js';
import { projectBody, projectsBody, runBody } from './pages/projects.js';
import type { Html } from './html.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'pipeguard_session';

/** Cookies of a request. */
export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** A form post's fields, after checking its CSRF token against the session's. */
async function form(ctx: Ctx): Promise<URLSearchParams> {
  const fields = new URLSearchParams(await bodyText(ctx.req, 256 * 1024));
  const sent = Buffer.from(fields.get('_csrf') ?? '');
  const expected = Buffer.from(ctx.principal?.csrf ?? '');
  if (!expected.length || sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw new HttpError(403, 'the form has expired or did not come from this site: reload the page and try again');
  return fields;
}

function show(ctx: Ctx, title: string, section: Section, body: Html, status = 200): void {
  sendHtml(ctx.res, status, page({ title, principal: ctx.principal, section, body }));
}

function flashOf(q: URLSearchParams): { kind: 'ok' | 'error'; message: string } | undefined {
  const e = q.get('error');
  if (e) return { kind: 'error', message: e.slice(0, 300) };
  const ok = q.get('ok');
  return ok ? { kind: 'ok', message: ok.slice(0, 300) } : undefined;
}

/** A local path to return to after sign-in (never another site). */
function safeNext(v: string | null): string {
  return v && v.startsWith('/') && !v.startsWith('//') && !v.includes('\\') ? v : '/';
}

function clientAddress(ctx: Ctx): string {
  return ctx.req.socket.remoteAddress ?? 'unknown';
}

const UI: [string, string, Handler][] = [
  ['GET', '/login', async (ctx) => {
    show(ctx, 'Sign in', 'none', loginBody({ next: safeNext(ctx.url.searchParams.get('next')), noUsers: (await userCount(ctx.app.db)) === 0 }));
  }],
  ['POST', '/login', async (ctx) => {
    const fields = new URLSearchParams(await bodyText(ctx.req, 64 * 1024));
    const user = (fields.get('user') ?? '').trim();
    const password = fields.get('password') ?? '';
    const next = safeNext(fields.get('next'));
    const addr = clientAddress(ctx);
    const wait = ctx.app.limiter.retryAfter(user, addr, ctx.now);
    if (wait > 0) {
      const secs = Math.ceil(wait / 1000);
      sendHtml(ctx.res, 429, page({ title: 'Sign in', body: loginBody({ next, error: `Too many failed sign-ins: try again in ${Math.ceil(secs / 60)} minute(s).`, noUsers: false }) }), { 'Retry-After': String(secs) });
      return;
    }
    const ok = user && password ? await checkLogin(ctx.app.db, user, password) : undefined;
    if (!ok) {
      ctx.app.limiter.fail(user, addr, ctx.now);
      sendHtml(ctx.res, 401, page({ title: 'Sign in', body: loginBody({ next, error: 'Wrong user name or password.', noUsers: (await userCount(ctx.app.db)) === 0 }) }));
      return;
    }
    ctx.app.limiter.succeed(user);
    const id = await createSession(ctx.app.db, ok.id, ctx.now);
    redirect(ctx.res, next, { 'Set-Cookie': `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${SESSION_MS / 1000}${ctx.app.secureCookies ? '; Secure' : ''}` });
  }],
  ['POST', '/logout', async (ctx) => {
    need(ctx, 'read');
    await form(ctx);
    const c = cookies(ctx.req).get(SESSION_COOKIE);
    if (c) await endSession(ctx.app.db, c);
    redirect(ctx.res, '/login', { 'Set-Cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0` });
  }],
  ['GET', '/', async (ctx) => {
    const p = need(ctx, 'read');
    const projects = await listProjects(ctx.app.db, ctx.now, visible(p));
    const trend = await openTrend(ctx.app.db, ctx.now, 30, undefined, visible(p));
    const mttf = await meanTimeToFix(ctx.app.db, ctx.now, 8, undefined, visible(p));
    show(ctx, 'Projects', 'projects', projectsBody(projects, trend, mttf, projects.length === 0));
  }],
  ['GET', '/findings', async (ctx) => {
    const p = need(ctx, 'read');
    const q = ctx.url.searchParams;
    const filter = filterFromQuery(q);
    const scoped = { ...filter, ...(visible(p) ? { only: visible(p) } : {}) };
    const pageReq = { ...(q.get('after') ? { after: q.get('after')! } : {}), ...(q.get('before') ? { before: q.get('before')! } : {}), limit: 50 };
    const result = await listFindings(ctx.app.db, scoped, pageReq, ctx.now, true);
    const projects = (await listProjects(ctx.app.db, ctx.now, visible(p))).map((x) => x.name);
    show(ctx, 'Findings', filter.overdue ? 'overdue' : 'findings', findingsBody(filter, result, projects, ctx.now));
  }],
  ['GET', '/findings/:id', async (ctx) => {
    const p = need(ctx, 'read');
    const f = await getFinding(ctx.app.db, idParam(ctx), visible(p));
    show(ctx, `${f.ruleId} in ${f.project}`, 'findings', findingBody(f, { canTriage: can(p, 'triage'), csrf: p.csrf, now: ctx.now, flash: flashOf(ctx.url.searchParams) }));
  }],
  ['POST', '/findings/:id/triage', async (ctx) => {
    const p = need(ctx, 'triage');
    const id = idParam(ctx);
    const fields = await form(ctx);
    const state = fields.get('state') ?? '';
    const reason = fields.get('reason') ?? '';
    const expires = state === 'accepted_risk' ? (fields.get('expires') ?? '') : '';
    try {
      await setTriage(ctx.app.db, { findingId: id, state, reason, ...(expires ? { expires } : {}), actor: p.name, now: ctx.now }, visible(p));
    } catch (e) {
      if (e instanceof InvalidError) return redirect(ctx.res, `/findings/${id}?error=${encodeURIComponent(e.message)}`);
      throw e;
    }
    redirect(ctx.res, `/findings/${id}?ok=${encodeURIComponent('Triage saved.')}`);
  }],
  ['GET', '/projects/:project', async (ctx) => {
    const p = need(ctx, 'read');
    const id = await projectId(ctx.app.db, ctx.params['project']!);
    if (p.projectId !== null && p.projectId !== id) throw new HttpError(404, 'no such project');
    const [summary] = await listProjects(ctx.app.db, ctx.now, [id]);
    show(ctx, summary!.name, 'projects', projectBody({
      project: summary!,
      runs: await listRuns(ctx.app.db, id, 30),
      trend: await openTrend(ctx.app.db, ctx.now, 30, id),
      mttf: await meanTimeToFix(ctx.app.db, ctx.now, 8, id),
      sla: await loadSla(ctx.app.db, id),
      overrides: await projectOverrides(ctx.app.db, id),
      csrf: p.csrf,
      canTriage: can(p, 'triage'),
      canAdmin: can(p, 'admin'),
      flash: flashOf(ctx.url.searchParams),
    }));
  }],
  ['POST', '/projects/:project/suppressions', async (ctx) => {
    const p = need(ctx, 'triage');
    const name = ctx.params['project']!;
    const id = await projectId(ctx.app.db, name);
    const fields = await form(ctx);
    const back = `/projects/${encodeURIComponent(name)}`;
    try {
      const r = await importSuppressions(ctx.app.db, id, fields.get('yaml') ?? '', p.name, ctx.now);
      const msg = `Applied to ${r.applied} finding(s).${r.unmatched.length ? ` Matched nothing: ${r.unmatched.join('; ')}.` : ''}${r.expired.length ? ` Expired, skipped: ${r.expired.join('; ')}.` : ''}`;
      redirect(ctx.res, `${back}?ok=${encodeURIComponent(msg)}`);
    } catch (e) {
      if (e instanceof InvalidError) return redirect(ctx.res, `${back}?error=${encodeURIComponent(e.message)}`);
      throw e;
    }
  }],
  ['POST', '/projects/:project/sla', async (ctx) => {
    const p = need(ctx, 'admin');
    const name = ctx.params['project']!;
    const id = await projectId(ctx.app.db, name);
    const fields = await form(ctx);
    const back = `/projects/${encodeURIComponent(name)}`;
    // Empty: the server's days; "none": no deadline in this project; a number: days.
    const days: Record<string, unknown> = {};
    for (const s of ['critical', 'high', 'medium', 'low', 'info']) {
      const v = (fields.get(s) ?? '').trim().toLowerCase();
      days[s] = v === '' ? 'default' : v === 'none' ? null : /^\d+$/.test(v) ? Number(v) : v;
    }
    try {
      await setProjectSla(ctx.app.db, id, days, p.name, ctx.now);
      redirect(ctx.res, `${back}?ok=${encodeURIComponent('Project SLA saved; due dates of its findings moved.')}`);
    } catch (e) {
      if (e instanceof InvalidError) return redirect(ctx.res, `${back}?error=${encodeURIComponent(e.message)}`);
      throw e;
    }
  }],
  ['GET', '/runs/:id', async (ctx) => {
    const p = need(ctx, 'read');
    const r = await getRun(ctx.app.db, idParam(ctx), visible(p));
    show(ctx, `Run ${r.runKey}`, 'projects', runBody(r));
  }],
  ['GET', '/components', async (ctx) => {
    const p = need(ctx, 'read');
    const q = ctx.url.searchParams;
    const pkg = q.get('package')?.trim() || undefined;
    const version = q.get('version')?.trim() || undefined;
    const advisory = q.get('advisory')?.trim() || undefined;
    const rows = advisory ? await affectedByAdvisory(ctx.app.db, advisory, visible(p)) : pkg ? await affectedByPackage(ctx.app.db, pkg, version, visible(p)) : undefined;
    show(ctx, 'Components', 'components', componentsBody({ pkg, version, advisory, rows }));
  }],
  ['GET', '/admin', async (ctx) => adminPage(ctx)],
  ['POST', '/admin/tokens', async (ctx) => {
    const p = need(ctx, 'admin');
    const f = await form(ctx);
    try {
      const out = await tokenFromInput(ctx, { name: f.get('name'), project: f.get('project'), scopes: f.getAll('scopes') }, p.name);
      await adminPage(ctx, { newToken: out.token });
    } catch (e) {
      if (e instanceof InvalidError) return adminPage(ctx, { flash: { kind: 'error', message: e.message } }, 400);
      throw e;
    }
  }],
  ['POST', '/admin/tokens/:id/revoke', async (ctx) => {
    const p = need(ctx, 'admin');
    await form(ctx);
    await revokeToken(ctx.app.db, idParam(ctx), p.name, ctx.now);
    redirect(ctx.res, '/admin');
  }],
  ['POST', '/admin/users', async (ctx) => {
    const p = need(ctx, 'admin');
    const f = await form(ctx);
    try {
      await upsertUser(ctx.app.db, { name: f.get('name') ?? '', role: f.get('role') ?? '', password: f.get('password') ?? '', actor: p.name, now: ctx.now });
      await adminPage(ctx, { flash: { kind: 'ok', message: `User ${f.get('name')} saved.` } });
    } catch (e) {
      if (e instanceof InvalidError) return adminPage(ctx, { flash: { kind: 'error', message: e.message } }, 400);
      throw e;
    }
  }],
  ['POST', '/admin/sla', async (ctx) => {
    const p = need(ctx, 'admin');
    const f = await form(ctx);
    const days: Record<string, number | null> = {};
    for (const s of ['critical', 'high', 'medium', 'low', 'info']) {
      const v = (f.get(s) ?? '').trim();
      days[s] = v === '' ? null : Number(v);
    }
    try {
      await setSla(ctx.app.db, days, p.name, ctx.now);
      await adminPage(ctx, { flash: { kind: 'ok', message: 'SLA saved; due dates of open findings moved.' } });
    } catch (e) {
      if (e instanceof InvalidError) return adminPage(ctx, { flash: { kind: 'error', message: e.message } }, 400);
      throw e;
    }
  }],
  ['GET', `/assets/app.${ASSET_HASH.css}.css`, async (ctx) => asset(ctx.res, 'text/css; charset=utf-8', APP_CSS)],
  ['GET', `/assets/app.${ASSET_HASH.js}.js`, async (ctx) => asset(ctx.res, 'text/javascript; charset=utf-8', APP_JS)],
];

async function adminPage(ctx: Ctx, extra: { newToken?: string; flash?: { kind: 'ok' | 'error'; message: string } } = {}, status = 200): Promise<void> {
  const p = need(ctx, 'admin');
  show(
    ctx,
    'Admin',
    'admin',
    adminBody({ users: await listUsers(ctx.app.db), tokens: await listTokens(ctx.app.db), sla: await loadSla(ctx.app.db), audit: await listAudit(ctx.app.db, { limit: 100 }), csrf: p.csrf ?? '', ...extra }),
    status,
  );
}

/** The UI's routes. */
export const UI_ROUTES: Route<Handler>[] = UI.map(([method, pattern, handler]) => ({ method, pattern, handler }));
