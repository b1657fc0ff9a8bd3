import type { AuditEntry } from '../audit/entry.js';

/** What every export format says about an entry, worked out once. */
export interface EventFacts {
  /** A short human title: `Step finished`, `Gate decision`. */
  name: string;
  /** 0 (lowest) to 10, as CEF counts; LEEF and syslog severities derive from it. */
  severity: number;
  /** `success` / `failure` where the event has one. */
  outcome?: 'success' | 'failure';
  /** One line describing it. */
  summary: string;
  stage?: string;
  step?: string;
}

const TITLES: Record<string, string> = {
  'run.started': 'Pipeline run started',
  'run.finished': 'Pipeline run finished',
  'run.interrupted': 'Pipeline run interrupted',
  'step.started': 'Step started',
  'step.finished': 'Step finished',
  'gate.decision': 'Gate decision',
  'secret.access': 'Secret access',
  override: 'Gate override',
  checkpoint: 'Audit checkpoint',
  'monitor.alert': 'Security alert',
};

/** CEF severity (0-10) of a monitor alert's severity. */
const ALERT_SEVERITY: Record<string, number> = { critical: 10, high: 8, medium: 6, low: 4, info: 2 };

/** The facts of an entry for the export formats. */
export function eventFacts(e: AuditEntry): EventFacts {
  const d = e.data as Record<string, unknown>;
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const where = [s('stage'), s('step')].filter(Boolean).join('/');
  const name = TITLES[e.type] ?? e.type.replace(/[._-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
  let severity = 3;
  let outcome: EventFacts['outcome'];
  let summary = `${name}${where ? ` ${where}` : ''}`;
  switch (e.type) {
    case 'step.finished':
      outcome = d['status'] === 'succeeded' ? 'success' : 'failure';
      severity = outcome === 'success' ? 3 : 5;
      summary = `step ${where} ${String(d['status'])}${d['exitCode'] !== null && d['exitCode'] !== undefined ? ` (exit ${String(d['exitCode'])})` : ''}`;
      break;
    case 'gate.decision':
      outcome = d['outcome'] === 'pass' ? 'success' : 'failure';
      severity = d['outcome'] === 'pass' ? 3 : d['outcome'] === 'overridden' ? 8 : 7;
      summary = `gate ${String(d['gate'])} ${String(d['outcome'])}: ${String(d['violations'] ?? 0)} violation(s)`;
      break;
    case 'override':
      severity = 8;
      summary = `gate ${String(d['gate'])} overridden by ${String(d['by'])}: ${String(d['reason'])}`;
      break;
    case 'secret.access':
      severity = 4;
      summary = `secret ${String(d['name'])} given to step ${where}`;
      break;
    case 'run.finished':
      outcome = d['status'] === 'passed' ? 'success' : 'failure';
      severity = outcome === 'success' ? 3 : 6;
      summary = `run ${e.run ?? ''} ${String(d['status'])}`.replace(/\s+/g, ' ');
      break;
    case 'run.interrupted':
      severity = 6;
      summary = `run ${e.run ?? ''} stopped by ${String(d['signal'])}`;
      break;
    case 'checkpoint':
      severity = 1;
      summary = `signed checkpoint over entries 1-${String(d['covers'])}`;
      break;
    case 'monitor.alert':
      severity = ALERT_SEVERITY[String(d['severity'])] ?? 5;
      summary = `${String(d['rule'])}: ${String(d['message'])}${typeof d['count'] === 'number' && d['count'] > 1 ? ` (${d['count']} events)` : ''}`;
      break;
    default:
      if (e.type.startsWith('secrets-file.')) severity = 6;
      if (e.type.startsWith('deploy.')) severity = 5;
  }
  return { name, severity, summary, ...(outcome ? { outcome } : {}), ...(s('stage') ? { stage: s('stage')! } : {}), ...(s('step') ? { step: s('step')! } : {}) };
}
