import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type * as TS from 'typescript';
import { InputError } from '../../core/errors.js';
import { rule, toRuleMeta } from '../../core/rules.js';
import type { RawFinding, RuleMeta, Scanner, ScanContext, Target } from '../../core/types.js';
import { targetFiles } from '../../core/types.js';
import type { SastConfig } from './config.js';
import { TAINT_RULES } from './js/classes.js';
import { AST_RULES, nodeLocation, runAstRules } from './js/ast-rules.js';
import type { TaintHit } from './js/base.js';
import { Analyser } from './js/interp.js';
import type { SourceUnit } from './js/scope.js';
import { MODEL_ROWS, indexModels, parseModelRows, type ModelIndex } from './js/models.js';
import { parseSource } from './js/parse.js';
import { resolveModule } from './js/resolve.js';
import { BUILTIN_PACKS } from './packs/index.js';
import type { GNode } from './patterns/gnode.js';
import { parseRuleFile, precompile, type YamlRule } from './patterns/rules.js';
import { jsTree, runSearchRules, taintHooks, type PatternHit } from './patterns/run.js';
import { loadGrammars, parseWith, type TsLang } from './patterns/tree-sitter.js';
import { TEMPLATE_FILES, TEMPLATE_RULE, templateHits } from './js/templates.js';
import { skipReason } from './skip.js';

/** Paths the SAST scanner reads. */
export const SAST_FILES = /\.(c|m)?[jt]sx?$|\.py$|\.go$|\.java$|\.(ejs|pug|jade|hbs|handlebars|mustache|vue|svelte)$/;
const JS_FILES = /\.(c|m)?[jt]sx?$/;

function langOf(path: string): TsLang | 'js' | 'template' | undefined {
  if (JS_FILES.test(path)) return 'js';
  if (TEMPLATE_FILES.test(path)) return 'template';
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.go')) return 'go';
  if (path.endsWith('.java')) return 'java';
  return undefined;
}

let defaultModels: ModelIndex | undefined;
function models(): ModelIndex {
  return (defaultModels ??= indexModels(parseModelRows(MODEL_ROWS)));
}

let builtin: YamlRule[] | undefined;
/** The built-in Python/Go/Java rule packs (parsed and compiled once). */
export async function builtinRules(): Promise<YamlRule[]> {
  if (builtin) return builtin;
  await loadGrammars();
  const rules = BUILTIN_PACKS.flatMap((p) => parseRuleFile(p.yaml, `builtin:${p.name}`));
  for (const r of rules) precompile(r);
  return (builtin = rules);
}

/** Loads user rule files named in the config (relative paths are resolved against the target root). */
export async function loadUserRules(paths: string[], root: string | undefined, warn?: (message: string) => void): Promise<YamlRule[]> {
  const out: YamlRule[] = [];
  if (paths.length) await loadGrammars();
  for (const p of paths) {
    const abs = isAbsolute(p) || !root ? p : join(root, p);
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read rule file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, p);
    }
    const rules = parseRuleFile(text, p, warn && ((r) => warn(`${p}${r.line ? `:${r.line}` : ''}: rule ${r.id} skipped: ${r.construct}`)));
    for (const r of rules) precompile(r);
    out.push(...rules);
  }
  return out;
}

function yamlMeta(r: YamlRule): RuleMeta {
  const title = r.message.replace(/\$[A-Z_]+/g, '…').slice(0, 80);
  return toRuleMeta('sast', [rule(r.id, title, r.severity, r.help, { cwe: r.cwe, confidence: r.confidence, tags: ['security', ...r.languages] })])[0]!;
}

/** Every built-in JS/TS rule's metadata. */
export function jsRuleMetas(): RuleMeta[] {
  const js = ['javascript', 'typescript'];
  return toRuleMeta('sast', [
    ...Object.values(TAINT_RULES).map((r) => rule(r.ruleId, r.title, r.severity, r.help, { cwe: r.cwe, confidence: r.confidence, tags: ['security', 'taint', ...js] })),
    ...AST_RULES.map((r) => rule(r.id, r.title, r.severity, r.help, { cwe: r.cwe, confidence: r.confidence, tags: ['security', ...js] })),
    rule(TEMPLATE_RULE.id, TEMPLATE_RULE.title, TEMPLATE_RULE.severity, TEMPLATE_RULE.help, { cwe: TEMPLATE_RULE.cwe, confidence: TEMPLATE_RULE.confidence, tags: ['security', 'templates'] }),
  ]);
}

/**
 * Metadata of user rule files for `rules()` (which has no target root: relative paths are read from the working
 * folder; files that cannot be read or parsed here are left out, the scan itself reports them).
 */
export function userRuleMetas(paths: string[]): RuleMeta[] {
  const out: RuleMeta[] = [];
  for (const p of paths) {
    try {
      out.push(...parseRuleFile(readFileSync(p, 'utf8'), p, () => undefined).map(yamlMeta));
    } catch {
      // reported by the scan, with file and line
    }
  }
  return out;
}

/** Metadata of the built-in Python/Go/Java pack rules (parsed without loading grammars). */
export function packRuleMetas(): RuleMeta[] {
  return BUILTIN_PACKS.flatMap((p) => parseRuleFile(p.yaml, `builtin:${p.name}`)).map(yamlMeta);
}

/** The SAST scanner: inter-file taint tracking and structural rules for JS/TS, pattern rules for Python/Go/Java. */
export const sastScanner: Scanner<SastConfig> = {
  id: 'sast',
  title: 'Static analysis: inter-file taint tracking for JS/TS, pattern rules for Python, Go, Java',
  requires: ['files'],
  targets: ['directory', 'archive', 'stdin', 'file', 'staged'],
  rules(config) {
    const disabled = new Set(config?.disable ?? []);
    return [...jsRuleMetas(), ...packRuleMetas(), ...userRuleMetas(config?.rules ?? [])].filter((r) => !disabled.has(r.id));
  },
  scan(target, ctx) {
    return scanSast(target, ctx);
  },
};

interface OtherFile {
  path: string;
  lang: TsLang;
  text: string;
}

/** Relative import specifiers of a JS/TS file, found without parsing (for grouping files before analysis). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  // every relative string literal after from / require( / import( / import: cheap and over-inclusive, which is safe
  for (const m of text.matchAll(/(?:from|require\(|import\(?)\s*['"](\.{1,2}(?:\/[^'"\n]*)?)['"]/g)) out.push(m[1]!);
  return out;
}

/**
 * Groups JS/TS files into sets connected by relative imports (union-find). Each group is parsed and analysed on
 * its own and then dropped, so memory is bounded by the largest connected group rather than the whole tree.
 */
function importGroups(files: { path: string; text: string }[]): number[][] {
  const index = new Map(files.map((f, i) => [f.path, i]));
  const parent = files.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  files.forEach((f, i) => {
    for (const spec of relativeImports(f.text)) {
      const target = resolveModule(f.path, spec, (c) => index.has(c));
      if (target !== undefined) {
        const a = find(i);
        const b = find(index.get(target)!);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, number[]>();
  files.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()];
}

async function* scanSast(target: Target, ctx: ScanContext<SastConfig>): AsyncIterable<RawFinding> {
  const cfg = ctx.config;
  const disabled = new Set(cfg.disable);
  const userRules = await loadUserRules(cfg.rules, target.root, (m) => ctx.log.warn(m));
  const jsFiles: { path: string; text: string }[] = [];
  const others: OtherFile[] = [];
  for await (const file of targetFiles(target, { path: (p) => SAST_FILES.test(p) })) {
    if (ctx.signal.aborted) return;
    const lang = langOf(file.path);
    if (!lang) continue;
    let text: string;
    try {
      text = await file.text();
    } catch (e) {
      ctx.fileError(file.path, `cannot read: ${(e as Error).message}`);
      continue;
    }
    const why = skipReason(file.path, text, cfg);
    if (why) {
      ctx.count('filesSkipped');
      ctx.log.debug(`sast: skipped ${file.path}: ${why}`);
      continue;
    }
    ctx.count('files');
    ctx.count('bytes', text.length);
    if (lang === 'template') {
      if (!disabled.has(TEMPLATE_RULE.id)) yield* templateHits(file.path, text).map((h): RawFinding => ({
        scanner: 'sast', ruleId: TEMPLATE_RULE.id, severity: TEMPLATE_RULE.severity, confidence: TEMPLATE_RULE.confidence, cwe: TEMPLATE_RULE.cwe,
        message: `The template writes \`${h.expr}\` without HTML escaping.`, location: h.loc, identity: `${TEMPLATE_RULE.id}|${h.expr}`,
      }));
    } else if (lang === 'js') jsFiles.push({ path: file.path, text });
    else others.push({ path: file.path, lang, text });
  }
  const rules = [...(others.length ? await builtinRules() : []), ...userRules].filter((r) => !disabled.has(r.id));
  const yamlById = new Map(rules.map((r) => [r.id, r]));
  const astRules = AST_RULES.filter((r) => !disabled.has(r.id));
  const jsSearch = rules.some((r) => r.mode === 'search' && (r.languages.includes('js') || r.languages.includes('generic')));

  // JS/TS, one import-connected group at a time: taint (built-in classes and YAML taint rules), structural rules, search rules
  for (const group of importGroups(jsFiles)) {
    if (ctx.signal.aborted) return;
    const units: SourceUnit[] = [];
    for (const i of group) {
      const f = jsFiles[i]!;
      let r: ReturnType<typeof parseSource>;
      try {
        r = parseSource(f.path, f.text);
      } catch (e) {
        ctx.fileError(f.path, `parse error: ${(e as Error).message}`);
        continue;
      }
      if (r.error) ctx.fileError(f.path, r.error);
      else units.push({ path: f.path, sf: r.sf });
    }
    const findings: RawFinding[] = [];
    const trees = new Map<string, GNode>();
    const treeOf = (u: SourceUnit): GNode => {
      let t = trees.get(u.path);
      if (!t) trees.set(u.path, (t = jsTree(u.sf)));
      return t;
    };
    let hits: TaintHit[] = [];
    try {
      const hooks = taintHooks(rules, units.map((u) => ({ sf: u.sf, tree: () => treeOf(u) })));
      const analyser = new Analyser(units, { models: models(), libraryMode: cfg.libraryMode, envIsInput: cfg.envIsInput, signal: ctx.signal, ...(hooks ? { hooks } : {}) });
      analyser.run();
      hits = analyser.hits;
    } catch (e) {
      // a pathological file (nesting deep enough to exhaust the stack) must not stop the scan
      const others = units.length > 1 ? ` and the ${units.length - 1} files connected to it by imports` : '';
      ctx.fileError(units[0]?.path ?? '?', `taint analysis of this file${others} stopped: ${(e as Error).message}`);
    }
    for (const h of hits) {
      if (disabled.has(h.ruleId)) continue;
      const custom = yamlById.get(h.ruleId);
      const meta = TAINT_RULES[h.cls];
      const base = custom
        ? { severity: custom.severity, confidence: custom.confidence, cwe: custom.cwe, message: `${custom.message} (from ${h.sourceLabel})` }
        : {
            // Command-line arguments are input, but they come from whoever runs the program: a CLI that opens the
            // file it is given is by design. Reported, at low severity and confidence, so they do not fail a gate.
            severity: h.sourceLabel.startsWith('process.argv') ? ('low' as const) : meta.severity,
            confidence: h.sourceLabel.startsWith('process.argv') ? ('low' as const) : meta.confidence,
            cwe: meta.cwe,
            message: meta.message.replace('{source}', h.sourceLabel).replace('{sink}', h.sinkName),
          };
      findings.push({
        scanner: 'sast', ruleId: h.ruleId, ...base, location: h.loc, identity: h.identity, flow: h.flow, tags: ['taint'],
        data: { source: h.sourceLabel, sink: h.sinkName, steps: h.flow.length },
      });
    }
    for (const u of units) {
      let astHits: ReturnType<typeof runAstRules> = [];
      try {
        astHits = runAstRules(u.sf, astRules);
        if (jsSearch) findings.push(...runSearchRules(rules, u.path, 'js', treeOf(u), u.sf.text).map(patternFinding));
      } catch (e) {
        ctx.fileError(u.path, `rules stopped on this file: ${(e as Error).message}`);
      }
      for (const h of astHits) {
        const r = AST_RULES.find((x) => x.id === h.ruleId)!;
        const loc = nodeLocation(u.sf, u.path, h.node);
        const snippet = (u.sf.text.split('\n', loc.startLine ?? 1)[(loc.startLine ?? 1) - 1] ?? '').trim().slice(0, 300);
        findings.push({
          scanner: 'sast', ruleId: r.id, severity: r.severity, confidence: r.confidence, message: h.message, cwe: r.cwe,
          location: { ...loc, snippet },
          identity: `${r.id}|${h.node.getText(u.sf).replace(/\s+/g, ' ').slice(0, 240)}|${enclosingName(h.node)}`,
        });
      }
    }
    ctx.count('importGroups');
    yield* findings;
  }

  // Python, Go, Java: pattern rules on tree-sitter
  for (const o of others) {
    if (ctx.signal.aborted) return;
    let out: RawFinding[];
    try {
      const r = parseWith(o.lang, o.text);
      if (r.errorLine !== undefined) {
        ctx.fileError(o.path, `line ${r.errorLine}: parse error (${o.lang})`);
        continue;
      }
      out = runSearchRules(rules, o.path, o.lang, r.root, o.text).map(patternFinding);
    } catch (e) {
      ctx.fileError(o.path, `rules stopped on this file: ${(e as Error).message}`);
      continue;
    }
    yield* out;
  }
}

function patternFinding(h: PatternHit): RawFinding {
  return {
    scanner: 'sast', ruleId: h.rule.id, severity: h.rule.severity, confidence: h.rule.confidence, message: h.message, cwe: h.rule.cwe,
    location: h.location, identity: `${h.rule.id}|${h.text}`, tags: ['pattern'],
  };
}

function enclosingName(n: TS.Node): string {
  for (let p = n.parent; p; p = p.parent) {
    const name = (p as { name?: { getText(): string } }).name;
    if (name && 'body' in p) return name.getText();
  }
  return '<module>';
}
