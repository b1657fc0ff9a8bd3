/**
 * The terminal report: the findings that fail the gate (every finding with `showAll`) grouped by file, one line
 * each (`line:col  SEVERITY  rule-id  message`), the redacted evidence beneath, one line counting the findings
 * not listed by severity, then counts, PASS/FAIL, scanner statuses and notes. Colour only when asked;
 * every text from a finding has its control characters replaced, so a scanned file cannot drive the terminal.
 */
import { describeLocation, locationPath, logicalName, regionOf, startLineOf } from '../core/location.js';
import { SEVERITIES } from '../core/types.js';
import type { Decision, Report, Severity } from '../core/types.js';
import type { ReportOptions } from './options.js';
import { buildView, oneLine } from './view.js';
import type { Entry } from './view.js';

const ESC = '\u001b[';
const SEVERITY_STYLE: Record<Severity, string> = {
  critical: `${ESC}1;35m`,
  high: `${ESC}31m`,
  medium: `${ESC}33m`,
  low: `${ESC}34m`,
  info: `${ESC}2m`,
};
const RESET = `${ESC}0m`;
const BOLD = `${ESC}1m`;
const DIM = `${ESC}2m`;
const GREEN = `${ESC}1;32m`;
const RED = `${ESC}1;31m`;
/** Narrowest column left for wrapped text, however small `width` is. */
const MIN_TEXT = 20;

/** Renders the report for a terminal. */
export function renderTable(report: Report, decision: Decision, opts: ReportOptions): string {
  const paint = (style: string, s: string): string => (opts.color ? `${style}${s}${RESET}` : s);
  const view = buildView(report, decision);
  const shown = opts.verbose ? view.all : opts.showAll ? view.active : view.active.filter((e) => e.gate === 'violation');
  const hidden = opts.verbose || opts.showAll ? [] : view.active.filter((e) => e.gate !== 'violation');
  const out: string[] = [];
  if (opts.showSecrets) out.push(paint(RED, 'warning: --show-secrets is on; secrets in this output are not redacted'), '');

  const posWidth = Math.max(0, ...shown.map((e) => position(e).length));
  const ruleWidth = Math.max(0, ...shown.map((e) => e.finding.ruleId.length));
  const indent = 2 + posWidth + 2 + 8 + 2 + ruleWidth + 2;
  for (const [file, entries] of groupByFile(shown)) {
    out.push(paint(BOLD, oneLine(file)));
    for (const e of entries) {
      const f = e.finding;
      const sev = paint(SEVERITY_STYLE[f.severity], f.severity.toUpperCase().padEnd(8));
      const head = `  ${position(e).padEnd(posWidth)}  ${sev}  ${f.ruleId.padEnd(ruleWidth)}  `;
      const msg = wrap(oneLine(f.message) + tag(e), opts.width === undefined ? undefined : opts.width - indent);
      out.push(head + msg[0], ...msg.slice(1).map((l) => ' '.repeat(indent) + l));
      const sub = ' '.repeat(indent);
      const fit = (s: string): string => truncate(s, opts.width === undefined ? undefined : opts.width - indent);
      if (f.evidence) out.push(sub + paint(DIM, fit(oneLine(f.evidence))));
      if (opts.verbose) out.push(...details(e).map((d) => sub + paint(DIM, fit(oneLine(d)))));
    }
    out.push('');
  }
  if (hidden.length) {
    const bySeverity = SEVERITIES.map((s) => [s, hidden.filter((e) => e.finding.severity === s).length] as const).filter(([, n]) => n > 0);
    out.push(...wrap(`${hidden.length} more not failing the gate (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')}): --show-all lists them`, opts.width), '');
  }

  const counts = SEVERITIES.filter((s) => view.counts[s] > 0).map((s) => `${view.counts[s]} ${s}`);
  const total = view.active.length;
  const violations = view.active.filter((e) => e.gate === 'violation').length;
  const facts = [
    `${total} finding${total === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}`,
    `${violations} violation${violations === 1 ? '' : 's'}`,
    `${decision.suppressed.length} suppressed`,
  ];
  if (view.newCount !== undefined) facts.push(`${view.newCount} new`);
  out.push(...wrap(facts.join(', '), opts.width));
  const verdict = decision.outcome === 'pass' ? paint(GREEN, 'PASS') : paint(RED, 'FAIL');
  out.push(`${verdict} (fail-on: ${decision.failOn})`);

  if (report.statuses.length) out.push('', 'scanners:');
  const nameWidth = Math.max(0, ...report.statuses.map((s) => s.scanner.length));
  for (const s of report.statuses) {
    const errs = s.fileErrors.length ? `, ${s.fileErrors.length} file error${s.fileErrors.length === 1 ? '' : 's'}` : '';
    const why = s.reason ? `: ${oneLine(s.reason)}` : '';
    out.push(truncate(`  ${oneLine(s.scanner).padEnd(nameWidth)}  ${s.status}${errs}${why}`, opts.width));
    const listed = opts.verbose ? s.fileErrors : s.fileErrors.slice(0, 5);
    for (const fe of listed) out.push(`    ${paint(DIM, truncate(oneLine(`${fe.path}: ${fe.message}`), opts.width === undefined ? undefined : opts.width - 4))}`);
    if (listed.length < s.fileErrors.length) out.push(`    …and ${s.fileErrors.length - listed.length} more (--verbose)`);
  }
  if (decision.notes.length) out.push('', 'notes:');
  for (const n of decision.notes) {
    const [first = '', ...rest] = wrap(oneLine(n), opts.width === undefined ? undefined : opts.width - 4);
    out.push(`  - ${first}`, ...rest.map((l) => `    ${l}`));
  }
  return out.join('\n') + '\n';
}

function position(e: Entry): string {
  const { startLine, startColumn } = regionOf(e.finding.location);
  if (startLine === undefined) return '-';
  return startColumn === undefined ? `${startLine}` : `${startLine}:${startColumn}`;
}

function tag(e: Entry): string {
  if (e.gate === 'violation') return '';
  if (e.gate === 'suppressed') return ` [suppressed: ${oneLine(e.suppression!.reason)}]`;
  return ` [${e.gate}]`;
}

function details(e: Entry): string[] {
  const f = e.finding;
  const out = [`fingerprint: ${f.fingerprint}`];
  const logical = logicalName(f.location);
  if (logical) out.push(`at: ${logical}`);
  if (f.origin?.commit) out.push(`commit: ${f.origin.commit}${f.origin.author ? ` by ${f.origin.author}` : ''}${f.origin.date ? ` on ${f.origin.date}` : ''}`);
  const layer = f.origin?.layer ?? (f.location.kind === 'package' || f.location.kind === 'image' ? f.location.layer : undefined);
  if (layer) out.push(`layer: ${layer}${f.origin?.createdBy ? ` (${oneLine(f.origin.createdBy)})` : ''}${f.origin?.hidden ? ', deleted or replaced by a later layer' : ''}`);
  for (const [i, s] of (f.flow ?? []).entries()) out.push(`flow ${i + 1}: ${locationPath(s.location) ?? describeLocation(s.location)}:${startLineOf(s.location) ?? '-'} ${s.message}`);
  if (f.fix) out.push(`fix: ${f.fix.description}${f.fix.upgradeTo ? ` (upgrade to ${f.fix.upgradeTo})` : ''}`);
  return out;
}

function groupByFile(entries: Entry[]): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>();
  for (const e of entries) {
    const file = locationPath(e.finding.location) || logicalName(e.finding.location) || '(no file)';
    const list = out.get(file);
    if (list) list.push(e);
    else out.set(file, [e]);
  }
  return out;
}

/** Splits `text` into lines of at most `width` characters at spaces (hard-splitting longer words). */
export function wrap(text: string, width: number | undefined): string[] {
  if (width === undefined) return [text];
  const w = Math.max(MIN_TEXT, width);
  const lines: string[] = [];
  let cur = '';
  for (let word of text.split(' ')) {
    while (word.length > w) {
      if (cur) lines.push(cur);
      lines.push(word.slice(0, w));
      word = word.slice(w);
      cur = '';
    }
    if (!cur) cur = word;
    else if (cur.length + 1 + word.length <= w) cur += ' ' + word;
    else {
      lines.push(cur);
      cur = word;
    }
  }
  lines.push(cur);
  return lines;
}

/** Cuts `text` to `width` characters, ending in `…` when cut. */
export function truncate(text: string, width: number | undefined): string {
  if (width === undefined || text.length <= width) return text;
  const w = Math.max(MIN_TEXT, width);
  return text.length <= w ? text : text.slice(0, w - 1) + '…';
}
