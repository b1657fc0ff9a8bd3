/**
 * The `pipeline` scanner: GitHub Actions workflows, composite/Docker actions, dependabot.yml and GitLab
 * CI files, with exact positions, per-rule config and `# pipeguard: ignore[rule]` YAML comments.
 */
import { existsSync } from 'node:fs';
import { defaultDbPath } from '../../advisories/paths.js';
import type { OsvRecord } from '../../advisories/osv.js';
import { globMatcher } from '../../core/glob.js';
import { ignoreMarker, markerReason, mayHoldMarkers } from '../../analyzers/inline-markers.js';
import { ACTIONS_ECOSYSTEM } from './gha/advisories.js';
import type { FileLocation, RawFinding, Scanner, ScanContext, Target, TargetFile } from '../../core/types.js';
import { readText, targetFiles } from '../../core/types.js';
import type { PipelineConfig } from './config.js';
import { auditGithub, githubFileKind } from './github.js';
import type { Hit } from './github.js';
import { auditGitlab, gitlabLocalIncludes, isGitlabCiPath } from './gitlab.js';
import { RULES_BY_ID, inPersona, ruleMetas, tagOf } from './rules.js';
import { auditPrecommit, isPrecommitPath } from './precommit.js';
import { auditAzure, auditBitbucket, auditTekton, isAzurePath, isBitbucketPath, isTektonPath, isTektonText } from './platforms.js';
import { comments, pairs, get, items, parseYaml, yamlAnalyzer, yamlDocument, region, str } from '../../analyzers/yaml.js';
import { isZizmorConfigPath, parseZizmorConfig, rulesOfAudits, zizmorConfigSuppression, zizmorIgnoreComment } from './zizmor.js';
import type { ZizmorConfig } from './zizmor.js';
import type { YamlComment, YamlFile, YamlSource } from '../../analyzers/yaml.js';

/** The file kinds the pipeline scanner reads. */
export type PipelineFileKind = 'workflow' | 'action' | 'dependabot' | 'gitlab' | 'precommit' | 'azure' | 'tekton' | 'bitbucket';

/** The pipeline file kind of a path, or undefined. */
export function pipelineFileKind(path: string): PipelineFileKind | undefined {
  if (isGitlabCiPath(path)) return 'gitlab';
  if (isPrecommitPath(path)) return 'precommit';
  if (isAzurePath(path)) return 'azure';
  if (isBitbucketPath(path)) return 'bitbucket';
  if (isTektonPath(path)) return 'tekton';
  return githubFileKind(path);
}

const DEFAULTS: PipelineConfig = { enabled: true, disable: [], severity: {}, allowRefPin: [], trustedOwners: [], persona: 'regular', online: false, githubApi: 'https://api.github.com', onlineMaxRequests: 300 };

/** The pipeline rules an ignore comment's words may name. */
const RULE_IDS: ReadonlySet<string> = new Set(RULES_BY_ID.keys());

/**
 * Why an ignore comment suppresses a finding of `ruleId`, or undefined: pipeguard's own comment, read as the engine
 * reads it (`src/analyzers/inline-markers.ts`), or zizmor's, whose audits each cover the equivalent pipeguard rules.
 */
function commentReason(comment: string, ruleId: string): string | undefined {
  const own = ignoreMarker(comment);
  if (own) return markerReason(own, 'pipeline', ruleId, RULE_IDS);
  const audits = zizmorIgnoreComment(comment);
  if (!audits) return undefined;
  return rulesOfAudits(audits).includes(ruleId) ? `inline ignore: zizmor: ignore[${audits.join(', ')}]` : undefined;
}

/** True when the comment is on `line`, or alone in the block of comment-only lines right above it. */
function covers(c: YamlComment, line: number, lines: string[]): boolean {
  if (c.line === line) return true;
  if (!c.alone || c.line > line) return false;
  for (let l = c.line + 1; l < line; l++) if (!/^\s*#/.test(lines[l - 1] ?? '')) return false;
  return true;
}

/** Why an ignore comment covers the hit (on its line, or above the step or key it belongs to), or undefined. */
function ignored(hit: Hit, line: number, endLine: number, anchorLine: number | undefined, cmts: YamlComment[], lines: string[], stepLine?: number): string | undefined {
  for (const c of cmts) {
    const reason = commentReason(c.text, hit.ruleId);
    if (!reason) continue;
    if (covers(c, line, lines) || (anchorLine !== undefined && covers(c, anchorLine, lines))) return reason;
    // zizmor matches a comment anywhere on the lines of the finding's span.
    if (/zizmor:/i.test(c.text) && c.line >= Math.min(line, stepLine ?? line) && c.line <= endLine) return reason;
  }
  return undefined;
}

/** A step or job of a workflow or action: where it is and how to name it. */
interface Construct {
  start: number;
  end: number;
  label: string;
  step: boolean;
}

/** The jobs and steps of a workflow or action, for the enclosing construct of a finding. */
function constructs(source: YamlSource, kind: PipelineFileKind): Construct[] {
  const out: Construct[] = [];
  const root = source.doc.contents;
  const stepsOf = (seq: unknown, owner: string): void => {
    items(seq).forEach((st, i) => {
      if (!st.range) return;
      const name = str(get(st, 'name')) ?? str(get(st, 'id'));
      out.push({ start: st.range[0], end: st.range[1], label: `step ${i + 1}${name ? ` (${name})` : ''} of ${owner}`, step: true });
    });
  };
  if (kind === 'workflow') {
    for (const [id, p] of pairs(get(root, 'jobs'))) {
      const v = p.value;
      if (!v?.range || !p.key?.range) continue;
      out.push({ start: p.key.range[0], end: v.range[1], label: `job ${id}`, step: false });
      stepsOf(get(v, 'steps'), `job ${id}`);
    }
  } else if (kind === 'action') {
    stepsOf(get(get(root, 'runs'), 'steps'), 'the action');
  }
  return out;
}

/** The innermost step (else job) holding `offset`, as a related location. */
function enclosing(source: YamlSource, path: string, list: Construct[], offset: number): { path: string; message: string } & ReturnType<typeof region> | undefined {
  const hit = list.find((c) => c.step && offset >= c.start && offset < c.end) ?? list.find((c) => !c.step && offset >= c.start && offset < c.end);
  if (!hit) return undefined;
  // The region is the construct's first line: its `- uses:`/`- name:` line or its job key.
  const reg = region(source, hit.start, hit.start);
  return { path, ...reg, endLine: reg.startLine, endColumn: reg.startColumn + 1, message: hit.label };
}

/**
 * Audits one file's text: returns the raw findings (config applied; those an ignore comment covers marked
 * `suppressed`) or the YAML problems when it does not parse. Used by the scanner and the `fix` command.
 */
export function auditText(path: string, text: string, kind: PipelineFileKind, config: Partial<PipelineConfig> = {}, opts: { zizmor?: ZizmorConfig; advisories?: (name: string) => OsvRecord[]; parsed?: YamlFile } = {}): { findings: RawFinding<FileLocation>[]; problems: { line: number; message: string }[]; source?: YamlSource } {
  const cfg = { ...DEFAULTS, ...config };
  // A file under .tekton/ that declares no Tekton resource is not a pipeline file.
  if (kind === 'tekton' && !isTektonText(text)) return { findings: [], problems: [] };
  const { source, problems } = yamlDocument(path, opts.parsed ?? parseYaml(text), { multi: kind === 'gitlab' || kind === 'tekton' });
  if (!source) return { findings: [], problems };
  const hits = kind === 'gitlab' ? auditGitlab(source) : kind === 'precommit' ? auditPrecommit(source) : kind === 'azure' ? auditAzure(source) : kind === 'bitbucket' ? auditBitbucket(source) : kind === 'tekton' ? auditTekton(source, (source.file.docs.length ? source.file.docs : [source.doc]).map((d) => d.contents).filter((c): c is NonNullable<typeof c> => !!c)) : auditGithub(source, kind, { allowRefPin: cfg.allowRefPin, trustedOwners: cfg.trustedOwners, persona: cfg.persona, ...(cfg.forbiddenUses ? { forbiddenUses: cfg.forbiddenUses } : {}), ...(opts.advisories ? { advisories: opts.advisories } : {}) });
  const off = new Set(cfg.disable);
  // Only a file that mentions the marker needs its comments read (from the syntax tree the parse kept).
  const cmts = hits.length && (mayHoldMarkers(text) || /zizmor:\s*ignore\[/i.test(text)) ? comments(source) : [];
  const textLines = text.split('\n');
  const cons = hits.length && (kind === 'workflow' || kind === 'action') ? constructs(source, kind) : [];
  const seen = new Set<string>();
  const findings: RawFinding<FileLocation>[] = [];
  const relatedOf = (offset: number): { related?: unknown[] } => {
    const e = cons.length ? enclosing(source, path, cons, offset) : undefined;
    return e ? { related: [e] } : {};
  };
  for (const h of hits) {
    const rule = RULES_BY_ID.get(h.ruleId);
    if (!rule || off.has(h.ruleId) || !inPersona(h.ruleId, cfg.persona)) continue;
    if (h.persona && cfg.persona !== 'auditor' && !(h.persona === 'pedantic' && cfg.persona === 'pedantic')) continue;
    const reg = region(source, h.start, h.end);
    const anchorLine = h.anchor !== undefined ? source.lines.linePos(h.anchor).line : undefined;
    // An ignore comment does not drop the finding: the engine lists it as suppressed, with the comment's reason.
    const stepLine = cmts.length && cons.length ? cons.find((c) => c.step && h.start >= c.start && h.start < c.end) : undefined;
    const ignoredBy = cmts.length ? ignored(h, reg.startLine, reg.endLine, anchorLine, cmts, textLines, stepLine ? source.lines.linePos(stepLine.start).line : undefined) : undefined;
    const configIgnored = ignoredBy ? undefined : zizmorConfigSuppression(opts.zizmor, h.ruleId, path, reg.startLine, reg.startColumn);
    const key = `${h.ruleId}|${h.identity}|${h.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const lineText = textLines[reg.startLine - 1] ?? '';
    findings.push({
      scanner: 'pipeline',
      ruleId: h.ruleId,
      severity: cfg.severity[h.ruleId] ?? rule.severity,
      confidence: rule.confidence,
      message: h.message,
      location: { path, ...reg, snippet: lineText.trim().slice(0, 200) },
      identity: `${h.ruleId}|${h.identity}`,
      ...(rule.cwe ? { cwe: rule.cwe } : {}),
      tags: [tagOf(h.ruleId)],
      data: { fileKind: kind, ...relatedOf(h.start) },
      ...(ignoredBy ? { suppressed: { kind: 'inline', reason: ignoredBy } } : configIgnored ? { suppressed: { kind: 'config', reason: configIgnored } } : {}),
    });
  }
  findings.sort((a, b) => (a.location.startLine ?? 0) - (b.location.startLine ?? 0) || (a.location.startColumn ?? 0) - (b.location.startColumn ?? 0) || a.ruleId.localeCompare(b.ruleId));
  return { findings, problems, source };
}

/** The kind of a pipeline file judged by its top-level keys, for a file whose path says nothing. */
export function sniffKind(text: string): PipelineFileKind | undefined {
  const top = (k: string): boolean => new RegExp(`^["']?${k}["']?\\s*:`, 'm').test(text);
  if (top('jobs') && (top('on') || top('true'))) return 'workflow';
  if (top('runs') && (top('name') || top('description') || top('inputs'))) return 'action';
  if (top('updates') && top('version')) return 'dependabot';
  if (top('repos') && /^\s*-\s*repo:/m.test(text)) return 'precommit';
  if (isTektonText(text)) return 'tekton';
  if (top('pipelines') && /^\s+(?:default|branches|pull-requests|tags|custom):/m.test(text)) return 'bitbucket';
  if ((top('trigger') || top('pr') || top('pool') || top('resources')) && (top('steps') || top('jobs') || top('stages') || top('extends'))) return 'azure';
  return undefined;
}

/** Opens the local advisory database read-only for action lookups, or undefined when there is none or it cannot be read. */
async function openAdvisories(path: string, warn: (m: string) => void): Promise<{ lookup: (name: string) => OsvRecord[]; close(): void } | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    // SQLite loads only when a database is there.
    const db = (await import('../../advisories/db.js')).AdvisoryDb.open(path);
    const cache = new Map<string, OsvRecord[]>();
    return {
      lookup: (name) => {
        let r = cache.get(name);
        if (!r) cache.set(name, (r = db.lookup(ACTIONS_ECOSYSTEM, name)));
        return r;
      },
      close: () => db.close(),
    };
  } catch (e) {
    warn(`known-vulnerable actions not checked: ${(e as Error).message}`);
    return undefined;
  }
}

/** The pipeline scanner, registered in `SCANNER_ENTRIES`. */
export const pipelineScanner: Scanner<PipelineConfig> = {
  id: 'pipeline',
  title: 'CI pipeline misconfiguration (GitHub Actions, GitLab CI, Azure Pipelines, Tekton, Bitbucket Pipelines, pre-commit)',
  requires: ['files'],
  targets: ['directory', 'staged', 'archive', 'file'],
  rules(config) {
    return ruleMetas(config?.severity ?? {}, config?.disable ?? []);
  },
  async *scan(target: Target, ctx: ScanContext<PipelineConfig>): AsyncIterable<RawFinding> {
    const config = { ...DEFAULTS, ...(ctx.config ?? {}) };
    const includes = new Set<string>();
    const done = new Set<string>();
    let files = 0;
    let zizmor: ZizmorConfig | undefined;
    let advisories: ((name: string) => OsvRecord[]) | undefined;
    const one = async function* (file: TargetFile, text: string, kind: PipelineFileKind): AsyncIterable<RawFinding> {
      const path = file.path;
      files++;
      // The parse is the scan's, shared with the posture scanner.
      const parsed = ctx.analyses.parse(yamlAnalyzer, file, text);
      const res = auditText(path, text, kind, config, { ...(zizmor ? { zizmor } : {}), ...(advisories ? { advisories } : {}), parsed });
      if (!res.source) {
        const p = res.problems[0];
        ctx.fileError(path, p ? `line ${p.line}: ${p.message}` : 'not valid YAML');
        return;
      }
      if (kind === 'gitlab') {
        const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
        for (const inc of gitlabLocalIncludes(res.source)) includes.add(dir + inc);
      }
      yield* res.findings;
    };
    // zizmor.yml may come after the workflows it speaks of: read every file first, then audit.
    const pending: { file: TargetFile; text: string; kind: PipelineFileKind }[] = [];
    // A file named on the command line is read for what it is, wherever it sits: its content says its kind.
    const single = target.kind === 'file' || target.kind === 'stdin';
    for await (const f of targetFiles(target, { path: (p) => pipelineFileKind(p) !== undefined || isZizmorConfigPath(p) || (single && /\.ya?ml$/i.test(p)) })) {
      if (ctx.signal.aborted) return;
      const text = await readText(f, (path, message) => ctx.fileError(path, message));
      if (text === undefined) continue;
      if (isZizmorConfigPath(f.path)) {
        // The root file wins over .github/zizmor.yml, as in zizmor.
        if (zizmor && !f.path.startsWith('.github/')) zizmor = undefined;
        if (zizmor) continue;
        try {
          zizmor = parseZizmorConfig(f.path, text);
        } catch (err) {
          ctx.fileError(f.path, `not a valid zizmor config: ${(err as Error).message}`);
        }
        continue;
      }
      const kind = pipelineFileKind(f.path) ?? (single ? sniffKind(text) : undefined);
      if (!kind || (kind === 'tekton' && !isTektonText(text))) continue;
      done.add(f.path);
      pending.push({ file: f, text, kind });
    }
    // Known-vulnerable actions: the local advisory database, when there is one (never downloaded here).
    const db = pending.some((p) => p.kind !== 'gitlab' && p.kind !== 'precommit' && /\buses:/.test(p.text)) ? await openAdvisories(config.db ?? defaultDbPath(ctx.options.env ?? process.env), (m) => ctx.log.warn(m)) : undefined;
    if (db) advisories = db.lookup;
    try {
      for (const p of pending) {
        if (ctx.signal.aborted) return;
        yield* one(p.file, p.text, p.kind);
      }
    } finally {
      db?.close();
    }
    // Online audits: only when asked, never in an offline run, only with a token; otherwise a note says why not.
    if (config.online || ctx.options.online) {
      const env = ctx.options.env ?? process.env;
      const token = env.GITHUB_TOKEN || env.GH_TOKEN;
      if (ctx.options.offline) ctx.log.warn('online checks (impostor commits, ref confusion, stale refs) skipped: the run is offline');
      else if (!token) ctx.log.warn('online checks (impostor commits, ref confusion, stale refs) skipped: no GITHUB_TOKEN or GH_TOKEN');
      else {
        const { auditOnline, GithubClient, usesRefs } = await import('./online.js');
        const client = new GithubClient({ api: config.githubApi, token, maxRequests: config.onlineMaxRequests });
        const refs = pending.filter((p) => p.kind === 'workflow' || p.kind === 'action').flatMap((p) => usesRefs(p.file.path, p.text));
        const found = await auditOnline(refs, client, new Set(config.disable));
        for (const f of found) yield { ...f, severity: config.severity[f.ruleId] ?? f.severity };
        ctx.count('online-findings', found.length);
        if (client.exhausted) ctx.log.warn(`online checks stopped after ${config.onlineMaxRequests} GitHub API requests (scanners.pipeline.onlineMaxRequests); some actions were not checked`);
      }
    }
    // Local files included by .gitlab-ci.yml are GitLab CI too (bounded: one level of includes per pass, 3 passes).
    for (let pass = 0; pass < 3 && includes.size; pass++) {
      const matchers = [...includes].filter((p) => !done.has(p)).map((p) => globMatcher(p));
      includes.clear();
      if (!matchers.length) break;
      for await (const f of targetFiles(target, { path: (p) => !done.has(p) && /\.ya?ml$/.test(p) && matchers.some((m) => m(p)) })) {
        if (ctx.signal.aborted) return;
        done.add(f.path);
        yield* one(f, await f.text(), 'gitlab');
      }
    }
    ctx.count('files', files);
  },
};
