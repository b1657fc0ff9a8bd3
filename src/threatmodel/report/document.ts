/**
 * The threat-model report as a document: Markdown (for a pull request or the repository) and a self-contained HTML
 * page, with the threat table by element and flow, each mitigation's live status, controls, accepted risks with
 * their expiry, drift, and the diagram (Mermaid in Markdown, SVG in HTML). Pure over the check result.
 */
import { esc } from '../../report/markdown.js';
import type { CheckStatus } from '../checks.js';
import type { Drift } from '../drift.js';
import type { Model } from '../model.js';
import { ruleCategory } from '../rules/schema.js';
import type { AssessedThreat } from '../status.js';
import type { Decision } from '../../core/types.js';

/** What the document shows. */
export interface DocumentInput {
  model: Model;
  threats: readonly AssessedThreat[];
  drift: readonly Drift[];
  decision: Decision;
  notes: readonly string[];
  /** Mermaid text for Markdown. */
  mermaid: string;
  /** SVG for HTML (without the XML prolog); absent: the DOT text is shown. */
  svg?: string;
  dot: string;
}

const STATE_ICON = { mitigated: '✅', accepted: '🟡', open: '❌' } as const;
const CHECK_ICON: Record<CheckStatus['state'], string> = { live: '✅', 'not-built': '⏳', disabled: '⛔', inactive: '⛔', 'not-gating': '⚠️', 'rule-disabled': '⛔', suppressed: '⛔', 'below-threshold': '⚠️' };

function counts(threats: readonly AssessedThreat[]) {
  const c = { open: 0, accepted: 0, mitigated: 0 };
  for (const t of threats) c[t.state]++;
  return c;
}

function checkText(c: CheckStatus): string {
  const what = c.rules ? `${c.scanner} ${c.liveRules?.length ? c.liveRules.join(', ') : c.rules.join(', ')}` : c.scanner;
  return `${CHECK_ICON[c.state]} ${what} — ${c.state}: ${c.detail}`;
}

/** Targets in model order with their threats. */
function byTarget(model: Model, threats: readonly AssessedThreat[]): { id: string; kind: string; title: string; threats: AssessedThreat[] }[] {
  const groups = new Map<string, AssessedThreat[]>();
  for (const t of threats) (groups.get(t.target.id) ?? groups.set(t.target.id, []).get(t.target.id)!).push(t);
  const out: { id: string; kind: string; title: string; threats: AssessedThreat[] }[] = [...model.elements.values()].map((e) => ({ id: e.id, kind: e.kind, title: e.title, threats: groups.get(e.id) ?? [] }));
  out.push(...model.flows.map((f) => ({ id: f.id, kind: 'flow', title: f.title, threats: groups.get(f.id) ?? [] })));
  return out.filter((g) => g.threats.length);
}

/** The Markdown report (trailing newline). */
export function renderThreatMarkdown(d: DocumentInput): string {
  const c = counts(d.threats);
  const pass = d.decision.outcome === 'pass';
  const out: string[] = [`# Threat model: ${esc(d.model.title)}`, ''];
  if (d.model.description) out.push(esc(d.model.description), '');
  out.push(
    `${pass ? '✅ **Gate passed**' : '❌ **Gate failed**'} (fail-on ${d.decision.failOn}) · ${d.threats.length} threats: ${c.open} open, ${c.accepted} accepted, ${c.mitigated} mitigated · ${d.drift.length} drift finding${d.drift.length === 1 ? '' : 's'}`,
    '',
    '## Data-flow diagram',
    '',
    '```mermaid',
    d.mermaid.trimEnd(),
    '```',
    '',
    '## Threats',
    '',
  );
  for (const g of byTarget(d.model, d.threats)) {
    out.push(`### ${esc(g.title)} (${g.kind} ${esc(g.id)})`, '', '| Threat | STRIDE | Severity | State | Mitigations |', '|---|---|---|---|---|');
    for (const t of g.threats) {
      const mit = [...t.checks.map(checkText), ...t.controls.map((k) => `${k.state === 'live' || k.state === 'manual' ? '✅' : '❌'} control ${k.id} — ${k.detail}`)];
      const state = t.state === 'accepted' && t.acceptance ? `${STATE_ICON.accepted} accepted${t.acceptance.expires ? ` until ${t.acceptance.expires}` : ''}` : `${STATE_ICON[t.state]} ${t.state}`;
      const ids = [...t.rule.cwe, ...t.rule.capec].join(', ');
      out.push(`| **${esc(t.rule.title)}** \`${esc(t.rule.id)}\`${ids ? `<br>${esc(ids)}` : ''} | ${ruleCategory(t.rule).label} | ${t.severity} (${t.likelihood}/${t.impact}) | ${state} | ${mit.length ? mit.map(esc).join('<br>') : 'none: add a control or accept the risk'} |`);
    }
    out.push('');
  }
  const accepted = d.model.accepted;
  if (accepted.length) {
    out.push('## Accepted risks', '', '| Threat | Reason | Owner | Expires |', '|---|---|---|---|');
    for (const a of accepted) out.push(`| ${esc(a.threat)} | ${esc(a.reason)} | ${esc(a.owner ?? '-')} | ${esc(a.expires ?? 'never')} |`);
    out.push('');
  }
  if (d.model.controls.length) {
    out.push('## Controls', '', '| Control | Mitigates | Verified by | Expires |', '|---|---|---|---|');
    for (const k of d.model.controls) out.push(`| ${esc(k.title)} \`${esc(k.id)}\` | ${k.mitigates.map((m) => `\`${esc(m)}\``).join(', ')} | ${k.checks.length ? esc(k.checks.map((x) => x.scanner + (x.rules ? ` ${x.rules.join(', ')}` : '')).join('; ')) : `manual: ${esc(k.evidence ?? '')}`} | ${esc(k.expires ?? '-')} |`);
    out.push('');
  }
  if (d.drift.length) {
    out.push('## Drift between the model and the code', '', '| Rule | Where | Message |', '|---|---|---|');
    for (const x of d.drift) out.push(`| ${x.ruleId} | ${esc(`${x.path}:${x.line}`)} | ${esc(x.message)} |`);
    out.push('');
  }
  if (d.model.assumptions.length) out.push('## Assumptions', '', ...d.model.assumptions.map((a) => `- ${esc(a)}`), '');
  if (d.notes.length) out.push('## Notes', '', ...d.notes.map((n) => `- ${esc(n)}`), '');
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** Escapes text for HTML. */
export function html(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** The HTML report: one self-contained page (trailing newline). */
export function renderThreatHtml(d: DocumentInput): string {
  const c = counts(d.threats);
  const pass = d.decision.outcome === 'pass';
  const rows = byTarget(d.model, d.threats)
    .map((g) => {
      const body = g.threats
        .map((t) => {
          const mit = [...t.checks.map(checkText), ...t.controls.map((k) => `${k.state === 'live' || k.state === 'manual' ? '✅' : '❌'} control ${k.id} — ${k.detail}`)];
          const state = t.state === 'accepted' && t.acceptance?.expires ? `accepted until ${t.acceptance.expires}` : t.state;
          return `<tr class="${t.state}"><td><b>${html(t.rule.title)}</b><br><code>${html(t.rule.id)}</code> ${html([...t.rule.cwe, ...t.rule.capec].join(', '))}<p>${html(t.rule.description)}</p></td><td>${ruleCategory(t.rule).label}</td><td>${t.severity}<br><small>${t.likelihood}/${t.impact}</small></td><td>${STATE_ICON[t.state]} ${html(state)}</td><td>${mit.length ? `<ul>${mit.map((m) => `<li>${html(m)}</li>`).join('')}</ul>` : 'none: add a control or accept the risk'}</td></tr>`;
        })
        .join('\n');
      return `<h3>${html(g.title)} <small>(${g.kind} <code>${html(g.id)}</code>)</small></h3>\n<table><thead><tr><th>Threat</th><th>STRIDE</th><th>Severity</th><th>State</th><th>Mitigations</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
    })
    .join('\n');
  const accepted = d.model.accepted.length
    ? `<h2>Accepted risks</h2><table><thead><tr><th>Threat</th><th>Reason</th><th>Owner</th><th>Expires</th></tr></thead><tbody>${d.model.accepted.map((a) => `<tr><td><code>${html(a.threat)}</code></td><td>${html(a.reason)}</td><td>${html(a.owner ?? '-')}</td><td>${html(a.expires ?? 'never')}</td></tr>`).join('')}</tbody></table>`
    : '';
  const drift = d.drift.length
    ? `<h2>Drift between the model and the code</h2><table><thead><tr><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>${d.drift.map((x) => `<tr><td>${html(x.ruleId)}</td><td><code>${html(`${x.path}:${x.line}`)}</code></td><td>${html(x.message)}</td></tr>`).join('')}</tbody></table>`
    : '';
  const diagram = d.svg ? d.svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '') : `<pre>${html(d.dot)}</pre>`;
  const notes = d.notes.length ? `<h2>Notes</h2><ul>${d.notes.map((n) => `<li>${html(n)}</li>`).join('')}</ul>` : '';
  const assumptions = d.model.assumptions.length ? `<h2>Assumptions</h2><ul>${d.model.assumptions.map((a) => `<li>${html(a)}</li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Threat model: ${html(d.model.title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:80em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}th,td{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}
tr.open td:first-child{border-left:4px solid #c62828}tr.accepted td:first-child{border-left:4px solid #ef8f00}tr.mitigated td:first-child{border-left:4px solid #2e7d32}
td p{margin:.3em 0 0;color:#555;font-size:.9em}ul{margin:0;padding-left:1.2em}.verdict{font-size:1.2em}.diagram svg{max-width:100%;height:auto}
</style></head><body>
<h1>Threat model: ${html(d.model.title)}</h1>
${d.model.description ? `<p>${html(d.model.description)}</p>` : ''}
<p class="verdict">${pass ? '✅ Gate passed' : '❌ Gate failed'} (fail-on ${d.decision.failOn}) · ${d.threats.length} threats: ${c.open} open, ${c.accepted} accepted, ${c.mitigated} mitigated · ${d.drift.length} drift</p>
<h2>Data-flow diagram</h2>
<div class="diagram">${diagram}</div>
<h2>Threats</h2>
${rows}
${accepted}
${drift}
${assumptions}
${notes}
</body></html>
`;
}
