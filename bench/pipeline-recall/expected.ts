// The findings the peers' own tests expect on the vendored samples (zizmor: its integration snapshots in the default
// persona; poutine: its test expectations). Lines are those of the vendored copies; `end` widens an expectation to a
// span (a `run:` block whose finding the peer reports on the block).

export interface Expect {
  audit: string;
  line: number;
  end?: number;
  note?: string;
}
export interface Sample {
  peer: 'zizmor' | 'poutine';
  file: string;
  expect: Expect[];
  /** Rules a clean sample may still report (the peer has no equivalent audit in its default set). */
  ignore?: string[];
}

const at = (audit: string, ...lines: (number | [number, number])[]): Expect[] =>
  lines.map((l) => (typeof l === 'number' ? { audit, line: l } : { audit, line: l[0], end: l[1] }));

/** poutine rule → the pipeguard rules that report the same problem. */
export const POUTINE_RULES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['injection', ['gha-template-injection', 'gha-input-injection', 'gha-step-output-injection', 'gha-env-injection', 'gl-mr-variable-injection', 'gl-input-injection', 'azp-injection', 'azp-parameter-injection', 'tkn-param-injection', 'bb-injection']],
  ['untrusted_checkout_exec', ['gha-untrusted-checkout-exec', 'gha-untrusted-checkout', 'gha-workflow-run-artifact', 'azp-untrusted-checkout-exec', 'tkn-untrusted-checkout-exec']],
  ['default_permissions_on_risky_events', ['gha-missing-permissions']],
  ['debug_enabled', ['gha-debug-logging-enabled', 'gl-debug-trace', 'azp-debug-enabled']],
  ['job_all_secrets', ['gha-secrets-tojson']],
  ['confused_deputy_auto_merge', ['gha-bot-actor-condition']],
  ['if_always_true', ['gha-always-true-if']],
  ['pr_runs_on_self_hosted', ['gha-self-hosted-public-trigger']],
  ['unverified_script_exec', ['gha-curl-pipe-shell', 'gl-curl-pipe-shell', 'azp-curl-pipe-shell', 'tkn-curl-pipe-shell', 'bb-curl-pipe-shell']],
  ['known_vulnerability_in_build_component', ['gha-known-vulnerable-action']],
  ['github_action_from_unverified_creator_used', ['gha-unpinned-action']],
  ['llm_prompt_injection', ['gha-agentic-untrusted-trigger', 'gha-agentic-prompt-injection']],
  ['unpinnable_action', ['gha-unpinned-action', 'gha-branch-ref-action', 'gha-unpinned-first-party-action', 'gha-unpinned-docker-uses', 'gha-mutable-latest-image', 'gha-unpinned-image']],
]);

export const EXPECTED: Sample[] = [
  // ---- zizmor ------------------------------------------------------------------------------
  {
    peer: 'zizmor',
    file: 'adhoc-packages.yml',
    expect: at('adhoc-packages', 18, 22, 26, 30, 34, 38, 44, 45, 50, 54, 56, 60, 64, 68, 110, 114, 118, 122, 124, 130, 135, 139),
  },
  { peer: 'zizmor', file: 'excessive-permissions/jobs-broaden-permissions.yml', expect: at('excessive-permissions', 11, 20) },
  { peer: 'zizmor', file: 'excessive-permissions/reusable-workflow-other-triggers.yml', expect: at('excessive-permissions', [1, 23], [11, 17], [19, 23]) },
  { peer: 'zizmor', file: 'excessive-permissions/workflow-default-perms-all-jobs-explicit.yml', expect: [] },
  { peer: 'zizmor', file: 'excessive-permissions/workflow-write-explicit.yml', expect: at('excessive-permissions', 7, 8, 9) },
  { peer: 'zizmor', file: 'github-env/action.yml', expect: at('github-env', [10, 11], [15, 16], [20, 21]) },
  { peer: 'zizmor', file: 'github-env/github-path.yml', expect: at('github-env', [17, 19]) },
  {
    peer: 'zizmor',
    file: 'obfuscation.yml',
    expect: at('obfuscation', 13, 16, 19, 20, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 50, 52),
  },
  { peer: 'zizmor', file: 'template-injection/codeql-sinks.yml', expect: at('template-injection', 17) },
  { peer: 'zizmor', file: 'template-injection/false-positive-menagerie.yml', expect: [] },
  {
    peer: 'zizmor',
    file: 'template-injection/pr-425-backstop/action.yml',
    expect: [...at('template-injection', 14, 20, 26, 31), ...at('unpinned-uses', 29)],
  },
  { peer: 'zizmor', file: 'template-injection/pwsh-script.yml', expect: at('template-injection', 16) },
  { peer: 'zizmor', file: 'unpinned-images/issue-2097-repro.yml', expect: [] },
  { peer: 'zizmor', file: 'unpinned-images/matrix-in-image.yml', expect: at('unpinned-images', [20, 37], [20, 42]) },
  { peer: 'zizmor', file: 'unpinned-images/urllib3-empty-matrix-container.yml', expect: at('unpinned-images', [41, 51]) },
  { peer: 'zizmor', file: 'unpinned-uses.yml', expect: at('unpinned-uses', 17, 22, 28) },
  { peer: 'zizmor', file: 'unpinned-uses/menagerie-of-uses.yml', expect: at('unpinned-uses', 11, 17, 25, 27, 29) },
  { peer: 'zizmor', file: 'use-trusted-publishing/cargo-publish.yml', expect: at('use-trusted-publishing', 12, 17, [24, 28], 49, 54, [61, 65]) },
  {
    peer: 'zizmor',
    file: 'use-trusted-publishing/npm-publish.yml',
    expect: at('use-trusted-publishing', [14, 18], 20, [26, 30], 32, 43, 49, 57, 63, 69, 75, 81, [129, 132]),
  },
  { peer: 'zizmor', file: 'bot-conditions.yml', expect: [...at('dangerous-triggers', 1), ...at('bot-conditions', 8, 12, 16, 20, 29, 34, 39)] },
  { peer: 'zizmor', file: 'cache-poisoning/issue-343-repro.yml', expect: at('cache-poisoning', 28, 34, 41) },
  { peer: 'zizmor', file: 'cache-poisoning/caching-opt-in-boolish-toggle.yml', expect: at('cache-poisoning', 17) },
  { peer: 'zizmor', file: 'cache-poisoning/issue-642-repro.yml', expect: at('cache-poisoning', 14) },
  { peer: 'zizmor', file: 'cache-poisoning/caching-not-configurable.yml', expect: at('cache-poisoning', 21) },
  { peer: 'zizmor', file: 'cache-poisoning/issue-378-repro.yml', expect: [] },
  { peer: 'zizmor', file: 'cache-poisoning/publisher-step.yml', expect: at('cache-poisoning', 21) },
  { peer: 'zizmor', file: 'cache-poisoning/caching-opt-out.yml', expect: [] },
  { peer: 'zizmor', file: 'artipacked.yml', expect: at('artipacked', 18) },
  { peer: 'zizmor', file: 'unsound-condition.yml', expect: at('unsound-condition', [27, 28], [33, 34], [60, 63], 68, 73, 78, 83, 88, 93) },
  { peer: 'zizmor', file: 'self-hosted.yml', expect: [] },
  { peer: 'zizmor', file: 'unpinned-tools.yml', expect: at('unpinned-tools', 16, [17, 19], 20, [21, 23], [24, 26]) },

  { peer: 'zizmor', file: 'template-injection/issue-22-repro.yml', expect: [] },
  { peer: 'zizmor', file: 'template-injection/issue-749-repro.yml', expect: [] },
  { peer: 'zizmor', file: 'template-injection/issue-418-repro.yml', expect: [], ignore: ['gha-unpinned-first-party-action', 'gha-unpinned-action', 'gha-dangerous-trigger'] },
  { peer: 'zizmor', file: 'stale-runner/stale-runner-removed.yml', expect: at('stale-runner', 10, 15, 20) },
  { peer: 'zizmor', file: 'github-app.yml', expect: at('github-app', 19, 24) },
  { peer: 'zizmor', file: 'dependabot-cooldown/multi-ecosystem-group-with-cooldown/dependabot.yml', expect: at('dependabot-cooldown', [13, 14], [20, 21]) },
  { peer: 'zizmor', file: 'unsound-contains.yml', expect: at('unsound-contains', 20, 24, 28, 28, 32) },
  { peer: 'zizmor', file: 'template-injection/issue-883-repro/action.yml', expect: at('template-injection', 48, 56, 57, 60, 65, 110, 111) },
  { peer: 'zizmor', file: 'secrets-inherit.yml', expect: [...at('secrets-inherit', 10), ...at('unpinned-uses', 10, 16, 23, 28)] },
  { peer: 'zizmor', file: 'overprovisioned-secrets.yml', expect: at('overprovisioned-secrets', 15, 24) },
  { peer: 'zizmor', file: 'unredacted-secrets.yml', expect: at('unredacted-secrets', 17, 20) },
  { peer: 'zizmor', file: 'archived-uses.yml', expect: at('archived-uses', 17, 20, 24) },
  { peer: 'zizmor', file: 'hardcoded-credentials.yml', expect: at('hardcoded-container-credentials', [17, 19]) },
  { peer: 'zizmor', file: 'insecure-commands.yml', expect: at('insecure-commands', [11, 12]) },
  { peer: 'zizmor', file: 'typosquat-uses.yml', expect: at('typosquat-uses', 17, 20, 23, 26, 29) },
  // agentic-actions (zizmor's tests/integration/audit/agentic_actions.rs snapshots): the trigger finding sits on the
  // `on:` block, the configuration findings on the `with:` entry (on `with:` itself when settings are missing).
  { peer: 'zizmor', file: 'agentic-actions/attacker-controlled-prompt.yml', expect: at('agentic-actions', 3, 13) },
  { peer: 'zizmor', file: 'agentic-actions/claude-permissive-bots.yml', expect: at('agentic-actions', 13) },
  { peer: 'zizmor', file: 'agentic-actions/claude-permissive-users.yml', expect: at('agentic-actions', 13) },
  { peer: 'zizmor', file: 'agentic-actions/claude-unrestricted-bash.yml', expect: at('agentic-actions', 13) },
  { peer: 'zizmor', file: 'agentic-actions/codex-danger-sandbox.yml', expect: at('agentic-actions', 14) },
  { peer: 'zizmor', file: 'agentic-actions/codex-permissive-users.yml', expect: at('agentic-actions', 13) },
  { peer: 'zizmor', file: 'agentic-actions/codex-unsafe-safety.yml', expect: at('agentic-actions', 14) },
  { peer: 'zizmor', file: 'agentic-actions/gated-pr-trigger.yml', expect: at('agentic-actions', [3, 7]) },
  { peer: 'zizmor', file: 'agentic-actions/gated-trigger.yml', expect: at('agentic-actions', [3, 5]) },
  { peer: 'zizmor', file: 'agentic-actions/gemini-dangerous-coretools.yml', expect: at('agentic-actions', 14) },
  { peer: 'zizmor', file: 'agentic-actions/gemini-expandable-coretools.yml', expect: at('agentic-actions', 14) },
  { peer: 'zizmor', file: 'agentic-actions/gemini-sandbox-disabled.yml', expect: at('agentic-actions', 14) },
  { peer: 'zizmor', file: 'agentic-actions/gemini-unrestricted-tools.yml', expect: at('agentic-actions', [12, 13]) },
  { peer: 'zizmor', file: 'agentic-actions/gemini-yolo-mode.yml', expect: at('agentic-actions', 14) },
  { peer: 'zizmor', file: 'agentic-actions/issue-comment-trigger.yml', expect: at('agentic-actions', 3) },
  { peer: 'zizmor', file: 'agentic-actions/multiple-findings.yml', expect: at('agentic-actions', 3, 13, 14) },
  // Clean in the default persona (its workflow-level `permissions: read-all` with a single job is pedantic).
  { peer: 'zizmor', file: 'agentic-actions/safe-no-findings.yml', expect: [] },
  // self-repository (tests/integration/audit/self_repository.rs).
  { peer: 'zizmor', file: 'self-repository.yml', expect: at('self-repository', 18, 23) },
  // ---- poutine (scanner/testdata, expectations of scanner/inventory_test.go and the fixture's own comments) ----
  {
    peer: 'poutine',
    file: '.github/workflows/valid.yml',
    expect: [
      ...at('injection', [20, 21], [46, 47], [50, 52]),
      ...at('untrusted_checkout_exec', [30, 31], 56, [60, 61]),
      ...at('default_permissions_on_risky_events', [1, 82]),
      ...at('pr_runs_on_self_hosted', 9),
      ...at('unverified_script_exec', [70, 71], [75, 76]),
    ],
  },
  { peer: 'poutine', file: '.github/workflows/secrets.yaml', expect: at('job_all_secrets', [4, 14], [16, 19]) },
  { peer: 'poutine', file: '.gitlab-ci.yml', expect: [...at('injection', 48), ...at('debug_enabled', [37, 64])] },
  // Azure samples of the same test data: the findings poutine's azure rules name (debug, injection, script piped to a shell).
  { peer: 'poutine', file: '.azure-pipelines.yml', expect: [...at('debug_enabled', 7), ...at('injection', 14)] },
  { peer: 'poutine', file: 'azure-pipelines-1.yml', expect: at('unverified_script_exec', 9) },
  { peer: 'poutine', file: 'azure-pipelines-2.yml', expect: at('untrusted_checkout_exec', 14) },
  { peer: 'poutine', file: '.tekton/pipeline-as-code-tekton.yml', expect: at('untrusted_checkout_exec', [43, 44]) },
  { peer: 'poutine', file: 'action.yml', expect: at('unpinnable_action', [1, 3]) },
  { peer: 'poutine', file: 'composite/action.yml', expect: at('unpinnable_action', [1, 13]) },
];
