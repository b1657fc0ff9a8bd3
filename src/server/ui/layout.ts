/** The page shell: skip link, navigation, who is signed in, the page, and the one stylesheet and script. */
import type { Principal } from '../auth/scopes.js';
import { can } from '../auth/scopes.js';
import { ASSET_HASH } from './assets.gen.js';
import { html, type Html } from './html.js';

/** Which navigation entry is the current page. */
export type Section = 'projects' | 'findings' | 'overdue' | 'components' | 'admin' | 'none';

/** What a page needs from its request. */
export interface PageInput {
  title: string;
  principal?: Principal | undefined;
  section?: Section;
  body: Html;
}

/** A whole HTML document. */
export function page(p: PageInput): string {
  const nav: [Section, string, string][] = [
    ['projects', '/', 'Projects'],
    ['findings', '/findings', 'Findings'],
    ['overdue', '/findings?overdue=1', 'Overdue'],
    ['components', '/components', 'Components'],
  ];
  if (p.principal && can(p.principal, 'admin')) nav.push(['admin', '/admin', 'Admin']);
  const who = p.principal
    ? html`<div class="who"><span>${p.principal.name} <span class="muted">(${p.principal.role ?? p.principal.kind})</span></span>
        <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${p.principal.csrf ?? ''}"><button type="submit">Sign out</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${p.title} · pipeguard</title>
<link rel="stylesheet" href="/assets/app.${ASSET_HASH.css}.css">
<script src="/assets/app.${ASSET_HASH.js}.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">pipeguard</a>
  ${p.principal ? html`<nav aria-label="Main"><ul>${nav.map(([s, href, label]) => html`<li><a href="${href}"${p.section === s ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul></nav>` : ''}
  ${who}
</header>
<main id="main" tabindex="-1">
${p.body}
</main>
</body>
</html>
`.value;
}

/** A severity badge. */
export function sevBadge(s: string): Html {
  return html`<span class="sev sev-${s}">${s}</span>`;
}

/** A notice box (`ok` or `error`). */
export function notice(kind: 'ok' | 'error' | 'info', message: string | Html): Html {
  return html`<div class="notice ${kind === 'info' ? '' : kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</div>`;
}
