/**
 * A self-contained HTML report for people: one file, its style and script inline, nothing fetched (a Content
 * Security Policy with the hashes of the inline style and script forbids every other source). Findings can be
 * filtered by severity, scanner, path and gate verdict; each opens to its code snippet, redacted evidence, taint
 * path (source to sink), fix and rule help. Every text is escaped; secrets appear only as scanners redacted them.
 */
import { createHash } from 'node:crypto';
import { describeLocation, locationPath, regionOf } from '../core/location.js';
import { SEVERITIES } from '../core/types.js';
import type { Decision, Report, RuleMeta } from '../core/types.js';
import type { ReportOptions } from './options.js';
import { buildView, durationSeconds } from './view.js';
import type { Entry } from './view.js';

const STYLE = `
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--critical:#8b0000;--high:#c9190b;--medium:#a35d00;--low:#2b6cb0;--info:#59636e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--critical:#ff7b72;--high:#ffa198;--medium:#e3b341;--low:#79c0ff;--info:#9198a1}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
header,main{max-width:1200px;margin:0 auto;padding:16px 24px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.muted{color:var(--muted)}.outcome{font-weight:700;padding:2px 8px;border-radius:4px;color:#fff}.pass{background:#1a7f37}.fail{background:#c9190b}
.counts{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0}.counts span{padding:2px 8px;border:1px solid var(--line);border-radius:12px}
form{display:flex;gap:16px;flex-wrap:wrap;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 12px}
fieldset{border:0;margin:0;padding:0;display:flex;gap:8px;flex-wrap:wrap}legend{float:left;margin-right:6px;font-weight:600}
input[type=search]{min-width:220px;padding:4px 6px}select{padding:3px}
table{width:100%;border-collapse:collapse;margin-top:8px}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;text-transform:uppercase;color:var(--muted)}td.loc{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.sev{font-weight:700;text-transform:uppercase;font-size:12px}.sev-critical{color:var(--critical)}.sev-high{color:var(--high)}.sev-medium{color:var(--medium)}.sev-low{color:var(--low)}.sev-info{color:var(--info)}
.gate{font-size:12px;color:var(--muted)}.gate-violation{color:var(--high);font-weight:600}
details>summary{cursor:pointer;color:var(--muted)}pre{background:var(--card);border:1px solid var(--line);border-radius:4px;padding:8px;overflow:auto;font-size:12px;white-space:pre-wrap}
ol.flow{margin:4px 0;padding-left:22px}ol.flow li{margin:2px 0}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}dt{color:var(--muted)}dd{margin:0;word-break:break-word}
.banner{background:#fff8c5;color:#3b2300;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px;margin:8px 0}
`;

const SCRIPT = `
(function(){
  var form=document.getElementById('filters');
  var rows=[].slice.call(document.querySelectorAll('tbody.finding'));
  function apply(){
    var sev={};[].forEach.call(form.querySelectorAll('input[name=severity]:checked'),function(i){sev[i.value]=true});
    var scanner=form.elements.scanner.value;var path=form.elements.path.value.trim().toLowerCase();
    var gate=form.elements.gate.value;var shown=0;
    rows.forEach(function(r){
      var d=r.dataset;
      var ok=sev[d.severity]&&(!scanner||d.scanner===scanner)&&(!path||d.path.toLowerCase().indexOf(path)>=0)&&
        (gate==='all'||(gate==='active'?d.gate!=='suppressed':d.gate===gate));
      r.hidden=!ok;if(ok)shown++;
    });
    document.getElementById('shown').textContent=String(shown);
  }
  form.addEventListener('input',apply);form.addEventListener('change',apply);
  form.addEventListener('submit',function(e){e.preventDefault()});
  apply();
})();
`;

const GATE_LABEL: Record<Entry['gate'], string> = {
  violation: 'fails the gate',
  'below-threshold': 'below the threshold',
  baseline: 'in the baseline',
  suppressed: 'suppressed',
};

/** Renders the report as one HTML document (trailing newline). */
export function renderHtml(report: Report, decision: Decision, opts: ReportOptions): string {
  const view = buildView(report, decision);
  const rules = new Map(view.rules.map((r) => [r.id, r]));
  const scanners = [...new Set(view.all.map((e) => e.finding.scanner))].sort();
  const pass = decision.outcome === 'pass';
  const violations = view.active.filter((e) => e.gate === 'violation').length;
  const title = `${report.tool.name}: ${pass ? 'passed' : 'failed'} — ${report.target.id}`;
  const csp = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${esc(report.tool.name)} report <span class="outcome ${pass ? 'pass' : 'fail'}">${pass ? 'PASS' : 'FAIL'}</span></h1>`,
    `<div class="muted">${esc(report.target.kind)} <code>${esc(report.target.id)}</code> · ${esc(report.tool.name)} ${esc(report.tool.version)} · ` +
      `${esc(report.startedAt)} (${durationSeconds(report.startedAt, report.finishedAt).toFixed(1)} s) · fail-on <b>${esc(decision.failOn)}</b> · ` +
      `${violations} failing the gate · ${decision.suppressed.length} suppressed${view.newCount !== undefined ? ` · ${view.newCount} new since the baseline` : ''}</div>`,
    `<div class="counts">${SEVERITIES.map((s) => `<span class="sev-${s}">${view.counts[s]} ${s}</span>`).join('')}</div>`,
  ];
  if (opts.showSecrets) out.push('<div class="banner">This report was made with --show-secrets: it may hold secrets whole. Do not share it.</div>');
  out.push('</header>', '<main>');
  out.push(
    '<form id="filters" aria-label="Filter findings">',
    `<fieldset><legend>Severity</legend>${SEVERITIES.map((s) => `<label><input type="checkbox" name="severity" value="${s}" checked> ${s}</label>`).join(' ')}</fieldset>`,
    `<label>Scanner <select name="scanner"><option value="">all</option>${scanners.map((s) => `<option value="${esc(s)}">${esc(s)}</option>`).join('')}</select></label>`,
    '<label>Path <input type="search" name="path" placeholder="part of a path or URL"></label>',
    '<label>Show <select name="gate"><option value="active">not suppressed</option><option value="violation">failing the gate</option><option value="all">all, suppressed too</option><option value="suppressed">suppressed only</option></select></label>',
    `<span><b id="shown">${view.active.length}</b> of ${view.all.length} shown</span>`,
    '</form>',
  );
  out.push(
    '<table id="findings">',
    '<thead><tr><th>Severity</th><th>Rule</th><th>Scanner</th><th>Location</th><th>Message</th></tr></thead>',
  );
  for (const e of view.all) out.push(...findingRows(e, rules.get(e.finding.ruleId)));
  out.push('</table>');
  if (!view.all.length) out.push('<p>No findings.</p>');
  out.push(...statusSection(report), ...notesSection(decision.notes));
  out.push('</main>', `<script>${SCRIPT}</script>`, '</body>', '</html>');
  return out.join('\n') + '\n';
}

function findingRows(e: Entry, rule: RuleMeta | undefined): string[] {
  const f = e.finding;
  const described = describeLocation(f.location);
  const where = described === '.' || described === '' ? '(the scanned folder)' : described;
  const path = locationPath(f.location) ?? where;
  const attrs = `class="finding" data-severity="${f.severity}" data-scanner="${esc(f.scanner)}" data-path="${esc(path)}" data-gate="${e.gate}"`;
  const hidden = e.gate === 'suppressed' ? ' hidden' : '';
  return [
    `<tbody ${attrs}${hidden}>`,
    '<tr>',
    `<td><span class="sev sev-${f.severity}">${f.severity}</span><br><span class="gate gate-${e.gate}">${GATE_LABEL[e.gate]}${e.baselineState === 'new' ? ', new' : ''}</span></td>`,
    `<td>${rule?.helpUri ? `<a href="${esc(rule.helpUri)}" rel="noreferrer">${esc(f.ruleId)}</a>` : esc(f.ruleId)}</td>`,
    `<td>${esc(f.scanner)}</td>`,
    `<td class="loc">${esc(where)}</td>`,
    `<td>${esc(f.message)}${details(e, rule)}</td>`,
    '</tr>',
    '</tbody>',
  ];
}

function details(e: Entry, rule: RuleMeta | undefined): string {
  const f = e.finding;
  const parts: string[] = [];
  const snippet = regionOf(f.location).snippet;
  if (snippet !== undefined) parts.push(`<pre class="snippet">${esc(snippet)}</pre>`);
  if (f.flow?.length) {
    parts.push(
      '<div>Taint path, source to sink:</div>',
      `<ol class="flow">${f.flow
        .map((s) => {
          const snip = regionOf(s.location).snippet;
          return `<li><code>${esc(describeLocation(s.location))}</code> ${esc(s.message)}${snip !== undefined ? `<pre>${esc(snip)}</pre>` : ''}</li>`;
        })
        .join('')}</ol>`,
    );
  }
  const facts: [string, string][] = [];
  if (f.evidence) facts.push(['Evidence (redacted)', `<code>${esc(f.evidence)}</code>`]);
  if (f.fix) facts.push(['Fix', esc(f.fix.description)]);
  if (e.suppression) facts.push(['Suppressed', `${esc(e.suppression.kind)}: ${esc(e.suppression.reason)}`]);
  const advisory = f.data?.['advisoryId'];
  if (typeof advisory === 'string') facts.push(['Advisory', `<a href="https://osv.dev/vulnerability/${esc(encodeURIComponent(advisory))}" rel="noreferrer">${esc(advisory)}</a>`]);
  if (f.cwe?.length) facts.push(['CWE', f.cwe.map((c) => esc(c)).join(', ')]);
  if (f.confidence) facts.push(['Confidence', esc(f.confidence)]);
  const o = f.origin;
  if (o?.commit) facts.push(['Commit', `<code>${esc(o.commit.slice(0, 12))}</code>${o.author ? ` by ${esc(o.author)}` : ''}${o.date ? ` on ${esc(o.date)}` : ''}`]);
  if (o?.archive?.length) facts.push(['Inside', esc(o.archive.join(' → '))]);
  if (o?.layer) facts.push(['Image layer', `<code>${esc(o.layer)}</code>`]);
  facts.push(['Fingerprint', `<code>${esc(f.fingerprint)}</code>`]);
  parts.push(`<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`);
  if (rule?.help) parts.push(`<div class="muted">${esc(rule.help).replace(/\n\n/g, '<br><br>')}</div>`);
  return `<details><summary>Details</summary>${parts.join('')}</details>`;
}

function statusSection(report: Report): string[] {
  if (!report.statuses.length) return [];
  const rows = report.statuses.map((s) => {
    const errs = s.fileErrors.length ? `<details><summary>${s.fileErrors.length} file error(s)</summary><ul>${s.fileErrors.map((e) => `<li><code>${esc(e.path)}</code>: ${esc(e.message)}</li>`).join('')}</ul></details>` : '';
    return `<tr><td>${esc(s.scanner)}</td><td>${esc(s.status)}</td><td>${s.reason ? esc(s.reason) : ''}${errs}</td></tr>`;
  });
  return ['<h2>Scanners</h2>', '<table id="statuses"><thead><tr><th>Scanner</th><th>Status</th><th>Notes</th></tr></thead><tbody>', ...rows, '</tbody></table>'];
}

function notesSection(notes: string[]): string[] {
  return notes.length ? ['<h2>Notes</h2>', `<ul id="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`] : [];
}

/** A CSP source for an inline element's exact text. */
function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Escapes text for HTML element content and double-quoted attributes. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

