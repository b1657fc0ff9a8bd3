/**
 * GitLab's native security reports (schema 15.0.7), for `artifacts:reports` in a GitLab CI job: SAST, secret
 * detection, dependency scanning and container scanning. Each report takes the findings of its kind:
 *
 * - `secret_detection`: the secrets scanner's findings about files;
 * - `dependency_scanning`: findings about a published advisory in a lockfile or manifest;
 * - `container_scanning`: findings about a published advisory in a package of a container image;
 * - `sast`: every other finding about a file (code, pipelines, IaC, posture of files).
 *
 * Suppressed findings are left out (GitLab has no suppression state a report can set); findings about no file (a
 * repository setting, a URL) have no place in these reports and are counted in a scan message instead. Evidence is
 * the redacted form; `raw_source_code_extract` is never written.
 */
import { createHash } from 'node:crypto';
import { locationPath } from '../core/location.js';
import type { Decision, Finding, Report, RuleMeta, Severity } from '../core/types.js';
import { INFORMATION_URI } from './sarif.js';
import { buildView } from './view.js';
import type { Entry } from './view.js';

/** The schema version the reports declare and are validated against. */
export const GITLAB_SCHEMA_VERSION = '15.0.7';

/** The report types, as GitLab names them in `scan.type` and `artifacts:reports`. */
export type GitlabReportType = 'sast' | 'secret_detection' | 'dependency_scanning' | 'container_scanning';

type Json = Record<string, unknown>;

const SEVERITY: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

/**
 * Which report a finding belongs in, or undefined when it fits none (a setting, a URL, an image's configuration).
 * Findings about a package (an advisory, a deprecated or unlicensed package) go to dependency scanning, or to
 * container scanning when the package is inside an image; secrets to secret detection; the rest about a file to SAST.
 */
export function gitlabReportTypeOf(f: Finding): GitlabReportType | undefined {
  const inImage = (f.location.kind === 'package' && f.location.layer !== undefined) || f.location.kind === 'image';
  if (packageOf(f)) {
    if (inImage) return 'container_scanning';
    return locationPath(f.location) ? 'dependency_scanning' : undefined;
  }
  if (!filePath(f)) return undefined;
  return f.scanner === 'secrets' ? 'secret_detection' : 'sast';
}

/** The package a finding is about: `data.package`/`data.version` of the dependency scanners, else `name@version`. */
function packageOf(f: Finding): { name: string; version: string } | undefined {
  const name = f.data?.['package'];
  const version = f.data?.['version'];
  if (typeof name === 'string' && name && (f.location.kind === 'package' || typeof f.data?.['advisoryId'] === 'string' || f.scanner === 'deps' || f.scanner === 'licenses')) {
    return { name, version: typeof version === 'string' ? version : '' };
  }
  if (f.location.kind === 'package' || f.scanner === 'deps' || f.scanner === 'licenses') {
    const logical = 'logical' in f.location ? f.location.logical : undefined;
    const m = logical ? /^(@?[^@]+)@(.+)$/.exec(logical) : null;
    if (m) return { name: m[1]!, version: m[2]! };
  }
  return undefined;
}

/** Renders one GitLab security report (pretty-printed JSON, trailing newline). */
export function renderGitlab(type: GitlabReportType, report: Report, decision: Decision): string {
  const view = buildView(report, decision);
  const rules = new Map(view.rules.map((r) => [r.id, r]));
  const mine = view.active.filter((e) => gitlabReportTypeOf(e.finding) === type);
  const messages: Json[] = [];
  for (const s of report.statuses) {
    if (s.status === 'failed') messages.push({ level: 'fatal', value: `${s.scanner} failed${s.reason ? `: ${s.reason}` : ''}` });
    else if (s.status === 'skipped') messages.push({ level: 'info', value: `${s.scanner} skipped${s.reason ? `: ${s.reason}` : ''}` });
    for (const e of s.fileErrors) messages.push({ level: 'warn', value: `${s.scanner}: ${e.path}: ${e.message}` });
  }
  const elsewhere = view.active.filter((e) => gitlabReportTypeOf(e.finding) === undefined).length;
  if (elsewhere) messages.push({ level: 'info', value: `${elsewhere} finding(s) about no file of the project (settings, URLs, image configuration) are in the JSON and SARIF reports only` });
  const suppressed = view.all.length - view.active.length;
  if (suppressed) messages.push({ level: 'info', value: `${suppressed} suppressed finding(s) left out` });
  for (const n of decision.notes) messages.push({ level: 'info', value: n });
  const tool = { name: report.tool.name, version: report.tool.version };
  const doc = {
    version: GITLAB_SCHEMA_VERSION,
    schema: `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/${type.replace(/_/g, '-')}-report-format.json`,
    scan: {
      analyzer: { id: tool.name, name: tool.name, url: INFORMATION_URI, vendor: { name: tool.name }, version: tool.version },
      scanner: { id: tool.name, name: tool.name, url: INFORMATION_URI, vendor: { name: tool.name }, version: tool.version },
      type,
      start_time: gitlabTime(report.startedAt),
      end_time: gitlabTime(report.finishedAt),
      status: report.statuses.some((s) => s.status === 'failed') ? 'failure' : 'success',
      messages,
    },
    vulnerabilities: mine.map((e) => vulnerability(type, e, rules.get(e.finding.ruleId), report)),
    ...(type === 'dependency_scanning' ? { dependency_files: dependencyFiles(mine.map((e) => e.finding)) } : {}),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** GitLab's package manager names, by lockfile or manifest name, else by ecosystem. */
const PACKAGE_MANAGERS: [RegExp, string][] = [
  [/(?:^|\/)yarn\.lock$/, 'yarn'],
  [/(?:^|\/)pnpm-lock\.yaml$/, 'pnpm'],
  [/(?:^|\/)(?:package(?:-lock)?\.json|npm-shrinkwrap\.json)$/, 'npm'],
  [/(?:^|\/)(?:Gemfile(?:\.lock)?)$/, 'bundler'],
  [/(?:^|\/)(?:poetry\.lock)$/, 'poetry'],
  [/(?:^|\/)(?:Pipfile(?:\.lock)?)$/, 'pipenv'],
  [/(?:^|\/)(?:composer\.(?:json|lock))$/, 'composer'],
  [/(?:^|\/)(?:go\.(?:mod|sum))$/, 'go'],
  [/(?:^|\/)(?:Cargo\.lock)$/, 'cargo'],
  [/(?:^|\/)(?:pom\.xml)$/, 'maven'],
  [/(?:^|\/)(?:build\.gradle(?:\.kts)?|gradle\.lockfile)$/, 'gradle'],
];
const BY_ECOSYSTEM: Record<string, string> = { npm: 'npm', pypi: 'pip', go: 'go', maven: 'maven', 'crates.io': 'cargo', rubygems: 'bundler', nuget: 'nuget', packagist: 'composer', pub: 'pub' };

/**
 * `dependency_files`, which GitLab's dependency scanning schema requires: each manifest or lockfile with findings and
 * the packages of it that have them (the report holds findings, not the whole inventory; the SBOM has that).
 */
function dependencyFiles(findings: Finding[]): Json[] {
  const byFile = new Map<string, { manager: string; deps: Map<string, Json> }>();
  for (const f of findings) {
    const file = locationPath(f.location)?.split('!')[0];
    const pkg = packageOf(f);
    if (!file || !pkg) continue;
    let entry = byFile.get(file);
    if (!entry) {
      const eco = typeof f.data?.['ecosystem'] === 'string' ? (f.data['ecosystem'] as string).toLowerCase() : '';
      const manager = PACKAGE_MANAGERS.find(([re]) => re.test(file))?.[1] ?? BY_ECOSYSTEM[eco] ?? (eco || 'unknown');
      byFile.set(file, (entry = { manager, deps: new Map() }));
    }
    const key = `${pkg.name}@${pkg.version}`;
    if (!entry.deps.has(key)) entry.deps.set(key, dependency(f));
  }
  return [...byFile].map(([path, e]) => ({ path, package_manager: e.manager, dependencies: [...e.deps.values()] }));
}

function vulnerability(type: GitlabReportType, e: Entry, rule: RuleMeta | undefined, report: Report): Json {
  const f = e.finding;
  const advisory = typeof f.data?.['advisoryId'] === 'string' ? (f.data['advisoryId'] as string) : undefined;
  const title = advisory ? `${advisory}${typeof f.data?.['summary'] === 'string' ? `: ${f.data['summary']}` : ''}` : (rule?.title ?? f.ruleId);
  const description = [f.message, f.evidence ? `Evidence (redacted): ${f.evidence}` : undefined, rule?.help].filter(Boolean).join('\n\n');
  const v: Json = {
    id: uuid(`${type}\u0000${f.fingerprint}`),
    name: clip(title, 255),
    description: clip(description, 1_048_576),
    severity: SEVERITY[f.severity],
  };
  const solution = f.fix?.description ?? secondParagraph(rule?.help);
  if (solution) v.solution = clip(solution, 7000);
  v.identifiers = identifiers(f, rule, advisory);
  const vector = typeof f.data?.['cvssVector'] === 'string' ? f.data['cvssVector'] : undefined;
  if (vector && validVector(vector)) v.cvss_vectors = [{ vendor: 'osv', vector }];
  const links = [rule?.helpUri, advisory ? `https://osv.dev/vulnerability/${encodeURIComponent(advisory)}` : undefined].filter((u): u is string => !!u && /^https?:\/\//.test(u));
  if (links.length) v.links = [...new Set(links)].map((url) => ({ url }));
  v.location = location(type, f, report);
  if (f.flow?.length) {
    const steps = f.flow.flatMap((s) => {
      const file = locationPath(s.location);
      const line = 'startLine' in s.location ? s.location.startLine : undefined;
      return file && line !== undefined ? [{ type: 'file-location', file_name: file, line_start: line }] : [];
    });
    if (steps.length) v.details = { taint_path: { name: 'Taint path (source to sink)', type: 'list', items: steps } };
  }
  return v;
}

function identifiers(f: Finding, rule: RuleMeta | undefined, advisory: string | undefined): Json[] {
  const out: Json[] = [];
  const add = (type: string, name: string, value: string, url?: string): void => {
    if (out.some((i) => i.type === type && i.value === value)) return;
    out.push({ type, name, value, ...(url && /^https?:\/\//.test(url) ? { url } : {}) });
  };
  if (advisory) {
    // The advisory first: GitLab's primary identifier, what it matches vulnerabilities by across pipelines.
    const aliases = Array.isArray(f.data?.['aliases']) ? (f.data['aliases'] as unknown[]).filter((a): a is string => typeof a === 'string') : [];
    for (const id of [advisory, ...aliases]) add(advisoryType(id), id, id, id.startsWith('CVE-') ? `https://www.cve.org/CVERecord?id=${id}` : `https://osv.dev/vulnerability/${encodeURIComponent(id)}`);
  }
  add('pipeguard_rule', `pipeguard ${f.ruleId}`, f.ruleId, rule?.helpUri);
  for (const c of f.cwe ?? []) {
    const n = c.replace(/^cwe-/i, '');
    add('cwe', `CWE-${n}`, n, `https://cwe.mitre.org/data/definitions/${n}.html`);
  }
  return out;
}

function advisoryType(id: string): string {
  const prefix = /^([A-Za-z]+)-/.exec(id)?.[1];
  return prefix ? prefix.toLowerCase() : 'osv';
}

function location(type: GitlabReportType, f: Finding, report: Report): Json {
  const line = 'startLine' in f.location ? f.location.startLine : undefined;
  const endLine = 'endLine' in f.location ? f.location.endLine : undefined;
  const lines = line !== undefined ? { start_line: line, ...(endLine !== undefined ? { end_line: endLine } : {}) } : {};
  switch (type) {
    case 'secret_detection': {
      const commit: Json = { sha: f.origin?.commit ?? '0000000' };
      if (f.origin?.author) commit.author = f.origin.author;
      if (f.origin?.date) commit.date = f.origin.date;
      if (f.origin?.message) commit.message = f.origin.message;
      return { file: filePath(f), ...lines, commit };
    }
    case 'dependency_scanning':
      return { file: locationPath(f.location)!.split('!')[0], dependency: dependency(f) };
    case 'container_scanning': {
      const image = f.location.kind === 'image' ? f.location.image : report.target.id;
      const os = typeof f.data?.['ecosystem'] === 'string' ? f.data['ecosystem'] : 'unknown';
      return { dependency: dependency(f), operating_system: os || 'unknown', image: image || 'unknown' };
    }
    case 'sast': {
      const logical = 'logical' in f.location ? f.location.logical : undefined;
      return { file: filePath(f), ...lines, ...(logical ? { class: logical } : {}) };
    }
  }
}

function dependency(f: Finding): Json {
  const { name, version } = packageOf(f)!;
  const d: Json = { package: { name }, version };
  if (typeof f.data?.['direct'] === 'boolean') d.direct = f.data['direct'];
  return d;
}

/** The project file a finding is in: an archive member's archive; nothing for a path inside an image. */
export function filePath(f: Finding): string | undefined {
  if (f.location.kind === 'image' || f.location.kind === 'http' || f.location.kind === 'repository') return undefined;
  const p = locationPath(f.location)?.replace(/^(\.\/)+/, '');
  if (!p || p === '.') return undefined;
  return p.split('!')[0];
}

/** `yyyy-mm-ddThh:mm:ss`, as GitLab's schema wants it. */
function gitlabTime(iso: string): string {
  const t = Date.parse(iso);
  return (Number.isFinite(t) ? new Date(t).toISOString() : new Date(0).toISOString()).slice(0, 19);
}

/** A UUID (version 5 layout) made from `key`, so a finding keeps its id across runs. */
function uuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** CVSS v3.x and v2 vectors as GitLab's schema accepts them (its own patterns, on at most 128 characters). */
const CVSS_V3 = /^CVSS:3[.][01]\/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])\/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$/;
const CVSS_V2 = /^((AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))\/)*(AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))$/;

function validVector(v: string): boolean {
  return v.length <= 128 && ((v.length >= 32 && CVSS_V3.test(v)) || (v.length >= 16 && CVSS_V2.test(v)));
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function secondParagraph(text: string | undefined): string | undefined {
  const parts = text?.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return parts && parts.length > 1 ? parts.slice(1).join('\n\n') : undefined;
}
