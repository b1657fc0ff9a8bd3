/**
 * The compliance report in Markdown, HTML and JSON: a summary, the controls the gate requires, then every control of
 * the framework with its verdict, the evidence (scans in CI, gates, settings, findings by fingerprint) and what to do.
 * Pure functions of the report; every text from a finding or a file is escaped.
 */
import type { ControlResult, FrameworkResult } from './evaluate.js';
import { esc } from '../report/markdown.js';

/** What the three formats render. */
export interface ComplianceReport {
  tool: { name: string; version: string };
  generatedAt: string;
  /** What was assessed: the repository folder and, when read live, the forge repository. */
  subject: string;
  result: FrameworkResult;
  /** Controls `compliance.require` (or --require) asks for, from any framework. */
  required: { ref: string; status: ControlResult['status']; title: string }[];
  sources: { config?: string; ciFiles: string[]; reports: string[] };
  outcome: 'pass' | 'fail';
}

const WORD: Record<ControlResult['status'], string> = { met: 'met', 'partly-met': 'partly met', 'not-met': 'not met', 'no-evidence': 'no automated evidence' };
const ICON: Record<ControlResult['status'], string> = { met: '✅', 'partly-met': '🟡', 'not-met': '❌', 'no-evidence': '⚪' };
const ITEM_ICON = { pass: '✅', fail: '❌', unknown: '❔' } as const;
/** Findings listed per evidence item before "and N more". */
const MAX_FINDINGS = 10;

/** Markdown. */
export function renderComplianceMarkdown(r: ComplianceReport): string {
  const fw = r.result.framework;
  const c = r.result.counts;
  const out = [
    `# ${esc(fw.name)}: compliance report`,
    '',
    `Framework version ${esc(fw.version)}${fw.scope ? ` (${esc(fw.scope)})` : ''} · ${fw.url}`,
    '',
    `Subject: ${esc(r.subject)} · generated ${r.generatedAt} by ${r.tool.name} ${r.tool.version}`,
    '',
    `Evidence read: ${r.sources.config ? esc(r.sources.config) : 'no pipeguard.yml'} · CI files: ${r.sources.ciFiles.length ? r.sources.ciFiles.map(esc).join(', ') : 'none'} · reports: ${r.sources.reports.length ? r.sources.reports.map(esc).join(', ') : 'none'}`,
    '',
    `**${c.met} met · ${c['partly-met']} partly met · ${c['not-met']} not met · ${c['no-evidence']} with no automated evidence** (of ${r.result.controls.length} controls)`,
    '',
  ];
  if (r.required.length) {
    out.push(`## Required controls: ${r.outcome === 'pass' ? '✅ all met' : '❌ not all met'}`, '', '| Control | Title | Status |', '|---|---|---|');
    for (const q of r.required) out.push(`| ${esc(q.ref)} | ${esc(q.title)} | ${ICON[q.status]} ${WORD[q.status]} |`);
    out.push('');
  }
  out.push('## Controls', '', '| Control | Title | Status |', '|---|---|---|');
  for (const x of r.result.controls) out.push(`| [${esc(x.control.id)}](#${anchor(x.control.id)}) | ${esc(x.control.title)} | ${ICON[x.status]} ${WORD[x.status]} |`);
  out.push('');
  let group = '';
  for (const x of r.result.controls) {
    if (x.control.group !== group) {
      group = x.control.group;
      out.push(`## ${esc(group)}`, '');
    }
    out.push(`### ${esc(x.control.id)}: ${esc(x.control.title)}`, '', `<a id="${anchor(x.control.id)}"></a>**${ICON[x.status]} ${WORD[x.status]}**`, '');
    if (x.evidence.length) {
      out.push('| Evidence | Status | Detail |', '|---|---|---|');
      for (const e of x.evidence) out.push(`| ${e.kind}: ${esc(e.label)} | ${ITEM_ICON[e.status]} ${e.status} | ${esc(e.detail)} |`);
      out.push('');
      const findings = x.evidence.flatMap((e) => e.findings);
      if (findings.length) {
        out.push('Findings:', '');
        for (const f of findings.slice(0, MAX_FINDINGS)) out.push(`- \`${esc(f.ruleId)}\` ${esc(f.where)} (${f.gate}${f.severity ? `, ${f.severity}` : ''}): ${esc(f.message)} · fingerprint \`${f.fingerprint}\``);
        if (findings.length > MAX_FINDINGS) out.push(`- …and ${findings.length - MAX_FINDINGS} more`);
        out.push('');
      }
    }
    if (x.todo.length) out.push(...x.todo.map((t, i) => (i === 0 ? `What to do: ${esc(t)}` : `- ${esc(t)}`)), '');
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** A self-contained HTML page. */
export function renderComplianceHtml(r: ComplianceReport): string {
  const fw = r.result.framework;
  const c = r.result.counts;
  const h = html;
  const rows = (xs: ControlResult[]) => xs.map((x) => `<tr><td><a href="#${anchor(x.control.id)}">${h(x.control.id)}</a></td><td>${h(x.control.title)}</td><td class="${x.status}">${ICON[x.status]} ${WORD[x.status]}</td></tr>`).join('\n');
  const body: string[] = [
    `<h1>${h(fw.name)}: compliance report</h1>`,
    `<p>Framework version ${h(fw.version)}${fw.scope ? ` (${h(fw.scope)})` : ''} · <a href="${h(fw.url)}">${h(fw.url)}</a></p>`,
    `<p>Subject: ${h(r.subject)} · generated ${h(r.generatedAt)} by ${h(r.tool.name)} ${h(r.tool.version)}</p>`,
    `<p>Evidence read: ${r.sources.config ? h(r.sources.config) : 'no pipeguard.yml'} · CI files: ${r.sources.ciFiles.length ? r.sources.ciFiles.map(h).join(', ') : 'none'} · reports: ${r.sources.reports.length ? r.sources.reports.map(h).join(', ') : 'none'}</p>`,
    `<p class="summary"><b>${c.met} met · ${c['partly-met']} partly met · ${c['not-met']} not met · ${c['no-evidence']} with no automated evidence</b> (of ${r.result.controls.length} controls)</p>`,
  ];
  if (r.required.length) {
    body.push(`<h2>Required controls: ${r.outcome === 'pass' ? '✅ all met' : '❌ not all met'}</h2>`, '<table><tr><th>Control</th><th>Title</th><th>Status</th></tr>');
    for (const q of r.required) body.push(`<tr><td>${h(q.ref)}</td><td>${h(q.title)}</td><td class="${q.status}">${ICON[q.status]} ${WORD[q.status]}</td></tr>`);
    body.push('</table>');
  }
  body.push('<h2>Controls</h2>', '<table><tr><th>Control</th><th>Title</th><th>Status</th></tr>', rows(r.result.controls), '</table>');
  for (const x of r.result.controls) {
    body.push(`<section id="${anchor(x.control.id)}"><h3>${h(x.control.id)}: ${h(x.control.title)} <span class="${x.status}">${ICON[x.status]} ${WORD[x.status]}</span></h3><p class="group">${h(x.control.group)}</p>`);
    if (x.evidence.length) {
      body.push('<table><tr><th>Evidence</th><th>Status</th><th>Detail</th></tr>');
      for (const e of x.evidence) body.push(`<tr><td>${e.kind}: ${h(e.label)}</td><td>${ITEM_ICON[e.status]} ${e.status}</td><td>${h(e.detail)}</td></tr>`);
      body.push('</table>');
      const findings = x.evidence.flatMap((e) => e.findings);
      if (findings.length) {
        body.push('<ul class="findings">');
        for (const f of findings.slice(0, MAX_FINDINGS)) body.push(`<li><code>${h(f.ruleId)}</code> ${h(f.where)} (${h(f.gate)}${f.severity ? `, ${h(f.severity)}` : ''}): ${h(f.message)} <code>${h(f.fingerprint)}</code></li>`);
        if (findings.length > MAX_FINDINGS) body.push(`<li>…and ${findings.length - MAX_FINDINGS} more</li>`);
        body.push('</ul>');
      }
    }
    if (x.todo.length) body.push(`<p><b>What to do:</b> ${h(x.todo[0]!)}</p>`, ...(x.todo.length > 1 ? ['<ul>', ...x.todo.slice(1).map((t) => `<li>${h(t)}</li>`), '</ul>'] : []));
    body.push('</section>');
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${h(fw.name)}: compliance report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.met{color:#1a7f37}.partly-met{color:#9a6700}.not-met{color:#cf222e}.no-evidence{color:#57606a}
section{border-top:1px solid #d0d7de;margin-top:1.5rem}.group{color:#57606a;margin-top:-.5rem}code{font-size:12px}
</style></head><body>
${body.join('\n')}
</body></html>
`;
}

/** JSON, for other tools. */
export function renderComplianceJson(r: ComplianceReport): string {
  const fw = r.result.framework;
  return (
    JSON.stringify(
      {
        version: 1,
        tool: r.tool,
        generatedAt: r.generatedAt,
        subject: r.subject,
        framework: { id: fw.id, name: fw.name, version: fw.version, url: fw.url, ...(fw.scope ? { scope: fw.scope } : {}) },
        outcome: r.outcome,
        summary: r.result.counts,
        required: r.required,
        sources: r.sources,
        controls: r.result.controls.map((x) => ({
          id: x.control.id,
          group: x.control.group,
          title: x.control.title,
          status: x.status,
          ...(x.control.manual ? { manual: x.control.manual } : {}),
          evidence: x.evidence,
          todo: x.todo,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

function anchor(id: string): string {
  return `c-${id.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
