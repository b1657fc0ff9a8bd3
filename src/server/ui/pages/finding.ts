/** One finding: what and where, its evidence and flow, its history across runs, its triage and audit trail. */
import type { FindingDetail } from '../../store/findings.js';
import { dateOfEnd, TRIAGE_LABELS, TRIAGE_STATES } from '../../store/triage.js';
import { day, html, minute, projectHref, type Html } from '../html.js';
import { notice, sevBadge } from '../layout.js';
import { exchangeBlock, flowBlock, locationBlock } from '../location.js';

type Obj = Record<string, unknown>;

function detailFacts(d: Obj): Html {
  const facts: [string, string][] = [];
  if (typeof d['confidence'] === 'string') facts.push(['Confidence', d['confidence']]);
  if (typeof d['evidence'] === 'string') facts.push(['Evidence', d['evidence']]);
  if (Array.isArray(d['cwe'])) facts.push(['CWE', d['cwe'].join(', ')]);
  const fix = d['fix'] as Obj | undefined;
  if (fix && typeof fix['description'] === 'string') facts.push(['Fix', `${fix['description']}${typeof fix['upgradeTo'] === 'string' ? ` (upgrade to ${fix['upgradeTo']})` : ''}`]);
  const origin = d['origin'] as Obj | undefined;
  if (origin && typeof origin['commit'] === 'string') facts.push(['Introduced in', `${origin['commit'].slice(0, 12)}${typeof origin['date'] === 'string' ? ` on ${origin['date'].slice(0, 10)}` : ''}${typeof origin['author'] === 'string' ? ` by ${origin['author']}` : ''}`]);
  if (!facts.length) return html``;
  return html`<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** The triage form (for principals that may triage). */
function triageForm(f: FindingDetail, csrf: string, today: string): Html {
  const opt = (v: string) => html`<option value="${v}"${f.triage === v ? html` selected` : ''}>${TRIAGE_LABELS[v as keyof typeof TRIAGE_LABELS]}</option>`;
  const expires = f.triageExpires ? dateOfEnd(f.triageExpires) : '';
  return html`<form class="stack triage" method="post" action="/findings/${f.id}/triage" aria-labelledby="triage-h">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Triage state<select name="state">${TRIAGE_STATES.map(opt)}</select></label>
<label>Reason<textarea name="reason" rows="3" maxlength="2000">${f.triageReason ?? ''}</textarea></label>
<label class="expires">Accepted until (date)<input type="date" name="expires" value="${expires}" min="${today}"></label>
<div><button type="submit">Save triage</button></div>
</form>`;
}

/** The finding page's body. */
export function findingBody(f: FindingDetail, o: { canTriage: boolean; csrf?: string | undefined; now: number; flash?: { kind: 'ok' | 'error'; message: string } | undefined }): Html {
  const overdue = f.state === 'open' && f.dueAt !== null && f.dueAt < o.now && (f.triage === 'none' || f.triage === 'in_progress') && !f.suppressed;
  const today = new Date(o.now).toISOString().slice(0, 10);
  return html`<p class="muted"><a href="${projectHref(f.project)}">${f.project}</a> › finding ${f.id}</p>
<h1>${sevBadge(f.severity)} ${f.message}</h1>
${o.flash ? notice(o.flash.kind, o.flash.message) : ''}
<div class="grid">
<section class="card" aria-labelledby="facts-h"><h2 id="facts-h">Facts</h2>
<dl class="facts">
<dt>Rule</dt><dd><code>${f.ruleId}</code>${f.rule?.title ? ` — ${f.rule.title}` : ''}</dd>
<dt>Scanner</dt><dd>${f.scanner}</dd>
<dt>State</dt><dd>${f.state}${f.reopened ? ` (reintroduced ${f.reopened}×)` : ''}</dd>
<dt>Triage</dt><dd>${TRIAGE_LABELS[f.triage as keyof typeof TRIAGE_LABELS] ?? f.triage}${f.triageReason ? ` — ${f.triageReason}` : ''}${f.triageExpires ? ` (until ${dateOfEnd(f.triageExpires)})` : ''}</dd>
${f.suppressed ? html`<dt>Gate</dt><dd>suppressed (${f.suppressed})</dd>` : ''}
<dt>First seen</dt><dd>${minute(f.firstSeenAt)}</dd>
<dt>Opened</dt><dd>${minute(f.openedAt)}</dd>
<dt>Due</dt><dd>${day(f.dueAt)}${overdue ? html` <span class="tag overdue">overdue</span>` : ''}</dd>
<dt>Last seen</dt><dd>${minute(f.lastSeenAt)}</dd>
${f.fixedAt ? html`<dt>Fixed</dt><dd>${minute(f.fixedAt)}</dd>` : ''}
${f.aliases.length ? html`<dt>Advisories</dt><dd>${f.aliases.map((a, i) => html`${i ? ', ' : ''}<a href="/components?advisory=${encodeURIComponent(a)}">${a}</a>`)}</dd>` : ''}
${f.package ? html`<dt>Package</dt><dd><a href="/components?package=${encodeURIComponent(f.package)}${f.version ? `&version=${encodeURIComponent(f.version)}` : ''}">${f.package}${f.version ? `@${f.version}` : ''}</a></dd>` : ''}
<dt>Fingerprint</dt><dd><code>${f.fingerprint}</code></dd>
</dl></section>
<section class="card" aria-labelledby="where-h"><h2 id="where-h">Where</h2>${locationBlock(f.location, f.detail)}</section>
</div>
${detailFacts(f.detail)}
${flowBlock(f.detail['flow'])}
${exchangeBlock(f.detail)}
${f.rule?.help ? html`<section aria-labelledby="help-h"><h2 id="help-h">About the rule</h2><pre>${f.rule.help}</pre></section>` : ''}
<section aria-labelledby="triage-h"><h2 id="triage-h">Triage</h2>
${o.canTriage && o.csrf !== undefined ? triageForm(f, o.csrf, today) : html`<p class="muted">Your role cannot triage.</p>`}
</section>
<section aria-labelledby="audit-h"><h2 id="audit-h">Audit trail</h2>
${f.audit.length ? html`<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead><tbody>${f.audit.map((a) => html`<tr><td>${minute(a.at)}</td><td>${a.actor}</td><td>${a.action}: ${String(a.detail['from'] ?? '')} → ${String(a.detail['to'] ?? '')}${a.detail['reason'] ? ` — ${String(a.detail['reason'])}` : ''}${a.detail['expires'] ? ` (until ${String(a.detail['expires'])})` : ''}</td></tr>`)}</tbody></table>` : html`<p class="muted">No triage yet.</p>`}
</section>
<section aria-labelledby="hist-h"><h2 id="hist-h">Runs</h2>
<table><thead><tr><th scope="col">Run</th><th scope="col">Received</th><th scope="col">Commit</th><th scope="col">Change</th></tr></thead>
<tbody>${f.history.map((h) => html`<tr><td><a href="/runs/${h.runId}">${h.runKey.length > 40 ? `${h.runKey.slice(0, 40)}…` : h.runKey}</a></td><td>${minute(h.receivedAt)}</td><td><code>${h.commit?.slice(0, 12) ?? '—'}</code></td><td>${h.change}</td></tr>`)}</tbody></table>
</section>`;
}
