/**
 * Audits over every `${{ }}` expression and `if:` condition of a file, and over every `env:` mapping.
 */
import type { Node } from 'yaml';
import { accessPath, findExpressions, parseExpression, walk } from '../expr.js';
import type { Expr, Occurrence } from '../expr.js';
import { pairs, scalarBody, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { PR_TRIGGERS, truthy, scalars, envMaps, isCredentialName, looksLikeLiteralSecret } from './model.js';
import type { Emit } from './model.js';

/** Audits every `${{ }}` and `if:` of the file. */
export function auditExpressions(src: YamlSource, triggers: Map<string, Node | null>, emit: Emit): void {
  const prTriggers = [...triggers.keys()].some((t) => PR_TRIGGERS.has(t));
  scalars(src, (node, key, keyStart) => {
    const [bs, be] = scalarBody(src, node);
    const firstExpr = src.text.indexOf('${{', bs);
    if (key !== 'if' && (firstExpr === -1 || firstExpr >= be)) return;
    const occs: Occurrence[] = findExpressions(src.text, bs, be);
    const exprs: { expr: Expr; occ?: Occurrence }[] = [];
    for (const o of occs) {
      if (o.error) {
        emit({ ruleId: 'gha-expression-syntax', start: o.start, end: o.end, message: `Expression does not parse: ${o.error.message}.`, identity: o.text, ...(keyStart !== undefined ? { anchor: keyStart } : {}) });
      } else if (o.expr) exprs.push({ expr: o.expr, occ: o });
    }
    if (key === 'if') {
      const value = str(node) ?? '';
      if (occs.length > 0) {
        const single = occs.length === 1 && value.startsWith('${{') && value.endsWith('}}');
        if (!single) {
          emit({ ruleId: 'gha-always-true-if', start: node.range![0], end: node.range![1], message: 'This if: mixes ${{ }} with other text (or a trailing newline), so it is a non-empty string and always true.', identity: value.trim(), anchor: keyStart! });
        }
      } else if (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') {
        try {
          // Bare conditions are expressions too.
          const parsed = findBare(src, bs, be);
          if (parsed) exprs.push({ expr: parsed });
        } catch (err) {
          emit({ ruleId: 'gha-expression-syntax', start: bs, end: be, message: `Condition does not parse: ${(err as Error).message}.`, identity: value, anchor: keyStart! });
        }
      }
    }
    for (const { expr, occ } of exprs) {
      for (const tv of unsoundTernaryValues(expr)) {
        emit({ ruleId: 'gha-unsound-ternary', start: tv.start, end: tv.end, message: `In a && b || c, b (${src.text.slice(tv.start, tv.end)}) is falsy, so the expression always yields c; write the branches so the "true" value is truthy, or swap the condition.`, identity: src.text.slice(tv.start, tv.end) + '|' + src.text.slice(expr.start, expr.end), ...(keyStart !== undefined ? { anchor: keyStart } : {}) });
      }
      // A whole `${{ 'a' }}`/`${{ true }}`: the expression is a bare literal, whose value can be written directly.
      if (occ && expr.kind === 'literal') {
        emit({ ruleId: 'gha-obfuscated-expression', start: expr.start, end: expr.end, message: `\${{ ${src.text.slice(expr.start, expr.end)} }} is a literal written as an expression; write its value directly.`, identity: `literal|${src.text.slice(occ.start, occ.end)}`, ...(keyStart !== undefined ? { anchor: keyStart } : {}) });
      }
      for (const c of constantSubexpressions(expr)) {
        emit({ ruleId: 'gha-obfuscated-expression', start: c.start, end: c.end, message: `${src.text.slice(c.start, c.end)} is a constant written as an expression; write its value directly.`, identity: src.text.slice(c.start, c.end), ...(keyStart !== undefined ? { anchor: keyStart } : {}) });
      }
      walk(expr, (n) => {
        const anchor = keyStart !== undefined ? { anchor: keyStart } : {};
        if (n.kind === 'call' && n.name === 'tojson' && n.args.length === 1) {
          const p = accessPath(n.args[0]!);
          if (p && p.length === 1 && p[0] === 'secrets') emit({ ruleId: 'gha-secrets-tojson', start: n.start, end: n.end, message: 'toJSON(secrets) exposes every secret of the repository to this step.', identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'access' && !n.base && n.root === 'secrets' && n.segments[0]?.index !== undefined) {
          emit({ ruleId: 'gha-secrets-tojson', start: n.start, end: n.end, message: `${src.text.slice(n.start, n.end)} picks a secret by a computed name, so the job can read any secret of the repository; reference the secrets it needs by name.`, identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n === expr && n.kind === 'call' && n.name === 'fromjson' && n.args.length === 1) {
          // The whole value parsed from a JSON secret: its parts are not the registered secret, so not masked.
          const p = accessPath(n.args[0]!);
          if (p && p[0] === 'secrets' && p.length === 2) emit({ ruleId: 'gha-unredacted-secret', start: n.start, end: n.end, message: `fromJSON(secrets.${p[1]}) yields values the runner does not mask (only the whole secret text is masked).`, identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'access' && n.base && n.base.kind === 'call' && n.base.name === 'fromjson') {
          const inner = n.base.args[0];
          const p = inner ? accessPath(inner) : undefined;
          if (p && p[0] === 'secrets') emit({ ruleId: 'gha-unredacted-secret', start: n.start, end: n.end, message: `Fields of the JSON secret ${p.slice(1).join('.')} are not masked in logs.`, identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'access' && !n.base && n.segments.some((s) => s.bracket && s.index === undefined && /^[a-z_][a-z0-9_]*$/.test(s.name))) {
          emit({ persona: 'pedantic', ruleId: 'gha-obfuscated-expression', start: n.start, end: n.end, message: `Bracket access with a literal hides the context path; write ${[n.root, ...n.segments.map((s) => s.name)].join('.')}.`, identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'call' && n.name === 'format' && n.args.length > 1 && n.args.every((a) => a.kind === 'literal')) {
          emit({ ruleId: 'gha-obfuscated-expression', start: n.start, end: n.end, message: 'format() with only literal arguments builds a constant; write the value directly.', identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'call' && n.name === 'fromjson' && n.args[0]?.kind === 'literal' && typeof n.args[0].value === 'string' && !/^\s*[[{]/.test(n.args[0].value)) {
          emit({ ruleId: 'gha-obfuscated-expression', start: n.start, end: n.end, message: 'fromJSON() of a scalar literal hides a constant; write the value directly.', identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'call' && n.name === 'contains' && n.args.length === 2) {
          const [hay, needle] = n.args;
          if (hay?.kind === 'literal' && typeof hay.value === 'string' && /[\s,]/.test(hay.value.trim()) && needle?.kind === 'access') {
            emit({ ruleId: 'gha-unsound-contains', start: n.start, end: n.end, message: 'contains() on a string matches any substring; use fromJSON(\'["a","b"]\') as the list.', identity: src.text.slice(n.start, n.end), ...anchor });
          }
        }
        if (key === 'if' && prTriggers && n.kind === 'binary' && (n.op === '==' || n.op === '!=')) {
          for (const [a, b] of [[n.left, n.right], [n.right, n.left]] as const) {
            const p = accessPath(a);
            if (p && p[0] === 'github' && (p[1] === 'actor' || p[1] === 'triggering_actor') && p.length === 2 && b.kind === 'literal' && typeof b.value === 'string' && /\[bot\]$/i.test(b.value)) {
              emit({ ruleId: 'gha-bot-actor-condition', start: n.start, end: n.end, message: `github.${p[1]} == '${b.value}' can be satisfied by an attacker's branch the bot touched; check the pull request author instead.`, identity: src.text.slice(n.start, n.end), ...anchor });
            }
          }
        }
      });
    }
  });
}

/** Parses a bare `if:` condition. */
export function findBare(src: YamlSource, bs: number, be: number): Expr | undefined {
  if (src.text.slice(bs, be).trim() === '') return undefined;
  return parseExpression(src.text, bs, be);
}

/** Audits every env mapping: unsecure commands, debug logging, literal credentials. */
export function auditEnvFlags(src: YamlSource, emit: Emit): void {
  envMaps(src, (env) => {
    for (const [name, ep] of pairs(env)) {
      const v = str(ep.value);
      const vr = (ep.value as Node | null)?.range;
      const start = vr?.[0] ?? ep.key.range![0];
      const end = vr?.[1] ?? ep.key.range![1];
      const anchor = ep.key.range![0];
      if (name === 'ACTIONS_ALLOW_UNSECURE_COMMANDS' && truthy(v)) {
        emit({ ruleId: 'gha-unsecure-commands', start, end, message: 'ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables set-env/add-path log commands.', identity: name, anchor });
      }
      if ((name === 'ACTIONS_STEP_DEBUG' || name === 'ACTIONS_RUNNER_DEBUG') && truthy(v)) {
        emit({ ruleId: 'gha-debug-logging-enabled', start, end, message: `${name} forces debug logging on every run.`, identity: name, anchor });
      }
      if (v && isCredentialName(name) && looksLikeLiteralSecret(v)) {
        emit({ ruleId: 'gha-hardcoded-env-credential', start, end, message: `${name} is set to a literal credential; use a secret.`, identity: name, anchor });
      }
    }
  });
}

/** True when an expression is a constant (literals, and functions of literals). */
function constant(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
      return true;
    case 'call':
      return ['fromjson', 'format', 'tojson', 'join', 'contains', 'startswith', 'endswith'].includes(e.name) && e.args.every(constant);
    case 'unary':
      return constant(e.arg);
    case 'binary':
      return constant(e.left) && constant(e.right);
    default:
      return false;
  }
}

/** True when a constant expression is falsy (`''`, `0`, `false`, `null`, `fromJSON('false')`, `format('')`). */
function constFalsy(e: Expr): boolean {
  if (e.kind === 'literal') return e.value === '' || e.value === 0 || e.value === false || e.value === null;
  if (e.kind === 'call' && e.name === 'fromjson' && e.args.length === 1 && e.args[0]!.kind === 'literal') {
    const v = String(e.args[0]!.value).trim();
    return v === 'false' || v === '0' || v === 'null' || v === '""' || v === "''";
  }
  if (e.kind === 'call' && e.name === 'format' && e.args.length >= 1 && e.args.every((a) => a.kind === 'literal')) {
    const fmt = String((e.args[0] as { value: unknown }).value);
    const out = fmt.replace(/\{(\d+)\}/g, (_, i: string) => String((e.args[Number(i) + 1] as { value?: unknown } | undefined)?.value ?? ''));
    return out === '';
  }
  return false;
}

/** The operands of a node (a computed access's base, but not its index expressions), for walks that prune. */
function operands(n: Expr): Expr[] {
  if (n.kind === 'binary') return [n.left, n.right];
  if (n.kind === 'unary') return [n.arg];
  if (n.kind === 'call') return n.args;
  if (n.kind === 'access' && n.base) return [n.base];
  return [];
}

/**
 * The "true" values of pseudo-ternaries (`cond && a || b`) that are constant and falsy: there `b` always wins,
 * whatever `cond` is. A constant condition is left alone (it is no ternary).
 */
export function unsoundTernaryValues(e: Expr): Expr[] {
  const out: Expr[] = [];
  const visit = (n: Expr, depth: number): void => {
    if (depth > 100 || constant(n)) return;
    if (n.kind === 'binary' && n.op === '||') {
      const ops: Expr[] = [];
      const flat = (x: Expr): void => {
        if (x.kind === 'binary' && x.op === '||' && !constant(x)) {
          flat(x.left);
          flat(x.right);
        } else ops.push(x);
      };
      flat(n);
      for (const op of ops.slice(0, -1)) {
        if (op.kind === 'binary' && op.op === '&&' && !constant(op.left) && constFalsy(op.right)) out.push(op.right);
      }
      for (const op of ops) visit(op, depth + 1);
      return;
    }
    for (const c of operands(n)) visit(c, depth + 1);
  };
  visit(e, 0);
  return out;
}

/**
 * The largest subexpressions that are constants but not plain literals (`'a' == 'a'`, `!false`,
 * `contains('abc', 'b')`, `format('{0}', 'x')`): they hide a fixed value behind expression syntax. `fromJSON` of a
 * JSON list or object is left alone (the documented way to write a list).
 */
export function constantSubexpressions(e: Expr): Expr[] {
  const out: Expr[] = [];
  const visit = (n: Expr, depth: number): void => {
    if (depth > 100) return;
    if (n.kind !== 'literal' && constant(n)) {
      const jsonList = n.kind === 'call' && n.name === 'fromjson' && n.args[0]?.kind === 'literal' && typeof n.args[0].value === 'string' && /^\s*[[{]/.test(n.args[0].value);
      const jsonOfList = n.kind === 'call' && n.args.some((a) => a.kind === 'call' && a.name === 'fromjson');
      if (!jsonList && !jsonOfList) {
        out.push(n);
        return;
      }
    }
    for (const c of operands(n)) visit(c, depth + 1);
  };
  visit(e, 0);
  return out;
}
