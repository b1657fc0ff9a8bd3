import type { DeployRecord } from '../deploy/record.js';
import type { RunRecord } from '../runner/record.js';
import { deployChart, esc } from './chart.js';
import { pct, type Postmortem } from './model.js';

/**
 * The postmortem as Markdown or as one self-contained HTML page (the charts inline as SVG). Every value that came
 * from a record is escaped for the format: names of services, steps and gates, reasons and outputs are data.
 */

/** Markdown text: HTML and Markdown syntax characters escaped, line breaks made spaces. */
function md(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#!~])/g, '\\$1');
}

function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/~+/g)].map((m) => m[0].length));
  const f = '~'.repeat(longest + 1);
  return `${f}text\n${text.replace(/\n$/, '')}\n${f}`;
}

function failedOutputs(runs: RunRecord[]): { where: string; tail: string }[] {
  return runs.flatMap((r) => r.stages.flatMap((s) => s.steps.filter((st) => (st.status === 'failed' || st.status === 'timed-out') && st.outputTail).map((st) => ({ where: `${r.id} ${s.name}/${st.name}`, tail: st.outputTail! }))));
}

function sampleRows(d: DeployRecord): string[][] {
  return d.samples.map((s) => [
    time(s.t),
    `${s.weight}%`,
    String(s.candidate.requests),
    String(s.candidate.errors),
    pct(s.candidate.errorRate),
    s.candidate.p95Ms !== undefined ? `${Math.round(s.candidate.p95Ms)} ms` : '-',
    s.baseline ? pct(s.baseline.errorRate) : '-',
    s.baseline?.p95Ms !== undefined ? `${Math.round(s.baseline.p95Ms)} ms` : '-',
  ]);
}

const SAMPLE_HEAD = ['window end', 'traffic', 'requests', 'errors', 'error rate', 'p95', 'baseline error rate', 'baseline p95'];

function deployRow(d: DeployRecord): string[] {
  return [
    d.id,
    d.service,
    d.strategy,
    d.candidate.version,
    d.baseline?.version ?? '-',
    d.candidate.artifact ? `${d.candidate.artifact.ref}${d.candidate.artifact.digest ? ` (${d.candidate.artifact.digest})` : ''}` : '-',
    d.outcome ?? 'running',
  ];
}
const DEPLOY_HEAD = ['deploy', 'service', 'strategy', 'candidate', 'baseline', 'artifact', 'outcome'];

/** Markdown. `chartFile(deployId)` names an SVG file written beside the report, to link instead of a table only. */
export function renderMarkdown(p: Postmortem, o: { chartLink?: (deployId: string) => string | undefined } = {}): string {
  const out: string[] = [];
  const table = (head: string[], rows: string[][]) => {
    if (!rows.length) return;
    out.push(`| ${head.map(md).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(md).join(' | ')} |`), '');
  };
  const list = (items: string[], box = false) => {
    out.push(...items.map((i) => `- ${box ? '[ ] ' : ''}${md(i)}`), '');
  };
  out.push(`# ${md(p.title)}`, '', `_${md(`${time(p.start)} to ${time(p.end)}`)}. Prefilled by pipeguard from the audit log, run records and deploy records; complete the parts marked "to be filled in"._`, '');
  out.push('## Summary', '');
  list(p.summary);
  out.push('## Timeline', '');
  table(['time (UTC)', 'event'], p.timeline.map((t) => [time(t.time), `${t.kind === 'bad' ? '✗ ' : t.kind === 'good' ? '✓ ' : ''}${t.what}`]));
  if (!p.timeline.length) out.push('No audit entries.', '');
  if (p.deploys.length) {
    out.push('## What was deployed', '');
    table(DEPLOY_HEAD, p.deploys.map(deployRow));
    out.push('## What the analysis saw', '');
    for (const d of p.deploys) {
      out.push(`### ${md(d.id)}`, '', md(`Budget: error rate at most ${pct(d.thresholds.maxErrorRate)}${d.thresholds.maxP95Ms !== undefined ? `, p95 at most ${d.thresholds.maxP95Ms} ms` : ''}, at least ${d.thresholds.minRequests} requests per window.`), '');
      const link = o.chartLink?.(d.id);
      if (link) out.push(`![${md(`error rate and p95 latency of ${d.id}`)}](${encodeURI(link)})`, '');
      table(SAMPLE_HEAD, sampleRows(d));
      if (!d.samples.length) out.push('No analysis windows were recorded.', '');
    }
    out.push('## Decision and rollback', '');
    list(p.decisions);
  }
  out.push('## Findings involved', '');
  table(['severity', 'rule', 'where', 'gate', 'run', 'message'], p.findings.map((f) => [f.severity, f.ruleId, `${f.path}${f.line ? `:${f.line}` : ''}`, `${f.gate} (${f.outcome})`, f.run, f.message]));
  table(['first seen', 'severity', 'alert', 'events', 'message'], p.alerts.map((a) => [time(a.time), a.severity, a.rule, String(a.count), a.message]));
  if (!p.findings.length && !p.alerts.length) out.push('No gate violations or monitor alerts.', '');
  out.push('## Impact', '');
  list(p.impact);
  out.push('## Root cause', '');
  list(p.rootCause);
  out.push('## What went well', '');
  list(p.wentWell);
  out.push('## What failed', '');
  list(p.wentWrong);
  out.push('## Action items', '');
  list(p.actionItems, true);
  const outputs = failedOutputs(p.runs);
  if (outputs.length) {
    out.push('## Output of the failed steps (masked)', '');
    for (const x of outputs) out.push(`### ${md(x.where)}`, '', fence(x.tail), '');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

const CSS = `body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#212529;line-height:1.45}
table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.92em}th,td{border:1px solid #dee2e6;padding:.3em .6em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f8f9fa}.bad{color:#a4161a}.good{color:#2b7a0b}pre{background:#f8f9fa;padding:.8em;overflow:auto;font-size:.85em}
h1{font-size:1.6em}h2{border-bottom:1px solid #dee2e6;padding-bottom:.2em;margin-top:1.6em}.meta{color:#6c757d}svg{max-width:100%;height:auto}`;

/** One self-contained HTML page; well-formed XML as well (every element closed, every value escaped). */
export function renderHtml(p: Postmortem): string {
  const out: string[] = [];
  const table = (head: string[], rows: string[][], cls?: (i: number) => string | undefined) => {
    if (!rows.length) return;
    out.push('<table>', `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`, '<tbody>');
    rows.forEach((r, i) => {
      const c = cls?.(i);
      out.push(`<tr${c ? ` class="${c}"` : ''}>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`);
    });
    out.push('</tbody>', '</table>');
  };
  const list = (items: string[], box = false) => out.push('<ul>', ...items.map((i) => `<li>${box ? '<input type="checkbox"/> ' : ''}${esc(i)}</li>`), '</ul>');
  out.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8"/>', `<title>${esc(p.title)}</title>`, `<style>${CSS}</style>`, '</head>', '<body>');
  out.push(`<h1>${esc(p.title)}</h1>`, `<p class="meta">${esc(`${time(p.start)} to ${time(p.end)}. Prefilled by pipeguard from the audit log, run records and deploy records; complete the parts marked "to be filled in".`)}</p>`);
  out.push('<h2>Summary</h2>');
  list(p.summary);
  out.push('<h2>Timeline</h2>');
  table(['time (UTC)', 'event'], p.timeline.map((t) => [time(t.time), t.what]), (i) => (p.timeline[i]!.kind === 'info' ? undefined : p.timeline[i]!.kind));
  if (!p.timeline.length) out.push('<p>No audit entries.</p>');
  if (p.deploys.length) {
    out.push('<h2>What was deployed</h2>');
    table(DEPLOY_HEAD, p.deploys.map(deployRow));
    out.push('<h2>What the analysis saw</h2>');
    for (const d of p.deploys) {
      out.push(`<h3>${esc(d.id)}</h3>`, `<p>${esc(`Budget: error rate at most ${pct(d.thresholds.maxErrorRate)}${d.thresholds.maxP95Ms !== undefined ? `, p95 at most ${d.thresholds.maxP95Ms} ms` : ''}, at least ${d.thresholds.minRequests} requests per window.`)}</p>`);
      const svg = deployChart(d);
      if (svg) out.push(`<figure>${svg}</figure>`);
      table(SAMPLE_HEAD, sampleRows(d));
      if (!d.samples.length) out.push('<p>No analysis windows were recorded.</p>');
    }
    out.push('<h2>Decision and rollback</h2>');
    list(p.decisions);
  }
  out.push('<h2>Findings involved</h2>');
  table(['severity', 'rule', 'where', 'gate', 'run', 'message'], p.findings.map((f) => [f.severity, f.ruleId, `${f.path}${f.line ? `:${f.line}` : ''}`, `${f.gate} (${f.outcome})`, f.run, f.message]));
  table(['first seen', 'severity', 'alert', 'events', 'message'], p.alerts.map((a) => [time(a.time), a.severity, a.rule, String(a.count), a.message]));
  if (!p.findings.length && !p.alerts.length) out.push('<p>No gate violations or monitor alerts.</p>');
  for (const [h, items] of [
    ['Impact', p.impact],
    ['Root cause', p.rootCause],
    ['What went well', p.wentWell],
    ['What failed', p.wentWrong],
  ] as const) {
    out.push(`<h2>${h}</h2>`);
    list([...items]);
  }
  out.push('<h2>Action items</h2>');
  list(p.actionItems, true);
  const outputs = failedOutputs(p.runs);
  if (outputs.length) {
    out.push('<h2>Output of the failed steps (masked)</h2>');
    for (const x of outputs) out.push(`<h3>${esc(x.where)}</h3>`, `<pre>${esc(x.tail)}</pre>`);
  }
  out.push('</body>', '</html>');
  return out.join('\n') + '\n';
}
