import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import { namedPathKind, readNamedFile } from '../../core/named-file.js';
import { maskSecrets } from '../../analyzers/secrets/mask.js';
import { loadShellParser } from '../../analyzers/shell.js';
import { writeFileAtomic } from '../../deliver/fs-atomic.js';
import { collectPins, FIXABLE_RULES, pipelineFileKind, planFixes, unifiedDiff, type FixPlan } from '../../scanners/pipeline/index.js';
import { list, parse } from '../args.js';
import type { Command } from '../io.js';
import { resolveConfig } from '../../config/load.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import { fixableSastRules, planSastFixes, sastRulePaths, sastScanRoot } from './fix-sast.js';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'vendor', '.bench']);

/** Workflow and action files under `root` (bounded walk, no symlinks followed). */
/**
 * Writes a fixed file through a new file renamed over it (same mode): a link put in its place since it was read
 * is replaced, never written through, and an interrupted write leaves the old file whole.
 */
function writeFixed(abs: string, shown: string, text: string): void {
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new InputError('changed while being fixed (no longer a regular file): not written', shown);
  writeFileAtomic(abs, text, st.mode & 0o7777);
}

function findFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 12 || out.length > 10_000) return;
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      if (name.isSymbolicLink()) continue;
      const p = join(dir, name.name);
      if (name.isDirectory()) {
        if (!SKIP_DIRS.has(name.name)) walk(p, depth + 1);
      } else if (name.isFile()) {
        const kind = pipelineFileKind(relative(root, p).split(sep).join('/'));
        if (kind === 'workflow' || kind === 'action') out.push(p);
      }
    }
  };
  walk(root, 0);
  return out.sort();
}

const CODE_FILE = /\.(m?[jt]sx?|c[jt]s|py|go|java)$/;

/** `pipeguard fix`: applies the safe GitHub Actions fixes and SAST rule fixes in place, or previews them as a diff. */
export const fixCommand: Command = {
  name: 'fix',
  summary: 'apply safe fixes to GitHub Actions workflows (permissions, persist-credentials, injection to env) and the fix: of SAST rules',
  help: `Usage: pipeguard fix [PATH] [--dry-run] [--rule ID] [--sast-rules FILE] [--config FILE]

Applies the fixes whose meaning is certain to workflow files (.github/workflows/*.yml) and actions
(action.yml) under PATH (default: the current directory), editing the text in place so comments and
layout are kept. Every fix is re-checked before writing; a fix that cannot be made safely is listed as
skipped, with the reason.

  gha-missing-permissions           add "permissions: contents: read" at workflow level (skipped when a
                                    job without its own permissions looks like it writes with the token)
  gha-checkout-persist-credentials  add "persist-credentials: false" to actions/checkout
  gha-template-injection,           move an injected \${{ ... }} from run: into env: and use "$VAR"
  gha-input-injection
  gha-unpinned-action,              pin owner/repo@TAG to the commit SHA the repository already pins for
  gha-unpinned-first-party-action,  that exact tag elsewhere ("uses: owner/repo@<sha> # TAG"); nothing is
  gha-unpinned-reusable-workflow    looked up online

SAST rules in Semgrep format with "fix:" (a template: $X is replaced by what $X matched) or "fix-regex:"
(regex, replacement, count) are applied to the code under PATH too: the rule files named in the config
(scanners.sast.rules) and with --sast-rules. Two fixes that overlap in one file: the first is applied,
the other is listed as skipped (run fix again).

      --dry-run           print the diff, change nothing
      --rule ID           only apply fixes for this rule (repeatable, comma-separated)
      --sast-rules FILE   a Semgrep-format rule file whose fixes to apply (repeatable)
  -c, --config FILE       the config to read scanners.sast.rules from (default: pipeguard.yml found from PATH)
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      'dry-run': { type: 'boolean' }, rule: { type: 'string', multiple: true }, 'sast-rules': { type: 'string', multiple: true }, config: { type: 'string', short: 'c' },
    }, 1);
    if (values.help) {
      io.stdout.write(this.help);
      return 0;
    }
    const rules = list(values.rule);
    const root = resolve(io.cwd, positionals[0] ?? '.');
    // A symlink, FIFO or device named here is refused: fix never writes through a link (nor reads a pipe).
    const isDir = namedPathKind(root, positionals[0] ?? '.') === 'directory';
    const base = isDir ? root : resolve(root, '..');
    // SAST rule files: from --sast-rules and the config's scanners.sast.rules
    const loaded = resolveConfig(root, values.config ? resolve(io.cwd, values.config) : undefined, SCANNER_IDS, io.cwd);
    const scanRoot = sastScanRoot(root, isDir);
    const sastPaths = sastRulePaths(list(values['sast-rules']), loaded.config, scanRoot, io.cwd);
    const sastFixable = await fixableSastRules(sastPaths);
    for (const r of rules) {
      if (!(FIXABLE_RULES as readonly string[]).includes(r) && !sastFixable.includes(r)) {
        throw new UsageError(`no fix for rule ${r} (fixable: ${[...FIXABLE_RULES, ...sastFixable].join(', ')})`);
      }
    }
    const only = rules.length ? new Set(rules) : undefined;
    const pipelineWanted = !only || FIXABLE_RULES.some((r) => only.has(r));
    const files = !pipelineWanted ? [] : isDir ? findFiles(root) : CODE_FILE.test(root) ? [] : [root];
    const sastWanted = sastFixable.length > 0 && (!only || sastFixable.some((r) => only.has(r)));
    if (files.length === 0 && !sastWanted) {
      io.stderr.write(`pipeguard: no GitHub Actions workflow or action under ${positionals[0] ?? '.'} (looked for .github/workflows/*.yml and action.yml) and no SAST rule with a fix: nothing to fix\n`);
      return 0;
    }
    // tree-sitter-bash judges the shell context of each injected expression (loaded here: only fix needs it)
    if (files.length && (!only || only.has('gha-template-injection') || only.has('gha-input-injection'))) await loadShellParser();
    const plans: FixPlan[] = [];
    const texts = new Map(files.map((abs) => [abs, readNamedFile(abs, relative(io.cwd, abs) || abs).toString('utf8')]));
    // Commits the repository already pins for a tag (`uses: x@<sha> # v1.2.3`) let unpinned uses of the same tag be pinned offline.
    const pins = collectPins(texts.values());
    for (const abs of files) {
      const rel = relative(base, abs).split(sep).join('/');
      const kind = pipelineFileKind(isDir ? rel : relative(io.cwd, abs).split(sep).join('/')) ?? 'workflow';
      const text = texts.get(abs)!;
      let plan: FixPlan;
      try {
        plan = planFixes(rel, text, kind, only, pins);
      } catch (e) {
        throw new InputError((e as Error).message.replace(/^[^:]+: /, ''), rel);
      }
      plans.push(plan);
    }
    if (sastWanted) {
      const onlyFile = isDir ? undefined : relative(scanRoot, root).split(sep).join('/');
      const sast = await planSastFixes(scanRoot, sastPaths, loaded.config, only, onlyFile, (m) => io.stderr.write(`pipeguard: ${m}\n`));
      for (const p of sast) plans.push({ path: p.path, before: p.before, after: p.after, applied: p.applied, skipped: p.skipped, abs: p.abs } as FixPlan & { abs: string });
    }
    for (const plan of plans) {
      if (plan.after === plan.before) continue;
      const abs = (plan as FixPlan & { abs?: string }).abs ?? resolve(base, plan.path);
      if (values['dry-run']) io.stdout.write(maskSecrets(unifiedDiff(plan.path, plan.before, plan.after)));
      else writeFixed(abs, plan.path, plan.after);
    }
    let applied = 0;
    let changed = 0;
    for (const p of plans) {
      applied += p.applied.length;
      if (p.after !== p.before) changed++;
      for (const a of p.applied) if (!values['dry-run']) io.stdout.write(`fixed   ${p.path}:${a.line}  ${a.ruleId}  ${a.description}\n`);
      for (const s of p.skipped) io.stderr.write(`skipped ${p.path}:${s.line}  ${s.ruleId}  ${s.description}\n`);
    }
    const verb = values['dry-run'] ? 'would apply' : 'applied';
    io.stderr.write(`${verb} ${applied} fix${applied === 1 ? '' : 'es'} in ${changed} of ${plans.length} file${plans.length === 1 ? '' : 's'}\n`);
    return 0;
  },
};
