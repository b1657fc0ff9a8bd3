/** The findings list: filters, a page of findings, and links to the pages before and after. */
import { SEVERITIES } from '../../../core/types.js';
import type { FindingFilter, FindingPage } from '../../store/findings.js';
import { TRIAGE_LABELS, TRIAGE_STATES } from '../../store/triage.js';
import { day, html, query, type Html } from '../html.js';
import { sevBadge } from '../layout.js';
import { locationShort } from '../location.js';

function option(value: string, label: string, current: string | undefined): Html {
  return html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
}

/** The filter values as query parameters (to keep them across pages). */
export function filterParams(f: FindingFilter): Record<string, string | undefined> {
  return {
    project: f.project,
    severity: f.severity?.join(','),
    scanner: f.scanner,
    rule: f.rule,
    path: f.path,
    state: f.state,
    triage: f.triage?.join(','),
    age: f.age,
    overdue: f.overdue ? '1' : undefined,
    suppressed: f.suppressed,
    package: f.package,
    version: f.version,
    advisory: f.advisory,
  };
}

/** The list page's body. */
export function findingsBody(f: FindingFilter, page: FindingPage, projects: string[], now: number): Html {
  const params = filterParams(f);
  const sev = f.severity?.length === 1 ? f.severity[0] : undefined;
  const triage = f.triage?.length === 1 ? f.triage[0] : undefined;
  return html`<h1>${f.overdue ? 'Overdue findings' : 'Findings'}</h1>
<form class="filters" method="get" action="/findings" data-autosubmit aria-label="Filter findings">
  <label>Project<select name="project">${option('', 'all', f.project ?? '')}${projects.map((p) => option(p, p, f.project))}</select></label>
  <label>Severity<select name="severity">${option('', 'any', sev ?? '')}${SEVERITIES.map((s) => option(s, s, sev))}</select></label>
  <label>State<select name="state">${option('open', 'open', f.state ?? 'open')}${option('fixed', 'fixed', f.state)}${option('all', 'all', f.state)}</select></label>
  <label>Triage<select name="triage">${option('', 'any', triage ?? '')}${option('untriaged', 'untriaged or in progress', triage)}${option('triaged', 'triaged away', triage)}${TRIAGE_STATES.map((t) => option(t, TRIAGE_LABELS[t], triage))}</select></label>
  <label>Age<select name="age">${option('', 'any', f.age ?? '')}${option('<7', 'opened in the last 7 days', f.age)}${option('>30', 'open over 30 days', f.age)}${option('>90', 'open over 90 days', f.age)}</select></label>
  <label>Scanner<input name="scanner" value="${f.scanner ?? ''}" size="10"></label>
  <label>Rule<input name="rule" value="${f.rule ?? ''}" size="16"></label>
  <label>Path<input name="path" value="${f.path ?? ''}" size="18" placeholder="src/ or *.ts"></label>
  <label>Suppressed by the gate<select name="suppressed">${option('', 'either', f.suppressed ?? '')}${option('no', 'no', f.suppressed)}${option('yes', 'yes', f.suppressed)}</select></label>
  ${f.overdue ? html`<input type="hidden" name="overdue" value="1">` : ''}
  ${f.package ? html`<input type="hidden" name="package" value="${f.package}">` : ''}
  ${f.version ? html`<input type="hidden" name="version" value="${f.version}">` : ''}
  ${f.advisory ? html`<input type="hidden" name="advisory" value="${f.advisory}">` : ''}
  <button type="submit">Filter</button>
  <a href="/findings">Clear</a>
</form>
<p class="muted" role="status">${page.total !== undefined ? `${page.total.toLocaleString('en')} finding(s) match` : ''}${f.package ? ` · package ${f.package}${f.version ? `@${f.version}` : ''}` : ''}${f.advisory ? ` · advisory ${f.advisory}` : ''}</p>
${page.items.length
    ? html`<table>
<caption class="visually-hidden">Findings, most severe first</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Project</th><th scope="col">Rule</th><th scope="col">Where</th><th scope="col">Message</th><th scope="col">Opened</th><th scope="col">Due</th><th scope="col">Triage</th></tr></thead>
<tbody>${page.items.map((r) => {
        const overdue = r.state === 'open' && r.dueAt !== null && r.dueAt < now && (r.triage === 'none' || r.triage === 'in_progress') && !r.suppressed;
        return html`<tr>
<td>${sevBadge(r.severity)}</td>
<td>${r.project}</td>
<td><code>${r.ruleId}</code><br><span class="muted">${r.scanner}</span></td>
<td class="path"><code>${locationShort(r.kind, r.path, r.line)}</code>${r.kind !== 'file' ? html` <span class="tag">${r.kind}</span>` : ''}</td>
<td><a href="/findings/${r.id}">${r.message.length > 140 ? `${r.message.slice(0, 140)}…` : r.message}</a></td>
<td>${day(r.openedAt)}</td>
<td>${r.state === 'fixed' ? html`<span class="tag">fixed</span>` : html`${day(r.dueAt)}${overdue ? html` <span class="tag overdue">overdue</span>` : ''}`}</td>
<td>${TRIAGE_LABELS[r.triage as keyof typeof TRIAGE_LABELS] ?? r.triage}${r.suppressed ? html`<br><span class="tag">gate: ${r.suppressed.split(':')[0]}</span>` : ''}</td>
</tr>`;
      })}</tbody></table>`
    : html`<p>No findings match these filters.</p>`}
<nav class="pager" aria-label="Pages">
${page.prev ? html`<a href="/findings${query({ ...params, before: page.prev })}" rel="prev">← Previous page</a>` : html`<span class="muted">← Previous page</span>`}
${page.next ? html`<a href="/findings${query({ ...params, after: page.next })}" rel="next">Next page →</a>` : html`<span class="muted">Next page →</span>`}
</nav>`;
}
