/**
 * Injection audits: untrusted values expanded into code sinks, GITHUB_ENV writes, and script checks.
 */
import { isScalar } from 'yaml';
import type { Node, Scalar } from 'yaml';
import { accessPath, findExpressions } from '../expr.js';
import { CODE_INPUTS } from '../data.js';
import { adhocInstalls, deprecatedCommands, envFileWrites, pipeToShell, plainHttpDownloads } from '../../../analyzers/shell.js';
import { pairs, get, isSeq, items, scalarBody, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { DANGEROUS_TRIGGERS, contextTaint, valueLeaves, ownerRepo, taintedStepOutputs, exprTaintedByAttacker, taintedEnvNames } from './model.js';
import type { Step, Job, Emit, Taint } from './model.js';

/** A code sink: a `run:` script or an action input that runs as code. */
export interface Sink {
  node: Scalar;
  kind: 'run' | 'code-input';
  name: string;
  anchor: number;
}

/** The code sinks of a step. */
export function stepSinks(src: YamlSource, step: Step): Sink[] {
  const sinks: Sink[] = [];
  if (step.run && step.runPair) sinks.push({ node: step.run, kind: 'run', name: 'run', anchor: step.runPair.key.range![0] });
  if (step.uses) {
    const inputs = CODE_INPUTS.get(ownerRepo(step.uses));
    if (inputs) {
      for (const [k, p] of pairs(step.with)) {
        if (inputs.includes(k.toLowerCase()) && isScalar(p.value)) sinks.push({ node: p.value, kind: 'code-input', name: `${ownerRepo(step.uses)} ${k}`, anchor: p.key.range![0] });
      }
    }
  }
  return sinks;
}

/** Audits the code sinks of a job for untrusted expansions, and GITHUB_ENV writes. */
export function auditInjection(src: YamlSource, root: Node, job: Job, jobOutputs: Map<string, Set<string>>, triggers: Map<string, Node | null>, emit: Emit): void {
  const wfEnv = new Set(taintedEnvNames(src, get(root, 'env')));
  const jobEnv = new Set(taintedEnvNames(src, get(job.node, 'env')));
  const stepOut = job.stepOutputs ?? taintedStepOutputs(src, job, wfEnv);
  const dangerous = [...triggers.keys()].filter((t) => DANGEROUS_TRIGGERS.has(t));
  const needs = new Set(
    isSeq(get(job.node, 'needs')) ? items(get(job.node, 'needs')).map((n) => str(n) ?? '') : [str(get(job.node, 'needs')) ?? ''],
  );
  for (const step of job.steps) {
    const stepEnv = new Set(taintedEnvNames(src, step.env));
    for (const sink of stepSinks(src, step)) {
      const [bs, be] = scalarBody(src, sink.node);
      for (const occ of findExpressions(src.text, bs, be)) {
        if (!occ.expr) continue;
        const seen = new Set<string>();
        for (const leaf of valueLeaves(occ.expr)) {
          const p = accessPath(leaf);
          if (!p) continue;
          const text = src.text.slice(leaf.start, leaf.end);
          if (seen.has(text)) continue;
          seen.add(text);
          const base = { start: leaf.start, end: leaf.end, anchor: sink.anchor, identity: `${job.id}|${step.label}|${sink.name}|${text}` };
          const taint = contextTaint(p);
          if (taint === 'attacker') {
            emit({ ruleId: 'gha-template-injection', ...base, message: `${text} is attacker-controlled and is expanded into ${sink.name} of job ${job.id}; pass it through env: and use "$VAR".` });
          } else if (taint === 'input') {
            emit({ ruleId: 'gha-input-injection', ...base, message: `${text} is chosen by whoever triggers or calls this and is expanded into ${sink.name}; pass it through env:.` });
          } else if (p[0] === 'steps' && p[2] === 'outputs') {
            const outs = stepOut.get(p[1] ?? '');
            if (outs && (outs.has('*') || outs.has(p[3] ?? ''))) emit({ ruleId: 'gha-step-output-injection', ...base, message: `${text} carries attacker-controlled text (step ${p[1]} computed it from an untrusted context); pass it through env:.` });
            else emit({ ruleId: 'gha-dynamic-value-injection', ...base, message: `${text} is computed at run time (what step ${p[1]} wrote) and is pasted into ${sink.name} as code; pass it through env: and use the variable.` });
          } else if (p[0] === 'needs' && p[2] === 'outputs') {
            const outs = needs.has(p[1] ?? '') ? jobOutputs.get(p[1] ?? '') : undefined;
            if (outs && outs.has(p[3] ?? '')) emit({ ruleId: 'gha-step-output-injection', ...base, message: `${text} carries attacker-controlled text from job ${p[1]}; pass it through env:.` });
            else emit({ ruleId: 'gha-dynamic-value-injection', ...base, message: `${text} is computed at run time by job ${p[1]} and is pasted into ${sink.name} as code; pass it through env: and use the variable.` });
          } else if (p[0] === 'env' && p.length === 2) {
            const name = p[1]!;
            const entry = [step.env, get(job.node, 'env'), get(root, 'env')].flatMap((e) => pairs(e)).find(([k]) => k.toLowerCase() === name);
            const tainted = entry && (stepEnv.has(entry[0]) || jobEnv.has(entry[0]) || wfEnv.has(entry[0]));
            if (tainted) emit({ ruleId: 'gha-env-injection', ...base, message: `env.${entry[0]} holds attacker-controlled text and \${{ env.${entry[0]} }} pastes it into the script; use "$${entry[0]}".` });
            else if (entry && /\$\{\{[^}]*\b(?:steps|needs)\.[\w-]+\.outputs\b/.test(str(entry[1].value) ?? '')) emit({ ruleId: 'gha-dynamic-value-injection', ...base, message: `env.${entry[0]} is set from a step or job output, computed at run time, and \${{ env.${entry[0]} }} pastes it into ${sink.name} as code; use "$${entry[0]}".` });
          } else if (p[0] === 'matrix' && p.length >= 2) {
            const mt = matrixTaint(src, job, p[1]!, stepOut, jobOutputs, needs);
            if (mt === 'attacker') emit({ ruleId: 'gha-template-injection', ...base, message: `${text} is built from attacker-controlled text (the job's strategy.matrix) and is expanded into ${sink.name}; pass it through env: and use "$VAR".` });
            else if (mt === 'input') emit({ ruleId: 'gha-input-injection', ...base, message: `${text} comes from a dynamic strategy.matrix (inputs, a payload or another job's output) and is expanded into ${sink.name}; pass it through env:.` });
          } else if (p[0] === 'secrets' && sink.kind === 'run') {
            emit({ ruleId: 'gha-secret-in-run', ...base, message: `${text} is pasted into the script text; pass it through env:.` });
          }
        }
      }
      if (sink.kind === 'run') {
        const script = src.text.slice(bs, be);
        // In a composite action the caller's inputs are the outside text: writing them to GITHUB_ENV/GITHUB_PATH
        // hands the caller's choice to every later step of the calling job.
        const inputHere = job.id === '(action)' && (/\$\{\{\s*inputs\./.test(script) || pairs(step.env).some(([, p]) => /\$\{\{\s*inputs\./.test(str(p.value) ?? '')));
        const attackerHere = exprTaintedByAttacker(script, stepOut) || stepEnv.size > 0 || inputHere;
        const isAction = job.id === '(action)';
        const writes = [...envFileWrites(script), ...cmdEnvFileWrites(script)];
        for (const h of writes) {
          // A wholly static line (`echo FOO=bar >> $GITHUB_ENV`) sets nothing anyone else chooses.
          if (!dynamicWrite(script, h.start)) continue;
          if (dangerous.length || attackerHere || isAction) {
            const why = dangerous.length ? `the workflow is triggered by ${dangerous.join(', ')}` : inputHere ? "the action writes its caller's inputs there" : attackerHere ? 'the step handles attacker-controlled values' : 'a composite action may run in any workflow, privileged ones included';
            emit({ ruleId: 'gha-github-env-write', start: bs + h.start, end: bs + h.end, anchor: sink.anchor, identity: `${job.id}|${step.label}|${h.text.replace(/\s+/g, ' ')}`, message: `Writes to ${/PATH/.test(h.text) ? 'GITHUB_PATH' : 'GITHUB_ENV'} while ${why}; later steps trust that file.` });
          }
        }
        scriptAudits(src, job, step, bs, be, sink.anchor, emit);
      }
    }
  }
}

/** Script checks on a `run:` body: pipe to shell, ad-hoc installs, plain http, deprecated commands. */
export function scriptAudits(src: YamlSource, job: Job, step: Step, bs: number, be: number, anchor: number, emit: Emit): void {
  const script = src.text.slice(bs, be);
  const id = (t: string): string => `${job.id}|${step.label}|${t.replace(/\s+/g, ' ').trim()}`;
  for (const h of pipeToShell(script)) emit({ ruleId: 'gha-curl-pipe-shell', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: 'A downloaded script is piped straight into an interpreter; pin and verify it first.' });
  for (const h of adhocInstalls(script)) emit({ ruleId: 'gha-adhoc-install-from-url', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: 'Installs a package from a URL or @latest without a pinned version or hash.' });
  for (const h of plainHttpDownloads(script)) emit({ ruleId: 'gha-insecure-download-url', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: `Downloads ${h.text} over plain http.` });
  for (const h of deprecatedCommands(script)) emit({ ruleId: 'gha-deprecated-workflow-command', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: `${h.text} is a deprecated workflow command; write to the GITHUB_* files instead.` });
}

/**
 * Who controls `matrix.<key>` of a job: 'attacker' when the key's value (or the whole matrix) is an expression over
 * attacker-controlled contexts, 'input' when over inputs, payloads or outputs of steps and jobs (a dynamic matrix
 * built with fromJSON), undefined for a literal matrix.
 */
export function matrixTaint(src: YamlSource, job: Job, key: string, stepOut: Map<string, Set<string>>, jobOutputs: Map<string, Set<string>>, needs: Set<string>): Taint {
  const matrix = get(get(job.node, 'strategy'), 'matrix');
  if (!matrix) return undefined;
  const judge = (text: string): Taint => {
    let t: Taint;
    for (const occ of findExpressions(text)) {
      if (!occ.expr) continue;
      for (const leaf of valueLeaves(occ.expr)) {
        const lp = accessPath(leaf);
        if (!lp) continue;
        const c = contextTaint(lp);
        if (c === 'attacker') return 'attacker';
        if (lp[0] === 'steps' && lp[2] === 'outputs' && stepOut.get(lp[1] ?? '')) return 'attacker';
        if (lp[0] === 'needs' && lp[2] === 'outputs' && needs.has(lp[1] ?? '') && jobOutputs.get(lp[1] ?? '')?.has(lp[3] ?? '')) return 'attacker';
        if (c === 'input' || lp[0] === 'steps' || lp[0] === 'needs') t = 'input';
      }
    }
    return t;
  };
  if (isScalar(matrix)) return judge(str(matrix) ?? '');
  const entry = pairs(matrix).find(([k]) => k.toLowerCase() === key);
  if (entry && isScalar(entry[1].value)) return judge(str(entry[1].value) ?? '');
  // include: ${{ fromJSON(...) }} adds keys from an expression.
  const inc = get(matrix, 'include');
  if (!entry && isScalar(inc)) return judge(str(inc) ?? '');
  return undefined;
}

const CMD_ENV_WRITE = />>?\s*"?%GITHUB_(?:ENV|PATH)%/g;

/** `>> %GITHUB_ENV%` writes of `shell: cmd` scripts. */
export function cmdEnvFileWrites(text: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  CMD_ENV_WRITE.lastIndex = 0;
  for (let m = CMD_ENV_WRITE.exec(text); m; m = CMD_ENV_WRITE.exec(text)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

/** True when the line writing to the env file at `offset` expands something (a variable, a command, a here-document). */
export function dynamicWrite(script: string, offset: number): boolean {
  const ls = script.lastIndexOf('\n', offset - 1) + 1;
  const le = script.indexOf('\n', offset);
  const line = script.slice(ls, le === -1 ? undefined : le);
  const before = script.slice(ls, offset);
  if (/<</.test(line)) return true;
  if (/\bcat\b|\btee\b/.test(before) || /^\s*[<>]/.test(before)) return true;
  return /\$|%[A-Za-z_][A-Za-z0-9_]*%|`/.test(before);
}
