import type * as TS from 'typescript';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RawFinding } from '../../core/types.js';
import { APP_AUDITS, runAppAudits } from './js/app-audits.js';
import { AST_RULES, nodeLocation, runAstRules } from './js/ast-rules.js';
import type { TaintHit } from './js/base.js';
import { TAINT_RULES } from './js/classes.js';
import { Analyser } from './js/interp.js';
import { MODEL_ROWS, indexModels, parseModelRows, type ModelIndex } from './js/models.js';
import { parseSource } from './js/parse.js';
import { saveCodeCache } from './js/ts-load.js';
import { viewSettings } from './js/view-settings.js';
import type { RenderHit, ViewSettings } from './js/views.js';
import type { SourceUnit } from './js/scope.js';
import type { GNode } from './patterns/gnode.js';
import type { YamlRule } from './patterns/rules.js';
import { patternFinding, ruleFix } from './pattern-finding.js';
import { jsTree, runSearchRules, taintHooks, type FixAt } from './patterns/run.js';

/*
 * The analysis of one group of JS/TS files connected by relative imports: parse, taint (built-in classes and YAML
 * taint rules), structural rules, search rules. The same code runs in this thread and in worker threads
 * (worker.ts); a group's trees are dropped when it is done, so memory is bounded by the largest group.
 */

/** One file of a group. */
export interface GroupFile {
  path: string;
  text: string;
}

/** What a group's analysis needs besides its files. */
export interface GroupOptions {
  /** Rule ids switched off. */
  disabled: ReadonlySet<string>;
  libraryMode: boolean;
  envIsInput: boolean;
  /** YAML rules (only JS/TS and generic ones matter here). */
  rules: YamlRule[];
  signal?: AbortSignal;
}

/** A group's findings and file errors, in a fixed order for a given input. */
export interface GroupResult {
  findings: RawFinding[];
  fileErrors: { path: string; message: string }[];
  /** Tainted locals handed to views, and the view settings the group's files make: linked to templates in views.ts. */
  renders: RenderHit[];
  views: ViewSettings[];
}

let defaultModels: ModelIndex | undefined;
function models(): ModelIndex {
  return (defaultModels ??= indexModels(parseModelRows(MODEL_ROWS)));
}

/** Analyses one import-connected group of files. */
export function analyseGroup(files: readonly GroupFile[], o: GroupOptions): GroupResult {
  const { disabled, rules } = o;
  const fileErrors: GroupResult['fileErrors'] = [];
  const fileError = (path: string, message: string): void => void fileErrors.push({ path, message });
  const yamlById = new Map(rules.map((r) => [r.id, r]));
  const astRules = AST_RULES.filter((r) => !disabled.has(r.id));
  const jsSearch = rules.some((r) => r.mode === 'search' && (r.languages.includes('js') || r.languages.includes('generic')));
  const units: SourceUnit[] = [];
  for (const f of files) {
    let r: ReturnType<typeof parseSource>;
    try {
      r = parseSource(f.path, f.text);
    } catch (e) {
      fileError(f.path, `parse error: ${(e as Error).message}`);
      continue;
    }
    // as Semgrep does (and the Python/Go/Java packs here): the error is reported and the recovered tree analysed
    if (r.error) fileError(f.path, r.error);
    units.push({ path: f.path, sf: r.sf });
  }
  const findings: RawFinding[] = [];
  const trees = new Map<string, GNode>();
  const treeOf = (u: SourceUnit): GNode => {
    let t = trees.get(u.path);
    if (!t) trees.set(u.path, (t = jsTree(u.sf)));
    return t;
  };
  let hits: TaintHit[] = [];
  let fixAt: FixAt | undefined;
  try {
    const hooks = taintHooks(rules, units.map((u) => ({ sf: u.sf, tree: () => treeOf(u) })));
    fixAt = hooks?.fixAt;
    const analyser = new Analyser(units, { models: models(), libraryMode: o.libraryMode, envIsInput: o.envIsInput, ...(o.signal ? { signal: o.signal } : {}), ...(hooks ? { hooks } : {}) });
    analyser.run();
    hits = analyser.hits;
  } catch (e) {
    // a pathological file (nesting deep enough to exhaust the stack) must not stop the scan
    const others = units.length > 1 ? ` and the ${units.length - 1} files connected to it by imports` : '';
    fileError(units[0]?.path ?? '?', `taint analysis of this file${others} stopped: ${(e as Error).message}`);
  }
  const renders: RenderHit[] = [];
  for (const h of hits) {
    if (disabled.has(h.ruleId)) continue;
    if (h.render) {
      renders.push({ file: h.file, loc: h.loc, view: h.render.view, key: h.render.key, sourceLabel: h.sourceLabel, flow: h.flow, fnName: h.identity.split('|').pop() ?? '' });
      continue;
    }
    const custom = yamlById.get(h.ruleId);
    const meta = TAINT_RULES[h.cls];
    const base = custom
      ? { severity: custom.severity, confidence: custom.confidence, cwe: custom.cwe, message: `${custom.message} (from ${h.sourceLabel})` }
      : {
          // Command-line arguments are input, but they come from whoever runs the program: a CLI that opens the
          // file it is given is by design. Reported, at low severity and confidence, so they do not fail a gate.
          severity: h.sourceLabel.startsWith('process.argv') || h.audit ? ('low' as const) : meta.severity,
          // process.argv comes from whoever runs the program; stored data (second-order) may or may not be input
          confidence: h.sourceLabel.startsWith('process.argv') || h.sourceLabel.startsWith('stored data') || h.audit ? ('low' as const) : meta.confidence,
          cwe: meta.cwe,
          message: meta.message.replace('{source}', h.sourceLabel).replace('{sink}', h.sinkName),
        };
    // a taint rule's `fix:` applies to the sink match the finding stands on
    const fix = custom?.fix && fixAt?.(h.loc.path, h.ruleId, h.loc.startLine ?? 1, h.loc.startColumn ?? 1);
    findings.push({
      scanner: 'sast', ruleId: h.ruleId, ...base, location: h.loc, identity: h.identity, flow: h.flow, tags: h.audit ? ['taint', 'audit'] : ['taint'],
      data: { source: h.sourceLabel, sink: h.sinkName, steps: h.flow.length },
      ...(fix ? { fix: ruleFix(h.loc.path, fix.matched, fix) } : {}),
    });
  }
  // where the taint engine already reports the flow, the structural audit of the same call says nothing more
  const taintAt = new Set(findings.map((f) => `${f.ruleId}|${locKey(f.location)}`));
  const taintLines = new Set(findings.map((f) => `${f.ruleId}|${lineKey(f.location)}`));
  for (const u of units) {
    let astHits: ReturnType<typeof runAstRules> = [];
    try {
      astHits = runAstRules(u.sf, astRules);
      if (jsSearch) findings.push(...runSearchRules(rules, u.path, 'js', treeOf(u), u.sf.text).map(patternFinding));
    } catch (e) {
      fileError(u.path, `rules stopped on this file: ${(e as Error).message}`);
    }
    for (const h of astHits) {
      const r = AST_RULES.find((x) => x.id === h.ruleId)!;
      const loc = nodeLocation(u.sf, u.path, h.node);
      const deferTo = DEFER_TO_TAINT[r.id];
      if (deferTo && (taintAt.has(`${deferTo}|${locKey(loc)}`) || (LINE_DEFER.has(r.id) && taintLines.has(`${deferTo}|${lineKey(loc)}`)))) continue;
      const snippet = (u.sf.text.split('\n', loc.startLine ?? 1)[(loc.startLine ?? 1) - 1] ?? '').trim().slice(0, 300);
      findings.push({
        scanner: 'sast', ruleId: r.id, severity: r.severity, confidence: r.confidence, message: h.message, cwe: r.cwe,
        location: { ...loc, snippet },
        identity: `${r.id}|${h.node.getText(u.sf).replace(/\s+/g, ' ').slice(0, 240)}|${enclosingName(h.node)}`,
      });
    }
  }
  // API-misuse audits over the whole group (an app set up in one file, its routes in others)
  let appHits: ReturnType<typeof runAppAudits> = [];
  try {
    appHits = runAppAudits(units, disabled);
  } catch (e) {
    fileError(units[0]?.path ?? '?', `app audits stopped: ${(e as Error).message}`);
  }
  for (const h of appHits) {
    const r = APP_AUDITS.find((x) => x.id === h.ruleId)!;
    const loc = nodeLocation(h.sf, h.file, h.node);
    const snippet = (h.sf.text.split('\n', loc.startLine ?? 1)[(loc.startLine ?? 1) - 1] ?? '').trim().slice(0, 300);
    findings.push({
      scanner: 'sast', ruleId: r.id, severity: r.severity, confidence: r.confidence, message: h.message, cwe: r.cwe,
      location: { ...loc, snippet },
      identity: `${r.id}|${h.node.getText(h.sf).replace(/\s+/g, ' ').slice(0, 240)}|${enclosingName(h.node)}`,
    });
  }
  const views = units.flatMap((u) => viewSettings(u.sf, u.path) ?? []);
  return { findings, fileErrors, renders, views };
}

/** Structural audits that a taint finding of the given rule at the same place makes redundant. */
const DEFER_TO_TAINT: Record<string, string> = { 'js-trusted-html-bypass': 'js-xss', 'js-spawn-shell': 'js-command-injection', 'js-html-from-parameter': 'js-xss' };
/** Of those, the audits that a taint finding anywhere on the same line makes redundant (they report a larger node). */
const LINE_DEFER = new Set(['js-spawn-shell', 'js-html-from-parameter']);

function locKey(l: RawFinding['location']): string {
  return `${lineKey(l)}:${(l as { startColumn?: number }).startColumn}`;
}

function lineKey(l: RawFinding['location']): string {
  const f = l as { path?: string; startLine?: number };
  return `${f.path}:${f.startLine}`;
}

/** A group this large makes the heap grow by hundreds of megabytes (its trees and summaries). */
const LARGE_GROUP_CHARS = 1_000_000;
const MB = 1024 * 1024;
let collector: (() => void) | undefined;

function collect(): void {
  if (!collector) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as () => void;
  }
  collector();
}

/**
 * Memory around groups. V8 keeps the heap it grew for one large group and grows it further for the next, so a tree
 * with four large groups peaked at three times the memory of a tree with one (1.4 GB against 0.43 GB), while what
 * is alive at any time is one group (and, between groups, ~50-100 MB). So a full collection runs after a group
 * once the heap in use has grown past 256 MB (and before a large group past the same mark: the first group after
 * the walk). At 384 MB, small groups after a large one piled up garbage to 535 MB of RSS on the benchmark tree
 * copied 4 times; at 256 MB it peaks at ~435 MB for ~5 collections. Collecting before every large group as well
 * cost ~25% more CPU: a forced collection shrinks V8's heap limit, and the group then pays for many more
 * collections while it grows the heap again.
 */
export function groupStart(chars: number): void {
  if (chars >= LARGE_GROUP_CHARS && getHeapStatistics().used_heap_size > 256 * MB) collect();
}

/** Characters this thread has analysed; the compiler's code cache is written once past {@link CODE_CACHE_AFTER}. */
let analysed = 0;
/** Enough analysis that the compiler's functions the rules use have been compiled (and go into its code cache). */
const CODE_CACHE_AFTER = 1_000_000;

/**
 * See {@link groupStart}: called when a group of `chars` characters is done, its result used and its trees garbage.
 * Also writes the compiler's code cache (`ts-load.ts`) once this thread has analysed enough to make it worth it.
 */
export function groupDone(chars: number): void {
  analysed += chars;
  if (analysed >= CODE_CACHE_AFTER) saveCodeCache();
  // Used, not committed, heap: the committed size stays up for a while after a collection, and testing it made
  // every later group collect again.
  if (getHeapStatistics().used_heap_size > 256 * MB) collect();
}

function enclosingName(n: TS.Node): string {
  for (let p = n.parent; p; p = p.parent) {
    const name = (p as { name?: { getText(): string } }).name;
    if (name && 'body' in p) return name.getText();
  }
  return '<module>';
}
