import { isCelList } from '../../core/cel.js';
import type { Severity } from '../../core/types.js';
import { atLeast } from '../../core/types.js';
import type { DeployWindow } from './config.js';
import { unknownCommit, type CommitEvidence } from './git.js';
import { RATE_LIMITED, type CompiledRule } from './rules.js';
import type { MonitorState, StepState } from './state.js';

/**
 * The monitor's engine: for each event, the facts its rules read (bindings), each rule's CEL condition, a small
 * windowed counter beside CEL for `threshold:` rules, de-duplication (repeats of an alert within `dedupWindow`
 * are counted into it) and a rate limit (past `rateLimit.count` alerts per window, further alerts are counted
 * into one `monitor-rate-limited` alert). Time is the events' own time, so a replayed log gives the same alerts.
 */

/** One event from any input: an audit-log entry or a mapped line of a JSON-lines source. */
export interface MonitorEvent {
  type: string;
  /** ISO 8601. */
  time: string;
  /** Where it came from, as shown to the user (the log or source file). */
  source: string;
  /** 1-based line in that file. */
  line: number;
  /** Audit-log sequence number, when from the log. */
  seq?: number;
  run?: string;
  actor: Record<string, unknown>;
  data: Record<string, unknown>;
}

/** One alert: the first event that raised it and how many events it stands for. */
export interface Alert {
  rule: string;
  title: string;
  severity: Severity;
  message: string;
  /** De-duplication key: the same key within the window is the same alert. */
  key: string;
  /** Events counted into it (for a threshold rule, the events that crossed it and every later one). */
  count: number;
  first: string;
  last: string;
  /** The event that raised it. */
  source: string;
  line: number;
  seq?: number;
  run?: string;
  /** Up to 10 sequence numbers (or source lines) of its events. */
  events: string[];
  /** For the rate-limit alert: how many alerts it held back, by rule. */
  heldBack?: Record<string, number>;
}

/** Settings of the engine. */
export interface EngineOptions {
  rules: readonly CompiledRule[];
  state: MonitorState;
  dedupWindowMs: number;
  rateLimit: { count: number; windowMs: number };
  deployWindow?: DeployWindow;
  /** Review and change evidence of a commit (git); memoised by the engine. */
  commit?: (sha: string) => Promise<CommitEvidence>;
  /** Told about each alert when it is raised and when it closes (its final count). */
  onAlert?: (a: Alert, phase: 'raised' | 'closed') => void | Promise<void>;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Open {
  alert: Alert;
  firstMs: number;
}

/** The stateful engine. Feed it events in order with {@link MonitorEngine.process}; call `close()` at the end. */
export class MonitorEngine {
  private readonly open = new Map<string, Open>();
  private readonly closed: Alert[] = [];
  private readonly counters = new Map<string, { t: number; time: string; ref: string }[]>();
  private readonly commits = new Map<string, Promise<CommitEvidence>>();
  private raisedTimes: number[] = [];
  private limited: Open | undefined;
  /** Things worth a warning, once each (a commit with no evidence in a shallow clone). */
  readonly notes = new Set<string>();
  /** Evaluation errors per rule (a field the event lacks): counted, reported once. */
  readonly errors = new Map<string, { count: number; first: string }>();
  events = 0;
  /** Event time of the latest event, and the wall clock when it came: an idle monitor's time moves on from there. */
  private lastEventMs: number | undefined;
  private lastWall = 0;

  constructor(private readonly o: EngineOptions) {}

  /** Every alert closed so far (all of them after `close()`). */
  alerts(): Alert[] {
    return [...this.closed];
  }

  /** Evaluates every rule on one event, then learns from it. */
  async process(ev: MonitorEvent): Promise<void> {
    this.events++;
    const t = Date.parse(ev.time);
    const now = Number.isNaN(t) ? 0 : t;
    if (!Number.isNaN(t)) {
      this.lastEventMs = Math.max(this.lastEventMs ?? t, t);
      this.lastWall = Date.now();
    }
    await this.expire(now);
    const bindings = await this.bindings(ev);
    for (const rule of this.o.rules) {
      const r = rule.when(bindings);
      if (typeof r === 'object') {
        this.noteError(rule.id, r.error);
        continue;
      }
      if (!r) continue;
      let group = '';
      if (rule.threshold?.groupBy) {
        const g = rule.threshold.groupBy(bindings);
        group = 'value' in g ? text(g.value) : '';
      }
      const b = { ...bindings, group };
      let key = `${rule.id}|${group}`;
      if (rule.dedupKey) {
        const k = rule.dedupKey(b);
        if ('value' in k) key = `${rule.id}|${text(k.value)}`;
        else this.noteError(rule.id, k.error);
      }
      const existing = this.open.get(key);
      if (existing) {
        this.count(existing, ev);
        continue;
      }
      let count = 1;
      let first = ev.time;
      let events = [ref(ev)];
      if (rule.threshold) {
        const ck = `${rule.id}|${group}`;
        const seen = (this.counters.get(ck) ?? []).filter((x) => x.t > now - rule.threshold!.windowMs);
        seen.push({ t: now, time: ev.time, ref: ref(ev) });
        if (seen.length < rule.threshold.count) {
          this.counters.set(ck, seen);
          continue;
        }
        this.counters.delete(ck);
        count = seen.length;
        first = seen[0]!.time;
        events = seen.slice(0, 10).map((x) => x.ref);
      }
      let message = rule.title;
      if (rule.message) {
        const m = rule.message(b);
        if ('value' in m) message = text(m.value);
        else this.noteError(rule.id, m.error);
      }
      if (!rule.dedupKey && !rule.threshold) key = `${rule.id}|${message}`;
      const again = this.open.get(key);
      if (again) {
        this.count(again, ev);
        continue;
      }
      const alert: Alert = {
        rule: rule.id,
        title: rule.title,
        severity: rule.severity,
        message,
        key,
        count,
        first,
        last: ev.time,
        source: ev.source,
        line: ev.line,
        ...(ev.seq !== undefined ? { seq: ev.seq } : {}),
        ...(ev.run ? { run: ev.run } : {}),
        events,
      };
      await this.raise({ alert, firstMs: now }, now);
    }
    this.learn(ev);
  }

  /**
   * Following: closes the alerts whose window has passed while no event came (event time advanced by the wall
   * time since the latest event), so a flood that stopped is reported with its count without waiting for the
   * next event.
   */
  async tick(): Promise<void> {
    if (this.lastEventMs === undefined) return;
    await this.expire(this.lastEventMs + (Date.now() - this.lastWall));
  }

  /** Closes every open alert (the end of the input, or a stop). */
  async close(): Promise<void> {
    await this.expire(Infinity);
  }

  private count(o: Open, ev: MonitorEvent): void {
    o.alert.count++;
    o.alert.last = ev.time;
    if (o.alert.events.length < 10) o.alert.events.push(ref(ev));
  }

  private async raise(o: Open, now: number): Promise<void> {
    this.raisedTimes = this.raisedTimes.filter((x) => x > now - this.o.rateLimit.windowMs);
    if (this.raisedTimes.length >= this.o.rateLimit.count) {
      if (!this.limited) {
        const a = o.alert;
        this.limited = {
          alert: { ...a, rule: RATE_LIMITED, title: 'Alerts held back by the rate limit', key: RATE_LIMITED, message: '', count: 0, events: [], heldBack: {} },
          firstMs: now,
        };
      }
      const l = this.limited.alert;
      l.count++;
      l.last = o.alert.last;
      l.heldBack![o.alert.rule] = (l.heldBack![o.alert.rule] ?? 0) + 1;
      if (atLeast(o.alert.severity, l.severity)) l.severity = o.alert.severity;
      if (l.events.length < 10) l.events.push(...o.alert.events.slice(0, 10 - l.events.length));
      return;
    }
    this.raisedTimes.push(now);
    this.open.set(o.alert.key, o);
    await this.o.onAlert?.(o.alert, 'raised');
  }

  private async expire(now: number): Promise<void> {
    for (const [k, o] of this.open) {
      if (o.firstMs + this.o.dedupWindowMs > now) continue;
      this.open.delete(k);
      this.closed.push(o.alert);
      await this.o.onAlert?.(o.alert, 'closed');
    }
    const l = this.limited;
    if (l && (l.firstMs + this.o.rateLimit.windowMs <= now || now === Infinity)) {
      this.limited = undefined;
      const held = Object.entries(l.alert.heldBack!).map(([r, n]) => `${n} ${r}`).join(', ');
      l.alert.message = `${l.alert.count} more alert(s) than monitor.rateLimit allows (${this.o.rateLimit.count} per ${this.o.rateLimit.windowMs / 1000}s) were held back: ${held}`;
      this.closed.push(l.alert);
      await this.o.onAlert?.(l.alert, 'raised');
      await this.o.onAlert?.(l.alert, 'closed');
    }
  }

  private noteError(rule: string, error: string): void {
    const e = this.errors.get(rule);
    if (e) e.count++;
    else this.errors.set(rule, { count: 1, first: error });
  }

  private stepKey(ev: MonitorEvent): string | undefined {
    const step = ev.data['step'];
    if (typeof step !== 'string') return undefined;
    const stage = typeof ev.data['stage'] === 'string' ? ev.data['stage'] : '';
    const pipeline = typeof ev.data['pipeline'] === 'string' ? ev.data['pipeline'] : ev.run ? (this.o.state.runs[ev.run] ?? '') : '';
    return [pipeline, stage, step].filter(Boolean).join('/');
  }

  /** The facts rules read: event, step, commit, artifact, clock, window (see docs/deliver.md). */
  private async bindings(ev: MonitorEvent): Promise<Record<string, unknown>> {
    const event = { type: ev.type, time: ev.time, source: ev.source, line: ev.line, seq: ev.seq ?? 0, run: ev.run ?? '', actor: ev.actor, data: ev.data };
    if (ev.type === 'run.started' && ev.run && typeof ev.data['pipeline'] === 'string') this.o.state.runs[ev.run] = ev.data['pipeline'];
    const key = this.stepKey(ev);
    const known: StepState | undefined = key !== undefined ? this.o.state.steps[key] : undefined;
    const hosts = strings(ev.data['hosts']);
    const step = {
      key: key ?? '',
      known: (known?.finished ?? 0) > 0,
      secrets: known?.secrets ?? [],
      hosts: known?.hosts ?? [],
      newSecret: ev.type === 'secret.access' && typeof ev.data['name'] === 'string' && !(known?.secrets ?? []).includes(ev.data['name']),
      newHosts: hosts.filter((h) => !(known?.hosts ?? []).includes(h.toLowerCase())),
    };
    let commit = unknownCommit();
    const sha = ev.actor['commit'];
    if (ev.type === 'run.started' && typeof sha === 'string' && this.o.commit) {
      let p = this.commits.get(sha);
      if (!p) this.commits.set(sha, (p = this.o.commit(sha)));
      commit = await p;
      if (commit.note) this.notes.add(commit.note);
    }
    const artifact = this.artifactOf(ev);
    const w = this.o.deployWindow;
    const clock = clockOf(ev.time, w?.timezone ?? 'UTC');
    const window = w
      ? { configured: true, days: w.days, start: minutes(w.hours.split('-')[0]!), end: minutes(w.hours.split('-')[1]!), timezone: w.timezone, text: `${w.days.join(',')} ${w.hours} ${w.timezone}` }
      : { configured: false, days: [], start: 0, end: 1440, timezone: 'UTC', text: 'no window' };
    return { event, step, commit, artifact, clock, window };
  }

  /**
   * The candidate artifact of a deploy event: named in `deploy.started`, verified when the deploy's own gate
   * (`deploy.artifact`, ok with a verified signature) or an `artifact.verified` event vouched for its digest (or
   * its reference when it has no digest).
   */
  private artifactOf(ev: MonitorEvent): { deployId: string; named: boolean; ref: string; digest: string; verified: boolean } {
    const id = typeof ev.data['deployId'] === 'string' ? ev.data['deployId'] : '';
    let ref = '';
    let digest = '';
    let gateVerified = false;
    if (ev.type === 'deploy.started') {
      const a = (ev.data['candidate'] as { artifact?: { ref?: unknown; digest?: unknown } } | undefined)?.artifact;
      ref = typeof a?.ref === 'string' ? a.ref : '';
      digest = typeof a?.digest === 'string' ? a.digest : '';
    } else if (id && this.o.state.deploys[id]) {
      ({ ref, digest, verified: gateVerified } = this.o.state.deploys[id]);
    }
    const v = this.o.state.verified;
    const verified = gateVerified || (digest !== '' && v.includes(normDigest(digest))) || (ref !== '' && digest === '' && v.includes(`ref:${ref}`));
    return { deployId: id, named: ref !== '' || digest !== '', ref, digest, verified };
  }

  /** What the event teaches: a step's secrets and hosts, a finished step, a verified artifact. */
  private learn(ev: MonitorEvent): void {
    const key = this.stepKey(ev);
    if (key !== undefined) {
      const s = (this.o.state.steps[key] ??= { secrets: [], hosts: [], finished: 0 });
      if (ev.type === 'secret.access' && typeof ev.data['name'] === 'string' && !s.secrets.includes(ev.data['name'])) s.secrets.push(ev.data['name']);
      for (const h of strings(ev.data['hosts'])) if (!s.hosts.includes(h.toLowerCase())) s.hosts.push(h.toLowerCase());
      if (ev.type === 'step.finished') s.finished++;
    }
    const deployId = typeof ev.data['deployId'] === 'string' ? ev.data['deployId'] : undefined;
    if (ev.type === 'deploy.started' && deployId) {
      const a = this.artifactOf(ev);
      this.o.state.deploys[deployId] = { ref: a.ref, digest: a.digest, verified: false };
    }
    if (ev.type === 'deploy.artifact' && deployId && ev.data['ok'] === true) {
      // the deploy's gate passed; its signature counts only when a signature was among what it checked
      const checks = Array.isArray(ev.data['checks']) ? (ev.data['checks'] as { requirement?: unknown; outcome?: unknown }[]) : [];
      const signed = checks.some((c) => c.requirement === 'signed' && c.outcome === 'verified');
      const d = (this.o.state.deploys[deployId] ??= { ref: typeof ev.data['ref'] === 'string' ? ev.data['ref'] : '', digest: typeof ev.data['digest'] === 'string' ? ev.data['digest'] : '', verified: false });
      if (signed) {
        d.verified = true;
        if (typeof ev.data['digest'] === 'string' && !this.o.state.verified.includes(normDigest(ev.data['digest']))) this.o.state.verified.push(normDigest(ev.data['digest']));
      }
    }
    if (ev.type === 'artifact.verified' && ev.data['verified'] !== false) {
      const d = typeof ev.data['digest'] === 'string' ? normDigest(ev.data['digest']) : undefined;
      const r = typeof ev.data['ref'] === 'string' ? `ref:${ev.data['ref']}` : undefined;
      for (const x of [d, r]) if (x && !this.o.state.verified.includes(x)) this.o.state.verified.push(x);
    }
  }
}

function ref(ev: MonitorEvent): string {
  return ev.seq !== undefined ? `#${ev.seq}` : `${ev.source}:${ev.line}`;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isCelList(v)) return [...(v as Iterable<unknown>)].map(text).join(', ');
  if (typeof v === 'bigint') return v.toString();
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function normDigest(d: string): string {
  return d.toLowerCase().replace(/^sha256:/, '');
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** Day, hour and minute of an ISO time in a time zone. */
export function clockOf(iso: string, timeZone: string): { day: string; hour: number; minute: number; minutes: number; text: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { day: '', hour: 0, minute: 0, minutes: 0, text: iso };
  let f = FORMATS.get(timeZone);
  if (!f) FORMATS.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = f.formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3);
  const hour = Number(get('hour'));
  const minute = Number(get('minute'));
  return { day: DAY_NAMES.includes(day) ? day : '', hour, minute, minutes: hour * 60 + minute, text: `${day} ${get('hour')}:${get('minute')} ${timeZone}` };
}
