/**
 * Cache poisoning: a workflow that releases (a `release` event, a tag push, a push to a release branch) or a job
 * that publishes through a well-known publisher action restores a cache that other runs (pull requests included)
 * can write, so a poisoned cache ends up in the released artifact. Many setup actions cache by default; the table
 * says which input turns each one's cache on or off.
 */
import { isScalar } from 'yaml';
import type { Node } from 'yaml';
import { get, isSeq, items, pairOf, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import type { Emit, Job, Step } from './model.js';

/** How an action's cache is controlled: `on` (opt-in input), `off` (opt-out input), or always on. */
interface CacheControl {
  /** The input; undefined when the cache cannot be turned off. */
  input?: string;
  /** `in`: the input turns the cache on; `out`: the input turns it off. */
  toggle?: 'in' | 'out';
  /** `bool`: true/false; `free`: any non-empty value (a package manager name); a list: those values. */
  type?: 'bool' | 'free' | string[];
  /** Whether the cache is on when the input is left out. */
  byDefault: boolean;
}

/** Actions that restore a cache (`owner/repo[/path]`, lower-case) and how their cache is controlled. */
export const CACHE_ACTIONS: ReadonlyMap<string, CacheControl[]> = new Map<string, CacheControl[]>([
  ['actions/cache', [{ input: 'lookup-only', toggle: 'out', type: 'bool', byDefault: true }]],
  ['actions/cache/restore', [{ byDefault: true }]],
  ['actions/setup-java', [{ input: 'cache', toggle: 'in', type: 'free', byDefault: false }]],
  ['actions/setup-go', [{ input: 'cache', toggle: 'in', type: 'bool', byDefault: true }]],
  ['actions/setup-node', [{ input: 'cache', toggle: 'in', type: ['npm', 'yarn', 'pnpm'], byDefault: false }, { input: 'package-manager-cache', toggle: 'in', type: 'bool', byDefault: false }]],
  ['actions/setup-python', [{ input: 'cache', toggle: 'in', type: 'free', byDefault: false }]],
  ['actions/setup-dotnet', [{ input: 'cache', toggle: 'in', type: 'bool', byDefault: false }]],
  ['astral-sh/setup-uv', [{ input: 'enable-cache', toggle: 'in', type: ['true', 'auto'], byDefault: true }]],
  ['swatinem/rust-cache', [{ input: 'lookup-only', toggle: 'out', type: 'bool', byDefault: true }]],
  ['ruby/setup-ruby', [{ input: 'bundler-cache', toggle: 'in', type: 'bool', byDefault: false }]],
  ['pyo3/maturin-action', [{ input: 'sccache', toggle: 'in', type: 'bool', byDefault: false }]],
  ['mlugg/setup-zig', [{ input: 'use-cache', toggle: 'in', type: 'bool', byDefault: true }]],
  ['oven-sh/setup-bun', [{ input: 'no-cache', toggle: 'out', type: 'bool', byDefault: true }]],
  ['determinatesystems/magic-nix-cache-action', [{ input: 'use-gha-cache', toggle: 'in', type: 'bool', byDefault: true }]],
  ['graalvm/setup-graalvm', [{ input: 'cache', toggle: 'in', type: 'free', byDefault: false }]],
  ['gradle/actions/setup-gradle', [{ input: 'cache-disabled', toggle: 'out', type: 'bool', byDefault: true }]],
  ['gradle/gradle-build-action', [{ input: 'cache-disabled', toggle: 'out', type: 'bool', byDefault: true }]],
  ['actions-rust-lang/setup-rust-toolchain', [{ input: 'cache', toggle: 'in', type: 'bool', byDefault: true }]],
  ['mozilla-actions/sccache-action', [{ byDefault: true }]],
  ['nix-community/cache-nix-action', [{ byDefault: true }]],
  ['jdx/mise-action', [{ input: 'cache', toggle: 'in', type: 'bool', byDefault: true }]],
  ['ramsey/composer-install', [{ input: 'ignore-cache', toggle: 'out', type: ['yes', 'true', '1'], byDefault: true }]],
  ['awalsh128/cache-apt-pkgs-action', [{ byDefault: true }]],
  ['pnpm/action-setup', [{ input: 'cache', toggle: 'in', type: 'bool', byDefault: false }]],
  ['cachix/install-nix-action', []],
  ['hendrikmuhs/ccache-action', [{ byDefault: true }]],
  // Caches the buildx binary, only when a `version:` is asked for (handled in cacheState).
  ['docker/setup-buildx-action', [{ input: 'cache-binary', toggle: 'out', type: ['false', 'no', 'off', '0'], byDefault: true }]],
]);

/** Publisher actions: a job using one releases something (`docker/build-push-action` only with `push: true`). */
export const PUBLISHER_ACTIONS = /^(?:pypa\/gh-action-pypi-publish|rubygems\/release-gem|jreleaser\/release-action|goreleaser\/goreleaser-action|softprops\/action-gh-release|release-drafter\/release-drafter|googleapis\/release-please-action|google-github-actions\/release-please-action|ncipollo\/release-action|js-devtools\/npm-publish|redhat-actions\/push-to-registry|aws-actions\/amazon-ecs-deploy-task-definition|aws-actions\/aws-cloudformation-github-deploy|azure\/aci-deploy|azure\/container-apps-deploy-action|azure\/functions-action|azure\/sql-action|cloudflare\/wrangler-action|google-github-actions\/deploy-appengine|google-github-actions\/deploy-cloudrun|google-github-actions\/deploy-cloud-functions|rust-lang\/crates-io-auth-action)$/;

const TRUE = /^(?:true|yes|on|1)$/i;

/** The action path (`owner/repo[/sub]`, lower-case) of a `uses:`. */
function actionPath(uses: string): string {
  const at = uses.indexOf('@');
  return (at === -1 ? uses : uses.slice(0, at)).toLowerCase();
}

/** Whether a control's input enables the cache: true, false, or undefined when an expression decides. */
function enables(c: CacheControl, value: string): boolean | undefined {
  const v = value.trim();
  if (/^\$\{\{/.test(v)) {
    const inner = v.replace(/^\$\{\{\s*|\s*\}\}$/g, '').toLowerCase();
    if (inner === 'true' || inner === 'false') return enables(c, inner);
    // `startsWith(github.ref, 'refs/tags/')` / `github.ref_type == 'tag'`: on exactly in release runs.
    const tagOnly = /startswith\(\s*github\.ref\s*,\s*'refs\/tags\/'\s*\)|github\.ref_type\s*==\s*'tag'/.test(inner);
    const negated = /^!/.test(inner);
    if (tagOnly) return c.toggle === 'in' ? !negated : negated;
    return undefined;
  }
  let on: boolean;
  if (c.type === 'bool') on = TRUE.test(v);
  else if (c.type === 'free') on = v !== '' && !/^false$/i.test(v);
  else on = (c.type ?? []).includes(v.toLowerCase());
  return c.toggle === 'out' ? !on : on;
}

/** The step's cache state: on (with the node that turns it on), off, or unknown. */
function cacheState(src: YamlSource, step: Step, controls: CacheControl[]): { on: boolean; node: Node } | undefined {
  if (!controls.length) return undefined;
  if (actionPath(step.uses ?? '') === 'docker/setup-buildx-action' && !str(get(step.with, 'version'))) return undefined;
  let anyDefault = false;
  for (const c of controls) {
    const p = c.input ? pairOf(step.with, c.input) : undefined;
    const v = p && isScalar(p.value) ? str(p.value) : undefined;
    if (p && v !== undefined) {
      const e = enables(c, v);
      if (e === true) return { on: true, node: step.usesNode! };
      if (e === false && c.toggle === 'out') return undefined;
      continue;
    }
    if (c.byDefault) anyDefault = true;
  }
  return anyDefault ? { on: true, node: step.usesNode! } : undefined;
}

/** Release triggers of the workflow, described for messages. */
export function releaseTriggers(src: YamlSource, triggers: Map<string, Node | null>): string[] {
  const out: string[] = [];
  if (triggers.has('release')) out.push('release');
  const push = get(get(src.doc.contents, 'on'), 'push');
  if (get(push, 'tags')) out.push('tag push');
  const branches = get(push, 'branches');
  const names = isSeq(branches) ? items(branches).map((b) => str(b) ?? '') : [str(branches) ?? ''];
  if (names.some((b) => /^(?:release|releases|rel)(?:[/_-]|$)|^v?\d+\.(?:\d+|x)/i.test(b))) out.push('release-branch push');
  return out;
}

/** Audits one job for caches restored in a publishing context. */
export function auditCachePoisoning(src: YamlSource, job: Job, triggers: Map<string, Node | null>, emit: Emit): void {
  const release = releaseTriggers(src, triggers);
  const publisher = job.steps.find(
    (s) => (s.uses && PUBLISHER_ACTIONS.test(actionPath(s.uses)) && (actionPath(s.uses) !== 'docker/build-push-action')) || (s.uses && actionPath(s.uses) === 'docker/build-push-action' && !/^(?:false|no|off|0)$/i.test(str(get(s.with, 'push')) ?? 'true')),
  );
  if (!release.length && !publisher) return;
  const why = release.length ? `the workflow runs on ${release.join(', ')}` : `the job publishes with ${publisher!.uses}`;
  for (const step of job.steps) {
    if (!step.uses || !step.usesNode) continue;
    const path = actionPath(step.uses);
    const controls = CACHE_ACTIONS.get(path);
    if (controls) {
      const st = cacheState(src, step, controls);
      if (st?.on) {
        emit({ ruleId: 'gha-cache-poisoning', start: st.node.range![0], end: st.node.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|${path}`, message: `${path} restores a cache that other runs can write, and ${why}; a poisoned cache would end up in the release. Turn its cache off in release jobs.` });
      }
    }
    const cacheFrom = get(step.with, 'cache-from');
    const pushes = str(get(step.with, 'push')) ?? '';
    if (path === 'docker/build-push-action' && (TRUE.test(pushes) || (release.length && !/^(?:false|no|off|0)$/i.test(pushes))) && /\btype=gha\b/.test(str(cacheFrom) ?? '')) {
      emit({ ruleId: 'gha-cache-poisoning', start: cacheFrom!.range![0], end: cacheFrom!.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|${path}|cache-from`, message: `Job ${job.id} builds an image with layers from the shared GitHub Actions cache (cache-from: type=gha), which pull request runs can write, and ${why}.` });
    }
  }
}
