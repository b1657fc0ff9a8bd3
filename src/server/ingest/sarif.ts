/**
 * Results of any SARIF 2.1.0 log in the server's model. Identity: pipeguard's own `pipeguard/v1` fingerprint
 * when present (so its SARIF and JSON uploads are the same findings); otherwise the tool's
 * `partialFingerprints` (all of them, with the rule and the file), then `fingerprints`; a result with neither
 * gets one from its rule, file and snippet or message, numbered when it repeats.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, type Severity } from '../../core/types.js';
import { advisoryIds, locationColumns } from './location.js';
import { ReportError, type IncomingFinding, type IncomingRule } from './model.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function text(v: unknown): string | undefined {
  return isObj(v) ? (str(v['text']) ?? str(v['markdown'])) : undefined;
}

/** What one SARIF run says about its tool and rules. */
export interface SarifRunInfo {
  tool: string;
  rules: Obj[];
  ruleById: Map<string, Obj>;
}

/** Reads `runs[i].tool`: the driver's name and every rule of the driver and its extensions. */
export function sarifRunInfo(tool: unknown, where: string): SarifRunInfo {
  if (!isObj(tool) || !isObj(tool['driver'])) throw new ReportError(`${where}: tool.driver must be an object`);
  const driver = tool['driver'];
  const name = str(driver['name']);
  if (!name) throw new ReportError(`${where}: tool.driver.name must be a non-empty string`);
  const rules: Obj[] = [];
  for (const comp of [driver, ...(Array.isArray(tool['extensions']) ? tool['extensions'] : [])]) {
    if (isObj(comp) && Array.isArray(comp['rules'])) for (const r of comp['rules']) if (isObj(r)) rules.push(r);
  }
  const ruleById = new Map<string, Obj>();
  for (const r of rules) if (str(r['id'])) ruleById.set(r['id'] as string, r);
  return { tool: name.toLowerCase(), rules, ruleById };
}

/** The rules of a run, for the finding pages. */
export function sarifRules(info: SarifRunInfo): IncomingRule[] {
  const seen = new Set<string>();
  return info.rules.flatMap((r) => {
    const props = isObj(r['properties']) ? r['properties'] : {};
    // An advisory's rule of pipeguard's SARIF belongs to the scanner rule named in its properties.
    const id = str(props['pipeguard/rule']) ?? str(r['id']);
    if (!id || seen.has(id)) return [];
    seen.add(id);
    const title = text(r['shortDescription']) ?? str(r['name']);
    const help = text(r['help']) ?? text(r['fullDescription']);
    const helpUri = str(r['helpUri']);
    return [{ scanner: info.tool, ruleId: id, ...(title ? { title } : {}), ...(help ? { help } : {}), ...(helpUri ? { helpUri } : {}) }];
  });
}

/** GitHub's bands of `security-severity`: above 9.0 critical, 7.0+ high, 4.0+ medium, above 0 low. */
export function bandOf(score: number): Severity {
  return score > 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';
}

function severityOf(result: Obj, rule: Obj | undefined): Severity {
  const props = isObj(result['properties']) ? result['properties'] : {};
  const own = props['severity'];
  if (typeof own === 'string' && (SEVERITIES as readonly string[]).includes(own)) return own as Severity;
  const ruleProps = rule && isObj(rule['properties']) ? rule['properties'] : {};
  const score = Number(props['security-severity'] ?? ruleProps['security-severity']);
  if (Number.isFinite(score) && (props['security-severity'] ?? ruleProps['security-severity']) !== undefined) return bandOf(score);
  const conf = rule && isObj(rule['defaultConfiguration']) ? rule['defaultConfiguration'] : {};
  const level = str(result['level']) ?? str(conf['level']) ?? 'warning';
  return level === 'error' ? 'high' : level === 'warning' ? 'medium' : level === 'note' ? 'low' : 'info';
}

function messageOf(result: Obj, rule: Obj | undefined): string | undefined {
  const m = isObj(result['message']) ? result['message'] : {};
  let t = str(m['text']) ?? str(m['markdown']);
  const id = str(m['id']);
  if (!t && id && rule && isObj(rule['messageStrings']) && isObj(rule['messageStrings'][id])) t = text(rule['messageStrings'][id]);
  if (t && Array.isArray(m['arguments'])) {
    const args = m['arguments'] as unknown[];
    t = t.replace(/\{(\d+)\}/g, (all, n: string) => (args[Number(n)] !== undefined ? String(args[Number(n)]) : all));
  }
  return t ?? (rule ? text(rule['shortDescription']) : undefined);
}

function uriOf(phys: Obj): string | undefined {
  const art = isObj(phys['artifactLocation']) ? phys['artifactLocation'] : {};
  let uri = str(art['uri']);
  if (!uri) return undefined;
  if (uri.startsWith('file://')) uri = uri.replace(/^file:\/\/[^/]*/, '');
  try {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) uri = decodeURIComponent(uri);
  } catch {
    // keep it as given
  }
  return uri;
}

/** A SARIF location as a pipeguard one: a file region, an HTTP request, or a logical location. */
function locationOf(loc: unknown): Obj | undefined {
  if (!isObj(loc)) return undefined;
  const out: Obj = {};
  const phys = isObj(loc['physicalLocation']) ? loc['physicalLocation'] : undefined;
  const uri = phys ? uriOf(phys) : undefined;
  if (uri && /^https?:\/\//i.test(uri)) {
    out['kind'] = 'http';
    out['url'] = uri;
  } else if (uri) out['path'] = uri;
  const region = phys && isObj(phys['region']) ? phys['region'] : undefined;
  if (region) {
    for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) if (typeof region[k] === 'number') out[k] = region[k];
    const snip = text(region['snippet']);
    if (snip) out['snippet'] = snip.slice(0, 4000);
  }
  const logical = Array.isArray(loc['logicalLocations']) && isObj(loc['logicalLocations'][0]) ? loc['logicalLocations'][0] : undefined;
  const lname = logical ? (str(logical['fullyQualifiedName']) ?? str(logical['name'])) : undefined;
  if (lname) out['logical'] = lname;
  return Object.keys(out).length ? out : undefined;
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

function sortedEntries(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const e = Object.entries(v).filter(([, x]) => typeof x === 'string' || typeof x === 'number');
  if (!e.length) return undefined;
  return e.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${k}=${x}`).join('\n');
}

/** Reads one result; `seen` numbers results that have no fingerprint of their own and repeat. */
export function sarifFinding(result: unknown, info: SarifRunInfo, where: string, seen: Map<string, number>): IncomingFinding {
  if (!isObj(result)) throw new ReportError(`${where}: not an object`);
  const ruleIndex = typeof result['ruleIndex'] === 'number' ? result['ruleIndex'] : -1;
  const ruleRef = isObj(result['rule']) ? result['rule'] : {};
  const sarifRuleId = str(result['ruleId']) ?? str(ruleRef['id']) ?? (ruleIndex >= 0 ? str(info.rules[ruleIndex]?.['id']) : undefined);
  if (!sarifRuleId) throw new ReportError(`${where}: has no ruleId`);
  const rule = info.ruleById.get(sarifRuleId) ?? (ruleIndex >= 0 ? info.rules[ruleIndex] : undefined);
  const props = isObj(result['properties']) ? result['properties'] : {};
  // pipeguard's SARIF gives each advisory its own rule (for GitHub's severity) and names the scanner's rule here,
  // so findings stay grouped under the rule that found them; the advisory id is kept as an alias.
  const ruleId = str(props['pipeguard/rule']) ?? sarifRuleId;
  const scanner = str(props['scanner']) ?? info.tool;
  const message = messageOf(result, rule) ?? ruleId;
  const primary = Array.isArray(result['locations']) ? locationOf(result['locations'][0]) : undefined;
  const request = isObj(result['webRequest']) ? result['webRequest'] : undefined;
  let location: Obj = primary ?? {};
  if (!primary?.['path'] && !primary?.['url'] && request && str(request['target'])) {
    location = { ...location, kind: 'http', url: request['target'], ...(str(request['method']) ? { method: request['method'] } : {}) };
  }
  if (!location['path'] && !location['url'] && !location['logical']) location = { ...location, path: `(${scanner})` };
  let cols;
  try {
    cols = locationColumns(location);
  } catch (e) {
    throw new ReportError(`${where}: ${(e as Error).message}`);
  }
  const partial = isObj(result['partialFingerprints']) ? result['partialFingerprints'] : {};
  const full = isObj(result['fingerprints']) ? result['fingerprints'] : {};
  const own = str(partial['pipeguard/v1']) ?? str(full['pipeguard/v1']);
  let fingerprint: string;
  const given = sortedEntries(partial) ?? sortedEntries(full);
  if (own) fingerprint = own;
  else if (given) fingerprint = hash([info.tool, ruleId, cols.path, given]);
  else {
    const key = [info.tool, ruleId, cols.path, str(location['snippet'])?.trim() ?? message].join('\0');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    fingerprint = hash([key, String(n)]);
  }
  const detail: Obj = {};
  const flow = flowOf(result);
  if (flow.length) detail['flow'] = flow;
  if (request) detail['request'] = clip(request);
  if (isObj(result['webResponse'])) detail['response'] = clip(result['webResponse']);
  for (const k of ['confidence', 'evidence', 'cwe', 'tags', 'origin', 'data']) if (props[k] !== undefined) detail[k] = props[k];
  if (str(props['fix'])) detail['fix'] = { description: props['fix'], ...(str(props['upgradeTo']) ? { upgradeTo: props['upgradeTo'] } : {}) };
  const supp = Array.isArray(result['suppressions']) ? result['suppressions'].find((s) => isObj(s) && (s['status'] === undefined || s['status'] === 'accepted')) : undefined;
  const data = isObj(props['data']) ? props['data'] : undefined;
  const purl = str(data?.['purl']);
  return {
    fingerprint,
    scanner,
    ruleId,
    severity: severityOf(result, rule),
    message: message.slice(0, 10_000),
    ...cols,
    location,
    detail,
    ...(str(data?.['package']) ? { package: data!['package'] as string } : {}),
    ...(str(data?.['version']) ? { version: data!['version'] as string } : {}),
    ...(purl ? { purl } : {}),
    aliases: advisoryIds([sarifRuleId, data?.['advisoryId'], ...(Array.isArray(data?.['aliases']) ? (data['aliases'] as unknown[]) : [])]),
    ...(isObj(supp) ? { suppressed: `${str(supp['kind']) ?? 'external'}: ${str(supp['justification']) ?? 'suppressed in SARIF'}` } : {}),
  };
}

function flowOf(result: Obj): Obj[] {
  const flows = Array.isArray(result['codeFlows']) ? result['codeFlows'] : [];
  const first = isObj(flows[0]) && Array.isArray(flows[0]['threadFlows']) ? flows[0]['threadFlows'][0] : undefined;
  if (!isObj(first) || !Array.isArray(first['locations'])) return [];
  return first['locations'].slice(0, 200).flatMap((step) => {
    if (!isObj(step) || !isObj(step['location'])) return [];
    const loc = locationOf(step['location']);
    if (!loc) return [];
    return [{ location: loc, message: text(step['location']['message']) ?? '' }];
  });
}

/** A request or response with its bodies cut to 64 KiB. */
function clip(o: Obj): Obj {
  const out: Obj = { ...o };
  const body = isObj(o['body']) ? o['body'] : undefined;
  if (body && typeof body['text'] === 'string' && body['text'].length > 65536) out['body'] = { text: `${body['text'].slice(0, 65536)}…` };
  return out;
}

/** False when a run's invocations say it did not finish: its findings then close nothing. */
export function sarifRunSucceeded(invocations: unknown): boolean {
  if (!Array.isArray(invocations)) return true;
  return !invocations.some((i) => isObj(i) && i['executionSuccessful'] === false);
}
