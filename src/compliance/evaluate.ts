/**
 * Weighs the evidence for each control of a framework: met, partly met, not met, or no automated evidence. A pure
 * function of the rule list, the mapping data, the evidence and the CI facts. Nothing is guessed: a control whose
 * evidence could not be read says so, and one no file or setting can show says why.
 */
import { globMatcher } from '../core/glob.js';
import type { RuleMeta } from '../core/types.js';
import type { CiFacts } from './ci.js';
import type { Evidence, FindingRef } from './evidence.js';
import { framework, type Control, type Framework } from './frameworks/index.js';
import { CI_MAPPING, CI_SCANNERS, RULE_MAPPING, UNMAPPED, type CiSignal, type FrameworkId } from './mapping.js';

/** One piece of evidence for a control. */
export interface EvidenceItem {
  kind: 'scan' | 'ci' | 'setting' | 'file';
  label: string;
  status: 'pass' | 'fail' | 'unknown';
  detail: string;
  /** Findings that fail (or were accepted for) this item, each with its fingerprint. */
  findings: FindingRef[];
}

/** A control's verdict. */
export interface ControlResult {
  control: Control;
  status: 'met' | 'partly-met' | 'not-met' | 'no-evidence';
  evidence: EvidenceItem[];
  /** What to do: the control's guidance, and the failing items. */
  todo: string[];
}

/** The verdict on a whole framework. */
export interface FrameworkResult {
  framework: Framework;
  controls: ControlResult[];
  counts: Record<ControlResult['status'], number>;
}

/** Rule ids mapped to each control of `fw` (every registered rule, minus the unmapped ones). */
export function rulesByControl(fw: FrameworkId, rules: RuleMeta[]): Map<string, RuleMeta[]> {
  const unmapped = UNMAPPED.map((u) => glob(u.match));
  const out = new Map<string, RuleMeta[]>();
  for (const m of RULE_MAPPING) {
    const ids = m.controls[fw];
    if (!ids?.length) continue;
    const matched = rules.filter((r) => matches(m.match, r) && !unmapped.some((u) => u(r.id)));
    for (const c of ids) out.set(c, uniq([...(out.get(c) ?? []), ...matched]));
  }
  return out;
}

/** True when one of `match` (`scanner:NAME`, an id or an id glob) selects `rule`. */
export function matches(match: readonly string[], rule: RuleMeta): boolean {
  return match.some((m) => (m.startsWith('scanner:') ? rule.scanner === m.slice(8) : glob(m)(rule.id)));
}

const globs = new Map<string, (s: string) => boolean>();
/** A compiled glob, compiled once per pattern (the mapping's patterns are a fixed set). */
function glob(p: string): (s: string) => boolean {
  let m = globs.get(p);
  if (!m) {
    m = /[*?[{]/.test(p) ? globMatcher(p) : (s: string) => s === p;
    globs.set(p, m);
  }
  return m;
}

/** Evaluates every control of `fwId`. */
export function evaluateFramework(fwId: FrameworkId, o: { rules: RuleMeta[]; evidence: Evidence; ci: CiFacts }): FrameworkResult {
  const fw = framework(fwId)!;
  const mapped = rulesByControl(fwId, o.rules);
  const controls = fw.controls.map((control) => evaluateControl(fwId, control, mapped.get(control.id) ?? [], o));
  const counts = { met: 0, 'partly-met': 0, 'not-met': 0, 'no-evidence': 0 };
  for (const c of controls) counts[c.status]++;
  return { framework: fw, controls, counts };
}

function evaluateControl(fwId: FrameworkId, control: Control, rules: RuleMeta[], o: { evidence: Evidence; ci: CiFacts }): ControlResult {
  const items: EvidenceItem[] = [];
  const byScanner = new Map<string, RuleMeta[]>();
  for (const r of rules) byScanner.set(r.scanner, [...(byScanner.get(r.scanner) ?? []), r]);
  for (const [scanner, list] of [...byScanner].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (scanner === 'forge') items.push(...list.filter((r) => applies(r, o.evidence)).map((r) => settingItem(r, o.evidence)));
    else {
      items.push(scanItem(scanner, list, o.evidence));
      if (CI_SCANNERS.includes(scanner)) items.push(ciScanItem(scanner, o.ci));
    }
  }
  for (const m of CI_MAPPING) {
    if (!m.controls[fwId]?.includes(control.id)) continue;
    const s = o.ci.signals[m.signal];
    items.push({ kind: 'ci', label: SIGNAL_LABEL[m.signal], status: s.status, detail: s.detail, findings: [] });
  }
  const known = items.filter((i) => i.status !== 'unknown');
  let status: ControlResult['status'];
  if (control.manual && !items.length) status = 'no-evidence';
  else if (!known.length) status = 'no-evidence';
  else if (known.every((i) => i.status === 'pass')) status = known.length === items.length ? 'met' : 'partly-met';
  else if (known.some((i) => i.status === 'pass')) status = 'partly-met';
  else status = 'not-met';
  const todo = status === 'met' ? [] : [control.guidance, ...items.filter((i) => i.status !== 'pass').map((i) => `${i.label}: ${i.detail}`)];
  if (status === 'no-evidence' && control.manual) todo.splice(1, 0, `No automated evidence: ${control.manual}.`);
  return { control, status, evidence: items, todo };
}

/** Whether a scanner's mapped rules passed in the reports given. */
function scanItem(scanner: string, rules: RuleMeta[], ev: Evidence): EvidenceItem {
  const ids = new Set(rules.map((r) => r.id));
  const label = `${scanner} scan (${rules.length === 1 ? rules[0]!.id : `${rules.length} rules`})`;
  const runs = ev.scans.filter((s) => s.scanner === scanner && (s.status === 'succeeded' || s.status === 'partial'));
  // The offline posture file checks can also come from a posture run, per repository.
  const checks = ev.checks.filter((c) => ids.has(c.ruleId));
  if (!runs.length && !checks.length) {
    const skipped = ev.scans.find((s) => s.scanner === scanner);
    return { kind: scanner === 'posture' ? 'file' : 'scan', label, status: 'unknown', detail: skipped ? `the ${scanner} scanner ${skipped.status} in ${skipped.source}` : `no report given shows the ${scanner} scanner ran`, findings: [] };
  }
  const found = [...runs.flatMap((s) => s.findings), ...checks.flatMap((c) => c.findings)].filter((f) => ids.has(f.ruleId));
  const failing = uniqFindings(found.filter((f) => f.gate === 'violation'));
  const accepted = uniqFindings(found.filter((f) => f.gate !== 'violation'));
  const sources = [...new Set([...runs.map((s) => s.source), ...checks.map((c) => c.source)])].join(', ');
  if (failing.length) return { kind: scanner === 'posture' ? 'file' : 'scan', label, status: 'fail', detail: `${failing.length} finding${failing.length === 1 ? '' : 's'} failing the gate (${sources})`, findings: [...failing, ...accepted] };
  return { kind: scanner === 'posture' ? 'file' : 'scan', label, status: 'pass', detail: `ran (${sources}): no finding fails the gate${accepted.length ? `; ${accepted.length} below the threshold, suppressed or in the baseline` : ''}`, findings: accepted };
}

/** A check of another forge than the assessed repositories' does not apply (a GitLab runner check on GitHub). */
function applies(rule: RuleMeta, ev: Evidence): boolean {
  return !ev.forges.length || ev.forges.some((f) => rule.tags?.includes(f));
}

/** Whether a live-settings check passed on every repository it ran on. */
function settingItem(rule: RuleMeta, ev: Evidence): EvidenceItem {
  const label = `${rule.id} (${rule.title.charAt(0).toLowerCase()}${rule.title.slice(1)})`;
  const runs = ev.checks.filter((c) => c.ruleId === rule.id);
  if (!runs.length) {
    const org = rule.id.startsWith('forge-org-');
    const detail = org && ev.forges.length ? 'organisation settings were not assessed (pipeguard posture --org ORG)' : 'no posture report or live check given (run pipeguard posture)';
    return { kind: 'setting', label, status: 'unknown', detail, findings: [] };
  }
  const failed = runs.filter((r) => r.status === 'fail');
  const unseen = runs.filter((r) => r.status === 'not-run' || r.status === 'partial');
  const findings = uniqFindings(failed.flatMap((r) => r.findings));
  if (failed.length) return { kind: 'setting', label, status: 'fail', detail: `found on ${failed.map((r) => r.repository).slice(0, 3).join(', ')}${failed.length > 3 ? ` and ${failed.length - 3} more` : ''}`, findings };
  if (unseen.length) return { kind: 'setting', label, status: 'unknown', detail: `not seen on ${unseen[0]!.repository}: ${unseen[0]!.reason ?? 'the token could not read it'}`, findings: [] };
  return { kind: 'setting', label, status: 'pass', detail: `not found on ${runs.map((r) => r.repository).slice(0, 3).join(', ')}${runs.length > 3 ? ` and ${runs.length - 3} more` : ''}`, findings: [] };
}

/** Whether the scanner runs in CI and can fail the pipeline. */
function ciScanItem(scanner: string, ci: CiFacts): EvidenceItem {
  const label = `${scanner} scan runs in CI`;
  const runs = ci.scans.get(scanner) ?? [];
  const enforced = runs.filter((r) => r.enforced);
  if (enforced.length) return { kind: 'ci', label, status: 'pass', detail: `${enforced.slice(0, 2).map((r) => `${r.tool} at ${r.where}`).join('; ')}`, findings: [] };
  if (runs.length) return { kind: 'ci', label, status: 'fail', detail: `${runs[0]!.tool} at ${runs[0]!.where} cannot fail the pipeline`, findings: [] };
  return { kind: 'ci', label, status: 'fail', detail: ci.files.length ? `no CI job in ${ci.files.length} CI file${ci.files.length === 1 ? '' : 's'} runs it` : 'there is no CI definition in the repository', findings: [] };
}

const SIGNAL_LABEL: Record<CiSignal, string> = {
  'ci-defined': 'build defined as code',
  'policy-as-code': 'gate criteria written down (pipeguard.yml)',
  'ci-gate': 'pipeguard gate enforced in CI',
  'ci-reports-kept': 'scan reports kept by CI',
  'ci-sbom': 'SBOM generated in CI',
  'ci-provenance': 'build provenance generated',
  'ci-signed-provenance': 'provenance signed',
  'ci-isolated-provenance': 'provenance generated in isolation',
  'ci-signing': 'artifacts signed',
  'ci-hosted-runners': 'builds on hosted runners',
};

function uniq(rules: RuleMeta[]): RuleMeta[] {
  return [...new Map(rules.map((r) => [r.id, r])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function uniqFindings(fs: FindingRef[]): FindingRef[] {
  return [...new Map(fs.map((f) => [f.fingerprint || `${f.ruleId}${f.where}`, f])).values()];
}
