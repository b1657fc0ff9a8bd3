import type * as TS from 'typescript';
import { lastAtOrBefore, lineStarts } from '../../../core/lines.js';
import type { FileLocation as Location } from '../../../core/types.js';
import type { TaintHooks } from '../js/base.js';
import { TreeIndex, type GNode } from './gnode.js';
import { evalFormula, type EvalFile } from './match.js';
import { appliesTo, interpolate, type RuleLang, type YamlRule } from './rules.js';
import { fromTs } from './ts-adapter.js';

/** A pattern-rule match turned into a reportable hit. */
export interface PatternHit {
  rule: YamlRule;
  message: string;
  location: Location;
  /** Normalised matched text, for the finding identity. */
  text: string;
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
      out.push({
        rule: r, message: interpolate(r.message, m.env), text: text.slice(m.startIndex, m.endIndex).replace(/\s+/g, ' ').slice(0, 240),
        location: { path, startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: e.col, snippet },
      });
    }
  }
  return out;
}

/** The matcher tree of a parsed JS/TS file. */
export function jsTree(sf: TS.SourceFile): GNode {
  return fromTs(sf, sf);
}

interface FileRanges {
  sources: Map<string, string>;
  sinkCalls: Map<string, string[]>;
  sinkArgs: Map<string, string[]>;
  sanitizers: Set<string>;
}

/**
 * Builds the taint interpreter's hooks from `mode: taint` rules: sources, sinks and sanitizers are matched on
 * each file up front; the interpreter then asks by node range. A sink is a call (any tainted argument reports) or,
 * with `focus-metavariable`, one argument of a call.
 */
export function taintHooks(rules: YamlRule[], files: { sf: TS.SourceFile; tree: () => GNode }[]): TaintHooks | undefined {
  const taint = rules.filter((r) => r.mode === 'taint' && r.languages.includes('js'));
  if (!taint.length) return undefined;
  const byFile = new Map<string, FileRanges>();
  for (const f of files) {
    const idx = new TreeIndex(f.tree());
    const file: EvalFile = { lang: 'js', idx, text: f.sf.text };
    const fr: FileRanges = { sources: new Map(), sinkCalls: new Map(), sinkArgs: new Map(), sanitizers: new Set() };
    for (const r of taint) {
      if (!appliesTo(r, f.sf.fileName)) continue;
      for (const s of r.sources) for (const m of evalFormula(s, file)) fr.sources.set(`${m.startIndex}:${m.endIndex}`, r.id);
      for (const s of r.sinks) {
        for (const m of evalFormula(s, file)) {
          const k = `${m.startIndex}:${m.endIndex}`;
          const call = m.node && (m.node.kind === 'CallExpression' || m.node.kind === 'NewExpression');
          const map = call ? fr.sinkCalls : fr.sinkArgs;
          map.set(k, [...(map.get(k) ?? []), r.id]);
        }
      }
      for (const s of r.sanitizers) for (const m of evalFormula(s, file)) fr.sanitizers.add(`${m.startIndex}:${m.endIndex}`);
    }
    if (fr.sources.size || fr.sinkCalls.size || fr.sinkArgs.size || fr.sanitizers.size) byFile.set(f.sf.fileName, fr);
  }
  const key = (n: TS.Node, sf: TS.SourceFile) => `${n.getStart(sf)}:${n.getEnd()}`;
  return {
    source(node, sf) {
      const fr = byFile.get(sf.fileName);
      if (!fr || fr.sources.size === 0) return undefined;
      const id = fr.sources.get(key(node, sf));
      return id ? { ruleId: id, label: node.getText(sf).replace(/\s+/g, ' ').slice(0, 60) } : undefined;
    },
    sink(node, sf) {
      const fr = byFile.get(sf.fileName);
      if (!fr) return [];
      const out: { ruleId: string; args: number[] | '*' }[] = [];
      for (const id of fr.sinkCalls.get(key(node, sf)) ?? []) out.push({ ruleId: id, args: '*' });
      if (fr.sinkArgs.size) {
        (node.arguments ?? []).forEach((a, i) => {
          for (const id of fr.sinkArgs.get(key(a, sf)) ?? []) out.push({ ruleId: id, args: [i] });
        });
      }
      return out;
    },
    sanitizer(node, sf) {
      const fr = byFile.get(sf.fileName);
      return !!fr && fr.sanitizers.has(key(node, sf));
    },
  };
}
