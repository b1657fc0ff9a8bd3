/** The admin page: users, API tokens (a new one shown once), SLA days, and the audit trail. */
import { SEVERITIES } from '../../../core/types.js';
import { ROLES, SCOPES } from '../../auth/scopes.js';
import type { TokenInfo } from '../../auth/tokens.js';
import type { AuditRow } from '../../store/audit.js';
import type { SlaDays } from '../../store/severity.js';
import { day, html, minute, type Html } from '../html.js';
import { notice } from '../layout.js';

/** Everything on the admin page. */
export interface AdminView {
  users: { name: string; role: string; createdAt: number; disabled: boolean }[];
  tokens: TokenInfo[];
  sla: SlaDays;
  audit: AuditRow[];
  csrf: string;
  /** A token just created: shown once. */
  newToken?: string | undefined;
  flash?: { kind: 'ok' | 'error'; message: string } | undefined;
}

/** The admin page's body. */
export function adminBody(v: AdminView): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
  return html`<h1>Admin</h1>
${v.flash ? notice(v.flash.kind, v.flash.message) : ''}
${v.newToken ? notice('ok', html`New token (shown once, copy it now): <code id="new-token">${v.newToken}</code> <button type="button" class="secondary" data-copy="new-token" hidden>Copy</button>`) : ''}
<section aria-labelledby="tokens-h"><h2 id="tokens-h">API tokens</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Project</th><th scope="col">Scopes</th><th scope="col">Starts</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
<tbody>${v.tokens.map((t) => html`<tr><td>${t.name}</td><td>${t.project ?? 'all'}</td><td>${t.scopes.join(', ')}</td><td><code>${t.prefix}…</code></td><td>${day(t.createdAt)} by ${t.createdBy}</td><td>${day(t.lastUsedAt)}</td>
<td>${t.revokedAt ? `revoked ${day(t.revokedAt)}` : html`<form method="post" action="/admin/tokens/${t.id}/revoke">${csrf}<button type="submit" class="danger" data-confirm="Revoke token ${t.name}?">Revoke</button></form>`}</td></tr>`)}</tbody></table>
<h3>New token</h3>
<form class="stack" method="post" action="/admin/tokens">${csrf}
<label>Name<input name="name" required pattern="[A-Za-z0-9_.@-]{1,64}"></label>
<label>Project (empty: every project; uploads may create projects)<input name="project"></label>
<fieldset><legend>Scopes</legend>${SCOPES.map((s) => html`<label><span><input type="checkbox" name="scopes" value="${s}"${s === 'upload' ? html` checked` : ''}> ${s}</span></label>`)}</fieldset>
<div><button type="submit">Create token</button></div>
</form></section>
<section aria-labelledby="users-h"><h2 id="users-h">Users</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th></tr></thead>
<tbody>${v.users.map((u) => html`<tr><td>${u.name}</td><td>${u.role}${u.disabled ? ' (disabled)' : ''}</td><td>${day(u.createdAt)}</td></tr>`)}</tbody></table>
<h3>Add a user or set a password</h3>
<form class="stack" method="post" action="/admin/users">${csrf}
<label>Name<input name="name" required autocomplete="off"></label>
<label>Role<select name="role">${Object.keys(ROLES).map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
<label>Password (12 characters or more)<input name="password" type="password" minlength="12" required autocomplete="new-password"></label>
<div><button type="submit">Save user</button></div>
</form></section>
<section aria-labelledby="sla-h"><h2 id="sla-h">SLA: days to fix</h2>
<form class="filters" method="post" action="/admin/sla">${csrf}
${SEVERITIES.map((s) => html`<label>${s}<input name="${s}" type="number" min="0" max="3650" value="${v.sla[s] ?? ''}" placeholder="none" size="5"></label>`)}
<button type="submit">Save SLA</button></form></section>
<section aria-labelledby="audit-h"><h2 id="audit-h">Audit trail</h2>
<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Project</th><th scope="col">Detail</th></tr></thead>
<tbody>${v.audit.map((a) => html`<tr><td>${minute(a.at)}</td><td>${a.actor}</td><td>${a.action}</td><td>${a.project ?? '—'}</td><td>${a.findingId ? html`<a href="/findings/${a.findingId}">finding ${a.findingId}</a> ` : ''}<code>${JSON.stringify(a.detail)}</code></td></tr>`)}</tbody></table>
</section>`;
}
