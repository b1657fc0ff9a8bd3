/**
 * Step audits about what a job installs and how it runs: ad-hoc package installs in `run:`, unpinned system
 * packages, setup actions that install an unpinned tool version, GitHub App tokens with blanket scope, and
 * misfeatures (`shell: cmd`, setup-python's `pip-install`).
 */
import { isScalar } from 'yaml';
import type { Node } from 'yaml';
import { adhocPackageInstalls, scriptImages, unpinnedSystemPackages } from '../../../analyzers/package-installs.js';
import { get, pairs, pairOf, scalarBody, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { ownerRepo, truthy } from './model.js';
import type { Emit, Job, Step } from './model.js';

/**
 * Setup actions whose tool version input defaults to "whatever is newest" (or is set so): `owner/repo` → the input and
 * the values that mean unpinned. An input left out selects the default, which is unpinned for these.
 */
export const UNPINNED_TOOL_INPUTS: ReadonlyMap<string, { input: string; unpinned: RegExp; defaultUnpinned: boolean }> = new Map([
  ['aquasecurity/setup-trivy', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: true }],
  ['aquasecurity/trivy-action', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: true }],
  ['1password/load-secrets-action', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: true }],
  ['extractions/setup-just', { input: 'just-version', unpinned: /^(?:\*|latest)$/i, defaultUnpinned: true }],
  ['extractions/setup-crate', { input: 'version', unpinned: /^(?:\*|latest)$/i, defaultUnpinned: true }],
  ['astral-sh/setup-uv', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['hashicorp/setup-terraform', { input: 'terraform_version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['azure/setup-helm', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['azure/setup-kubectl', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['sigstore/cosign-installer', { input: 'cosign-release', unpinned: /^(?:latest|main)$/i, defaultUnpinned: false }],
  ['golangci/golangci-lint-action', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['goreleaser/goreleaser-action', { input: 'version', unpinned: /^(?:latest|~>\s*v?\d+)$/i, defaultUnpinned: false }],
  ['pnpm/action-setup', { input: 'version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['oven-sh/setup-bun', { input: 'bun-version', unpinned: /^(?:latest|canary)$/i, defaultUnpinned: false }],
  ['denoland/setup-deno', { input: 'deno-version', unpinned: /^(?:latest|canary|v?\d+\.x)$/i, defaultUnpinned: false }],
  ['anchore/sbom-action/download-syft', { input: 'syft-version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['actions/setup-node', { input: 'node-version', unpinned: /^(?:latest|current|node)$/i, defaultUnpinned: false }],
  ['actions/setup-python', { input: 'python-version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
  ['actions/setup-go', { input: 'go-version', unpinned: /^(?:latest)$/i, defaultUnpinned: false }],
]);

/** The `owner/repo[/path]` of a `uses:` value, lower-cased, without the ref. */
function actionPath(uses: string): string {
  const at = uses.indexOf('@');
  return (at === -1 ? uses : uses.slice(0, at)).toLowerCase();
}

/** The effective `shell:` of a step (step, job defaults, workflow defaults), trimmed, or ''. */
export function stepShell(src: YamlSource, job: Job, step: Step): { shell: string; node: Node | null | undefined } {
  const own = get(step.node, 'shell');
  if (own) return { shell: (str(own) ?? '').trim(), node: own };
  const jobShell = get(get(get(job.node, 'defaults'), 'run'), 'shell');
  if (jobShell) return { shell: (str(jobShell) ?? '').trim(), node: jobShell };
  const wf = get(get(get(src.doc.contents, 'defaults'), 'run'), 'shell');
  return { shell: (str(wf) ?? '').trim(), node: wf };
}

/** Audits one step for installs, unpinned tools, App tokens and misfeatures. */
export function auditInstalls(src: YamlSource, job: Job, step: Step, emit: Emit): void {
  const id = (t: string): string => `${job.id}|${step.label}|${t.replace(/\s+/g, ' ').trim()}`;
  if (step.run && step.runPair) {
    const [bs, be] = scalarBody(src, step.run);
    const script = src.text.slice(bs, be);
    const anchor = step.runPair.key.range![0];
    for (const h of adhocPackageInstalls(script)) {
      emit({ ruleId: 'gha-adhoc-package-install', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: `${h.manager} installs ${h.packages.join(', ')} ad hoc, outside any lock file; whatever the registry serves at run time is installed. Pin it in a lock file (with hashes) or a tool-version manifest.` });
    }
    for (const h of unpinnedSystemPackages(script)) {
      emit({ ruleId: 'gha-unpinned-system-package', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: `${h.manager} installs ${h.packages.join(', ')} without a version, so each run may get a different build.` });
    }
    for (const h of scriptImages(script)) {
      if (h.image.includes('@sha256:')) continue;
      const last = h.image.lastIndexOf('/');
      const colon = h.image.indexOf(':', last + 1);
      const tag = colon === -1 ? '' : h.image.slice(colon + 1);
      const latest = !tag || tag === 'latest';
      emit({ ruleId: latest ? 'gha-mutable-latest-image' : 'gha-unpinned-image', start: bs + h.start, end: bs + h.end, anchor, identity: id(`image ${h.image}`), message: latest ? `The script runs image ${h.image} with no fixed tag; pin a version and digest.` : `The script runs image ${h.image}, which is not pinned by digest.` });
    }
    const { shell, node } = stepShell(src, job, step);
    if (/^cmd(?:\.exe)?(?:\s|$)/i.test(shell) && node?.range) {
      emit({ ruleId: 'gha-cmd-shell', start: node.range[0], end: node.range[1], anchor: step.node.range![0], identity: id('shell: cmd'), message: 'shell: cmd has no grammar tools can check (several continuation and expansion rules); use pwsh or bash.' });
    } else if (shell && node?.range && !shell.includes('${{')) {
      // zizmor's misfeature (pedantic): a shell other than the well-known ones, whose script no tool can analyse.
      const prog = (shell.split(/\s+/)[0] ?? '').replace(/^.*[\\/]/, '').replace(/\.exe$/i, '').toLowerCase();
      if (!['bash', 'pwsh', 'python', 'sh', 'powershell', 'cmd'].includes(prog)) {
        emit({ ruleId: 'gha-uncommon-shell', start: node.range[0], end: node.range[1], anchor: step.node.range![0], identity: id(`shell: ${prog}`), message: `shell: ${shell} is not one of the shells GitHub Actions knows (bash, sh, pwsh, powershell, python), so the script cannot be checked for injections and unsafe commands; use bash or pwsh.` });
      }
    }
  }
  if (!step.uses || !step.usesNode) return;
  const path = actionPath(step.uses);
  const or = ownerRepo(step.uses);
  const base = { anchor: step.node.range![0] };
  // Unpinned tool versions in setup actions.
  const tool = UNPINNED_TOOL_INPUTS.get(path) ?? UNPINNED_TOOL_INPUTS.get(or);
  if (tool) {
    const p = pairOf(step.with, tool.input);
    const v = p && isScalar(p.value) ? (str(p.value) ?? '').trim() : undefined;
    if (p && v !== undefined && tool.unpinned.test(v)) {
      emit({ ruleId: 'gha-unpinned-tool', start: p.key.range![0], end: p.value!.range![1], ...base, identity: id(`${path} ${tool.input}`), message: `${tool.input}: ${v} makes ${path} install whatever version is newest at run time; pin an exact version.` });
    } else if (p && v !== undefined && /\$\{\{/.test(v) && tool.defaultUnpinned) {
      // The version comes from an input or variable: whoever sets it may ask for latest.
      emit({ ruleId: 'gha-unpinned-tool', start: p.key.range![0], end: p.value!.range![1], ...base, identity: id(`${path} ${tool.input} dynamic`), message: `${tool.input} is set by an expression (${v}), so ${path} may install an unpinned version; pin an exact version or validate the value.` });
    } else if (!p && tool.defaultUnpinned && !get(step.with, `${tool.input}-file`)) {
      emit({ ruleId: 'gha-unpinned-tool', start: step.usesNode.range![0], end: step.usesNode.range![1], ...base, identity: id(`${path} ${tool.input}`), message: `${path} without ${tool.input}: installs the newest release at run time; set ${tool.input} to an exact version.` });
    }
  }
  // GitHub App installation tokens.
  if (or === 'actions/create-github-app-token') {
    const withEntries = pairs(step.with);
    if (step.with && !isScalar(step.with) && !withEntries.some(([k]) => k.startsWith('permission-'))) {
      emit({ ruleId: 'gha-github-app-token-scope', start: step.usesNode.range![0], end: step.usesNode.range![1], ...base, identity: id('no-permissions'), message: 'The App token gets every permission of the App installation; set the permission-<scope> inputs it needs.' });
    } else if (!step.with) {
      emit({ ruleId: 'gha-github-app-token-scope', start: step.usesNode.range![0], end: step.usesNode.range![1], ...base, identity: id('no-permissions'), message: 'The App token gets every permission of the App installation; set the permission-<scope> inputs it needs.' });
    }
    const owner = pairOf(step.with, 'owner');
    if (owner && !withEntries.some(([k]) => k === 'repositories' || k === 'repository')) {
      emit({ ruleId: 'gha-github-app-token-scope', start: owner.key.range![0], end: (owner.value ?? owner.key).range![1], anchor: owner.key.range![0], identity: id('owner'), message: 'owner: without repositories: gives the token every repository the App is installed on; list the repositories.' });
    }
    const skip = pairOf(step.with, 'skip-token-revoke');
    const sv = skip && isScalar(skip.value) ? str(skip.value) ?? '' : '';
    if (skip && (truthy(sv) || sv.includes('${{'))) {
      emit({ ruleId: 'gha-github-app-token-scope', start: skip.key.range![0], end: (skip.value ?? skip.key).range![1], anchor: skip.key.range![0], identity: id('skip-token-revoke'), message: 'skip-token-revoke keeps the App token valid for an hour after the job; leave revocation on.' });
    }
  }
  // setup-python's pip-install installs into the global interpreter.
  if (or === 'actions/setup-python') {
    const pi = pairOf(step.with, 'pip-install');
    if (pi) emit({ ruleId: 'gha-setup-python-pip-install', start: pi.key.range![0], end: (pi.value ?? pi.key).range![1], anchor: pi.key.range![0], identity: id('pip-install'), message: 'pip-install installs packages into the runner\'s global Python, unpinned and outside a virtual environment; use a venv and a lock file.' });
  }
}
