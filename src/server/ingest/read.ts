/**
 * Reads an uploaded report as it arrives: pipeguard JSON, SARIF 2.1.0 or a CycloneDX SBOM, told apart by
 * their own markers. Each finding is checked and turned into the server's model as soon as it is read, so
 * only the normalised findings are held, never the document.
 */
import { cyclonedxComponents } from './cyclonedx.js';
import { JsonSplitter, JsonSyntaxError, type PathSegment } from './json-stream.js';
import { ReportError, type IncomingComponent, type IncomingFinding, type IncomingRule, type ParsedReport } from './model.js';
import { pipeguardFinding, pipeguardScope, suppressionNote } from './pipeguard-json.js';
import { sarifFinding, sarifRules, sarifRunInfo, sarifRunSucceeded, type SarifRunInfo } from './sarif.js';

const TOP = new Set(['version', '$schema', 'tool', 'target', 'startedAt', 'finishedAt', 'statuses', 'bomFormat', 'specVersion']);

function selected(p: readonly PathSegment[]): boolean {
  if (p.length === 1) return typeof p[0] === 'string' && TOP.has(p[0]);
  if (p.length === 2) return (p[0] === 'findings' || p[0] === 'suppressed' || p[0] === 'components') && typeof p[1] === 'number';
  if (p[0] === 'runs' && typeof p[1] === 'number') {
    if (p.length === 3) return p[2] === 'tool' || p[2] === 'automationDetails' || p[2] === 'invocations';
    if (p.length === 4) return p[2] === 'results' && typeof p[3] === 'number';
  }
  return false;
}

function time(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

interface SarifRun {
  info?: SarifRunInfo;
  pending: { result: unknown; where: string }[];
  guid?: string;
  succeeded: boolean;
}

/** Reads one report from its bytes. Throws {@link ReportError} for anything that is not a report it accepts. */
export async function readReport(chunks: AsyncIterable<Buffer>): Promise<ParsedReport> {
  const top = new Map<string, unknown>();
  const findings: IncomingFinding[] = [];
  const components: IncomingComponent[] = [];
  const runs: SarifRun[] = [];
  const seen = new Map<string, number>();
  let pipeguardSeen = false;
  const run = (i: number): SarifRun => (runs[i] ??= { pending: [], succeeded: true });
  const splitter = new JsonSplitter({
    // Asked at the start of every value: also notes each SARIF run, so a run without a tool is caught.
    select: (p) => {
      if (p.length === 2 && p[0] === 'runs' && typeof p[1] === 'number') run(p[1]);
      return selected(p);
    },
    onValue(path, value) {
      const [head, index] = path;
      if (path.length === 1) top.set(head as string, value);
      else if (head === 'findings') {
        pipeguardSeen = true;
        findings.push(pipeguardFinding(value, `findings[${index}]`));
      } else if (head === 'suppressed') {
        pipeguardSeen = true;
        findings.push(pipeguardFinding(value, `suppressed[${index}]`, suppressionNote(value)));
      } else if (head === 'components') cyclonedxComponents(value, components);
      else if (head === 'runs') {
        const r = run(index as number);
        const where = `runs[${index}]`;
        if (path[2] === 'tool') {
          r.info = sarifRunInfo({ ...(value as object) }, where);
          for (const p of r.pending) findings.push(sarifFinding(p.result, r.info, p.where, seen));
          r.pending = [];
        } else if (path[2] === 'automationDetails') {
          const g = (value as { guid?: unknown } | null)?.guid;
          if (typeof g === 'string' && g) r.guid = g;
        } else if (path[2] === 'invocations') r.succeeded = sarifRunSucceeded(value);
        else {
          const w = `${where}.results[${path[3]}]`;
          if (r.info) findings.push(sarifFinding(value, r.info, w, seen));
          else r.pending.push({ result: value, where: w });
        }
      }
    },
  });
  try {
    for await (const chunk of chunks) splitter.write(chunk);
    splitter.end();
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new ReportError(`not valid JSON: line ${e.line}: ${e.message}`, 400, e.line);
    throw e;
  }
  const version = top.get('version');
  const schema = top.get('$schema');
  if (version === '2.1.0' || (typeof schema === 'string' && /sarif/i.test(schema))) {
    if (version !== '2.1.0') throw new ReportError(`SARIF version ${JSON.stringify(version)} is not supported (2.1.0 is)`);
    if (pipeguardSeen) throw new ReportError('a SARIF log cannot also hold pipeguard findings[]');
    const rules: IncomingRule[] = [];
    const scope = new Set<string>();
    if (!Array.isArray(runs) || runs.some((r) => r === undefined)) throw new ReportError('runs must be an array of objects');
    runs.forEach((r, i) => {
      if (!r.info) throw new ReportError(`runs[${i}]: has no tool`);
      rules.push(...sarifRules(r.info));
      if (r.succeeded) scope.add(r.info.tool);
    });
    const tools = [...new Set(runs.map((r) => r.info!.tool))];
    const guid = runs.find((r) => r.guid)?.guid;
    return { format: 'sarif', tool: tools.join(', ') || 'sarif', scope: [...scope], findings, rules, components: [], ...(guid ? { runKey: guid } : {}) };
  }
  if (top.get('bomFormat') === 'CycloneDX') {
    if (pipeguardSeen) throw new ReportError('an SBOM cannot also hold pipeguard findings[]');
    return { format: 'cyclonedx', tool: 'cyclonedx', scope: [], findings: [], rules: [], components };
  }
  const tool = top.get('tool') as { name?: unknown; version?: unknown } | undefined;
  if (version === 1 && tool?.name === 'pipeguard') {
    const target = top.get('target') as { id?: unknown } | undefined;
    const started = time(top.get('startedAt'));
    const finished = time(top.get('finishedAt'));
    return {
      format: 'pipeguard',
      tool: `pipeguard ${typeof tool.version === 'string' ? tool.version : ''}`.trim(),
      ...(typeof target?.id === 'string' ? { target: target.id } : {}),
      ...(started !== undefined ? { startedAt: started } : {}),
      ...(finished !== undefined ? { finishedAt: finished } : {}),
      scope: pipeguardScope(top.get('statuses') ?? []),
      findings,
      rules: [],
      components: [],
    };
  }
  if (tool?.name === 'pipeguard') throw new ReportError(`pipeguard JSON report version ${JSON.stringify(version)} is not supported (1 is)`);
  throw new ReportError('not a pipeguard JSON report (version 1), a SARIF 2.1.0 log or a CycloneDX SBOM');
}
