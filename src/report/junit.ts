/**
 * JUnit XML for CI dashboards. One `<testsuite>` per scanner; one `<testcase>` per (rule, file) that has
 * findings, named `scanner.ruleId` / file path. Only gate violations are `<failure>`s; findings below the
 * threshold or in the baseline pass with `<system-out>`; fully suppressed pairs are `<skipped>`. A scanner that
 * ran clean gets one passing testcase, so dashboards show it ran. A testcase about a file of the target carries
 * it in a `file` attribute (what GitLab's test report and other dashboards link to).
 */
import { locationPath, logicalName, regionOf } from '../core/location.js';
import type { Decision, Location, Report, ScannerStatus } from '../core/types.js';
import { buildView, durationSeconds } from './view.js';
import type { Entry } from './view.js';

interface Case {
  classname: string;
  name: string;
  /** The file the findings are in (GitLab and other dashboards link the testcase to it); none for settings, URLs. */
  file?: string;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string };
  skipped?: string;
  out?: string;
}

/** Renders the report as JUnit XML (trailing newline). */
export function renderJunit(report: Report, decision: Decision): string {
  const view = buildView(report, decision);
  const byScanner = groupByScanner(view.all);
  const order = [...report.statuses.map((s) => s.scanner), ...byScanner.keys()].filter((s, i, a) => a.indexOf(s) === i);
  const suites = order.map((scanner) =>
    suite(scanner, report.statuses.find((s) => s.scanner === scanner), byScanner.get(scanner)),
  );
  const totals = suites.reduce(
    (t, s) => ({ ...countsPlus(t, s.cases), tests: t.tests + s.cases.length }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(report.tool.name)}" tests="${totals.tests}" failures="${totals.failures}" ` +
      `errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(durationSeconds(report.startedAt, report.finishedAt))}">`,
  ];
  for (const s of suites) lines.push(...renderSuite(s, report.startedAt));
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

interface Suite {
  name: string;
  time: number;
  cases: Case[];
  err?: string;
}

function suite(scanner: string, status: ScannerStatus | undefined, groups: Map<string, Entry[]> | undefined): Suite {
  const cases: Case[] = [...(groups?.values() ?? [])].map(testcase);
  if (status?.status === 'failed') {
    cases.push({ classname: scanner, name: 'scan', error: { message: status.reason ?? 'scanner failed', type: 'scanner-failed' } });
  } else if (status?.status === 'skipped') {
    cases.push({ classname: scanner, name: 'scan', skipped: status.reason ?? 'skipped' });
  } else if (cases.length === 0) {
    cases.push({ classname: scanner, name: 'no findings' });
  }
  const ms = status?.stats?.durationMs;
  const s: Suite = { name: scanner, time: typeof ms === 'number' ? ms / 1000 : 0, cases };
  if (status?.fileErrors.length) s.err = status.fileErrors.map((e) => `${e.path}: ${e.message}`).join('\n');
  return s;
}

function testcase(entries: Entry[]): Case {
  const f0 = entries[0]!.finding;
  const c: Case = { classname: `${f0.scanner}.${f0.ruleId}`, name: subject(f0.location) };
  const file = locationPath(f0.location);
  // The file on disk: an archive member's archive (`a.zip!b/c` is in `a.zip`); nothing for a path inside an image.
  if (file && f0.location.kind !== 'image') c.file = file.split('!')[0]!;
  const violations = entries.filter((e) => e.gate === 'violation');
  const others = entries.filter((e) => e.gate !== 'violation');
  if (violations.length) {
    const n = violations.length;
    c.failure = {
      message: `${n} violation${n === 1 ? '' : 's'} of ${f0.ruleId}`,
      type: violations[0]!.finding.severity,
      body: violations.map(line).join('\n'),
    };
  } else if (others.every((e) => e.gate === 'suppressed')) {
    c.skipped = others.map((e) => `suppressed (${e.suppression!.kind}): ${e.suppression!.reason}`).join('; ');
    return c;
  }
  if (others.length) c.out = others.map(line).join('\n');
  return c;
}

function line(e: Entry): string {
  const { startLine, startColumn } = regionOf(e.finding.location);
  const logical = logicalName(e.finding.location);
  const where = startLine === undefined ? (logical ?? '-') : startColumn === undefined ? `${startLine}` : `${startLine}:${startColumn}`;
  const tag = e.gate === 'violation' ? '' : e.gate === 'suppressed' ? ` [suppressed: ${e.suppression!.reason}]` : ` [${e.gate}]`;
  return `${where} ${e.finding.severity} ${e.finding.message}${tag}`;
}

function renderSuite(s: Suite, timestamp: string): string[] {
  const c = countsPlus({ failures: 0, errors: 0, skipped: 0 }, s.cases);
  const out = [
    `  <testsuite name="${attr(s.name)}" tests="${s.cases.length}" failures="${c.failures}" errors="${c.errors}" ` +
      `skipped="${c.skipped}" time="${seconds(s.time)}" timestamp="${attr(timestamp)}">`,
  ];
  for (const tc of s.cases) out.push(...renderCase(tc));
  if (s.err !== undefined) out.push(`    <system-err>${text(s.err)}</system-err>`);
  out.push('  </testsuite>');
  return out;
}

function renderCase(c: Case): string[] {
  const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}"${c.file !== undefined ? ` file="${attr(c.file)}"` : ''} time="0.000"`;
  const body: string[] = [];
  if (c.failure) {
    body.push(`      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">${text(c.failure.body)}</failure>`);
  }
  if (c.error) body.push(`      <error message="${attr(c.error.message)}" type="${attr(c.error.type)}"/>`);
  if (c.skipped !== undefined) body.push(`      <skipped message="${attr(c.skipped)}"/>`);
  if (c.out !== undefined) body.push(`      <system-out>${text(c.out)}</system-out>`);
  return body.length ? [`${open}>`, ...body, '    </testcase>'] : [`${open}/>`];
}

function groupByScanner(entries: Entry[]): Map<string, Map<string, Entry[]>> {
  const out = new Map<string, Map<string, Entry[]>>();
  for (const e of entries) {
    const f = e.finding;
    let groups = out.get(f.scanner);
    if (!groups) out.set(f.scanner, (groups = new Map()));
    const key = `${f.ruleId}\u0000${subject(f.location)}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  return out;
}

function countsPlus<T extends { failures: number; errors: number; skipped: number }>(t: T, cases: Case[]): T {
  return {
    ...t,
    failures: t.failures + cases.filter((c) => c.failure).length,
    errors: t.errors + cases.filter((c) => c.error).length,
    skipped: t.skipped + cases.filter((c) => c.skipped !== undefined).length,
  };
}

function seconds(s: number): string {
  return s.toFixed(3);
}

/** Characters XML 1.0 does not allow at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/F). */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes element text, dropping characters XML cannot carry. */
export function text(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value; newlines and tabs become character references so parsers keep them. */
export function attr(s: string): string {
  return text(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** The file a finding is in, or what it is about when it is in no file (a URL, a repository setting). */
function subject(loc: Location): string {
  return locationPath(loc) || logicalName(loc) || '';
}
