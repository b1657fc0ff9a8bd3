/**
 * Trigger audits: pull_request_target without restriction, self-hosted runners on public triggers,
 * untrusted checkouts in privileged workflows, artifacts of untrusted runs.
 */
import { isScalar } from 'yaml';
import type { Node, Pair } from 'yaml';
import { pairs, get, isSeq, items, pairOf, scalarBody, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { DANGEROUS_TRIGGERS, PUBLIC_TRIGGERS, MAINTAINER_PR_EVENTS, ownerRepo } from './model.js';
import type { Job, Emit } from './model.js';

/** The job's `if:` text. */
export function jobIfGuards(src: YamlSource, job: Job): string {
  return str(get(job.node, 'if')) ?? '';
}

/** Conditions that keep fork pull requests out. */
export const SAME_REPO_GUARD = /head\.repo\.full_name\s*==\s*github\.repository|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork|head_repository\.full_name\s*==\s*github\.repository|author_association|contains\(\s*github\.event\.pull_request\.labels|github\.event\.label\.name/;

/** Runner labels of GitHub-hosted runners (and hosted runner services); any other label names a self-hosted runner. */
export const GITHUB_HOSTED_LABEL = /^(?:ubuntu-(?:\d{2}\.04(?:-arm)?|latest(?:-(?:4|8|16|32|64)-cores)?|slim)|macos-(?:\d{2}|latest)(?:-(?:x?large|intel|arm64))?|windows-(?:20\d{2}|11|latest)(?:-(?:8|16)-cores|-arm)?|(?:buildjet|warp|namespace-profile|blacksmith|depot|runs-on|ubicloud)-[a-z0-9.=/,-]+)$/i;

/** Audits triggers: unrestricted pull_request_target, self-hosted runners on public triggers. */
export function auditTriggers(src: YamlSource, root: Node, triggers: Map<string, Node | null>, jobs: Job[], emit: Emit): void {
  const prt = triggers.get('pull_request_target');
  if (triggers.has('pull_request_target')) {
    const prtNode = get(get(root, 'on'), 'pull_request_target');
    const typesNode = get(prtNode, 'types');
    const types = isSeq(typesNode) ? items(typesNode).map((t) => str(t) ?? '') : typesNode ? [str(typesNode) ?? ''] : [];
    // Only events a maintainer causes (labelling, assigning...) restrict who can start the run.
    const maintainerOnly = types.length > 0 && types.every((t) => MAINTAINER_PR_EVENTS.has(t));
    const restricted = maintainerOnly || jobs.some((j) => get(j.node, 'if') || get(j.node, 'environment'));
    // Jobs that only call pinned actions (labelers, greeters) are the intended use; flag when code runs or is checked out.
    const runsCode = jobs.some((j) => !!get(j.node, 'uses') || j.steps.some((st) => st.run || (st.uses && (ownerRepo(st.uses) === 'actions/checkout' || st.uses.startsWith('./')))));
    if (!restricted && runsCode) {
      const onPair = pairOf(root, 'on');
      const start = prt?.range?.[0] ?? findTriggerOffset(src, onPair);
      emit({ ruleId: 'gha-pull-request-target-unrestricted', start, end: start + 'pull_request_target'.length, message: 'pull_request_target runs code with secrets for every fork PR, with no if:, environment or maintainer-only types: restriction.', identity: 'pull_request_target', anchor: start });
    }
  }
  // Dangerous triggers at all: each runs in the base repository's privileged context on events a fork causes.
  for (const t of ['pull_request_target', 'workflow_run']) {
    if (!triggers.has(t)) continue;
    const keyNode = triggers.get(t);
    const start = keyNode?.range?.[0] ?? findTriggerOffset(src, pairOf(root, 'on'), t);
    const why = t === 'workflow_run' ? 'runs with secrets and a write token after a workflow a fork pull request can start' : 'runs with secrets and a write token for pull requests from forks';
    emit({ ruleId: 'gha-dangerous-trigger', start, end: start + t.length, anchor: start, identity: `trigger|${t}`, message: `${t} ${why}; it is hard to use safely. Prefer pull_request, or keep this workflow from touching the event's code and text.` });
  }
  const publicTrig = [...triggers.keys()].filter((t) => PUBLIC_TRIGGERS.has(t));
  if (publicTrig.length) {
    for (const job of jobs) {
      const ro = get(job.node, 'runs-on');
      const labels = isSeq(ro) ? items(ro).map((i) => str(i) ?? '') : isScalar(ro) ? [str(ro) ?? ''] : pairs(ro).flatMap(([, p]) => (isSeq(p.value) ? items(p.value).map((i) => str(i) ?? '') : [str(p.value) ?? '']));
      if (labels.some((l) => l.toLowerCase() === 'self-hosted') || (labels.length > 0 && labels.every((l) => l && !l.includes('$')) && labels.some((l) => !GITHUB_HOSTED_LABEL.test(l.trim())))) {
        const rp = pairOf(job.node, 'runs-on')!;
        emit({ ruleId: 'gha-self-hosted-public-trigger', start: rp.key.range![0], end: ro!.range![1], message: `Job ${job.id} runs on a self-hosted runner and the workflow is triggered by ${publicTrig.join(', ')}.`, identity: job.id, anchor: ro!.range![0] });
      }
    }
  }
}

/** Offset of `pull_request_target` inside a non-mapping `on:`. */
export function findTriggerOffset(src: YamlSource, onPair: Pair<Node, Node> | undefined, name = 'pull_request_target'): number {
  const r = onPair?.value?.range;
  if (!r) return 0;
  const re = new RegExp(`\\b${name}\\b`, 'g');
  re.lastIndex = r[0];
  const m = re.exec(src.text);
  const i = m && m.index < r[1] ? m.index : -1;
  return i === -1 ? r[0] : i;
}

/** Checkout refs that name the pull request head. */
export const CHECKOUT_UNTRUSTED_REF = /github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(?:sha|branch)|refs\/pull\/|github\.event\.issue\.number|github\.event\.pull_request\.merge_commit_sha|github\.event\.workflow_run\.pull_requests|head\.repo\.full_name|steps\.[\w-]+\.outputs\.head_(?:ref|sha)/;

/** Contexts a checkout ref may name without pointing at the event's (possibly forked) code. */
const SAFE_REF_CONTEXT = /^(?:github\.(?:sha|ref|ref_name|base_ref|event\.pull_request\.base\.(?:sha|ref)|event\.repository\.default_branch|event\.release\.tag_name)|inputs\.[\w-]+|github\.event\.inputs\.[\w-]+|vars\.[\w-]+|env\.[\w-]+|matrix\.[\w-]+)$/i;

/** True when a checkout `ref:` is computed from a context other than the base repository's own refs. */
function computedRef(s: string): boolean {
  const exprs = [...s.matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!);
  return exprs.length > 0 && exprs.some((e) => !SAFE_REF_CONTEXT.test(e.trim()));
}

/** Actions that build or run the checked-out code. */
export const BUILD_ACTIONS = /^(?:\.\/|docker\/build-push-action|gradle\/|cypress-io\/github-action|github\/codeql-action\/autobuild|golangci\/golangci-lint-action|pre-commit\/action|ruby\/setup-ruby|actions\/setup-node|bridgecrewio\/checkov-action|oxsecurity\/megalinter|(?:github|super-linter)\/super-linter|sonarsource\/sonar(?:cloud-github|qube-scan)-action|pypa\/cibuildwheel|pyo3\/maturin-action)/i;

/** Build tools and script runners that execute code or hooks of the checked-out tree. */
export const BUILD_COMMAND = /(?:^|[\s;&|(`"'])(?:npm|yarn|pnpm|npx|bun|pip3?|poetry|pdm|uv\s+(?:run|sync|pip)|make|cmake|gradle|\.\/gradlew|mvn|\.\/mvnw|ant|cargo\s+(?:build|test|run|check|clippy|bench|install)|go\s+(?:build|test|run|generate|install)|bundle|rake|pre-commit|tox|nox|composer|dotnet|msbuild|docker\s+(?:build|compose)|terraform\s+(?:plan|apply|init)|gomplate|mkdocs\s+build|vale|python3?\s+(?:setup\.py|-m\s+(?:pip|pytest|build))|pytest|(?:ba)?sh\s+\.?\/|\.\/[\w./-]+\.sh)(?=[\s;&|)`"']|$)/m;

/** Audits checkouts of the pull request head (and artifacts of untrusted runs) in privileged workflows. */
export function auditCheckout(src: YamlSource, job: Job, triggers: Map<string, Node | null>, emit: Emit): void {
  const dangerous = [...triggers.keys()].filter((t) => DANGEROUS_TRIGGERS.has(t));
  if (!dangerous.length) return;
  if (SAME_REPO_GUARD.test(jobIfGuards(src, job))) return;
  job.steps.forEach((step, i) => {
    let untrusted: { start: number; end: number; text: string; rest?: string } | undefined;
    if (step.uses && ownerRepo(step.uses) === 'actions/checkout') {
      for (const key of ['ref', 'repository']) {
        const v = get(step.with, key);
        const s = str(v);
        if (s && (CHECKOUT_UNTRUSTED_REF.test(s) || (key === 'ref' && computedRef(s)))) {
          untrusted = { start: v!.range![0], end: v!.range![1], text: s };
          break;
        }
      }
    } else if (step.run) {
      const [bs, be] = scalarBody(src, step.run);
      const script = src.text.slice(bs, be);
      const m = /\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\/|\bgit\s+checkout\b[^\n]*(?:FETCH_HEAD|\$\{\{\s*github\.(?:head_ref|event\.pull_request\.head))/.exec(script);
      if (m) untrusted = { start: bs + m.index, end: bs + m.index + m[0].length, text: m[0], rest: script.slice(m.index + m[0].length) };
    }
    if (!untrusted) return;
    if (SAME_REPO_GUARD.test(str(get(step.node, 'if')) ?? '')) return;
    const later = job.steps.slice(i + 1);
    const sameScript = untrusted.rest !== undefined && /(?:&&|;|\n)\s*[^\s#]/.test(untrusted.rest) ? step : undefined;
    const exec = sameScript ?? later.find((s) => s.run || (s.uses && BUILD_ACTIONS.test(s.uses)));
    const anchor = step.node.range![0];
    const identity = `${job.id}|${step.label}|${untrusted.text.replace(/\s+/g, ' ')}`;
    if (exec) {
      // Each later step that builds or runs the checked-out tree is reported where it runs it (as poutine does), as well.
      const at = src.lines.linePos(untrusted.start).line;
      for (const s of later) {
        const runs = s.run ? BUILD_COMMAND.exec(src.text.slice(...scalarBody(src, s.run))) : undefined;
        const node = runs ? s.run : s.uses && BUILD_ACTIONS.test(s.uses) ? s.usesNode : undefined;
        if (!node?.range) continue;
        const what = runs ? runs[0].trim().replace(/^[;&|(`"']+/, '') : s.uses!;
        emit({ ruleId: 'gha-untrusted-checkout-exec', start: node.range[0], end: node.range[1], anchor: s.node.range![0], identity: `${job.id}|${s.label}|exec`, message: `Step ${s.index + 1} of job ${job.id} runs ${what} on the pull request code checked out at line ${at} (${dangerous.join(', ')}).` });
      }
      emit({ ruleId: 'gha-untrusted-checkout-exec', start: untrusted.start, end: untrusted.end, anchor, identity, message: `Job ${job.id} (${dangerous.join(', ')}) checks out the pull request head and then runs it${exec === step ? ' in the same script' : ` in step ${exec.index + 1}`}.` });
    } else {
      emit({ ruleId: 'gha-untrusted-checkout', start: untrusted.start, end: untrusted.end, anchor, identity, message: `Job ${job.id} (${dangerous.join(', ')}) checks out the pull request head in a privileged context.` });
    }
  });
  if (triggers.has('workflow_run')) {
    job.steps.forEach((step, i) => {
      const u = step.uses ? ownerRepo(step.uses) : '';
      const viaAction = (u === 'actions/download-artifact' && (get(step.with, 'run-id') || get(step.with, 'github-token'))) || u === 'dawidd6/action-download-artifact';
      const runText = step.run ? str(step.run) ?? '' : '';
      const viaCli = /\bgh\s+run\s+download\b/.test(runText);
      if (!viaAction && !viaCli) return;
      const exec = job.steps.slice(i + (viaCli ? 0 : 1)).find((s) => s.run && (s !== step || /\n\s*\S/.test(runText.split(/gh\s+run\s+download/)[1] ?? '')));
      if (!exec) return;
      const node = viaCli ? step.run! : step.usesNode!;
      emit({ ruleId: 'gha-workflow-run-artifact', start: node.range![0], end: node.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|artifact`, message: `Job ${job.id} downloads artifacts of the triggering (untrusted) run and then runs scripts.` });
    });
  }
}
