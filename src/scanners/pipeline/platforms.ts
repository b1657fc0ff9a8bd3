/**
 * Azure Pipelines, Tekton and Bitbucket Pipelines files: the injection classes (values a pull request author or a
 * pipeline caller chooses, pasted into a script before it runs), scripts piped from the network into a shell,
 * debug logging forced on, and images without a digest. Each hit carries exact source offsets, like the GitHub and
 * GitLab audits.
 */
import { isScalar } from 'yaml';
import type { Node, Scalar } from 'yaml';
import type { Hit } from './github.js';
import { pipeToShell, quoteStateAt } from '../../analyzers/shell.js';
import { get, isMap, isSeq, items, pairs, scalarBody, str } from '../../analyzers/yaml.js';
import type { YamlSource } from '../../analyzers/yaml.js';
import { BUILD_COMMAND } from './gha/triggers.js';

type Emit = (h: Hit) => void;

/** True for an Azure Pipelines file (`azure-pipelines.yml`, `.azure-pipelines.yml`, `azure-pipelines-*.yml`, `.azure-pipelines/*.yml`). */
export function isAzurePath(path: string): boolean {
  return /(^|\/)\.?azure-pipelines(?:[-.][\w.-]+)?\.ya?ml$/i.test(path) || /(^|\/)\.azure-pipelines\/[^/]+\.ya?ml$/i.test(path);
}

/** True for `bitbucket-pipelines.yml`. */
export function isBitbucketPath(path: string): boolean {
  return /(^|\/)bitbucket-pipelines\.ya?ml$/i.test(path);
}

/** True for a path that may hold Tekton resources: under a `.tekton/` or `tekton/` folder. The content decides (see {@link isTektonText}). */
export function isTektonPath(path: string): boolean {
  return /(^|\/)\.?tekton\/(?:[^/]+\/)*[^/]+\.ya?ml$/i.test(path);
}

/** True when a YAML text declares Tekton resources. */
export function isTektonText(text: string): boolean {
  return /^\s*apiVersion:\s*["']?tekton\.dev\//m.test(text);
}

/** A `name:tag[@digest]` image reference: which pinning problem it has, if any. */
function imageProblem(ref: string): 'latest' | 'no-digest' | undefined {
  const r = ref.trim().replace(/^docker:\/\//, '');
  if (!r || r.includes('$') || r.includes('{{') || /@sha256:[0-9a-f]{64}$/i.test(r)) return undefined;
  const lastSlash = r.lastIndexOf('/');
  const colon = r.indexOf(':', lastSlash + 1);
  const tag = colon === -1 ? '' : r.slice(colon + 1);
  return !tag || tag === 'latest' ? 'latest' : 'no-digest';
}

function emitImage(rule: string, who: string, s: Scalar, emit: Emit): void {
  const ref = str(s) ?? '';
  const p = imageProblem(ref);
  if (!p) return;
  emit({ ruleId: rule, start: s.range![0], end: s.range![1], anchor: s.range![0], identity: `${who}|${ref}`, message: p === 'latest' ? `The image ${ref} has no fixed tag (or latest): every run may pull different code; pin a version and a digest.` : `The image ${ref} is not pinned by digest; a tag can be moved to new content. Pin image:tag@sha256:...` });
}

function curlPipe(rule: string, who: string, s: Scalar, src: YamlSource, emit: Emit): void {
  const [bs, be] = scalarBody(src, s);
  for (const h of pipeToShell(src.text.slice(bs, be))) {
    emit({ ruleId: rule, start: bs + h.start, end: bs + h.end, anchor: s.range![0], identity: `${who}|${h.text.replace(/\s+/g, ' ')}`, message: 'A downloaded script is piped straight into an interpreter; download a pinned version, check its hash, then run it.' });
  }
}

/** The trimmed line of `text` around `offset` (a line-independent identity part). */
function lineAt(text: string, offset: number): string {
  const a = text.lastIndexOf('\n', offset) + 1;
  const b = text.indexOf('\n', offset);
  return text.slice(a, b === -1 ? undefined : b).trim();
}

/** Every node of the document, depth-first, with the key it sits under. */
function walkNodes(src: YamlSource, node: Node | null, key: string | undefined, fn: (n: Node, key: string | undefined, parent: Node | undefined) => void, parent?: Node, depth = 0): void {
  if (!node || depth > 60) return;
  fn(node, key, parent);
  if (isMap(node)) for (const [k, p] of pairs(node)) walkNodes(src, p.value, k, fn, node, depth + 1);
  else if (isSeq(node)) for (const i of items(node)) walkNodes(src, i, key, fn, node, depth + 1);
}

// ---- Azure Pipelines -------------------------------------------------------------------------------

/** Predefined variables whose text the pull request or commit author chooses. */
const AZURE_TAINTED = /^(?:Build\.SourceBranch(?:Name)?|Build\.SourceVersionMessage|Build\.RequestedFor(?:Email)?|Build\.SourceVersionAuthor|System\.PullRequest\.SourceBranch(?:Name)?|System\.PullRequest\.SourceRepositoryURI|System\.PullRequest\.PullRequestTitle|System\.PullRequest\.Description|Build\.TriggeredBy\.\w+)$/i;
/** Script keys of Azure steps, and script inputs of the script tasks. */
const AZURE_SCRIPT_KEYS = new Set(['script', 'bash', 'powershell', 'pwsh']);
const AZURE_SCRIPT_TASK = /^(?:Bash|PowerShell|CmdLine|AzureCLI|AzurePowerShell|PythonScript|ShellScript)@\d+$/i;
const AZURE_SCRIPT_INPUTS = new Set(['script', 'inlinescript', 'inline']);

/** The string parameters a template declares (only those can carry code; booleans and numbers cannot). */
function azureStringParams(src: YamlSource, root: Node): Set<string> | undefined {
  const params = get(root, 'parameters');
  if (!isSeq(params)) return undefined;
  const out = new Set<string>();
  for (const p of items(params)) {
    const name = str(get(p, 'name'));
    const type = (str(get(p, 'type')) ?? 'string').toLowerCase();
    if (name && type === 'string' && !isSeq(get(p, 'values'))) out.add(name);
  }
  return out;
}

/** Runs the Azure Pipelines audits on one parsed file. */
export function auditAzure(src: YamlSource): Hit[] {
  const hits: Hit[] = [];
  const emit: Emit = (h) => hits.push(h);
  const root = src.doc.contents;
  if (!isMap(root)) return hits;
  const stringParams = azureStringParams(src, root);
  const scripts: Scalar[] = [];
  walkNodes(src, root, undefined, (n, key, parent) => {
    // variables: { system.debug: true } or [- name: system.debug, value: true]
    if (key === 'variables') {
      const debugAt = (name: string, v: Node | null | undefined, at: Node | null | undefined): void => {
        if (/^(?:system\.debug|agent\.diagnostic)$/i.test(name) && /^(?:true|1)$/i.test((str(v ?? null) ?? '').trim()) && at?.range) {
          emit({ ruleId: 'azp-debug-enabled', start: at.range[0], end: at.range[1], anchor: at.range[0], identity: name.toLowerCase(), message: `${name} is forced on: every run logs verbose internals, including values that are not masked. Enable debug only when re-running a pipeline.` });
        }
      };
      if (isMap(n)) for (const [name, p] of pairs(n)) debugAt(name, p.value, p.value);
      else if (isSeq(n)) for (const i of items(n)) debugAt(str(get(i, 'name')) ?? '', get(i, 'value'), get(i, 'value'));
    }
    if (isScalar(n) && key && AZURE_SCRIPT_KEYS.has(key) && parent && isMap(parent)) scripts.push(n);
    if (isMap(n) && AZURE_SCRIPT_TASK.test(str(get(n, 'task')) ?? '')) {
      for (const [k, p] of pairs(get(n, 'inputs'))) if (AZURE_SCRIPT_INPUTS.has(k.toLowerCase()) && isScalar(p.value)) scripts.push(p.value);
    }
    // Images: a job `container:` (a string or { image: }), resources.containers[].image.
    if (key === 'container' && isScalar(n) && parent && isMap(parent) && !get(parent, 'image')) emitImage('azp-unpinned-image', 'container', n, emit);
    // Every `image:` of an Azure file names a container image (vmImage is another key).
    if (key === 'image' && isScalar(n) && parent && isMap(parent)) emitImage('azp-unpinned-image', 'image', n, emit);
  });
  // Pull request validation (on unless `pr: none`) that checks out the source and then builds it runs the pull
  // request's code: with secrets when the pipeline makes them available to fork builds.
  const pr = get(root, 'pr');
  if (!(isScalar(pr) && /^none$/i.test(str(pr) ?? ''))) {
    walkNodes(src, root, undefined, (n, key) => {
      if (key !== 'steps' || !isSeq(n)) return;
      const steps = items(n);
      const at = steps.findIndex((st) => /^self$/i.test(str(get(st, 'checkout')) ?? ''));
      if (at === -1) return;
      for (const st of steps.slice(at + 1)) {
        for (const k of AZURE_SCRIPT_KEYS) {
          const sc = get(st, k);
          if (!isScalar(sc)) continue;
          const m = BUILD_COMMAND.exec(src.text.slice(...scalarBody(src, sc)));
          if (m) emit({ ruleId: 'azp-untrusted-checkout-exec', start: sc.range![0], end: sc.range![1], anchor: sc.range![0], identity: `${k}|${m[0].trim()}|${lineAt(src.text.slice(...scalarBody(src, sc)), m.index)}`, message: `Pull request validation checks out the pull request's source (checkout: self) and this step runs ${m[0].trim().replace(/^[;&|(\`"']+/, '')} on it: the contributor's code runs with the pipeline's service connections and any secrets made available to PR builds.` });
        }
      }
    });
  }
  for (const s of scripts) {
    const [bs, be] = scalarBody(src, s);
    const text = src.text.slice(bs, be);
    curlPipe('azp-curl-pipe-shell', 'script', s, src, emit);
    // Macro syntax $(Var) is replaced in the script text before the shell runs it.
    const MACRO = /\$\(\s*([A-Za-z_][\w.]*)\s*\)/g;
    for (let m = MACRO.exec(text); m; m = MACRO.exec(text)) {
      if (!AZURE_TAINTED.test(m[1]!)) continue;
      emit({ ruleId: 'azp-injection', start: bs + m.index, end: bs + m.index + m[0].length, anchor: s.range![0], identity: `${m[1]}|${lineAt(text, m.index)}`, message: `$(${m[1]}) is chosen by the pull request or commit author and is pasted into the script before it runs; map it to an env: variable and use it quoted.` });
    }
    // Template expressions ${{ parameters.x }} are pasted at compile time: whoever sets the parameter chooses code.
    const TPL = /\$\{\{\s*(?:parameters\.([\w-]+)|variables\.([\w.-]+)|variables\[['"]([\w.-]+)['"]\])\s*\}\}/g;
    for (let m = TPL.exec(text); m; m = TPL.exec(text)) {
      const param = m[1];
      const variable = m[2] ?? m[3];
      if (param && stringParams && !stringParams.has(param)) continue;
      if (variable && !AZURE_TAINTED.test(variable)) continue;
      emit({ ruleId: param ? 'azp-parameter-injection' : 'azp-injection', start: bs + m.index, end: bs + m.index + m[0].length, anchor: s.range![0], identity: `${m[0]}|${lineAt(text, m.index)}`, message: param ? `parameters.${param} is pasted into the script when the template is expanded, so whoever queues the run or includes the template chooses code; pass it through env: and quote the variable.` : `${variable} is chosen by the pull request or commit author and is pasted into the script; map it to an env: variable and quote it.` });
    }
  }
  return hits;
}

// ---- Tekton ------------------------------------------------------------------------------------------

/** Runs the Tekton audits (Task, ClusterTask, Pipeline, PipelineRun, TaskRun; every document of the file). */
export function auditTekton(src: YamlSource, docs: Node[]): Hit[] {
  const hits: Hit[] = [];
  const emit: Emit = (h) => hits.push(h);
  for (const root of docs) {
    if (!isMap(root) || !/^tekton\.dev\//.test(str(get(root, 'apiVersion')) ?? '')) continue;
    const kind = str(get(root, 'kind')) ?? 'resource';
    // Pipelines-as-Code PipelineRun on pull requests that clones the source (git-clone task) and then builds it.
    const ann = get(get(root, 'metadata'), 'annotations');
    const onPr = /pull_request/.test(str(get(ann, 'pipelinesascode.tekton.dev/on-event')) ?? '');
    const clones = /git-clone/.test(str(get(ann, 'pipelinesascode.tekton.dev/task')) ?? '');
    if (kind === 'PipelineRun' && onPr && clones) {
      walkNodes(src, root, undefined, (n, key) => {
        if (key !== 'steps' || !isSeq(n)) return;
        for (const step of items(n)) {
          const sc = get(step, 'script');
          if (!isScalar(sc)) continue;
          const m = BUILD_COMMAND.exec(src.text.slice(...scalarBody(src, sc)));
          if (m) emit({ ruleId: 'tkn-untrusted-checkout-exec', start: sc.range![0], end: sc.range![1], anchor: sc.range![0], identity: `${str(get(step, 'name')) ?? '?'}|${m[0].trim()}`, message: `This PipelineRun runs on pull requests (pipelinesascode on-event), clones the pull request's source (git-clone) and runs ${m[0].trim().replace(/^[;&|(\`"']+/, '')} on it: the contributor's code runs with the pipeline's service account and secrets.` });
        }
      });
    }
    walkNodes(src, root, undefined, (n, key) => {
      if (key !== 'steps' || !isSeq(n)) return;
      for (const step of items(n)) {
        const who = `${kind}|${str(get(step, 'name')) ?? '?'}`;
        const image = get(step, 'image');
        if (isScalar(image)) emitImage('tkn-unpinned-image', who, image, emit);
        const script = get(step, 'script');
        const scripts = [script, ...items(get(step, 'args')), ...items(get(step, 'command'))].filter((x): x is Scalar => isScalar(x));
        for (const s of scripts) {
          const [bs, be] = scalarBody(src, s);
          const text = src.text.slice(bs, be);
          if (s === script) curlPipe('tkn-curl-pipe-shell', who, s, src, emit);
          // $(params.x), $(inputs.params.x), $(tasks.t.results.r), $(steps.s.results.r): substituted into the text
          // before the container starts. Pipelines-as-Code `{{ body.* }}`/`{{ source_branch }}` likewise.
          const SUB = /\$\(\s*((?:inputs\.)?params(?:\.[\w-]+|\[['"][\w-]+['"]\])(?:\[\*\])?|tasks\.[\w-]+\.results\.[\w.-]+|steps\.[\w-]+\.results\.[\w.-]+)\s*\)|\{\{\s*((?:body|headers)\.[\w.[\]-]+|source_branch|target_branch|pull_request_title|trigger_comment|event_title)\s*\}\}/g;
          for (let m = SUB.exec(text); m; m = SUB.exec(text)) {
            const what = m[1] ?? m[2]!;
            if (s !== script) {
              // In args/command a substitution is one argv element: only a shell's -c argument is code.
              const list = [...items(get(step, 'command')), ...items(get(step, 'args'))].map((x) => str(x) ?? '');
              if (!list.some((a) => /^-c$/.test(a))) continue;
            }
            const lineStart = text.lastIndexOf('\n', m.index) + 1;
            const q = quoteStateAt(text.slice(lineStart), m.index - lineStart);
            emit({ ruleId: 'tkn-param-injection', start: bs + m.index, end: bs + m.index + m[0].length, anchor: s.range![0], identity: `${who}|${what}|${lineAt(text, m.index)}`, message: `${m[0]} is substituted into the script text before it runs${q === 'none' ? '' : ' (quotes do not help: the value can close them)'}, so whoever sets ${m[2] ? 'the event' : 'the parameter or result'} chooses code. Pass it as an env: value (env: - name: X value: ${m[0]}) and use "$X".` });
          }
        }
      }
    });
  }
  return hits;
}

// ---- Bitbucket Pipelines -----------------------------------------------------------------------------

/** Variables the branch, tag or pull request author chooses. */
const BB_TAINTED = /\$\{?(BITBUCKET_BRANCH|BITBUCKET_TAG|BITBUCKET_PR_DESTINATION_BRANCH|BITBUCKET_BOOKMARK)\b\}?/g;
const CODE_EVAL = /\beval\b|\b(?:ba|z|da)?sh\s+-c\b|\bpython3?\s+-c\b|\bnode\s+(?:-e|--eval)\b|\bperl\s+-e\b|\bruby\s+-e\b/;

/** Runs the Bitbucket Pipelines audits on one parsed file. */
export function auditBitbucket(src: YamlSource): Hit[] {
  const hits: Hit[] = [];
  const emit: Emit = (h) => hits.push(h);
  const root = src.doc.contents;
  if (!isMap(root)) return hits;
  walkNodes(src, root, undefined, (n, key, parent) => {
    if (key === 'image' && parent && isMap(parent)) {
      const ref = isScalar(n) ? n : get(n, 'name');
      if (isScalar(ref)) emitImage('bb-unpinned-image', 'image', ref, emit);
    }
    if (key === 'script' || key === 'after-script') {
      for (const line of isSeq(n) ? items(n) : [n]) {
        if (isMap(line)) {
          // - pipe: atlassian/aws-s3-deploy:1.1.0 (a pipe is a container image)
          const pipe = get(line, 'pipe');
          if (isScalar(pipe)) emitImage('bb-unpinned-image', 'pipe', pipe, emit);
          continue;
        }
        if (!isScalar(line)) continue;
        curlPipe('bb-curl-pipe-shell', 'script', line, src, emit);
        const [bs, be] = scalarBody(src, line);
        const text = src.text.slice(bs, be);
        BB_TAINTED.lastIndex = 0;
        for (let m = BB_TAINTED.exec(text); m; m = BB_TAINTED.exec(text)) {
          const lineStart = text.lastIndexOf('\n', m.index) + 1;
          if (!CODE_EVAL.test(text.slice(lineStart, m.index))) continue;
          emit({ ruleId: 'bb-injection', start: bs + m.index, end: bs + m.index + m[0].length, anchor: line.range![0], identity: `${m[1]}|${lineAt(text, m.index)}`, message: `$${m[1]} is named by whoever pushes the branch or tag and is evaluated as code here; never eval it.` });
        }
      }
    }
  });
  return hits;
}
