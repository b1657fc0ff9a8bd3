/**
 * The threat rule set of a run: the built-in rules, plus rules and extra mitigations from the user's rule files,
 * minus disabled rules. Conditions are parsed once and tried on a sample model, so a typo in a field name is an
 * error naming the rule's file and line before any model is read.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { lineOf, locate } from '../../config/load.js';
import { InputError } from '../../core/errors.js';
import { issueMessage } from '../../core/issues.js';
import { compileCondition, type Condition } from '../../core/cel.js';
import { buildBindings } from '../context.js';
import { parseModel } from '../load.js';
import { BUILTIN_THREAT_RULES } from './builtin.js';
import { PRIVACY_THREAT_RULES } from './privacy.js';
import { ruleFileSchema, threatRuleSchema, type MitigationSpec, type ThreatRuleInput, type ThreatRuleSpec } from './schema.js';

/** Where a rule or mitigation was written. */
export interface Source {
  file: string;
  line?: number;
}

/** A mitigation with its compiled `when`. */
export interface Mitigation extends MitigationSpec {
  whenFn?: Condition;
  source: Source;
}

/** A rule ready to run. */
export interface ThreatRule extends Omit<ThreatRuleSpec, 'mitigations'> {
  conditionFn: Condition;
  mitigations: Mitigation[];
  source: Source;
  builtin: boolean;
}

/** Largest rule file read (bytes). */
const MAX_RULE_FILE = 4 * 1024 * 1024;

/** The built-in rules' source, for messages. */
export const BUILTIN_SOURCE = 'built-in threat rules';

/** What loading rules needs besides the files. */
export interface RuleSetOptions {
  /** User rule files: absolute path and the name shown in messages. */
  files?: { path: string; shown: string }[];
  /** Rule ids not to run. */
  disable?: string[];
  /** Run the LINDDUN privacy rules too (their ids are known either way, for acceptances). */
  privacy?: boolean;
}

/** A loaded rule set: the rules that run, and every rule id known (disabled ones too). */
export interface RuleSet {
  rules: ThreatRule[];
  known: Set<string>;
}

/** Loads the rule set; throws InputError (file, line) for bad rule files, unknown ids and conditions that fail. */
export function loadRuleSet(o: RuleSetOptions = {}): RuleSet {
  const builtin = (inputs: readonly ThreatRuleInput[]) =>
    inputs.map((input, i) => compileRule(threatRuleSchema.parse(input), { file: BUILTIN_SOURCE, line: i + 1 }, [], true));
  const rules: ThreatRule[] = builtin(BUILTIN_THREAT_RULES);
  const privacy = builtin(PRIVACY_THREAT_RULES);
  if (o.privacy) rules.push(...privacy);
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const f of o.files ?? []) {
    const { doc, lc, data } = readYaml(f.path, f.shown);
    const at = (path: (string | number)[]) => lineOf(doc, lc, path);
    data.rules.forEach((spec, i) => {
      const src = { file: f.shown, line: at(['rules', i]) ?? 1 };
      if (byId.has(spec.id)) {
        const prev = byId.get(spec.id)!;
        throw new InputError(`rules[${i}].id: rule ${spec.id} is already defined (${prev.source.file}${prev.source.line ? `:${prev.source.line}` : ''})`, f.shown, at(['rules', i, 'id']));
      }
      const r = compileRule(spec, src, ['rules', i], false, at);
      rules.push(r);
      byId.set(r.id, r);
    });
    data.mitigations.forEach((m, i) => {
      const r = byId.get(m.threat);
      if (!r) throw new InputError(`mitigations[${i}].threat: unknown threat rule ${m.threat}`, f.shown, at(['mitigations', i, 'threat']));
      m.checks.forEach((c, j) => r.mitigations.push(compileMitigation(c, { file: f.shown, line: at(['mitigations', i, 'checks', j]) ?? 1 }, ['mitigations', i, 'checks', j], at)));
    });
  }
  const disabled = new Set(o.disable ?? []);
  const known = new Set([...byId.keys(), ...privacy.map((r) => r.id)]);
  for (const id of disabled) if (!known.has(id)) throw new InputError(`threatModel.disable: unknown threat rule ${id}`);
  return { rules: rules.filter((r) => !disabled.has(r.id)), known };
}

function readYaml(path: string, shown: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read threat rule file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, shown);
  }
  if (text.length > MAX_RULE_FILE) throw new InputError(`threat rule file is larger than ${MAX_RULE_FILE} bytes`, shown);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) throw new InputError(`invalid YAML: ${err.message.split('\n')[0]}`, shown, err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line);
  const data: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  const parsed = ruleFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const { line, key } = locate(doc, lc, issue);
    throw new InputError(`${key ? `${key}: ` : ''}${issueMessage(issue, data)}`, shown, line);
  }
  return { doc, lc, data: parsed.data };
}

type At = (path: (string | number)[]) => number | undefined;

function compileRule(spec: ThreatRuleSpec, source: Source, path: (string | number)[], builtin: boolean, at?: At): ThreatRule {
  const condPath = [...path, 'condition'];
  let conditionFn: Condition;
  try {
    conditionFn = compileCondition(spec.condition);
  } catch (e) {
    throw new InputError(`${path.length ? `${keyOf(condPath)}: ` : `rule ${spec.id}: `}${(e as Error).message}`, source.file, at?.(condPath) ?? source.line);
  }
  for (const kind of spec.appliesTo) {
    const r = conditionFn(sampleBindings(kind));
    if (typeof r !== 'boolean') {
      throw new InputError(`${path.length ? `${keyOf(condPath)}: ` : `rule ${spec.id}: `}the condition fails on a ${kind}: ${r.error}`, source.file, at?.(condPath) ?? source.line);
    }
  }
  const { mitigations, ...rest } = spec;
  return {
    ...rest,
    conditionFn,
    mitigations: mitigations.map((m, i) => compileMitigation(m, { file: source.file, ...(at ? { line: at([...path, 'mitigations', i]) ?? source.line! } : source.line ? { line: source.line } : {}) }, [...path, 'mitigations', i], at)),
    source,
    builtin,
  };
}

function compileMitigation(m: MitigationSpec, source: Source, path: (string | number)[], at?: At): Mitigation {
  if (m.when === undefined) return { ...m, source };
  let whenFn: Condition;
  try {
    whenFn = compileCondition(m.when);
  } catch (e) {
    throw new InputError(`${keyOf([...path, 'when'])}: ${(e as Error).message}`, source.file, at?.([...path, 'when']) ?? source.line);
  }
  return { ...m, whenFn, source };
}

function keyOf(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

let SAMPLE: Map<string, Record<string, unknown>> | undefined;

/** Bindings of a small model with one of everything, to try conditions on. */
function sampleBindings(kind: string): Record<string, unknown> {
  if (!SAMPLE) {
    const model = parseModel(
      `boundaries: { net: { trust: untrusted }, app: {} }
assets: { a: { classification: confidential, credentials: true } }
elements:
  user: { kind: external, boundary: net }
  web: { kind: process, boundary: app, stores: [a] }
  db: { kind: datastore, boundary: app }
flows:
  - { from: user, to: web, data: [a] }
  - { from: web, to: db }
`,
      'sample',
    );
    const b = buildBindings(model);
    SAMPLE = new Map([
      ['external', { element: b.elements.get('user')! }],
      ['process', { element: b.elements.get('web')! }],
      ['datastore', { element: b.elements.get('db')! }],
      ['flow', { flow: b.flows.get('user->web')! }],
    ]);
  }
  return SAMPLE.get(kind)!;
}
