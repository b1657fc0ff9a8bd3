/** HTML report (placeholder until the full report lands). */
import type { Decision, Report } from '../core/types.js';
import type { ReportOptions } from './options.js';

/** Renders the HTML report. */
export function renderHtml(report: Report, _decision: Decision, _opts: ReportOptions): string {
  return `<!doctype html><title>${report.tool.name}</title>\n`;
}
