import type { AuditEntry } from '../audit/entry.js';
import type { DeployRecord } from '../deploy/record.js';
import type { GateRecord, GateViolation, RunRecord } from '../runner/record.js';
import type { Evidence } from './collect.js';

/**
 * The postmortem as data, before any format: a title and summary, the timeline, what was deployed, what the
 * analysis saw, the decision, the findings involved, and the sections a team fills in (impact, root cause, what
 * went well, what failed, action items), prefilled with what the records show. Text here is plain: renderers
 * escape it for their format.
 */
export interface Postmortem {
  title: string;
  start: string;
  end: string;
  summary: string[];
  timeline: { time: string; what: string; kind: 'info' | 'good' | 'bad' }[];
  deploys: DeployRecord[];
  runs: RunRecord[];
  /** The decision and rollback, per deploy, in a sentence. */
  decisions: string[];
  findings: (GateViolation & { gate: string; run: string; outcome: GateRecord['outcome'] })[];
  alerts: { time: string; rule: string; severity: string; message: string; count: number }[];
  impact: string[];
  rootCause: string[];
  wentWell: string[];
  wentWrong: string[];
  actionItems: string[];
}

/** A percentage with up to two significant decimals: 0.5%, 31%, 0.05%. */
export function pct(rate: number): string {
  const p = rate * 100;
  if (p === 0) return '0%';
  const digits = p >= 10 ? 0 : p >= 1 ? 1 : 2;
  return `${Number(p.toFixed(digits))}%`;
}

function minutesBetween(a: string, b: string): string {
  const ms = Date.parse(b) - Date.parse(a);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
}

/** One timeline line for an audit entry, or undefined for entries too fine to list. */
function describe(e: AuditEntry): { what: string; kind: 'info' | 'good' | 'bad' } | undefined {
  const d = e.data;
  const where = [str(d['stage']), str(d['step'])].filter(Boolean).join('/');
  switch (e.type) {
    case 'run.started':
      return { what: `run ${e.run ?? ''} of pipeline ${str(d['pipeline'])} started by ${e.actor.user}${e.actor.commit ? ` at commit ${e.actor.commit.slice(0, 12)}` : ''}`, kind: 'info' };
    case 'run.finished':
      return { what: `run ${e.run ?? ''} ${str(d['status'])}`, kind: d['status'] === 'passed' ? 'good' : 'bad' };
    case 'run.interrupted':
      return { what: `run ${e.run ?? ''} stopped by ${str(d['signal'])}`, kind: 'bad' };
    case 'step.started':
      return { what: `step ${where} started`, kind: 'info' };
    case 'step.finished':
      return { what: `step ${where} ${str(d['status'])}${d['exitCode'] !== null && d['exitCode'] !== undefined ? ` (exit ${str(d['exitCode'])})` : ''}`, kind: d['status'] === 'succeeded' ? 'good' : 'bad' };
    case 'secret.access':
      return { what: `step ${where} given secret ${str(d['name'])}`, kind: 'info' };
    case 'gate.decision':
      return { what: `gate ${str(d['gate'])}: ${str(d['outcome'])} (${str(d['violations'] ?? 0)} violation(s))`, kind: d['outcome'] === 'pass' ? 'good' : 'bad' };
    case 'override':
      return { what: `gate ${str(d['gate'])} overridden by ${str(d['by'])}: ${str(d['reason'])}`, kind: 'bad' };
    case 'deploy.started': {
      const c = (d['candidate'] ?? {}) as { version?: string };
      const b = (d['baseline'] ?? {}) as { version?: string };
      return { what: `deploy ${str(d['deployId'])} of ${str(d['service'])} started (${str(d['strategy'])}): ${str(c.version)}${b.version ? ` replacing ${b.version}` : ''}`, kind: 'info' };
    }
    case 'deploy.artifact': {
      const checks = Array.isArray(d['checks']) ? (d['checks'] as { requirement?: unknown; outcome?: unknown }[]).map((c) => `${str(c.requirement)} ${str(c.outcome)}`).join(', ') : '';
      return { what: `artifact ${str(d['ref'])}${d['digest'] ? ` (${str(d['digest']).slice(0, 19)})` : ''}: ${d['ok'] ? 'verified' : 'BLOCKED'}${checks ? ` (${checks})` : ''}`, kind: d['ok'] ? 'good' : 'bad' };
    }
    case 'deploy.health':
      return d['ok'] ? undefined : { what: `health check of the ${str(d['release'])} failed${d['status'] ? ` (${str(d['status'])})` : ''}${d['error'] ? `: ${str(d['error'])}` : ''}`, kind: 'bad' };
    case 'deploy.shift':
      return { what: `traffic to the candidate: ${str(d['weight'])}%`, kind: 'info' };
    case 'deploy.analysis': {
      const c = (d['candidate'] ?? {}) as { errorRate?: number; p95Ms?: number };
      return {
        what: `analysis at ${str(d['weight'])}%: ${str(d['verdict'])}${typeof c.errorRate === 'number' ? `, error rate ${pct(c.errorRate)}` : ''}${typeof c.p95Ms === 'number' ? `, p95 ${Math.round(c.p95Ms)} ms` : ''}: ${str(d['reason'])}`,
        kind: d['verdict'] === 'fail' ? 'bad' : d['verdict'] === 'pass' ? 'good' : 'info',
      };
    }
    case 'deploy.promoted':
      return { what: `${str(d['version'])} promoted`, kind: 'good' };
    case 'deploy.rolled-back':
      return { what: `rolled back to ${str(d['version'])}: ${str(d['reason'])}`, kind: 'bad' };
    case 'deploy.finished':
      return { what: `deploy ${str(d['deployId'])} finished: ${str(d['outcome'])}${d['reason'] ? ` (${str(d['reason'])})` : ''}`, kind: d['outcome'] === 'promoted' ? 'good' : 'bad' };
    default:
      if (e.type.startsWith('secrets-file.')) return { what: `${e.type} by ${e.actor.user}`, kind: 'info' };
      return { what: e.type, kind: 'info' };
  }
}

function gatesOf(r: RunRecord): GateRecord[] {
  return r.stages.flatMap((s) => [...s.steps.flatMap((st) => (st.gate ? [st.gate] : [])), ...(s.gate ? [s.gate] : [])]);
}

/** What the deploy's analysis decided, in one sentence: `rolled back after 2 windows; error rate 31% vs 0.5% budget`. */
export function decisionSentence(d: DeployRecord): string {
  const windows = d.decisions.length;
  const fail = d.decisions.find((x) => x.verdict === 'fail');
  const figures: string[] = [];
  if (fail) {
    figures.push(`error rate ${pct(fail.candidate.errorRate)} vs ${pct(d.thresholds.maxErrorRate)} budget`);
    if (fail.candidate.p95Ms !== undefined && d.thresholds.maxP95Ms !== undefined) figures.push(`p95 ${Math.round(fail.candidate.p95Ms)} ms vs ${d.thresholds.maxP95Ms} ms`);
    if (fail.baseline) figures.push(`baseline ${pct(fail.baseline.errorRate)}`);
  }
  const w = `${windows} analysis window${windows === 1 ? '' : 's'}`;
  switch (d.outcome) {
    case 'rolled-back':
      return `${d.candidate.version} rolled back after ${w}${fail ? ` at ${fail.weight}% of traffic` : ''}; ${figures.length ? figures.join(', ') : (d.reason ?? 'no reason recorded')}`;
    case 'promoted':
      return `${d.candidate.version} promoted after ${w}, every one within budget (error rate at most ${pct(d.thresholds.maxErrorRate)})`;
    case 'failed':
      return `${d.candidate.version} failed to deploy${d.reason ? `: ${d.reason}` : ''}`;
    case 'interrupted':
      return `${d.candidate.version}: deploy interrupted after ${w}${d.reason ? ` (${d.reason})` : ''}`;
    default:
      return `${d.candidate.version}: deploy still running (${w} so far)`;
  }
}

/** Builds the postmortem from the evidence, prefilling what the data allows. */
export function buildPostmortem(ev: Evidence): Postmortem {
  const subj = ev.subject;
  const title =
    subj.kind === 'deploy'
      ? `Postmortem: deploy ${subj.id}${ev.deploys[0] ? ` of ${ev.deploys[0].service}` : ''}`
      : subj.kind === 'run'
        ? `Postmortem: pipeline run ${subj.id}${ev.runs[0] ? ` of ${ev.runs[0].pipeline}` : ''}`
        : `Postmortem: ${ev.start} to ${ev.end}`;
  const timeline = ev.entries.flatMap((e) => {
    const x = describe(e);
    return x ? [{ time: e.time, ...x }] : [];
  });
  // a deploy whose events are not in the log (another log, a copied record): its record's own moments
  for (const d of ev.deploys) {
    if (ev.entries.some((e) => e.data['deployId'] === d.id)) continue;
    timeline.push({ time: d.startedAt, what: `deploy ${d.id} of ${d.service} started (${d.strategy}): ${d.candidate.version}${d.baseline ? ` replacing ${d.baseline.version}` : ''} (from the deploy record)`, kind: 'info' });
    d.samples.forEach((smp, i) => {
      const v = d.decisions[i];
      timeline.push({ time: smp.t, what: `analysis at ${smp.weight}%: ${v ? `${v.verdict}, ` : ''}error rate ${pct(smp.candidate.errorRate)}${smp.candidate.p95Ms !== undefined ? `, p95 ${Math.round(smp.candidate.p95Ms)} ms` : ''}${v ? `: ${v.reason}` : ''}`, kind: v?.verdict === 'fail' ? 'bad' : v?.verdict === 'pass' ? 'good' : 'info' });
    });
    if (d.finishedAt) timeline.push({ time: d.finishedAt, what: `deploy ${d.id} finished: ${d.outcome ?? 'unknown'}${d.reason ? ` (${d.reason})` : ''}`, kind: d.outcome === 'promoted' ? 'good' : 'bad' });
  }
  for (const a of ev.alerts) timeline.push({ time: a.time, what: `ALERT ${str(a.data['severity'])} ${str(a.data['rule'])}: ${str(a.data['message'])}`, kind: 'bad' });
  timeline.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const findings = ev.runs.flatMap((r) => gatesOf(r).flatMap((g) => g.violations.map((v) => ({ ...v, gate: g.id, run: r.id, outcome: g.outcome }))));
  const alerts = ev.alerts.map((a) => ({ time: a.time, rule: str(a.data['rule']), severity: str(a.data['severity']), message: str(a.data['message']), count: typeof a.data['count'] === 'number' ? a.data['count'] : 1 }));
  const summary: string[] = [];
  const decisions: string[] = [];
  const impact: string[] = [];
  const rootCause: string[] = [];
  const wentWell: string[] = [];
  const wentWrong: string[] = [];
  const actions: string[] = [];

  for (const d of ev.deploys) {
    const sentence = decisionSentence(d);
    decisions.push(sentence);
    summary.push(`Deploy ${d.id} of ${d.service} (${d.strategy}, ${d.candidate.version}${d.baseline ? ` replacing ${d.baseline.version}` : ''}): ${sentence}.`);
    const reqs = d.samples.reduce((n, s) => n + s.candidate.requests, 0);
    const errs = d.samples.reduce((n, s) => n + s.candidate.errors, 0);
    const maxWeight = d.samples.reduce((m, s) => Math.max(m, s.weight), 0);
    const exposed = d.samples.length ? minutesBetween(d.startedAt, d.finishedAt ?? d.samples[d.samples.length - 1]!.t) : '';
    if (d.outcome === 'rolled-back' || d.outcome === 'failed') {
      impact.push(
        reqs
          ? `${errs} of ${reqs} requests served by ${d.candidate.version} failed (${pct(reqs ? errs / reqs : 0)}), with at most ${maxWeight}% of traffic on it${exposed ? ` for ${exposed}` : ''}.`
          : `${d.candidate.version} never served measured traffic.`,
      );
      const fail = d.decisions.find((x) => x.verdict === 'fail');
      rootCause.push(`The candidate ${d.candidate.version}${d.candidate.artifact ? ` (${d.candidate.artifact.ref}${d.candidate.artifact.digest ? ` ${d.candidate.artifact.digest.slice(0, 19)}` : ''})` : ''} ${fail ? `failed its analysis: ${fail.reason}` : `did not deploy: ${d.reason ?? 'no reason recorded'}`}. What in the change caused it: to be filled in.`);
      if (d.outcome === 'rolled-back') wentWell.push(`The analysis caught it at ${fail ? `${fail.weight}%` : 'a partial share'} of traffic and rolled back automatically to ${d.baseline?.version ?? 'the baseline'}${exposed ? ` within ${exposed}` : ''}.`);
      const base = fail?.baseline;
      if (base) wentWell.push(`The baseline stayed healthy (error rate ${pct(base.errorRate)}${base.p95Ms !== undefined ? `, p95 ${Math.round(base.p95Ms)} ms` : ''}): the fault was in the candidate, not the platform.`);
      wentWrong.push(`${d.candidate.version} reached production traffic with ${fail ? `an error rate of ${pct(fail.candidate.errorRate)}` : 'a fault'} that the pipeline's tests and gates did not catch.`);
      actions.push(`Find the change in ${d.candidate.version} that caused ${fail ? `the ${pct(fail.candidate.errorRate)} error rate` : 'the failure'} and add a test that reproduces it.`);
    } else if (d.outcome === 'promoted') {
      wentWell.push(`${d.candidate.version} passed every analysis window and was promoted.`);
    }
  }

  for (const r of ev.runs) {
    const fail = r.failure;
    summary.push(`Pipeline run ${r.id} of ${r.pipeline}${r.env ? ` (${r.env})` : ''} by ${r.actor.user}: ${r.status}${fail ? ` at ${fail.stage}${fail.step ? `/${fail.step}` : ''}: ${fail.reason}` : ''}.`);
    if (r.status === 'failed' || r.status === 'interrupted') {
      const stepRec = fail?.step ? r.stages.find((s) => s.name === fail.stage)?.steps.find((s) => s.name === fail.step) : undefined;
      impact.push(`The run stopped at ${fail ? `${fail.stage}${fail.step ? `/${fail.step}` : ''}` : 'an unknown point'}; ${r.stages.flatMap((s) => s.steps).filter((s) => s.status === 'skipped').length} later step(s) did not run, so nothing of this run was delivered.`);
      rootCause.push(`${fail?.reason ?? 'The run failed'}${stepRec?.outputTail ? ` (the end of its output is below)` : ''}. Why: to be filled in.`);
      wentWell.push('The pipeline stopped at the first failure: nothing after it ran.');
      wentWrong.push(`${fail ? `${fail.stage}${fail.step ? `/${fail.step}` : ''}` : 'The run'} failed: ${fail?.reason ?? r.status}.`);
    }
    for (const o of r.overrides) {
      wentWrong.push(`Gate ${o.gate} failed and was overridden: "${o.reason}".`);
      actions.push(`Review the override of gate ${o.gate} ("${o.reason}") and track its findings to closure.`);
    }
  }
  const byRule = new Map<string, typeof findings>();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  for (const [rule, fs] of byRule) {
    const gateFailed = fs.some((f) => f.outcome === 'fail' || f.outcome === 'overridden');
    if (gateFailed) actions.push(`Fix ${rule} (${fs[0]!.severity}) in ${[...new Set(fs.map((f) => `${f.path}${f.line ? `:${f.line}` : ''}`))].slice(0, 5).join(', ')}.`);
  }
  if (findings.length && ev.runs.some((r) => gatesOf(r).some((g) => g.outcome === 'fail'))) wentWell.push(`The security gates stopped the run on ${findings.length} finding(s).`);
  for (const a of alerts) {
    wentWrong.push(`Alert ${a.rule} (${a.severity}): ${a.message}${a.count > 1 ? ` (${a.count} events)` : ''}.`);
    actions.push(`Triage alert ${a.rule}: ${a.message}.`);
  }
  if (!impact.length) impact.push('To be filled in: who or what was affected, for how long.');
  if (!rootCause.length) rootCause.push('To be filled in.');
  if (!wentWell.length) wentWell.push('To be filled in.');
  if (!wentWrong.length) wentWrong.push('To be filled in.');
  actions.push('Add owners and due dates to each item.');
  if (!summary.length) summary.push('No pipeline run or deploy in this window.');
  return { title, start: ev.start, end: ev.end, summary, timeline, deploys: ev.deploys, runs: ev.runs, decisions, findings, alerts, impact, rootCause, wentWell, wentWrong, actionItems: actions };
}
