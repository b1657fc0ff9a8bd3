import type * as TS from 'typescript';
import { lastAtOrBefore, lineStarts } from '../../../core/lines.js';
import type { FileLocation as Location } from '../../../core/types.js';
import type { HookSource, TaintHooks } from '../js/base.js';
import { TreeIndex, type Env, type GNode } from './gnode.js';
import { evalFormula, type EvalFile } from './match.js';
import { appliesTo, interpolate, labelsSatisfy, type LabelExpr, type RuleFix, type RuleLang, type YamlRule } from './rules.js';
import { fromTs } from './ts-adapter.js';
import { loadTypeScript } from '../js/ts-load.js';

/** A pattern-rule match turned into a reportable hit. */
export interface PatternHit {
  rule: YamlRule;
  message: string;
  location: Location;
  /** Normalised matched text, for the finding identity. */
  text: string;
  /** The rule's `fix:`/`fix-regex:` made concrete: replace `[start, end)` of the file with `text`. */
  fix?: { start: number; end: number; text: string; startLine: number; startColumn: number; endLine: number; endColumn: number };
}

/**
 * The fix of a `mode: taint` rule for a finding at a position (1-based line and column): the rule's `fix:` applied
 * to the smallest of its sink matches holding that position, as Semgrep applies a taint rule's fix to the sink.
 */
export type FixAt = (path: string, ruleId: string, line: number, column: number) => (NonNullable<PatternHit['fix']> & { matched: string }) | undefined;

/** The text a rule's fix puts in place of a match, or undefined when it changes nothing. */
export function fixText(fix: RuleFix, matched: string, env: Env, source?: string): string | undefined {
  let out: string;
  if (fix.kind === 'template') {
    // `$X` and `$...X` take the text they matched (a `$...X` span as written in the file, separators included)
    out = fix.text.replace(/\$(?:\.\.\.)?([A-Z_][A-Z0-9_]*)/g, (m, n: string) => {
      const b = env['$' + n];
      if (!b) return m;
      return b.kind === '__span' && source !== undefined && b.children.length ? source.slice(b.startIndex, b.endIndex) : b.text;
    });
  } else {
    let n = 0;
    let last = 0;
    out = '';
    fix.re.lastIndex = 0;
    for (const m of matched.matchAll(fix.re)) {
      if (fix.count !== undefined && n >= fix.count) break;
      // Python-style groups (`\1`, `\g<1>`) and JavaScript-style (`$1`) in the replacement
      const rep = fix.replacement.replace(/\\g<(\d+)>|\\(\d+)|\$(\d+)/g, (_x, a?: string, b?: string, c?: string) => m[Number(a ?? b ?? c)] ?? '');
      out += matched.slice(last, m.index) + rep;
      last = m.index + m[0].length;
      n++;
      if (m[0].length === 0) break;
    }
    out += matched.slice(last);
  }
  return out === matched ? undefined : out;
}

function pos(starts: number[], idx: number): { line: number; col: number } {
  const i = lastAtOrBefore(starts, idx);
  return { line: i + 1, col: idx - starts[i]! + 1 };
}

/** Runs search-mode rules on one file's tree (or on its text for `generic`). */
export function runSearchRules(rules: YamlRule[], path: string, lang: RuleLang, root: GNode | undefined, text: string): PatternHit[] {
  const mine = rules.filter((r) => r.mode === 'search' && (r.languages.includes(lang) || r.languages.includes('generic')) && appliesTo(r, path));
  if (!mine.length) return [];
  const idx = root ? new TreeIndex(root) : undefined;
  const starts = lineStarts(text);
  const out: PatternHit[] = [];
  for (const r of mine) {
    const file: EvalFile = { lang: r.languages.includes(lang) ? lang : 'generic', idx, text };
    const seen = new Set<string>();
    for (const m of evalFormula(r.formula!, file)) {
      const key = `${m.startIndex}:${m.endIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const s = pos(starts, m.startIndex);
      const e = pos(starts, m.endIndex);
      const snippet = text.slice(starts[s.line - 1]!, (starts[s.line] ?? text.length + 1) - 1).trim().slice(0, 300);
      const hit: PatternHit = {
        rule: r, message: interpolate(r.message, m.env), text: text.slice(m.startIndex, m.endIndex).replace(/\s+/g, ' ').slice(0, 240),
        location: { path, startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: e.col, snippet },
      };
      const ft = r.fix && fixText(r.fix, text.slice(m.startIndex, m.endIndex), m.env, text);
      if (ft !== undefined) hit.fix = { start: m.startIndex, end: m.endIndex, text: ft, startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: e.col };
      out.push(hit);
    }
  }
  return out;
}

/** The matcher tree of a parsed JS/TS file. */
export function jsTree(sf: TS.SourceFile): GNode {
  return fromTs(sf, sf);
}

interface SinkHit {
  ruleId: string;
  requires?: (labels: ReadonlySet<string>) => boolean;
}

interface FileRanges {
  sources: Map<string, HookSource[]>;
  sinkCalls: Map<string, SinkHit[]>;
  sinkArgs: Map<string, SinkHit[]>;
  /** Sinks matched on an expression that is neither a call nor an argument (`el.innerHTML = $X` focused on `$X`). */
  sinkExprs: Map<string, SinkHit[]>;
  /** Sanitizers: ranges and the rules they sanitise for. */
  sanitizers: Map<string, Set<string>>;
  /** By-side-effect sanitizers: ranges of the variables (or calls) they clean, and for which rules. */
  sideEffects: Map<string, Set<string>>;
  /** Sources by side effect: ranges of the variables (or calls) they taint. */
  sourceEffects: Map<string, HookSource[]>;
  /** Propagators by call range: the `from` range and the `to` variable. */
  propagators: Map<string, { from: string; to: string }[]>;
}

/**
 * When `[start, end)` is the name of a parameter or of a variable declaration, the ranges of the reads of that
 * variable after it in its function (nested functions that declare the same name are left out); else nothing.
 */
function readsOfDeclared(sf: TS.SourceFile, start: number, end: number): string[] {
  const ts = loadTypeScript();
  let decl: TS.Identifier | undefined;
  const find = (n: TS.Node): void => {
    if (decl || n.getEnd() < start || n.getStart(sf) > end) return;
    if (ts.isIdentifier(n) && n.getStart(sf) === start && n.getEnd() === end) decl = n;
    else n.forEachChild(find);
  };
  find(sf);
  // a parameter, a declared variable, or a name destructured in either (`({ body }: Request) => ...`)
  if (!decl || !((ts.isParameter(decl.parent) || ts.isVariableDeclaration(decl.parent) || ts.isBindingElement(decl.parent)) && decl.parent.name === decl)) return [];
  const name = decl.text;
  let scope: TS.Node = decl.parent;
  while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  if (ts.isVariableDeclaration(decl.parent)) {
    // a `var`/`let`/`const` belongs to the function (or file) around it, not to a parameter list
    scope = decl.parent;
    while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  }
  const declares = (fn: TS.Node): boolean => {
    let found = false;
    const look = (n: TS.Node): void => {
      if (found || (n !== fn && ts.isFunctionLike(n))) return;
      if ((ts.isParameter(n) || ts.isVariableDeclaration(n) || ts.isBindingElement(n)) && ts.isIdentifier(n.name) && n.name.text === name) found = true;
      else n.forEachChild(look);
    };
    fn.forEachChild(look);
    return found;
  };
  const out: string[] = [];
  const visit = (n: TS.Node): void => {
    if (n !== scope && ts.isFunctionLike(n) && declares(n)) return;
    if (ts.isIdentifier(n) && n !== decl && n.text === name && n.getStart(sf) > end) {
      const p = n.parent;
      const isName = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || ((ts.isParameter(p) || ts.isVariableDeclaration(p)) && p.name === n) || (ts.isBindingElement(p) && (p.name === n || p.propertyName === n));
      if (!isName) out.push(`${n.getStart(sf)}:${n.getEnd()}`);
    }
    n.forEachChild(visit);
  };
  visit(scope);
  return out;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/**
 * Builds the taint interpreter's hooks from `mode: taint` rules: sources, sinks, sanitizers and propagators are
 * matched on each file up front; the interpreter then asks by node range. A sink is a call (any tainted argument
 * reports), an argument of a call (`focus-metavariable`), or any other expression whose value reaches it. Taint
 * labels: a source's `label` tags its taint, `requires` on a source or a sink names the labels the value must carry.
 */
export function taintHooks(rules: YamlRule[], files: { sf: TS.SourceFile; tree: () => GNode }[]): (TaintHooks & { fixAt: FixAt }) | undefined {
  const taint = rules.filter((r) => r.mode === 'taint' && r.languages.includes('js'));
  if (!taint.length) return undefined;
  const byFile = new Map<string, FileRanges>();
  /** Sink matches of rules with a `fix:`, by file: where a finding's fix applies. */
  const fixSinks = new Map<string, { rule: YamlRule; start: number; end: number; env: Env }[]>();
  const req = (e: LabelExpr | undefined) => (e ? (labels: ReadonlySet<string>) => labelsSatisfy(e, labels) : undefined);
  for (const f of files) {
    const idx = new TreeIndex(f.tree());
    const file: EvalFile = { lang: 'js', idx, text: f.sf.text };
    const fr: FileRanges = { sources: new Map(), sinkCalls: new Map(), sinkArgs: new Map(), sinkExprs: new Map(), sanitizers: new Map(), sideEffects: new Map(), sourceEffects: new Map(), propagators: new Map() };
    let any = false;
    for (const r of taint) {
      if (!appliesTo(r, f.sf.fileName)) continue;
      for (const s of r.sources) {
        for (const m of evalFormula(s.f, file)) {
          any = true;
          const text = f.sf.text.slice(m.startIndex, m.endIndex).replace(/\s+/g, ' ').slice(0, 60);
          const h: HookSource = { ruleId: r.id, label: text };
          if (s.label) h.tlabel = s.label;
          const rq = req(s.requires);
          if (rq) h.requires = rq;
          push(s.bySideEffect ? fr.sourceEffects : fr.sources, `${m.startIndex}:${m.endIndex}`, h);
          // a source on a declared name (a parameter, `const x = ...`): the variable is tainted, so are its reads
          if (m.node?.kind === 'Identifier' && !s.bySideEffect) for (const k of readsOfDeclared(f.sf, m.startIndex, m.endIndex)) push(fr.sources, k, h);
        }
      }
      for (const s of r.sinks) {
        const rq = req(s.requires);
        for (const m of evalFormula(s.f, file)) {
          any = true;
          if (r.fix) push(fixSinks, f.sf.fileName, { rule: r, start: m.startIndex, end: m.endIndex, env: m.env });
          const k = `${m.startIndex}:${m.endIndex}`;
          // `exact: true`: the call's own value is the sink, not its arguments
          const call = !s.exact && m.node && (m.node.kind === 'CallExpression' || m.node.kind === 'NewExpression');
          const hit: SinkHit = rq ? { ruleId: r.id, requires: rq } : { ruleId: r.id };
          push(call ? fr.sinkCalls : fr.sinkArgs, k, hit);
          if (!call) push(fr.sinkExprs, k, hit);
        }
      }
      for (const s of r.sanitizers) {
        for (const m of evalFormula(s.f, file)) {
          any = true;
          const map = s.bySideEffect ? fr.sideEffects : fr.sanitizers;
          const k = `${m.startIndex}:${m.endIndex}`;
          const set = map.get(k);
          if (set) set.add(r.id);
          else map.set(k, new Set([r.id]));
        }
      }
      for (const p of r.propagators) {
        for (const m of evalFormula(p.f, file)) {
          const from = m.env[p.from];
          const to = m.env[p.to];
          if (!from || !to || to.kind !== 'Identifier') continue;
          any = true;
          push(fr.propagators, `${m.startIndex}:${m.endIndex}`, { from: `${from.startIndex}:${from.endIndex}`, to: to.text });
        }
      }
    }
    if (any) byFile.set(f.sf.fileName, fr);
  }
  const key = (n: TS.Node, sf: TS.SourceFile) => `${n.getStart(sf)}:${n.getEnd()}`;
  /** The node below `root` with exactly this range (the `from` of a propagator). */
  const nodeAt = (root: TS.Node, k: string, sf: TS.SourceFile): TS.Expression | undefined => {
    let found: TS.Node | undefined;
    const visit = (n: TS.Node): void => {
      if (found) return;
      if (key(n, sf) === k) found = n;
      else n.forEachChild(visit);
    };
    visit(root);
    return found as TS.Expression | undefined;
  };
  const texts = new Map(files.map((f) => [f.sf.fileName, f.sf]));
  const fixAt: FixAt = (path, ruleId, line, column) => {
    const sf = texts.get(path);
    if (!sf) return undefined;
    const at = sf.getPositionOfLineAndCharacter(line - 1, column - 1);
    // the smallest sink match of the rule that holds the finding's position
    let best: { rule: YamlRule; start: number; end: number; env: Env } | undefined;
    for (const m of fixSinks.get(path) ?? []) {
      if (m.rule.id === ruleId && m.start <= at && at < m.end && (!best || m.end - m.start < best.end - best.start)) best = m;
    }
    if (!best) return undefined;
    const text = fixText(best.rule.fix!, sf.text.slice(best.start, best.end), best.env, sf.text);
    if (text === undefined) return undefined;
    const s = sf.getLineAndCharacterOfPosition(best.start);
    const e = sf.getLineAndCharacterOfPosition(best.end);
    return { matched: sf.text.slice(best.start, best.end), start: best.start, end: best.end, text, startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  };
  return {
    fixAt,
    source(node, sf) {
      const fr = byFile.get(sf.fileName);
      if (!fr || fr.sources.size === 0) return undefined;
      const k = key(node, sf);
      // an expression that is both a source and a sanitizer of a rule is a sanitizer (Semgrep's precedence)
      const clean = fr.sanitizers.get(k);
      let out = clean ? fr.sources.get(k)?.filter((h) => !clean.has(h.ruleId)) : fr.sources.get(k);
      // `req.query.next` when a source is `req.query`: the interpreter reads member chains as one access path
      const ts = loadTypeScript();
      for (let n: TS.Expression = node; ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isNonNullExpression(n);) {
        n = n.expression;
        for (const h of fr.sources.get(key(n, sf)) ?? []) if (!out?.some((o) => o.ruleId === h.ruleId)) out = [...(out ?? []), h];
      }
      return out;
    },
    sink(node, sf) {
      const fr = byFile.get(sf.fileName);
      if (!fr) return [];
      const out: { ruleId: string; args: number[] | '*'; requires?: (labels: ReadonlySet<string>) => boolean }[] = [];
      const k = key(node, sf);
      // a sanitizer call that is also a sink's focus (`el.innerHTML = DOMPurify.sanitize(x)`) returns clean data
      for (const h of fr.sinkCalls.get(k) ?? []) if (!fr.sanitizers.get(k)?.has(h.ruleId)) out.push({ ...h, args: '*' });
      if (fr.sinkArgs.size) {
        (node.arguments ?? []).forEach((a, i) => {
          for (const h of fr.sinkArgs.get(key(a, sf)) ?? []) out.push({ ...h, args: [i] });
        });
      }
      return out;
    },
    sinkExpr(node, sf) {
      const fr = byFile.get(sf.fileName);
      if (!fr || fr.sinkExprs.size === 0) return undefined;
      return fr.sinkExprs.get(key(node, sf));
    },
    sanitizer(node, sf) {
      const fr = byFile.get(sf.fileName);
      return fr?.sanitizers.get(key(node, sf));
    },
    sanitizesVars(node, sf) {
      const fr = byFile.get(sf.fileName);
      if (!fr || fr.sideEffects.size === 0) return [];
      const whole = fr.sideEffects.get(key(node, sf));
      const out: { name: string; rules: ReadonlySet<string> }[] = [];
      const cands = [...(node.arguments ?? [])];
      const callee = node.expression;
      const ts = loadTypeScript();
      if (ts.isPropertyAccessExpression(callee)) cands.push(callee.expression);
      for (const a of cands) {
        const rules = whole ?? fr.sideEffects.get(key(a, sf));
        if (ts.isIdentifier(a) && rules) out.push({ name: a.text, rules });
      }
      return out;
    },
    taintsVars(node, sf) {
      const fr = byFile.get(sf.fileName);
      if (!fr || fr.sourceEffects.size === 0) return [];
      const whole = fr.sourceEffects.get(key(node, sf));
      const ts = loadTypeScript();
      const cands = [...(node.arguments ?? [])];
      if (ts.isPropertyAccessExpression(node.expression)) cands.push(node.expression.expression);
      const out: { name: string; source: HookSource }[] = [];
      for (const a of cands) {
        if (!ts.isIdentifier(a)) continue;
        for (const source of whole ?? fr.sourceEffects.get(key(a, sf)) ?? []) out.push({ name: a.text, source });
      }
      return out;
    },
    propagate(node, sf) {
      const fr = byFile.get(sf.fileName);
      const ps = fr?.propagators.get(key(node, sf));
      if (!ps) return [];
      return ps.flatMap((p) => {
        const from = nodeAt(node, p.from, sf);
        return from ? [{ from, to: p.to }] : [];
      });
    },
  };
}
