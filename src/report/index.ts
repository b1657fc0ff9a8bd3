/**
 * Reporters: pure functions from a run's {@link Report} and the gate's {@link Decision} to text. They read
 * no environment, no clock and no working directory, so the same inputs always give the same bytes.
 */
import type { Decision, Report } from '../core/types.js';
import type { Format, ReportOptions } from './options.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';
import { renderCodeQuality } from './codequality.js';
import { renderGitlab } from './gitlab.js';
import { renderHtml } from './html.js';

export { FORMATS } from './options.js';
export type { Format, ReportOptions } from './options.js';
export { renderJson } from './json.js';
export { renderJunit } from './junit.js';
export { renderMarkdown } from './markdown.js';
export { renderSarif } from './sarif.js';
export { renderTable } from './table.js';
export { renderCodeQuality } from './codequality.js';
export { renderGitlab, gitlabReportTypeOf, GITLAB_SCHEMA_VERSION, type GitlabReportType } from './gitlab.js';
export { renderHtml } from './html.js';
export { createProgressBar, nullProgress } from './progress.js';

/** Renders `report` and `decision` in `format`. The result ends with a newline. */
export function render(format: Format, report: Report, decision: Decision, opts: ReportOptions): string {
  switch (format) {
    case 'table':
      return renderTable(report, decision, opts);
    case 'json':
      return renderJson(report, decision);
    case 'sarif':
      return renderSarif(report, decision);
    case 'junit':
      return renderJunit(report, decision);
    case 'markdown':
      return renderMarkdown(report, decision);
    case 'html':
      return renderHtml(report, decision, opts);
    case 'gitlab-sast':
      return renderGitlab('sast', report, decision);
    case 'gitlab-secret-detection':
      return renderGitlab('secret_detection', report, decision);
    case 'gitlab-dependency-scanning':
      return renderGitlab('dependency_scanning', report, decision);
    case 'gitlab-container-scanning':
      return renderGitlab('container_scanning', report, decision);
    case 'gitlab-codequality':
      return renderCodeQuality(report, decision);
  }
}
