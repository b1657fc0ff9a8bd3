/**
 * `pipeguard postmortem` as a library: collect the audit entries, run records and deploy records of a run, a
 * deploy or a time window, build the postmortem (prefilled where the data allows) and render it as Markdown or
 * HTML with the analysis charts drawn as inline SVG.
 */
import { collect, type Sources, type Subject } from './collect.js';
import { buildPostmortem, type Postmortem } from './model.js';

export { collect, listDeploys, resolveSubject, type Evidence, type Sources, type Subject } from './collect.js';
export { buildPostmortem, decisionSentence, pct, type Postmortem } from './model.js';
export { deployChart, esc } from './chart.js';
export { renderHtml, renderMarkdown } from './render.js';

/** Collects the evidence of `subject` and builds its postmortem. */
export async function postmortem(subject: Subject, sources: Sources): Promise<Postmortem> {
  return buildPostmortem(await collect(subject, sources));
}
