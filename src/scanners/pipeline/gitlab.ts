/**
 * The GitLab CI audits: `.gitlab-ci.yml` and the local files it includes. Each hit carries exact source
 * offsets, like the GitHub audits.
 */
import { isScalar } from 'yaml';
import type { Node, Scalar } from 'yaml';
import type { Hit } from './github.js';
import { isCredentialName, looksLikeLiteralSecret } from './github.js';
import { pipeToShell, quoteStateAt } from '../../analyzers/shell.js';
import { pairs, get, isMap, isSeq, items, pairOf, scalarBody, str } from '../../analyzers/yaml.js';
import type { YamlSource } from '../../analyzers/yaml.js';

const RESERVED = new Set(['image', 'services', 'stages', 'variables', 'include', 'default', 'workflow', 'before_script', 'after_script', 'cache', 'spec']);

/** Variables whose text the merge request or commit author chooses. */
const MR_VARS = /\$\{?(CI_MERGE_REQUEST_TITLE|CI_MERGE_REQUEST_DESCRIPTION|CI_MERGE_REQUEST_SOURCE_BRANCH_NAME|CI_COMMIT_MESSAGE|CI_COMMIT_TITLE|CI_COMMIT_DESCRIPTION|CI_COMMIT_BRANCH|CI_COMMIT_REF_NAME|CI_COMMIT_TAG_MESSAGE|CI_COMMIT_AUTHOR|CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME|CI_MERGE_REQUEST_SOURCE_BRANCH_SHA)\b\}?/g;
const FREE_TEXT = /TITLE|DESCRIPTION|MESSAGE|AUTHOR/;
const CODE_EVAL = /\beval\b|\b(?:ba|z|da)?sh\s+-c\b|\bpython3?\s+-c\b|\bnode\s+(?:-e|--eval)\b|\bperl\s+-e\b|\bruby\s+-e\b|\bpwsh\s+-c(?:ommand)?\b/;

/** True for a path GitLab CI reads as its main pipeline file. */
export function isGitlabCiPath(path: string): boolean {
  return /(^|\/)\.gitlab-ci\.ya?ml$/.test(path);
}

/** The local files a GitLab pipeline includes (paths relative to the repository root, no leading `/`). */
export function gitlabLocalIncludes(src: YamlSource): string[] {
  const out: string[] = [];
  const inc = get(src.doc.contents, 'include');
  const list = isSeq(inc) ? items(inc) : inc ? [inc] : [];
  for (const i of list) {
    const s = isScalar(i) ? str(i) : str(get(i, 'local'));
    if (s && !/^https?:\/\//.test(s)) out.push(s.replace(/^\/+/, ''));
  }
  return out;
}

type Emit = (h: Hit) => void;

/** Runs every GitLab CI audit on one parsed pipeline file. */
export function auditGitlab(src: YamlSource): Hit[] {
  const hits: Hit[] = [];
  const emit: Emit = (h) => hits.push(h);
  const root = src.doc.contents;
  if (!isMap(root)) return hits;
  auditIncludes(src, get(root, 'include'), emit);
  const globalVars = get(root, 'variables');
  auditVariables(src, '(global)', globalVars, emit);
  const def = get(root, 'default');
  const globalServices = [get(root, 'services'), get(def, 'services')];
  for (const [what, node] of [['image', get(root, 'image')], ['image', get(def, 'image')]] as const) auditImage(src, '(global)', what, node, emit);
  for (const s of globalServices) auditServices(src, '(global)', s, [globalVars], emit);
  for (const key of ['before_script', 'after_script']) {
    auditScripts(src, '(global)', get(root, key), false, emit);
    auditScripts(src, '(default)', get(def, key), false, emit);
  }
  for (const [name] of pairs(root)) {
    if (RESERVED.has(name)) continue;
    const job = get(root, name);
    if (!isMap(job)) continue;
    const vars = get(job, 'variables');
    auditVariables(src, name, vars, emit);
    auditImage(src, name, 'image', get(job, 'image'), emit);
    auditServices(src, name, get(job, 'services'), [vars, globalVars], emit);
    const mr = runsInMergeRequests(src, job, root);
    for (const key of ['script', 'before_script', 'after_script']) auditScripts(src, name, get(job, key), mr, emit);
  }
  return hits;
}

function runsInMergeRequests(src: YamlSource, job: Node, root: Node): boolean {
  const text = (n: Node | null | undefined): string => {
    const r = n?.range;
    return r ? src.text.slice(r[0], r[1]) : '';
  };
  const only = text(get(job, 'only'));
  const rules = text(get(job, 'rules'));
  const wf = text(get(get(root, 'workflow'), 'rules'));
  return /merge_requests?\b|merge_request_event|CI_MERGE_REQUEST_/.test(only + rules) || (!only && !rules && /merge_request_event/.test(wf));
}

function scriptScalars(src: YamlSource, node: Node | null | undefined): Scalar[] {
  if (!node) return [];
  if (isScalar(node)) return [node];
  return items(node).flatMap((i) => scriptScalars(src, i));
}

function auditScripts(src: YamlSource, job: string, node: Node | null | undefined, mr: boolean, emit: Emit): void {
  for (const s of scriptScalars(src, node)) {
    const [bs, be] = scalarBody(src, s);
    const text = src.text.slice(bs, be);
    for (const h of pipeToShell(text)) {
      emit({ ruleId: 'gl-curl-pipe-shell', start: bs + h.start, end: bs + h.end, anchor: s.range![0], identity: `${job}|${h.text.replace(/\s+/g, ' ')}`, message: 'A downloaded script is piped straight into an interpreter; pin and verify it first.' });
    }
    // Component inputs are pasted into the script text before the shell parses it.
    const INPUT_INTERP = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)([^\]]*)\]\]/g;
    for (let m = INPUT_INTERP.exec(text); m; m = INPUT_INTERP.exec(text)) {
      const expand = /\bexpand_vars\b/.test(m[2] ?? '');
      emit({ ruleId: 'gl-input-injection', start: bs + m.index, end: bs + m.index + m[0].length, anchor: s.range![0], identity: `${job}|inputs.${m[1]}`, message: `inputs.${m[1]} is pasted into the script before the shell parses it${expand ? ', with variables expanded (expand_vars)' : ''}, so whoever includes the component or sets the input chooses code; pass it through variables: and quote "$VAR".` });
    }
    MR_VARS.lastIndex = 0;
    for (let m = MR_VARS.exec(text); m; m = MR_VARS.exec(text)) {
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const before = text.slice(lineStart, m.index);
      const evalCtx = CODE_EVAL.test(before);
      const q = quoteStateAt(text.slice(lineStart), m.index - lineStart);
      const unquotedFree = q === 'none' && FREE_TEXT.test(m[1]!);
      if (q === 'single' && !evalCtx) continue;
      if (evalCtx || unquotedFree) {
        emit({ ruleId: 'gl-mr-variable-injection', start: bs + m.index, end: bs + m.index + m[0].length, anchor: s.range![0], identity: `${job}|${m[1]}|${before.trim().split(/\s+/)[0] ?? ''}`, message: evalCtx ? `$${m[1]} is chosen by the merge request author and is evaluated as code here.` : `$${m[1]} is chosen by the merge request author and is used unquoted; quote it ("$${m[1]}").` });
      }
    }
    if (mr) {
      const re = /\$\{?([A-Z][A-Z0-9_]*)\}?/g;
      const seen = new Set<string>();
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const v = m[1]!;
        if (v.startsWith('CI_') || v.startsWith('GITLAB_') || seen.has(v) || !isCredentialName(v)) continue;
        seen.add(v);
        emit({ ruleId: 'gl-secret-in-mr-pipeline', start: bs + m.index, end: bs + m.index + m[0].length, anchor: s.range![0], identity: `${job}|${v}`, message: `Job ${job} runs in merge request pipelines and reads $${v}; make the variable protected and keep the job off MR pipelines.` });
      }
    }
  }
}

function auditVariables(src: YamlSource, job: string, vars: Node | null | undefined, emit: Emit): void {
  for (const [name, p] of pairs(vars)) {
    const valNode = isMap(p.value) ? get(p.value, 'value') : p.value;
    const v = str(valNode);
    if (v === undefined || !valNode?.range) continue;
    const base = { start: valNode.range[0], end: valNode.range[1], anchor: p.key.range![0] };
    if ((name === 'CI_DEBUG_TRACE' || name === 'CI_DEBUG_SERVICES') && /^(true|1)$/i.test(v.trim())) {
      emit({ ruleId: 'gl-debug-trace', ...base, identity: `${job}|${name}`, message: `${name} prints every variable, secrets included, into the job log.` });
    }
    if (isCredentialName(name) && looksLikeLiteralSecret(v)) {
      emit({ ruleId: 'gl-hardcoded-variable-secret', ...base, identity: `${job}|${name}`, message: `${name} is set to a literal credential; define it as a masked, protected CI/CD variable.` });
    }
  }
}

function imageRef(src: YamlSource, node: Node | null | undefined): Scalar | undefined {
  if (isScalar(node)) return node;
  const n = get(node, 'name');
  return isScalar(n) ? n : undefined;
}

function auditImage(src: YamlSource, job: string, what: string, node: Node | null | undefined, emit: Emit): void {
  const s = imageRef(src, node);
  const ref = s ? str(s) : undefined;
  if (!s || !ref || ref.includes('$') || ref.includes('@sha256:')) return;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  const tag = colon === -1 ? '' : ref.slice(colon + 1);
  const base = { start: s.range![0], end: s.range![1], anchor: s.range![0], identity: `${job}|${what}|${ref}` };
  if (!tag || tag === 'latest') emit({ ruleId: 'gl-image-latest', ...base, message: `The ${what} ${ref} has no fixed tag; pin a version and digest.` });
  else emit({ ruleId: 'gl-image-no-digest', ...base, message: `The ${what} ${ref} is not pinned by digest.` });
}

function auditServices(src: YamlSource, job: string, node: Node | null | undefined, varScopes: (Node | null | undefined)[], emit: Emit): void {
  for (const svc of items(node)) {
    auditImage(src, job, 'service', svc, emit);
    const s = imageRef(src, svc);
    const ref = s ? str(s) ?? '' : '';
    if (!s || !/(^|\/)docker:[^@]*dind/.test(ref)) continue;
    const svcVars = get(svc, 'variables');
    const all = [svcVars, ...varScopes];
    const tlsOff = all.some((v) => {
      const t = pairOf(v, 'DOCKER_TLS_CERTDIR');
      return t !== undefined && (str(t.value) ?? '') === '';
    });
    const plainHost = all.some((v) => /^tcp:\/\/[^/]+:2375\b/.test(str(get(v, 'DOCKER_HOST')) ?? ''));
    const cmd = get(svc, 'command');
    const cmdText = cmd?.range ? src.text.slice(cmd.range[0], cmd.range[1]) : '';
    const insecureCmd = /--tls=false|tcp:\/\/0\.0\.0\.0:2375/.test(cmdText);
    if (tlsOff || plainHost || insecureCmd) {
      emit({ ruleId: 'gl-privileged-dind', start: s.range![0], end: s.range![1], anchor: s.range![0], identity: `${job}|${ref}`, message: `Job ${job} runs a privileged Docker-in-Docker daemon without TLS, reachable unauthenticated on port 2375.` });
    }
  }
}

function auditIncludes(src: YamlSource, inc: Node | null | undefined, emit: Emit): void {
  const list = isSeq(inc) ? items(inc) : inc ? [inc] : [];
  for (const i of list) {
    if (isScalar(i)) {
      const s = str(i) ?? '';
      if (/^https?:\/\//.test(s)) emit({ ruleId: 'gl-remote-include', start: i.range![0], end: i.range![1], anchor: i.range![0], identity: s, message: `Includes ${s}, fetched at pipeline time; vendor it or pin a project include to a SHA.` });
      continue;
    }
    const remote = get(i, 'remote');
    // A remote include with `integrity:` (a sha256 of the file) is pinned: GitLab refuses changed content.
    if (isScalar(remote) && !get(i, 'integrity')) {
      emit({ ruleId: 'gl-remote-include', start: remote.range![0], end: remote.range![1], anchor: remote.range![0], identity: str(remote) ?? '', message: `Includes ${str(remote)}, fetched at pipeline time; vendor it or pin a project include to a SHA.` });
    }
    const project = get(i, 'project');
    if (isScalar(project)) {
      const ref = get(i, 'ref');
      const r = str(ref);
      if (!r || !/^[0-9a-f]{40}$/i.test(r)) {
        const n = ref ?? project;
        emit({ ruleId: 'gl-unpinned-include', start: n.range![0], end: n.range![1], anchor: n.range![0], identity: `${str(project)}|${r ?? ''}`, message: `Include of ${str(project)} ${r ? `at ${r}` : 'without ref:'} follows whatever is pushed there; pin a commit SHA.` });
      }
    }
    const component = get(i, 'component');
    if (isScalar(component)) {
      const c = str(component) ?? '';
      const at = c.lastIndexOf('@');
      const v = at === -1 ? '' : c.slice(at + 1);
      if (!/^[0-9a-f]{40}$/i.test(v)) emit({ ruleId: 'gl-unpinned-include', start: component.range![0], end: component.range![1], anchor: component.range![0], identity: c, message: `Component ${c} is not pinned to a commit SHA.` });
    }
  }
}
