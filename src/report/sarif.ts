/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. Validated against the official schema in
 * the tests. Identity: GitHub keys alerts on `partialFingerprints.primaryLocationLineHash` only; ours is the
 * engine's line-independent fingerprint, so an alert survives code moving around it.
 */
import { logicalName } from '../core/location.js';
import type { Decision, FileLocation, Location, PackageLocation, Report, RuleMeta, ScannerStatus, Severity } from '../core/types.js';
import { buildView, stripSecrets } from './view.js';
import type { Entry } from './view.js';

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

/** Renders the report as a SARIF 2.1.0 log (pretty-printed, trailing newline). */
export function renderSarif(report: Report, decision: Decision): string {
  const view = buildView(report, decision);
  const ruleIndex = new Map(view.rules.map((r, i) => [r.id, i]));
  const run: Json = {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: INFORMATION_URI,
        rules: view.rules.map(ruleDescriptor),
      },
    },
    invocations: [invocation(report, decision)],
    originalUriBaseIds: { [SRCROOT]: srcRoot(report.target.id) },
    automationDetails: { id: `pipeguard/${report.target.kind}/` },
    columnKind: 'utf16CodeUnits',
    results: view.all.map((e) => result(e, ruleIndex.get(e.finding.ruleId) ?? -1)),
  };
  const log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return JSON.stringify(log, null, 2) + '\n';
}

function ruleDescriptor(r: RuleMeta): Json {
  const cweTags = (r.cwe ?? []).map(cweTag);
  const help = r.help || r.title;
  const cweLinks = (r.cwe ?? []).map((c) => `- [${c}](https://cwe.mitre.org/data/definitions/${cweNumber(c)}.html)`);
  return {
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: firstParagraph(help) },
    helpUri: r.helpUri,
    help: { text: help, markdown: cweLinks.length ? `${help}\n\n${cweLinks.join('\n')}` : help },
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: {
      'security-severity': SECURITY_SEVERITY[r.severity],
      tags: unique(['security', r.scanner, ...(r.tags ?? []), ...cweTags]),
      precision: r.confidence ?? 'high',
      'problem.severity': r.severity === 'info' ? 'recommendation' : sarifLevel(r.severity),
    },
  };
}

function result(e: Entry, ruleIndex: number): Json {
  const f = e.finding;
  const out: Json = {
    ruleId: f.ruleId,
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
  if (f.flow?.length) {
    out.codeFlows = [
      {
        threadFlows: [{ locations: f.flow.map((s) => ({ location: { ...location(s.location), message: { text: s.message } } })) }],
      },
    ];
  }
  out.properties = {
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
 * A SARIF location for each kind: files and packages are physical locations (a region of the file); an HTTP
 * request has its URL as the artifact (no region) and `METHOD /path/{template}` as a logical location; image,
 * pipeline-step and repository locations are logical locations, with their fields as properties.
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
        physicalLocation: { artifactLocation: { uri: loc.url } },
        logicalLocations: [{ name, fullyQualifiedName: name, kind: 'resource' }],
        properties: props,
      };
    }
    case 'image':
    case 'step':
    case 'repository': {
      const { kind, ...fields } = loc;
      const name = `${logicalName(loc)}${loc.kind === 'image' ? ` ${loc.path}` : ''}`;
      return { logicalLocations: [{ name, fullyQualifiedName: name, kind: 'resource' }], properties: { kind, ...fields } };
    }
    default:
      return fileLocation(loc);
  }
}

function fileLocation(loc: FileLocation | PackageLocation): Json {
  const out: Json = {};
  if (loc.path) {
    const physical: Json = { artifactLocation: { uri: pathToUri(loc.path), uriBaseId: SRCROOT } };
    if (loc.startLine !== undefined && loc.startLine >= 1) {
      const region: Json = { startLine: loc.startLine };
      if (loc.startColumn !== undefined) region.startColumn = loc.startColumn;
      if (loc.endLine !== undefined) region.endLine = loc.endLine;
      if (loc.endColumn !== undefined) region.endColumn = loc.endColumn;
      if (loc.snippet !== undefined) region.snippet = { text: loc.snippet };
      physical.region = region;
    }
    out.physicalLocation = physical;
  }
  const logical = logicalName(loc);
  if (logical) out.logicalLocations = [{ name: logical, fullyQualifiedName: logical }];
  return out;
}

function invocation(report: Report, decision: Decision): Json {
  const notifications = report.statuses.flatMap(statusNotifications);
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
 * scheme, and spaces, `%`, `#`, `?` are safe); `!` of archive members (`a.zip!b/c`) is legal in a path.
 * Leading `./` and `/` are dropped and `//` collapsed, so the result always resolves against its base.
 */
export function pathToUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(\.?\/)+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
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
