import { spawnSync } from 'node:child_process';
/**
 * Safe, text-range fixes for GitHub Actions workflows: least-privilege `permissions:`,
 * `persist-credentials: false` on actions/checkout, and moving an injected `${{ }}` out of `run:` into
 * `env:`. Edits are made on the original text (comments and layout kept), then verified by re-parsing
 * and re-auditing; a fix whose meaning is not certain is skipped with a reason, never applied silently.
 */
import { isMap, isScalar, Scalar } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { accessPath, findExpressions } from './expr.js';
import { auditText } from './scanner.js';
import type { PipelineFileKind } from './scanner.js';
import { judgeExpressions, quoteStateAt, type ExpressionContext } from '../../analyzers/shell.js';
import { pairs, get, items, pairOf, scalarBody, str } from '../../analyzers/yaml.js';
import type { YamlSource } from '../../analyzers/yaml.js';

/** One text edit: replace `[start, end)` with `text` (an insertion when start === end). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A fix that was planned, or skipped with the reason. */
export interface FixNote {
  ruleId: string;
  line: number;
  description: string;
}

/** The result of planning fixes for one file. */
export interface FixPlan {
  path: string;
  before: string;
  after: string;
  applied: FixNote[];
  skipped: FixNote[];
}

/** Rule ids the fixer knows how to fix. */
export const FIXABLE_RULES = [
  'gha-missing-permissions',
  'gha-checkout-persist-credentials',
  'gha-template-injection',
  'gha-input-injection',
  'gha-unpinned-action',
  'gha-unpinned-first-party-action',
  'gha-unpinned-reusable-workflow',
  'gha-self-repository',
] as const;

const PIN_RULES = new Set(['gha-unpinned-action', 'gha-unpinned-first-party-action', 'gha-unpinned-reusable-workflow']);

/**
 * Commit pins the repository already asserts: `uses: owner/repo@<40-hex> # <tag>` lines, keyed
 * `owner/repo[/path]@tag` (name lower-cased). A key pinned to two different commits maps to undefined.
 */
export function collectPins(texts: Iterable<string>): Map<string, string | undefined> {
  const pins = new Map<string, string | undefined>();
  const re = /\buses:\s*["']?([\w.-]+\/[\w./-]+)@([0-9a-f]{40})["']?[ \t]+#[ \t]*(v?\d[\w.+-]*|[\w.+-]+)[ \t]*$/gm;
  for (const text of texts) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const key = `${m[1]!.toLowerCase()}@${m[3]}`;
      if (pins.has(key) && pins.get(key) !== m[2]) pins.set(key, undefined);
      else pins.set(key, m[2]);
    }
  }
  return pins;
}

function planPins(src: YamlSource, found: { ruleId: string; line: number; start: number; end: number }[], pins: Map<string, string | undefined>, edits: TextEdit[], applied: FixNote[], skipped: FixNote[]): void {
  for (const f of found) {
    const raw = src.text.slice(f.start, f.end);
    const m = /^([\w.-]+\/[\w./-]+)@([\w.+/-]+)$/.exec(raw);
    if (!m) continue;
    const key = `${m[1]!.toLowerCase()}@${m[2]}`;
    if (!pins.has(key)) continue;
    const sha = pins.get(key);
    if (!sha) {
      skipped.push({ ruleId: f.ruleId, line: f.line, description: `${m[1]}@${m[2]} is pinned to different commits elsewhere in the repository; pin it by hand` });
      continue;
    }
    edits.push({ start: f.start, end: f.end, text: `${m[1]}@${sha}` });
    const eol = src.text.indexOf('\n', f.end);
    const lineEnd = eol === -1 ? src.text.length : eol;
    const rest = src.text.slice(f.end, lineEnd);
    if (!rest.includes('#')) edits.push({ start: f.end + rest.trimEnd().length, end: f.end + rest.trimEnd().length, text: ` # ${m[2]}` });
    applied.push({ ruleId: f.ruleId, line: f.line, description: `pinned ${m[1]}@${m[2]} to ${sha}, the commit this repository already pins for ${m[2]}` });
  }
}

/** Applies non-overlapping edits; insertions at the same offset keep their given order. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => a.start - b.start || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error('overlapping edits');
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function lineOf(src: YamlSource, offset: number): number {
  return src.lines.linePos(offset).line;
}

const WRITERS =
  /^(?:softprops\/action-gh-release|peter-evans\/|actions\/github-script|stefanzweifel\/git-auto-commit-action|endbug\/add-and-commit|actions\/deploy-pages|actions\/labeler|actions\/stale|marocchino\/sticky-pull-request-comment|release-drafter\/|jamesives\/github-pages-deploy-action|peaceiris\/actions-gh-pages|googleapis\/release-please-action|changesets\/action|github\/codeql-action|ncipollo\/release-action|actions\/first-interaction|thollander\/actions-comment-pull-request|mshick\/add-pr-comment|ad-m\/github-push-action|dependabot\/fetch-metadata|docker\/login-action|anchore\/sbom-action|sigstore\/|actions\/attest)/i;
const RUN_WRITERS = /\bgit\s+push\b|\bgh\s+(?:release|pr|issue|api|label|workflow|run|secret|variable|repo)\b|\bgit\s+tag\b.*\bpush\b/;

/**
 * The env names a fix may give new entries, and the step's own `env:` entries by the one expression each holds: an
 * expression already in the step's env is reused, a new one gets a fresh name (added to `added`, in order).
 */
function stepEnv(step: Node, scopes: unknown[]): { nameFor: (expr: string) => string; added: [string, string][] } {
  const taken = new Set<string>();
  for (const scope of scopes) for (const [k] of pairs(scope as Node)) taken.add(k);
  const byValue = new Map<string, string>();
  for (const [k, p] of pairs(get(step, 'env'))) {
    const v = str(p.value);
    const occ = v ? findExpressions(v) : [];
    if (occ.length === 1 && v!.trim() === v!.slice(occ[0]!.start, occ[0]!.end)) byValue.set(occ[0]!.text, k);
  }
  const added: [string, string][] = [];
  const nameFor = (expr: string): string => {
    let name = byValue.get(expr);
    if (!name) {
      name = envName(expr, taken);
      taken.add(name);
      byValue.set(expr, name);
      added.push([name, `\${{ ${expr} }}`]);
    }
    return name;
  };
  return { nameFor, added };
}

/** Why a job without `permissions:` might need more than `contents: read`, or undefined. */
function needsWrite(src: YamlSource, job: Node): string | undefined {
  if (get(job, 'uses')) return 'it calls a reusable workflow whose token needs are unknown';
  for (const step of items(get(job, 'steps'))) {
    const uses = str(get(step, 'uses')) ?? '';
    if (WRITERS.test(uses)) return `it uses ${uses.split('@')[0]}, which may write with the token`;
    const run = str(get(step, 'run')) ?? '';
    const m = RUN_WRITERS.exec(run);
    if (m) return `its script runs \`${m[0]}\`, which may need write access`;
  }
  const r = job.range;
  if (r && /secrets\.GITHUB_TOKEN|github\.token/i.test(src.text.slice(r[0], r[1]))) return 'it passes the GITHUB_TOKEN to a step whose needs are unknown';
  return undefined;
}

function planPermissions(src: YamlSource, edits: TextEdit[], applied: FixNote[], skipped: FixNote[]): void {
  const root = src.doc.contents;
  if (!isMap(root) || pairOf(root, 'permissions')) return;
  const jobsPair = pairOf(root, 'jobs');
  if (!jobsPair) return;
  const lacking = pairs(jobsPair.value).filter(([, p]) => !pairOf(p.value, 'permissions'));
  if (!lacking.length) return;
  const line = lineOf(src, jobsPair.key.range![0]);
  for (const [id, p] of lacking) {
    const why = needsWrite(src, p.value as Node);
    if (why) {
      skipped.push({ ruleId: 'gha-missing-permissions', line, description: `not adding workflow permissions: job ${id} may need more than contents: read (${why}); add the scopes it needs by hand` });
      return;
    }
  }
  const keyStart = jobsPair.key.range![0];
  if (column(src.text, keyStart) !== 0) return;
  // Insert above the comment block that introduces `jobs:`, if any.
  let at = keyStart;
  for (;;) {
    const prev = lineStart(src.text, at - 1);
    if (at === 0 || !/^#/.test(src.text.slice(prev, at).trimStart()) || src.text.slice(prev, at).trim() === '') break;
    at = prev;
  }
  edits.push({ start: at, end: at, text: 'permissions:\n  contents: read\n\n' });
  applied.push({ ruleId: 'gha-missing-permissions', line, description: 'added workflow-level permissions: contents: read' });
}

function stepKeyIndent(src: YamlSource, step: Node): number | undefined {
  if (!isMap(step) || (step as YAMLMap).flow) return undefined;
  const first = (step as YAMLMap).items[0];
  const k = first?.key as Node | undefined;
  return k?.range ? column(src.text, k.range[0]) : undefined;
}

function planCheckout(src: YamlSource, step: Node, line: number, edits: TextEdit[], applied: FixNote[], skipped: FixNote[]): void {
  const ind = stepKeyIndent(src, step);
  if (ind === undefined) {
    skipped.push({ ruleId: 'gha-checkout-persist-credentials', line, description: 'checkout step in flow style; add persist-credentials: false by hand' });
    return;
  }
  const withPair = pairOf(step, 'with');
  if (withPair) {
    const w = withPair.value;
    if (!isMap(w) || (w as YAMLMap).flow || !(w as YAMLMap).items.length) {
      skipped.push({ ruleId: 'gha-checkout-persist-credentials', line, description: 'with: is not a block mapping; add persist-credentials: false by hand' });
      return;
    }
    const firstKey = (w as YAMLMap).items[0]!.key as Node;
    const at = lineStart(src.text, firstKey.range![0]);
    edits.push({ start: at, end: at, text: `${' '.repeat(column(src.text, firstKey.range![0]))}persist-credentials: false\n` });
  } else {
    const usesPair = pairOf(step, 'uses')!;
    const end = usesPair.value!.range![1];
    const at = nextLineStart(src.text, end);
    const pre = at === src.text.length && !src.text.endsWith('\n') ? '\n' : '';
    edits.push({ start: at, end: at, text: `${pre}${' '.repeat(ind)}with:\n${' '.repeat(ind + 2)}persist-credentials: false\n` });
  }
  applied.push({ ruleId: 'gha-checkout-persist-credentials', line, description: 'set persist-credentials: false on actions/checkout' });
}

function envName(body: string, taken: Set<string>): string {
  const e = findExpressions(`\${{ ${body} }}`)[0]?.expr;
  // toJSON(x), fromJSON(x), format('{0}', x): named after the context they read.
  const inner = e?.kind === 'call' ? e.args.find((a) => accessPath(a)) : e;
  const path = inner ? accessPath(inner) : undefined;
  let base = 'UNTRUSTED_VALUE';
  if (path) {
    const segs = path.filter((s) => !['github', 'event', '*', '?', 'inputs', 'outputs', 'steps'].includes(s));
    base = segs.slice(-2).join('_').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase() || base;
    if (path[0] === 'inputs' || (path[1] === 'event' && path[2] === 'inputs')) base = `INPUT_${path[path.length - 1]!.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
  }
  if (/^[0-9]/.test(base) || /^(GITHUB|RUNNER|ACTIONS|CI)_/.test(base)) base = `V_${base}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

function yamlPlain(value: string): string {
  return /: | #|^[\s'"&*!|>%@`[{]/.test(value) ? `'${value.replace(/'/g, "''")}'` : value;
}

interface InjectionSite {
  start: number;
  end: number;
  ruleId: string;
  line: number;
}

/**
 * Why the shell context at `offset` of a script is not one the rewrite understands (inside a command substitution
 * or backquotes, where quotes nest afresh; after a backslash; inside a `\${...}` parameter expansion), or
 * undefined when it is plain, single- or double-quoted text. Conservative: unclear contexts are left to the user.
 */
export function unclearShellContext(script: string, offset: number): string | undefined {
  if (offset > 0 && script[offset - 1] === '\\') return 'after a backslash';
  let depth = 0;
  let backquote = false;
  let braces = 0;
  let single = false;
  for (let i = 0; i < offset && i < script.length; i++) {
    const c = script[i];
    if (single) {
      if (c === "'") single = false;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'" && depth === 0 && !backquote) single = true;
    else if (c === '$' && script[i + 1] === '(') {
      depth++;
      i++;
    } else if (c === ')' && depth > 0) depth--;
    else if (c === '`') backquote = !backquote;
    else if (c === '$' && script[i + 1] === '{' && script[i + 2] !== '{') {
      braces++;
      i++;
    } else if (c === '}' && braces > 0) braces--;
  }
  if (depth > 0) return 'inside a command substitution $(...)';
  if (backquote) return 'inside backquotes';
  if (braces > 0) return 'inside a ${...} parameter expansion';
  return undefined;
}

/** Whether bash parses `script` (`bash -n`); true when bash is not installed (nothing to check with). */
function bashParses(script: string): boolean {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8', timeout: 10_000 });
  if (r.error) return true;
  return r.status === 0;
}

function planInjection(src: YamlSource, jobNode: Node | null | undefined, step: Node, sites: InjectionSite[], edits: TextEdit[], applied: FixNote[], skipped: FixNote[]): void {
  const run = get(step, 'run');
  const skip = (d: string): void => {
    for (const s of sites) skipped.push({ ruleId: s.ruleId, line: s.line, description: d });
  };
  if (!isScalar(run)) return skip('not a run: script');
  const ind = stepKeyIndent(src, step);
  if (ind === undefined) return skip('step in flow style; move the expression to env: by hand');
  const t = (run as Scalar).type;
  if (t === Scalar.QUOTE_DOUBLE || t === Scalar.QUOTE_SINGLE) return skip('run: is a quoted YAML string; move the expression to env: by hand');
  if (/^[|>][^\n]*\+/.test(src.text.slice(run.range![0], run.range![0] + 4))) return skip('run: keeps trailing newlines (|+); move the expression by hand');
  const shell = (str(get(step, 'shell')) ?? str(get(get(get(jobNode, 'defaults'), 'run'), 'shell')) ?? str(get(get(get(src.doc.contents, 'defaults'), 'run'), 'shell')) ?? '').trim();
  if (shell && !/^(bash|sh)\b/.test(shell)) return skip(`shell ${shell} is not bash/sh; reference the variable in that shell's syntax by hand`);
  if (!shell) {
    const ro = get(jobNode, 'runs-on');
    const roText = ro?.range ? src.text.slice(ro.range[0], ro.range[1]) : '';
    if (/windows|\$\{\{/i.test(roText)) return skip('the runner may be Windows (default shell pwsh); set shell: bash or move the expression by hand');
  }
  const envPairEarly = pairOf(step, 'env');
  if (envPairEarly && (!isMap(envPairEarly.value) || (envPairEarly.value as YAMLMap).flow || !(envPairEarly.value as YAMLMap).items.length)) return skip('env: is not a block mapping; move the expression by hand');
  const [bs, be] = scalarBody(src, run as Scalar);
  const script = src.text.slice(bs, be);
  if (/<</.test(script)) return skip('the script uses a here-document; quoting would change its output, move the expression by hand');

  // Existing env names in scope, and env entries of this step by value.
  const { nameFor, added: newEnv } = stepEnv(step, [get(step, 'env'), get(jobNode, 'env'), get(src.doc.contents, 'env')]);
  const localEdits: TextEdit[] = [];
  // The shell context of each expression: parsed with tree-sitter-bash when `fix` has loaded it, else the
  // conservative scanner below (library callers that did not load the parser).
  const occs = findExpressions(src.text, bs, be);
  const sitesOcc = sites.map((site) => occs.find((o) => o.start <= site.start && site.end <= o.end));
  const judged = judgeExpressions(
    script,
    sitesOcc.map((o) => (o ? [o.start - bs, o.end - bs] : [0, 0])),
    occs.map((o) => [o.start - bs, o.end - bs]),
  );
  const contextOf = (i: number, offset: number): ExpressionContext => {
    if (judged) return judged[i]!;
    const unclear = unclearShellContext(script, offset);
    if (unclear) return { refuse: unclear };
    const q = quoteStateAt(script, offset);
    return q === 'single' ? { refuse: 'inside single quotes, where "$VAR" would not expand' } : { rewrite: q === 'double' ? 'double' : 'bare' };
  };
  for (const [i, site] of sites.entries()) {
    const occ = sitesOcc[i];
    if (!occ) continue;
    if (occ.text.includes('\n')) {
      skipped.push({ ruleId: site.ruleId, line: site.line, description: 'expression spans lines; move it by hand' });
      continue;
    }
    if (localEdits.some((e) => e.start === occ.start)) continue;
    const ctx = contextOf(i, occ.start - bs);
    if ('refuse' in ctx) {
      skipped.push({ ruleId: site.ruleId, line: site.line, description: `the expression sits ${ctx.refuse}, where the rewrite's quoting cannot be kept exactly; move it by hand` });
      continue;
    }
    const q = ctx.rewrite === 'double' ? 'double' : 'none';
    if (q === 'none' && (t === Scalar.PLAIN && occ.start === bs)) {
      skipped.push({ ruleId: site.ruleId, line: site.line, description: 'the expression starts a plain YAML scalar; quoting it would change the YAML; move it by hand' });
      continue;
    }
    const name = nameFor(occ.text);
    localEdits.push({ start: occ.start, end: occ.end, text: q === 'double' ? `\${${name}}` : `"\${${name}}"` });
    applied.push({ ruleId: site.ruleId, line: site.line, description: `moved \${{ ${occ.text} }} into env ${name}` });
  }
  if (!localEdits.length) return;
  // The rewritten script must still parse as it did: checked with `bash -n` where bash is present.
  const rewritten = applyEdits(script, localEdits.map((e) => ({ ...e, start: e.start - bs, end: e.end - bs })));
  if (bashParses(script) && !bashParses(rewritten)) {
    applied.splice(applied.length - localEdits.length, localEdits.length);
    return skip('the rewritten script would not parse (bash -n); move the expression by hand');
  }
  edits.push(...localEdits);
  insertEnv(src, step, ind, newEnv, edits);
}

/** Adds `newEnv` entries to the step's block `env:` (or a new `env:` after the step's last key). */
function insertEnv(src: YamlSource, step: Node, ind: number, newEnv: [string, string][], edits: TextEdit[]): void {
  if (!newEnv.length) return;
  const envPair = pairOf(step, 'env');
  if (envPair) {
    const firstKey = (envPair.value as YAMLMap).items[0]!.key as Node;
    const at = lineStart(src.text, firstKey.range![0]);
    const pad = ' '.repeat(column(src.text, firstKey.range![0]));
    edits.push({ start: at, end: at, text: newEnv.map(([k, v]) => `${pad}${k}: ${yamlPlain(v)}\n`).join('') });
  } else {
    // After the step's last value, at the step's key indentation.
    const last = (step as YAMLMap).items[(step as YAMLMap).items.length - 1]!;
    const end = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![1];
    const at = nextLineStart(src.text, Math.max(end - 1, 0));
    const pre = at === src.text.length && !src.text.endsWith('\n') ? '\n' : '';
    edits.push({ start: at, end: at, text: `${pre}${' '.repeat(ind)}env:\n${newEnv.map(([k, v]) => `${' '.repeat(ind + 2)}${k}: ${yamlPlain(v)}\n`).join('')}` });
  }
}

/**
 * The JavaScript context at `offset` of a github-script `script:`: plain code, inside a '…' or "…" string, inside
 * a template literal's text, or somewhere the rewrite does not handle (a comment). A small lexer: strings, escapes,
 * template literals with nested `${ }`, line and block comments; regular expression literals are not told apart.
 */
export function jsContextAt(code: string, offset: number): 'code' | "'" | '"' | '`' | 'comment' {
  const stack: ('code' | '`')[] = ['code'];
  const braces: number[] = [0];
  let str: "'" | '"' | undefined;
  for (let i = 0; i < offset && i < code.length; i++) {
    const c = code[i]!;
    const top = stack[stack.length - 1]!;
    if (str) {
      if (c === '\\') i++;
      else if (c === str || c === '\n') str = undefined;
      continue;
    }
    if (top === '`') {
      if (c === '\\') i++;
      else if (c === '`') stack.pop();
      else if (c === '$' && code[i + 1] === '{') {
        stack.push('code');
        braces.push(0);
        i++;
      }
      continue;
    }
    if (c === '/' && code[i + 1] === '/') {
      const nl = code.indexOf('\n', i);
      if (nl === -1 || nl >= offset) return 'comment';
      i = nl;
    } else if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2);
      if (close === -1 || close >= offset) return 'comment';
      i = close + 1;
    } else if (c === "'" || c === '"') str = c;
    else if (c === '`') stack.push('`');
    else if (c === '{') braces[braces.length - 1]!++;
    else if (c === '}') {
      if (braces[braces.length - 1]! > 0) braces[braces.length - 1]!--;
      else if (stack.length > 1) {
        stack.pop();
        braces.pop();
      }
    }
  }
  return str ?? (stack[stack.length - 1] === '`' ? '`' : 'code');
}

/** True when `code` compiles as the body of an async function (as actions/github-script runs it); nothing runs. */
function jsParses(code: string): boolean {
  try {
    const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => unknown;
    new AsyncFunction('require', 'github', 'context', 'core', 'glob', 'io', 'exec', 'fetch', code);
    return true;
  } catch {
    return false;
  }
}

/** Moves injected expressions of an `actions/github-script` `script:` into `env:`, read as `process.env.NAME`. */
function planGithubScript(src: YamlSource, step: Node, sites: InjectionSite[], edits: TextEdit[], applied: FixNote[], skipped: FixNote[]): void {
  const skip = (d: string): void => {
    for (const s of sites) skipped.push({ ruleId: s.ruleId, line: s.line, description: d });
  };
  const script = get(get(step, 'with'), 'script');
  if (!isScalar(script)) return skip('script: is not a plain string');
  const ind = stepKeyIndent(src, step);
  if (ind === undefined) return skip('step in flow style; move the expression to env: by hand');
  const t = (script as Scalar).type;
  if (t === Scalar.QUOTE_DOUBLE || t === Scalar.QUOTE_SINGLE) return skip('script: is a quoted YAML string; move the expression to env: by hand');
  const envPairEarly = pairOf(step, 'env');
  if (envPairEarly && (!isMap(envPairEarly.value) || (envPairEarly.value as YAMLMap).flow || !(envPairEarly.value as YAMLMap).items.length)) return skip('env: is not a block mapping; move the expression by hand');
  const [bs, be] = scalarBody(src, script as Scalar);
  const code = src.text.slice(bs, be);
  const { nameFor, added: newEnv } = stepEnv(step, [get(step, 'env')]);
  const occs = findExpressions(src.text, bs, be);
  const local: TextEdit[] = [];
  const notes: FixNote[] = [];
  for (const site of sites) {
    const occ = occs.find((o) => o.start <= site.start && site.end <= o.end);
    if (!occ || local.some((e) => e.start === occ.start)) continue;
    if (occ.text.includes('\n')) {
      skipped.push({ ruleId: site.ruleId, line: site.line, description: 'expression spans lines; move it by hand' });
      continue;
    }
    const ctx = jsContextAt(code, occ.start - bs);
    if (ctx === 'comment') {
      skipped.push({ ruleId: site.ruleId, line: site.line, description: 'the expression sits in a JavaScript comment; delete it or move it by hand' });
      continue;
    }
    const name = nameFor(occ.text);
    const ref = `process.env.${name}`;
    const text = ctx === 'code' ? ref : ctx === '`' ? `\${${ref}}` : `${ctx} + ${ref} + ${ctx}`;
    local.push({ start: occ.start, end: occ.end, text });
    notes.push({ ruleId: site.ruleId, line: site.line, description: `moved \${{ ${occ.text} }} into env ${name}, read as ${ref}` });
  }
  if (!local.length) return;
  const rewritten = applyEdits(code, local.map((e) => ({ ...e, start: e.start - bs, end: e.end - bs })));
  // Expressions left in place (not findings, or skipped) are judged as a placeholder word, before and after.
  const placeholder = (c: string): string => c.replace(/\$\{\{[^}]*\}\}/g, 'x');
  if (jsParses(placeholder(code)) && !jsParses(placeholder(rewritten))) return skip('the rewritten script would not compile; move the expression by hand');
  applied.push(...notes);
  edits.push(...local);
  insertEnv(src, step, ind, newEnv, edits);
}

/** Plans (and verifies) the safe fixes for one workflow or action file. `only` limits the rules fixed. */
export function planFixes(path: string, text: string, kind: PipelineFileKind, only?: ReadonlySet<string>, pins: Map<string, string | undefined> = collectPins([text])): FixPlan {
  const applied: FixNote[] = [];
  const skipped: FixNote[] = [];
  const plan: FixPlan = { path, before: text, after: text, applied, skipped };
  if (kind !== 'workflow' && kind !== 'action') return plan;
  const res = auditText(path, text, kind);
  const src = res.source;
  if (!src) return plan;
  const want = (id: string): boolean => !only || only.has(id);
  const edits: TextEdit[] = [];
  // What an ignore comment covers is left alone, as it was asked.
  const found = res.findings.filter((f) => !f.suppressed);
  if (kind === 'workflow' && want('gha-missing-permissions') && found.some((f) => f.ruleId === 'gha-missing-permissions')) planPermissions(src, edits, applied, skipped);

  // Walk steps once, matching findings by offset.
  const offsetOf = (line: number, col: number): number => {
    let off = 0;
    for (let l = 1; l < line; l++) off = src.text.indexOf('\n', off) + 1;
    return off + col - 1;
  };
  const pinFindings = found
    .filter((f) => PIN_RULES.has(f.ruleId) && want(f.ruleId))
    .map((f) => ({ ruleId: f.ruleId, line: f.location.startLine!, start: offsetOf(f.location.startLine!, f.location.startColumn!), end: offsetOf(f.location.endLine!, f.location.endColumn!) }));
  if (pinFindings.length) planPins(src, pinFindings, pins, edits, applied, skipped);
  // `./x` → `$/x` changes what runs (the workspace's copy becomes this repository's own), so only on request.
  if (only?.has('gha-self-repository')) {
    for (const f of found.filter((x) => x.ruleId === 'gha-self-repository')) {
      const start = offsetOf(f.location.startLine!, f.location.startColumn!);
      const end = offsetOf(f.location.endLine!, f.location.endColumn!);
      const m = /^(['"]?)\.\//.exec(src.text.slice(start, end));
      if (!m) {
        skipped.push({ ruleId: f.ruleId, line: f.location.startLine!, description: 'uses: is not a plain or quoted ./ path; write $/ by hand' });
        continue;
      }
      edits.push({ start: start + m[1]!.length, end: start + m[1]!.length + 2, text: '$/' });
      applied.push({ ruleId: f.ruleId, line: f.location.startLine!, description: 'rewrote ./ to the self-repository syntax $/' });
    }
  }
  const jobs: [Node | null, Node[]][] =
    kind === 'workflow'
      ? pairs(get(src.doc.contents, 'jobs')).map(([, p]) => [p.value as Node, items(get(p.value, 'steps'))])
      : [[null, items(get(get(src.doc.contents, 'runs'), 'steps'))]];
  for (const [jobNode, steps] of jobs) {
    for (const step of steps) {
      const r = step.range;
      if (!r) continue;
      const inStep = found.filter((f) => {
        const o = offsetOf(f.location.startLine!, f.location.startColumn!);
        return o >= r[0] && o < r[1];
      });
      const co = inStep.find((f) => f.ruleId === 'gha-checkout-persist-credentials');
      if (co && want(co.ruleId)) planCheckout(src, step, co.location.startLine!, edits, applied, skipped);
      const run = get(step, 'run');
      const runRange = run?.range;
      const sites = inStep
        .filter((f) => (f.ruleId === 'gha-template-injection' || f.ruleId === 'gha-input-injection') && want(f.ruleId))
        .map((f) => {
          const start = offsetOf(f.location.startLine!, f.location.startColumn!);
          const end = offsetOf(f.location.endLine!, f.location.endColumn!);
          return { start, end, ruleId: f.ruleId, line: f.location.startLine! };
        });
      const inRun = sites.filter((s) => runRange && s.start >= runRange[0] && s.end <= runRange[1]);
      const uses = str(get(step, 'uses')) ?? '';
      const scriptRange = /^actions\/github-script@/i.test(uses) ? get(get(step, 'with'), 'script')?.range : undefined;
      const inScript = sites.filter((s) => scriptRange && s.start >= scriptRange[0] && s.end <= scriptRange[1]);
      if (inScript.length) planGithubScript(src, step, inScript, edits, applied, skipped);
      for (const s of sites.filter((x) => !inRun.includes(x) && !inScript.includes(x))) skipped.push({ ruleId: s.ruleId, line: s.line, description: 'the sink is neither a run: script nor a github-script script:; move it to env: by hand' });
      if (inRun.length) planInjection(src, jobNode, step, inRun, edits, applied, skipped);
    }
  }
  if (!edits.length) return plan;
  // Inserted lines end as the file's lines do: a CRLF file keeps CRLF.
  const crlf = text.includes('\r\n');
  const after = crlf ? applyEdits(text, edits.map((e) => ({ ...e, text: e.text.replace(/\r?\n/g, '\r\n') }))) : applyEdits(text, edits);
  // Verify: the result parses, the fixed findings are gone and nothing new appeared.
  const check = auditText(path, after, kind);
  if (!check.source) throw new Error(`${path}: the fixed file would not parse (line ${check.problems[0]?.line}); nothing written`);
  const count = (fs: { ruleId: string }[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const f of fs) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
    return m;
  };
  const b = count(found);
  const a = count(check.findings.filter((f) => !f.suppressed));
  for (const [id, n] of a) if (n > (b.get(id) ?? 0)) throw new Error(`${path}: the fix would add a ${id} finding; nothing written`);
  plan.after = after;
  return plan;
}

/** A unified diff of two texts (3 lines of context), `a/` and `b/` prefixed like git. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const A = before.split('\n');
  const B = after.split('\n');
  const n = A.length;
  const m = B.length;
  // LCS table from the end; files here are small (workflows).
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = A[i] === B[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const ops: { t: ' ' | '-' | '+'; s: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && A[i] === B[j]) ops.push({ t: ' ', s: A[i]!, ai: i++, bi: j++ });
    else if (i < n && (j >= m || dp[i + 1]![j]! >= dp[i]![j + 1]!)) ops.push({ t: '-', s: A[i]!, ai: i++, bi: j });
    else ops.push({ t: '+', s: B[j]!, ai: i, bi: j++ });
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  const C = 3;
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.t === ' ') {
      k++;
      continue;
    }
    let start = Math.max(0, k - C);
    let end = k;
    // extend the hunk while changes are within 2*C lines of each other
    for (;;) {
      while (end < ops.length && ops[end]!.t !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.t === ' ' && next - end < 2 * C) next++;
      if (next < ops.length && ops[next]!.t !== ' ' && next - end <= 2 * C) {
        end = next;
        continue;
      }
      end = Math.min(ops.length, end + C);
      break;
    }
    const hunk = ops.slice(start, end);
    const aStart = hunk[0]!.ai + 1;
    const bStart = hunk[0]!.bi + 1;
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aLen ? aStart : aStart - 1},${aLen} +${bLen ? bStart : bStart - 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.t}${o.s}`);
    k = end;
    start = end;
  }
  return out.join('\n') + '\n';
}
