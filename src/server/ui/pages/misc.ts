/** Sign-in, errors, and the component / advisory view. */
import type { AffectedRow } from '../../store/affected.js';
import { html, projectHref, query, type Html } from '../html.js';
import { notice } from '../layout.js';

/** The sign-in form. */
export function loginBody(o: { next: string; error?: string | undefined; noUsers: boolean }): Html {
  return html`<div class="login">
<h1>Sign in to pipeguard</h1>
${o.error ? notice('error', o.error) : ''}
${o.noUsers ? notice('info', html`No user exists yet. Create the first admin on the server's machine: <code>pipeguard admin user add NAME --role admin</code>`) : ''}
<form class="stack" method="post" action="/login">
<input type="hidden" name="next" value="${o.next}">
<label>User name<input name="user" autocomplete="username" required autofocus></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<div><button type="submit">Sign in</button></div>
</form></div>`;
}

/** An error page. */
export function errorBody(status: number, message: string): Html {
  return html`<h1>${status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1>${notice('error', message)}<p><a href="/">Back to the projects</a></p>`;
}

/** "Where is lodash 4.17.20 used", "which projects are affected by GHSA-…". */
export function componentsBody(o: { pkg?: string | undefined; version?: string | undefined; advisory?: string | undefined; rows?: AffectedRow[] | undefined }): Html {
  return html`<h1>Components and advisories</h1>
<div class="grid">
<form class="stack" method="get" action="/components" aria-label="Find a package">
<label>Package name<input name="package" value="${o.pkg ?? ''}" placeholder="lodash" required></label>
<label>Version (optional)<input name="version" value="${o.version ?? ''}" placeholder="4.17.20"></label>
<div><button type="submit">Where is it used?</button></div>
</form>
<form class="stack" method="get" action="/components" aria-label="Find an advisory">
<label>Advisory id or alias<input name="advisory" value="${o.advisory ?? ''}" placeholder="GHSA-… or CVE-…" required></label>
<div><button type="submit">Which projects are affected?</button></div>
</form>
</div>
${o.rows
    ? html`<h2>${o.advisory ? `Projects affected by ${o.advisory}` : `Projects using ${o.pkg}${o.version ? `@${o.version}` : ''}`}</h2>
${o.rows.length
        ? html`<table><thead><tr><th scope="col">Project</th><th scope="col">Package</th><th scope="col">Version</th><th scope="col" class="num">Open findings</th><th scope="col" class="num">Fixed</th><th scope="col">In SBOM</th></tr></thead>
<tbody>${o.rows.map((r) => html`<tr><th scope="row"><a href="${projectHref(r.project)}">${r.project}</a></th><td>${r.package ?? '—'}</td><td>${r.version ?? '—'}</td>
<td class="num">${r.open ? html`<a href="/findings${query({ project: r.project, state: 'open', ...(o.advisory ? { advisory: o.advisory } : { package: r.package ?? undefined, version: r.version ?? undefined }) })}">${r.open}</a>` : '0'}</td><td class="num">${r.fixed}</td><td>${r.inSbom ? 'yes' : 'no'}</td></tr>`)}</tbody></table>`
        : html`<p>No project is known to use it.</p>`}`
    : ''}`;
}
