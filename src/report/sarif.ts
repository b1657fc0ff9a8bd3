/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. Validated against the official schema in
 * the tests. Identity: GitHub keys alerts on `partialFingerprints.primaryLocationLineHash` only; ours is the
 * engine's line-independent fingerprint, so an alert survives code moving around it.
 *
 * What GitHub needs beyond the schema: every result has a physical location with a region (findings about no
 * file get a stable logical artifact, see {@link anchorUri}); a finding about a published advisory gets a rule of
 * its own, so the severity GitHub shows is the advisory's; and a run stays under GitHub's upload limits
 * ({@link SARIF_LIMITS}), saying in `run.properties` and a notification what it left out.
 */
import { gzipSync } from 'node:zlib';
import { logicalName } from '../core/location.js';
import { ruleHelpUri } from '../core/rules.js';
import { SEVERITIES } from '../core/types.js';
import type { Decision, FileLocation, Fix, Location, PackageLocation, Region, Report, RuleMeta, ScannerStatus, Severity } from '../core/types.js';
import { buildView, stripSecrets } from './view.js';
import type { Entry } from './view.js';
import { advisoryRule, advisoryRuleId } from './sarif-advisory.js';

/** Where users learn about pipeguard (SARIF `tool.driver.informationUri`). */
export const INFORMATION_URI = 'https://github.com/pipeguard/pipeguard';
/** The `$schema` written into every log. */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Base id of every artifact URI: the root of the scanned target. */
export const SRCROOT = '%SRCROOT%';

/**
 * GitHub's `security-severity`: > 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. Each of ours sits
 * inside its band, away from the edges, so GitHub shows the same word we do; info maps to 0 ("none").
 */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

type Level = 'error' | 'warning' | 'note';
type Json = Record<string, unknown>;

/** SARIF `level`: error for critical/high, warning for medium, note for low/info. */
export function sarifLevel(s: Severity): Level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/**
 * GitHub code scanning's upload limits: at most 25,000 results in a run, and 10 MB for the gzip-compressed file.
 * A log over either keeps its most important results (gate violations first, then by severity, suppressed last).
 */
export const SARIF_LIMITS = { results: 25_000, gzipBytes: 10 * 1024 * 1024 };

/** Options of {@link renderSarif}; tests lower the limits. */
export interface SarifOptions {
  limits?: Partial<typeof SARIF_LIMITS>;
}

/** Renders the report as a SARIF 2.1.0 log (pretty-printed, trailing newline). */
export function renderSarif(report: Report, decision: Decision, opts: SarifOptions = {}): string {
  const limits = { ...SARIF_LIMITS, ...opts.limits };
  const view = buildView(report, decision);
  const ranked = rank(view.all);
  let keep = Math.min(ranked.length, limits.results);
  let reason = keep < ranked.length ? `GitHub code scanning accepts at most ${limits.results} results in a run` : '';
  let text = build(report, decision, view.rules, selected(view.all, ranked, keep), cut(view.all, ranked, keep, reason));
  for (let size = gzipSync(text).length; size > limits.gzipBytes && keep > 0; size = gzipSync(text).length) {
    // Shrink in proportion to the overshoot, a little more so it converges in a few rounds.
    keep = Math.max(0, Math.min(keep - 1, Math.floor((keep * limits.gzipBytes) / size * 0.95)));
    reason = `GitHub code scanning accepts at most ${limits.gzipBytes} bytes of gzip-compressed SARIF`;
    text = build(report, decision, view.rules, selected(view.all, ranked, keep), cut(view.all, ranked, keep, reason));
  }
  return text;
}

/** What a log left out to stay under a limit. */
interface Cut {
  reason: string;
  total: number;
  kept: number;
  omitted: Record<string, number>;
}

/** Entry indices from the most to the least important: violations, then by severity, suppressed last; stable. */
function rank(all: Entry[]): number[] {
  const weight = (e: Entry): number => (e.gate === 'violation' ? 0 : e.gate === 'suppressed' ? 20 : 10) + SEVERITIES.indexOf(e.finding.severity);
  return all.map((_, i) => i).sort((a, b) => weight(all[a]!) - weight(all[b]!) || a - b);
}

/** The first `keep` entries by rank, in report order. */
function selected(all: Entry[], ranked: number[], keep: number): Entry[] {
  const chosen = new Set(ranked.slice(0, keep));
  return all.filter((_, i) => chosen.has(i));
}

function cut(all: Entry[], ranked: number[], keep: number, reason: string): Cut | undefined {
  if (keep >= all.length) return undefined;
  const omitted: Record<string, number> = {};
  for (const i of ranked.slice(keep)) {
    const e = all[i]!;
    const key = e.gate === 'suppressed' ? 'suppressed' : e.finding.severity;
    omitted[key] = (omitted[key] ?? 0) + 1;
  }
  return { reason, total: all.length, kept: keep, omitted };
}

function build(report: Report, decision: Decision, declared: RuleMeta[], entries: Entry[], trimmed: Cut | undefined): string {
  const rules = sarifRules(declared, entries);
  const ruleIndex = new Map(rules.map((r, i) => [r.descriptor['id'] as string, i]));
  const run: Json = {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: INFORMATION_URI,
        rules: rules.map((r) => r.descriptor),
      },
    },
    invocations: [invocation(report, decision, trimmed)],
    originalUriBaseIds: { [SRCROOT]: srcRoot(report.target.id) },
    automationDetails: { id: `pipeguard/${report.target.kind}/` },
    columnKind: 'utf16CodeUnits',
    results: entries.map((e) => {
      const id = sarifRuleId(e);
      return result(e, id, ruleIndex.get(id) ?? -1);
    }),
  };
  if (trimmed) {
    run.properties = {
      'pipeguard/truncated': {
        reason: trimmed.reason,
        resultsTotal: trimmed.total,
        resultsKept: trimmed.kept,
        omitted: trimmed.omitted,
      },
    };
  }
  const log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return JSON.stringify(log, null, 2) + '\n';
}

/** The SARIF rule a result belongs to: its advisory for findings about one, else the scanner's rule. */
function sarifRuleId(e: Entry): string {
  return advisoryRuleId(e.finding) ?? e.finding.ruleId;
}

/**
 * The rules of the log, sorted by id: every declared rule (so a consumer knows what was checked), and one rule
 * per advisory that a result is about.
 */
function sarifRules(declared: RuleMeta[], entries: Entry[]): { descriptor: Json }[] {
  const byId = new Map(declared.map((r) => [r.id, r]));
  const advisories = new Map<string, Entry['finding'][]>();
  for (const e of entries) {
    const id = advisoryRuleId(e.finding);
    if (id === undefined || byId.has(id)) continue;
    const list = advisories.get(id);
    if (list) list.push(e.finding);
    else advisories.set(id, [e.finding]);
  }
  const out = declared.map((r) => ({ id: r.id, descriptor: ruleDescriptor(r, SECURITY_SEVERITY[r.severity]) }));
  for (const [id, findings] of advisories) {
    const a = advisoryRule(id, findings, byId.get(findings[0]!.ruleId), (s) => SECURITY_SEVERITY[s]);
    const d = ruleDescriptor(a.meta, a.securitySeverity);
    (d.properties as Json)['pipeguard/rule'] = a.baseRule;
    if (a.aliases.length) (d.properties as Json)['aliases'] = a.aliases;
    out.push({ id, descriptor: d });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function ruleDescriptor(r: RuleMeta, securitySeverity: string): Json {
  const cweTags = (r.cwe ?? []).map(cweTag);
  const help = r.help || r.title;
  const cweLinks = (r.cwe ?? []).map((c) => `- [${c}](https://cwe.mitre.org/data/definitions/${cweNumber(c)}.html)`);
  return {
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: firstParagraph(help) },
    helpUri: r.helpUri ?? ruleHelpUri(r.scanner, r.id),
    help: { text: help, markdown: cweLinks.length ? `${help}\n\n${cweLinks.join('\n')}` : help },
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: {
      'security-severity': securitySeverity,
      // GitHub keeps the first 10 tags of a rule.
      tags: unique(['security', r.scanner, ...(r.tags ?? []), ...cweTags]).slice(0, 10),
      precision: r.confidence ?? 'high',
      'problem.severity': r.severity === 'info' ? 'recommendation' : sarifLevel(r.severity),
    },
  };
}

function result(e: Entry, ruleId: string, ruleIndex: number): Json {
  const f = e.finding;
  const out: Json = {
    ruleId,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [location(f.location)],
    // GitHub uses primaryLocationLineHash as the whole identity of an alert. Its own value hashes the line's
    // text, so alerts churn when code is edited; ours is already stable across line moves, so we give it.
    partialFingerprints: { primaryLocationLineHash: f.fingerprint, 'pipeguard/v1': f.fingerprint },
    fingerprints: { 'pipeguard/v1': f.fingerprint },
  };
  if (e.baselineState) out.baselineState = e.baselineState;
  const exchange = f.location.kind === 'http' ? webExchange(f.data?.http) : undefined;
  if (exchange) Object.assign(out, exchange);
  if (e.suppression) {
    // GitHub code scanning ignores `suppressions` (codeql-action#1230); other consumers honour them. No
    // `status`: the 2.1.0 committee schema calls it `state`, the errata `status`; both make it optional.
    out.suppressions = [
      { kind: e.suppression.kind === 'inline' ? 'inSource' : 'external', justification: e.suppression.reason },
    ];
  }
  // The enclosing construct (a pipeline step or job) a scanner names in data.related: SARIF relatedLocations.
  const related = Array.isArray(f.data?.related) ? (f.data.related as { path?: unknown; startLine?: unknown; startColumn?: unknown; endLine?: unknown; endColumn?: unknown; message?: unknown }[]) : [];
  const relatedLocs = related
    .filter((r) => typeof r.path === 'string' && typeof r.startLine === 'number')
    .slice(0, 10)
    .map((r, i) => ({ id: i + 1, ...location({ path: r.path as string, startLine: r.startLine as number, ...(typeof r.startColumn === 'number' ? { startColumn: r.startColumn } : {}), ...(typeof r.endLine === 'number' ? { endLine: r.endLine } : {}), ...(typeof r.endColumn === 'number' ? { endColumn: r.endColumn } : {}) }), ...(typeof r.message === 'string' ? { message: { text: r.message } } : {}) }));
  if (relatedLocs.length) out.relatedLocations = relatedLocs;
  if (f.flow?.length) {
    out.codeFlows = [
      {
        // GitHub keeps the first 1,000 steps of a thread flow.
        threadFlows: [{ locations: f.flow.slice(0, 1000).map((s) => ({ location: { ...location(s.location), message: { text: s.message } } })) }],
      },
    ];
  }
  const fixes = sarifFixes(f.fix);
  if (fixes) out.fixes = fixes;
  out.properties = {
    ...(ruleId !== f.ruleId ? { 'pipeguard/rule': f.ruleId } : {}),
    severity: f.severity,
    confidence: f.confidence,
    scanner: f.scanner,
    gate: e.gate,
    cwe: f.cwe,
    tags: f.tags,
    evidence: f.evidence,
    origin: f.origin,
    fix: f.fix?.description,
    upgradeTo: f.fix?.upgradeTo,
    data: f.data === undefined ? undefined : stripSecrets(exchange ? Object.fromEntries(Object.entries(f.data).filter(([k]) => k !== 'http')) : f.data),
  };
  return out;
}

/**
 * A finding's text edits (a rule's `fix:`, applied by `pipeguard fix`) as SARIF `fixes`: one fix whose artifact
 * changes replace each edited region (1-based lines and columns, end exclusive, as the finding's regions) with the
 * new text, edits grouped by file. Undefined when the finding has no edits (advice alone is in properties.fix).
 */
function sarifFixes(fix: Fix | undefined): Json[] | undefined {
  const edits = fix?.edits ?? [];
  if (!edits.length) return undefined;
  const byPath = new Map<string, typeof edits>();
  for (const e of edits) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  return [
    {
      description: { text: fix!.description },
      artifactChanges: [...byPath].map(([path, list]) => ({
        artifactLocation: { uri: pathToUri(path) || '(target)', uriBaseId: SRCROOT },
        replacements: list.map((e) => ({
          deletedRegion: { startLine: e.startLine, startColumn: e.startColumn, endLine: e.endLine, endColumn: e.endColumn },
          insertedContent: { text: e.text },
        })),
      })),
    },
  ];
}

/**
 * DAST evidence (`finding.data.http`, already redacted of credentials by the scanner) as SARIF `webRequest` and
 * `webResponse`, or undefined when the finding has none.
 */
function webExchange(v: unknown): Json | undefined {
  const x = v as { request?: { method?: string; target?: string; headers?: Record<string, string>; body?: string }; response?: { statusCode?: number; reasonPhrase?: string; headers?: Record<string, string>; body?: string } } | undefined;
  if (!x?.request || !x.response) return undefined;
  const req: Json = { protocol: 'HTTP', version: '1.1', method: x.request.method, target: x.request.target, headers: x.request.headers ?? {} };
  if (x.request.body !== undefined) req.body = { text: x.request.body };
  const res: Json = { protocol: 'HTTP', version: '1.1', statusCode: x.response.statusCode, reasonPhrase: x.response.reasonPhrase, headers: x.response.headers ?? {} };
  if (x.response.body !== undefined) res.body = { text: x.response.body };
  return { webRequest: req, webResponse: res };
}

/**
 * A SARIF location for each kind, always with a physical location and a region, as GitHub needs: files and
 * packages are a region of their file (line 1 when the finding is about the whole file); an HTTP request has its
 * URL as the artifact and `METHOD /path/{template}` as a logical location; a path inside an image is written like
 * an archive member (`image!path`); a pipeline step points at the file that declares it; a repository setting,
 * which is in no file, at the logical artifact {@link anchorUri}. Kinds beyond files keep their fields as
 * properties and a logical location.
 */
function location(loc: Location): Json {
  switch (loc.kind) {
    case 'http': {
      const props: Json = { kind: 'http', method: loc.method.toUpperCase() };
      if (loc.pathTemplate !== undefined) props.pathTemplate = loc.pathTemplate;
      if (loc.parameter !== undefined) props.parameter = loc.parameter;
      if (loc.parameterIn !== undefined) props.parameterIn = loc.parameterIn;
      const name = logicalName(loc)!;
      return {
        physicalLocation: { artifactLocation: { uri: loc.url }, region: { startLine: 1 } },
        logicalLocations: [{ name, fullyQualifiedName: name, kind: 'resource' }],
        properties: props,
      };
    }
    case 'image':
    case 'step':
    case 'repository': {
      const { kind, ...fields } = loc;
      const name = `${logicalName(loc)}${loc.kind === 'image' ? ` ${loc.path}` : ''}`;
      const path = loc.kind === 'image' ? `${loc.image}!${loc.path}` : loc.kind === 'step' ? loc.path : undefined;
      return {
        physicalLocation: physical(path, loc.kind === 'repository' ? {} : { startLine: loc.startLine }, anchorUri(loc)),
        logicalLocations: [{ name, fullyQualifiedName: name, kind: 'resource' }],
        properties: { kind, ...fields },
      };
    }
    default:
      return fileLocation(loc);
  }
}

/**
 * Where a finding that names no file is anchored: `(repository)/<setting>` for a repository setting,
 * `(pipeline)/<pipeline>/<step>` for a step no file declares, `(target)` otherwise. Stable, so GitHub keeps one
 * alert per setting across runs; the parentheses keep them apart from real paths.
 */
export function anchorUri(loc: Location): string {
  if (loc.kind === 'repository') return pathToUri(`(repository)/${loc.setting ?? loc.repository}`);
  if (loc.kind === 'step') return pathToUri(`(pipeline)/${[loc.pipeline, loc.stage, loc.step].filter((x) => x !== undefined).join('/')}`);
  return '(target)';
}

/** A physical location on `path` (or on `anchor` when the path is empty or the root), with a region of at least line 1. */
function physical(path: string | undefined, r: Omit<Region, 'snippet'> & { snippet?: string | undefined }, anchor: string): Json {
  const uri = path === undefined ? '' : pathToUri(path);
  const region: Json = { startLine: r.startLine !== undefined && r.startLine >= 1 ? r.startLine : 1 };
  if (r.startLine !== undefined && r.startLine >= 1) {
    if (r.startColumn !== undefined) region.startColumn = r.startColumn;
    if (r.endLine !== undefined) region.endLine = r.endLine;
    if (r.endColumn !== undefined) region.endColumn = r.endColumn;
    if (r.snippet !== undefined) region.snippet = { text: r.snippet };
  }
  return { artifactLocation: { uri: uri === '' || uri === '.' ? anchor : uri, uriBaseId: SRCROOT }, region };
}

function fileLocation(loc: FileLocation | PackageLocation): Json {
  const out: Json = { physicalLocation: physical(loc.path, loc, '(target)') };
  const logical = logicalName(loc);
  if (logical) out.logicalLocations = [{ name: logical, fullyQualifiedName: logical }];
  return out;
}

function invocation(report: Report, decision: Decision, trimmed: Cut | undefined): Json {
  const notifications = report.statuses.flatMap(statusNotifications);
  if (trimmed) {
    const what = Object.entries(trimmed.omitted).map(([k, n]) => `${n} ${k}`).join(', ');
    notifications.push({
      level: 'warning',
      message: {
        text: `${trimmed.total - trimmed.kept} of ${trimmed.total} results left out (${what}): ${trimmed.reason}. The JSON report has every finding.`,
      },
      properties: { omitted: trimmed.omitted },
    });
  }
  const inv: Json = {
    executionSuccessful: !report.statuses.some((s) => s.status === 'failed'),
    startTimeUtc: report.startedAt,
    endTimeUtc: report.finishedAt,
  };
  if (notifications.length) inv.toolExecutionNotifications = notifications;
  if (decision.notes.length) {
    inv.toolConfigurationNotifications = decision.notes.map((n) => ({ level: 'note', message: { text: n } }));
  }
  return inv;
}

function statusNotifications(s: ScannerStatus): Json[] {
  const out: Json[] = [];
  if (s.status === 'failed' || s.status === 'skipped') {
    out.push({
      level: s.status === 'failed' ? 'error' : 'note',
      message: { text: `${s.scanner} ${s.status}${s.reason ? `: ${s.reason}` : ''}` },
      properties: { scanner: s.scanner },
    });
  }
  for (const e of s.fileErrors) {
    out.push({
      level: 'warning',
      message: { text: `${e.path}: ${e.message}` },
      locations: [location({ path: e.path })],
      properties: { scanner: s.scanner },
    });
  }
  return out;
}

/**
 * A target-relative path as a relative URI reference: each segment percent-encoded (so `:` cannot read as a
 * scheme, and spaces, `%`, `#`, `?` are safe). The `!` of archive members (`a.zip!b/c`) is legal in a URI path,
 * but GitHub code scanning rejects it, so it is encoded too (`%21`), as are the other characters
 * `encodeURIComponent` leaves (`'()*`) but for parentheses. Leading `./` and `/` are dropped, `//` collapsed and
 * `.` segments removed, so the result always resolves against its base. A byte of a file name that is not UTF-8,
 * written `\xNN` in the path (core/byte-names.ts; always 80 to ff), is the byte itself in the URI: `%NN`.
 */
export function pathToUri(path: string): string {
  return path
    .replace(/\\x([89a-f][0-9a-f])/g, '\u0000$1')
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(\.?\/)+/, '')
    .split('/')
    .filter((seg, i, all) => seg !== '.' || all.length === 1)
    .map((seg) =>
      seg
        .split(/\u0000([89a-f][0-9a-f])/)
        .map((part, i) => (i % 2 ? `%${part.toUpperCase()}` : encodeURIComponent(part).replace(/[!'*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)))
        .join(''),
    )
    .join('/');
}

/** `%SRCROOT%`: a `file:` URI when the target id is an absolute path, otherwise a description only. */
function srcRoot(targetId: string): Json {
  if (targetId.startsWith('/')) {
    const uri = 'file:///' + pathToUri(targetId) + (targetId.endsWith('/') ? '' : '/');
    return { uri, description: { text: 'The root of the scanned target.' } };
  }
  return { description: { text: `The root of the scanned target: ${targetId}` } };
}

function cweNumber(cwe: string): string {
  return cwe.replace(/^cwe-/i, '');
}

function cweTag(cwe: string): string {
  return `external/cwe/cwe-${cweNumber(cwe)}`;
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0]!.trim();
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
