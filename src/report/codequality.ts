/**
 * GitLab's Code Quality report (a subset of the Code Climate format), for `artifacts:reports:codequality`: the
 * merge request widget and the diff view show each issue on its line. One issue per active finding about a file
 * of the project; findings about no file (settings, URLs, image contents) have no line to show and are left out.
 */
import type { Decision, Report, Severity } from '../core/types.js';
import { filePath } from './gitlab.js';
import { buildView } from './view.js';

/** Code Climate severities: GitLab shows blocker and critical as critical, major as high, minor as low. */
const SEVERITY: Record<Severity, string> = { critical: 'blocker', high: 'critical', medium: 'major', low: 'minor', info: 'info' };

/** Renders the Code Quality report (pretty-printed JSON array, trailing newline). */
export function renderCodeQuality(report: Report, decision: Decision): string {
  const view = buildView(report, decision);
  const issues = view.active.flatMap((e) => {
    const f = e.finding;
    const path = filePath(f);
    if (!path) return [];
    const line = 'startLine' in f.location && f.location.startLine !== undefined && f.location.startLine >= 1 ? f.location.startLine : 1;
    const end = 'endLine' in f.location && f.location.endLine !== undefined && f.location.endLine >= line ? f.location.endLine : line;
    return [
      {
        type: 'issue',
        engine_name: report.tool.name,
        check_name: f.ruleId,
        description: `${f.scanner}/${f.ruleId}: ${f.message}`,
        categories: ['Security'],
        severity: SEVERITY[f.severity],
        fingerprint: f.fingerprint,
        location: { path, lines: { begin: line, end } },
      },
    ];
  });
  return JSON.stringify(issues, null, 2) + '\n';
}
