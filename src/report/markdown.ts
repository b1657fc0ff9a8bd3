/**
 * A pull-request comment: outcome and counts in the title, a table of violations (at most
 * {@link MAX_ROWS} rows), findings below the threshold folded away, suppressed count, scanner statuses, notes.
 * Every text from a finding is escaped so it cannot break the table, inject HTML or mention people.
 */
import { SEVERITIES } from '../core/types.js';
import type { Decision, Report } from '../core/types.js';
import { buildView, oneLine, shortLocation } from './view.js';
import type { Entry } from './view.js';

/** Rows shown in each table before "and N more". */
export const MAX_ROWS = 50;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '@': '&#64;', '#': '&#35;' };

const STATUS_ICON = { succeeded: '✅', partial: '⚠️', failed: '❌', skipped: '⏭️' } as const;

/** Renders the report as GitHub-flavoured Markdown (trailing newline). */
export function renderMarkdown(report: Report, decision: Decision): string {
  const view = buildView(report, decision);
  const violations = view.active.filter((e) => e.gate === 'violation');
  const others = view.active.filter((e) => e.gate !== 'violation');
  const counts = SEVERITIES.map((s) => `${view.counts[s]} ${s}`).join(' · ');
  const pass = decision.outcome === 'pass';
  const out: string[] = [`## ${pass ? '✅' : '❌'} pipeguard: ${pass ? 'passed' : 'failed'} — ${counts}`, ''];

  const facts = [
    `Target: ${esc(report.target.kind)} ${esc(report.target.id)}`,
    `fail-on: **${decision.failOn}**`,
    `${violations.length} violation${violations.length === 1 ? '' : 's'}`,
    `${decision.suppressed.length} suppressed`,
  ];
  if (view.newCount !== undefined) facts.push(`${view.newCount} new since baseline`);
  out.push(facts.join(' · '), '');

  if (violations.length) out.push('### Violations', '', ...table(violations), '');
  if (others.length) {
    const n = others.length;
    out.push(
      '<details>',
      `<summary>${n} finding${n === 1 ? '' : 's'} below the threshold or in the baseline</summary>`,
      '',
      ...table(others),
      '',
      '</details>',
      '',
    );
  }
  if (decision.suppressed.length) {
    const byKind = new Map<string, number>();
    for (const s of decision.suppressed) byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + 1);
    const kinds = [...byKind].map(([k, n]) => `${k}: ${n}`).join(', ');
    out.push(`**Suppressed:** ${decision.suppressed.length} (${kinds})`, '');
  }
  out.push(...statuses(report), ...notes(decision.notes));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function table(entries: Entry[]): string[] {
  const rows = entries.slice(0, MAX_ROWS).map((e) => {
    const f = e.finding;
    const tag = e.gate === 'baseline' ? ' (baseline)' : '';
    return `| ${f.severity}${tag} | ${esc(f.ruleId)} | ${esc(shortLocation(f))} | ${esc(f.message)} |`;
  });
  const more = entries.length - MAX_ROWS;
  return [
    '| Severity | Rule | Location | Message |',
    '|---|---|---|---|',
    ...rows,
    ...(more > 0 ? ['', `…and ${more} more`] : []),
  ];
}

function statuses(report: Report): string[] {
  if (!report.statuses.length) return [];
  const out = ['### Scanners', '', '| Scanner | Status | File errors |', '|---|---|---|'];
  for (const s of report.statuses) {
    const why = s.reason ? ` (${esc(s.reason)})` : '';
    out.push(`| ${esc(s.scanner)} | ${STATUS_ICON[s.status]} ${s.status}${why} | ${s.fileErrors.length} |`);
  }
  out.push('');
  const errors = report.statuses.flatMap((s) => s.fileErrors.map((e) => `- ${esc(s.scanner)}: ${esc(e.path)}: ${esc(e.message)}`));
  if (errors.length) out.push('<details>', `<summary>${errors.length} file error${errors.length === 1 ? '' : 's'}</summary>`, '', ...errors, '', '</details>', '');
  return out;
}

function notes(list: string[]): string[] {
  return list.length ? ['### Notes', '', ...list.map((n) => `- ${esc(n)}`), ''] : [];
}

/**
 * Escapes text for a Markdown table cell or list item: HTML-significant characters, a mention's `@` and an
 * issue reference's `#` become entities (no tags, no pings, no links to issues), Markdown punctuation is backslash-escaped, `|` cannot end
 * the cell, and control characters and newlines cannot end the line.
 */
export function esc(s: string): string {
  return oneLine(s)
    .replace(/[&<>]|(?<![A-Za-z0-9])@|#(?=\d)/g, (c) => ENTITIES[c] ?? c)
    .replace(/[\\`*_[\]|~]/g, '\\$&');
}
