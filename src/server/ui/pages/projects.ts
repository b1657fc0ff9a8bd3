/** The projects overview, a project's page (trends, runs, SLA, suppressions) and a run's page. */
import { SEVERITIES } from '../../../core/types.js';
import type { ProjectSummary } from '../../store/projects.js';
import type { RunRow } from '../../store/runs.js';
import type { SlaDays } from '../../store/severity.js';
import type { MttfPoint, TrendPoint } from '../../store/trends.js';
import { mttfChart, trendChart } from '../charts.js';
import { html, minute, projectHref, query, type Html } from '../html.js';
import { notice, sevBadge } from '../layout.js';

/** The overview: every project with its open findings by severity, and the trend over all of them. */
export function projectsBody(projects: ProjectSummary[], trend: TrendPoint[], mttf: MttfPoint[], noUsersHint = false): Html {
  return html`<h1>Projects</h1>
${noUsersHint ? notice('info', 'No projects yet. Upload a report: pipeguard scan . --upload URL (see the README).') : ''}
${projects.length
    ? html`<table>
<caption class="visually-hidden">Projects and their open findings by severity (triaged and gate-suppressed findings not counted)</caption>
<thead><tr><th scope="col">Project</th>${SEVERITIES.map((s) => html`<th scope="col" class="num">${sevBadge(s)}</th>`)}<th scope="col" class="num">Overdue</th><th scope="col" class="num">Triaged</th><th scope="col">Last run</th></tr></thead>
<tbody>${projects.map((p) => html`<tr>
<th scope="row"><a href="${projectHref(p.name)}">${p.name}</a></th>
${SEVERITIES.map((s) => html`<td class="num">${p.open[s] ? html`<a href="/findings${query({ project: p.name, severity: s, triage: 'untriaged', suppressed: 'no' })}">${p.open[s]}</a>` : '0'}</td>`)}
<td class="num">${p.overdue ? html`<a href="/findings${query({ project: p.name, overdue: '1' })}">${p.overdue}</a>` : '0'}</td>
<td class="num">${p.triaged}</td>
<td>${minute(p.lastRunAt)}</td></tr>`)}</tbody></table>`
    : ''}
<div class="grid">
<section aria-labelledby="trend-h"><h2 id="trend-h">Open findings, last 30 days</h2>${trendChart(trend, 'all')}</section>
<section aria-labelledby="mttf-h"><h2 id="mttf-h">Mean time to fix</h2>${mttfChart(mttf, 'all')}</section>
</div>`;
}

/** A project's page. */
export function projectBody(o: {
  project: ProjectSummary;
  runs: RunRow[];
  trend: TrendPoint[];
  mttf: MttfPoint[];
  sla: SlaDays;
  /** The severities this project sets itself. */
  overrides: Partial<SlaDays>;
  csrf?: string | undefined;
  canTriage: boolean;
  canAdmin: boolean;
  flash?: { kind: 'ok' | 'error'; message: string } | undefined;
}): Html {
  const p = o.project;
  return html`<p class="muted"><a href="/">Projects</a> › ${p.name}</p>
<h1>${p.name}</h1>
${o.flash ? notice(o.flash.kind, o.flash.message) : ''}
<p><a href="/findings${query({ project: p.name })}">All open findings</a> · <a href="/findings${query({ project: p.name, overdue: '1' })}">${p.overdue} overdue</a> · <a href="/api/v1/projects/${encodeURIComponent(p.name)}/suppressions">Export triage as pipeguard.yml suppressions</a></p>
<p>SLA (days to fix): ${SEVERITIES.map((s, i) => html`${i ? ' · ' : ''}${s} ${o.sla[s] ?? 'none'}${s in o.overrides ? ' (this project)' : ''}`)}</p>
<div class="grid">
<section aria-labelledby="ptrend-h"><h2 id="ptrend-h">Open findings, last 30 days</h2>${trendChart(o.trend, 'project')}</section>
<section aria-labelledby="pmttf-h"><h2 id="pmttf-h">Mean time to fix</h2>${mttfChart(o.mttf, 'project')}</section>
</div>
<section aria-labelledby="runs-h"><h2 id="runs-h">Runs</h2>
<table><thead><tr><th scope="col">Run</th><th scope="col">Received</th><th scope="col">Format</th><th scope="col">Commit</th><th scope="col" class="num">Findings</th><th scope="col" class="num">New</th><th scope="col" class="num">Reintroduced</th><th scope="col" class="num">Fixed</th></tr></thead>
<tbody>${o.runs.map((r) => html`<tr><td><a href="/runs/${r.id}">${r.runKey.length > 40 ? `${r.runKey.slice(0, 40)}…` : r.runKey}</a></td><td>${minute(r.receivedAt)}</td><td>${r.format}</td><td><code>${r.commit?.slice(0, 12) ?? '—'}</code>${r.branch ? ` on ${r.branch}` : ''}</td><td class="num">${r.total}</td><td class="num">${r.new}</td><td class="num">${r.reintroduced}</td><td class="num">${r.fixed}</td></tr>`)}</tbody></table>
</section>
${o.canAdmin && o.csrf !== undefined
    ? html`<section aria-labelledby="psla-h"><h2 id="psla-h">Project SLA: days to fix</h2>
<p class="muted">Empty: the server's SLA; <code>none</code>: no deadline in this project.</p>
<form class="filters" method="post" action="${projectHref(p.name)}/sla">
<input type="hidden" name="_csrf" value="${o.csrf}">
${SEVERITIES.map((s) => html`<label>${s}<input name="${s}" value="${s in o.overrides ? (o.overrides[s] ?? 'none') : ''}" placeholder="server" size="6" inputmode="numeric"></label>`)}
<button type="submit">Save project SLA</button></form></section>`
    : ''}
${o.canTriage && o.csrf !== undefined
    ? html`<section aria-labelledby="imp-h"><h2 id="imp-h">Import suppressions from pipeguard.yml</h2>
<form class="stack" method="post" action="${projectHref(p.name)}/suppressions">
<input type="hidden" name="_csrf" value="${o.csrf}">
<label>pipeguard.yml (or its suppressions: section)<textarea name="yaml" rows="8" required></textarea></label>
<div><button type="submit">Apply as triage</button></div>
</form></section>`
    : ''}`;
}

/** A run's page: its counts and the findings it changed. */
export function runBody(r: RunRow & { changes: { findingId: number; change: string; severity: string; ruleId: string; path: string; message: string }[] }): Html {
  return html`<p class="muted"><a href="${projectHref(r.project)}">${r.project}</a> › run ${r.id}</p>
<h1>Run ${r.runKey}</h1>
<dl class="facts"><dt>Received</dt><dd>${minute(r.receivedAt)}</dd><dt>Format</dt><dd>${r.format} (${r.tool})</dd>
<dt>Commit</dt><dd>${r.commit ?? '—'}${r.branch ? ` on ${r.branch}` : ''}</dd><dt>Uploaded by</dt><dd>${r.uploadedBy ?? '—'}</dd>
<dt>Covers</dt><dd>${r.scope.length ? r.scope.join(', ') : 'nothing (no finding is closed by this run)'}</dd>
<dt>Findings</dt><dd>${r.total}: ${r.new} new, ${r.unchanged} unchanged, ${r.reintroduced} reintroduced; ${r.fixed} fixed</dd></dl>
<h2>Changes</h2>
${r.changes.length
    ? html`<table><thead><tr><th scope="col">Change</th><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Where</th><th scope="col">Message</th></tr></thead><tbody>${r.changes.map((c) => html`<tr><td>${c.change}</td><td>${sevBadge(c.severity)}</td><td><code>${c.ruleId}</code></td><td class="path"><code>${c.path}</code></td><td><a href="/findings/${c.findingId}">${c.message}</a></td></tr>`)}</tbody></table>`
    : html`<p>Nothing new, reintroduced or fixed.</p>`}`;
}
