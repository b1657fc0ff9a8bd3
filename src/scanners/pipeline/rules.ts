/**
 * Every pipeline rule: id, title, severity, confidence and help. The audits refer to rules by id only;
 * this table is the single source for `rules()`, SARIF `rules[]` and docs/rules/pipeline.md.
 */
import type { RuleInfo } from '../../core/rules.js';
import { rule, toRuleMeta } from '../../core/rules.js';
import type { Confidence, RuleMeta, Severity } from '../../core/types.js';

/** A pipeline rule's static description: every pipeline rule states its confidence. */
export type PipelineRule = RuleInfo & { confidence: Confidence };

const r = (id: string, severity: Severity, confidence: Confidence, title: string, help: string, cwe?: string[]): PipelineRule =>
  rule(id, title, severity, help, { confidence, tags: [tagOf(id)], ...(cwe ? { cwe } : {}) }) as PipelineRule;

/** The platform tag of a rule id. */
export function tagOf(id: string): string {
  return id.startsWith('gl-') ? 'gitlab-ci' : id.startsWith('precommit-') ? 'pre-commit' : id.startsWith('azp-') ? 'azure-pipelines' : id.startsWith('tkn-') ? 'tekton' : id.startsWith('bb-') ? 'bitbucket-pipelines' : 'github-actions';
}

/** The GitHub Actions rules (workflows, actions, dependabot.yml). */
export const GHA_RULES: PipelineRule[] = [
  r('gha-template-injection', 'high', 'high', 'Attacker-controlled context expanded into code',
    'A `${{ }}` expression whose value an outside contributor controls (issue/PR titles and bodies, comment bodies, branch names, commit messages) is pasted into a `run:` script or another code sink before the shell runs, so crafted text runs as code. Pass the value through `env:` and reference it as a quoted shell variable ("$VAR").', ['CWE-94']),
  r('gha-input-injection', 'medium', 'medium', 'Workflow or action input expanded into code',
    '`inputs.*`, `github.event.inputs.*` or `client_payload` values are pasted into a script. Whoever can dispatch the workflow or call the action chooses them. Pass them through `env:` and quote the variable.', ['CWE-94']),
  r('gha-step-output-injection', 'high', 'medium', 'Tainted step or job output expanded into code',
    'A step or job output that carries attacker-controlled text (it was computed from an untrusted context) is expanded into a script. Pass it through `env:` instead.', ['CWE-94']),
  r('gha-dynamic-value-injection', 'low', 'low', 'Run-time output expanded into code',
    'A step or job output (`${{ steps.x.outputs.y }}`, `${{ needs.j.outputs.o }}`, or an env variable set from one) is pasted into a script before it runs. Nothing shows the value is attacker-controlled, but it is computed at run time (often from API responses, file contents or branch names), and quoting in the script does not protect it. Pass it through `env:` and use the shell variable.', ['CWE-94']),
  r('gha-env-injection', 'high', 'medium', 'Tainted env value expanded into code with ${{ env.X }}',
    'An `env:` variable set from an untrusted context is expanded with `${{ env.NAME }}` inside a script, which pastes the text into the code. Use the shell variable ("$NAME") instead.', ['CWE-94']),
  r('gha-github-env-write', 'high', 'medium', 'Write to GITHUB_ENV/GITHUB_PATH with untrusted data',
    'Writing to `$GITHUB_ENV` or `$GITHUB_PATH` in a workflow run by an untrusted trigger (pull_request_target, workflow_run, issue_comment) or from tainted values lets an attacker set `LD_PRELOAD`, `NODE_OPTIONS` or the PATH of later privileged steps. Use step outputs instead.', ['CWE-454']),
  r('gha-unsecure-commands', 'high', 'high', 'ACTIONS_ALLOW_UNSECURE_COMMANDS enabled',
    'Re-enables the `set-env`/`add-path` log commands, so anything printed to the log (an issue title, a test output) can set environment variables. Remove it and use $GITHUB_ENV files.', ['CWE-77']),
  r('gha-obfuscated-expression', 'low', 'medium', 'Obfuscated context access in an expression',
    'Bracket access with a literal (`github[\'event\']`), `format()` building a context name, or `fromJSON` of a literal hides what an expression reads from reviewers and tools. Write the plain dotted form.'),
  r('gha-always-true-if', 'high', 'high', 'if: condition that is always true',
    'An `if:` whose `${{ }}` is followed or preceded by other text (or is a block scalar with a trailing newline) evaluates to a non-empty string, which is always true, so the guard never stops the job. Keep the whole condition inside one `${{ }}` or drop the braces.', ['CWE-670']),
  r('gha-bot-actor-condition', 'medium', 'medium', 'Spoofable bot-actor check',
    '`github.actor == \'dependabot[bot]\'` (or `triggering_actor`) names who triggered the latest event, not who wrote the code: a contributor can make the bot act on their branch. Check `github.event.pull_request.user.login` and the event type instead.', ['CWE-290']),
  r('gha-unsound-contains', 'medium', 'medium', 'contains() on a string used as an allow-list',
    '`contains(\'refs/heads/main refs/heads/release\', github.ref)` matches any substring, so `refs/heads/m` passes. Use `fromJSON(\'["a","b"]\')` as the haystack.', ['CWE-697']),
  r('gha-untrusted-checkout-exec', 'critical', 'high', 'Untrusted PR code checked out and run in a privileged workflow',
    'A pull_request_target, workflow_run or issue_comment workflow checks out the pull request head and then runs build or script steps. That code runs with secrets and a write token. Use the `pull_request` trigger, or split into an unprivileged build and a privileged follow-up that never runs PR code.', ['CWE-829']),
  r('gha-untrusted-checkout', 'high', 'medium', 'Untrusted PR code checked out in a privileged workflow',
    'A privileged trigger (pull_request_target, workflow_run, issue_comment) checks out the pull request head. Even without an explicit script, actions and tools read config from the tree. Avoid checking out the head in privileged workflows.', ['CWE-829']),
  r('gha-pull-request-target-unrestricted', 'medium', 'low', 'pull_request_target without any restriction',
    'The workflow runs with secrets for every pull request from any fork, with no `if:` guard, environment approval, label or branch filter. Restrict it, or use `pull_request`.', ['CWE-284']),
  r('gha-workflow-run-artifact', 'high', 'medium', 'Artifacts of an untrusted run used in a workflow_run workflow',
    'A workflow_run workflow downloads artifacts of the triggering run (produced by PR code) and then runs scripts. Treat artifacts as data: extract them outside the workspace and never execute or source them.', ['CWE-829']),
  r('gha-self-hosted-public-trigger', 'high', 'medium', 'Self-hosted runner on a public trigger',
    'Jobs of pull_request/pull_request_target/issue_comment workflows on self-hosted runners let outside contributors run code on your machines, which persist between jobs. Use GitHub-hosted or ephemeral runners.', ['CWE-269']),
  r('gha-missing-permissions', 'medium', 'high', 'No permissions block',
    'Neither the workflow nor the job sets `permissions:`, so the GITHUB_TOKEN gets the repository default, often read/write on everything. Add `permissions: contents: read` at workflow level and grant more per job.', ['CWE-250']),
  r('gha-write-all-permissions', 'high', 'high', 'permissions: write-all',
    '`write-all` grants every scope to the GITHUB_TOKEN. List only the scopes the job needs.', ['CWE-250']),
  r('gha-workflow-level-write', 'medium', 'medium', 'Write permissions granted to every job',
    'Write scopes set at workflow level apply to every job of a multi-job workflow. Set `contents: read` at the top and grant writes only in the job that needs them.', ['CWE-250']),
  r('gha-id-token-write-workflow', 'medium', 'medium', 'id-token: write granted to every job',
    'Every job can mint OIDC tokens for your cloud roles. Grant `id-token: write` only in the deploy or publish job.', ['CWE-250']),
  r('gha-read-all-permissions', 'low', 'high', 'permissions: read-all',
    '`read-all` grants read access to every scope (packages, security events, ...). List only the scopes the job needs, usually `contents: read`.', ['CWE-250']),
  r('gha-checkout-persist-credentials', 'low', 'high', 'actions/checkout persists the token in .git/config',
    'By default actions/checkout writes the GITHUB_TOKEN into `.git/config`, where every later step and any uploaded workspace can read it. Set `persist-credentials: false` unless a later step pushes.', ['CWE-522']),
  r('gha-artifact-credential-leak', 'high', 'high', 'Workspace with persisted credentials uploaded as artifact',
    'The job checks out with persisted credentials and then uploads the whole workspace (including `.git/config` with the token) as an artifact anyone with read access can download. Set `persist-credentials: false` and upload only build outputs.', ['CWE-522']),
  r('gha-secrets-inherit', 'medium', 'high', 'secrets: inherit passes every secret',
    'The called workflow receives every secret of the caller. Pass the secrets it needs by name.', ['CWE-200']),
  r('gha-secrets-tojson', 'high', 'high', 'All secrets serialised with toJSON(secrets)',
    '`toJSON(secrets)` hands every secret to one step or job. Reference the secrets needed by name.', ['CWE-200']),
  r('gha-secrets-outside-environment', 'info', 'medium', 'Secret used in a job without an environment',
    'Repository secrets are readable by any job; secrets scoped to a deployment environment can require reviewers and branch rules. Move deploy secrets into an environment and set `environment:` on the job.', ['CWE-284']),
  r('gha-hardcoded-container-credentials', 'high', 'high', 'Hard-coded container registry password',
    'A job container or service `credentials.password` is a literal. Use `${{ secrets.NAME }}`.', ['CWE-798']),
  r('gha-secret-in-run', 'low', 'medium', 'Secret pasted into a script',
    '`${{ secrets.X }}` inside `run:` is written into the script file on the runner and breaks (or injects) on quotes. Pass it through `env:`.', ['CWE-214']),
  r('gha-unredacted-secret', 'medium', 'high', 'Field of a JSON secret is not masked',
    '`fromJSON(secrets.X).field` produces a value the runner does not mask in logs. Store each value as its own secret.', ['CWE-532']),
  r('gha-hardcoded-env-credential', 'high', 'medium', 'Credential written literally in env:',
    'An env variable named like a token, password or secret key has a literal value in the workflow. Move it to a secret.', ['CWE-798']),
  r('gha-unpinned-action', 'medium', 'high', 'Third-party action pinned to a tag',
    'A tag can be moved to new code by the action\'s owner or whoever compromises them. Pin to a full 40-character commit SHA (keep the tag in a comment), or allow the owner in `scanners.pipeline.allowRefPin`.', ['CWE-829']),
  r('gha-unpinned-first-party-action', 'low', 'high', 'GitHub-owned action pinned to a tag',
    '`actions/*` and `github/*` are maintained by GitHub but tags still move. Pin to a commit SHA, or allow them by tag with `allowRefPin: ["actions/*"]`.', ['CWE-829']),
  r('gha-branch-ref-action', 'high', 'high', 'Action used from a branch',
    'A branch such as `main` or `master` changes with every push to the action. Pin to a commit SHA.', ['CWE-829']),
  r('gha-unpinned-reusable-workflow', 'medium', 'high', 'Reusable workflow not pinned to a commit',
    'A reusable workflow from another repository, referenced by tag or branch, runs with the secrets and permissions you give it. Pin it to a commit SHA.', ['CWE-829']),
  r('gha-unpinned-docker-uses', 'medium', 'high', 'docker:// action without digest',
    'A `docker://` step image referenced by tag can be replaced. Pin `@sha256:...`.', ['CWE-829']),
  r('gha-unpinned-image', 'low', 'high', 'Container or service image without digest',
    'A job container or service image (also each value a `${{ matrix.x }}` image takes, and images a script pulls or runs with `docker|podman pull|run|create`) referenced by tag can change under you. Pin `image:tag@sha256:...`.', ['CWE-829']),
  r('gha-mutable-latest-image', 'medium', 'high', 'Container or service image on latest or no tag',
    'The image (of a job container or service, a matrix value, or a `docker run`/`pull` in a script) has no tag or `latest`, so every run may pull different code. Pin a version and a digest.', ['CWE-829']),
  r('gha-archived-action', 'medium', 'high', 'Archived or unmaintained action',
    'The action\'s repository is archived and gets no security fixes. Replace it with the maintained alternative named in the message.', ['CWE-1104']),
  r('gha-known-vulnerable-action', 'high', 'medium', 'Action version with a known vulnerability',
    'The action\'s version (its tag, or the version in the comment beside a SHA pin) is affected by an advisory in the local advisory database (`pipeguard db update`; OSV\'s GitHub Actions ecosystem). Upgrade to the fixed version named in the message and pin its commit SHA.', ['CWE-1395']),
  r('gha-typosquat-action', 'high', 'medium', 'Action owner one edit away from a well-known owner',
    'The owner differs by one character from a popular action publisher (e.g. `actoins/checkout`): a classic typosquat. Check the name.', ['CWE-829']),
  r('gha-curl-pipe-shell', 'medium', 'high', 'Downloaded script piped into a shell',
    '`curl ... | sh` runs whatever the server returns right now, unverified. Download a pinned version, check its hash, then run it.', ['CWE-494']),
  r('gha-adhoc-install-from-url', 'low', 'medium', 'Package installed straight from a URL',
    '`pip install https://...`, `npm install https://...` or `go install ...@latest` installs unpinned, unreviewed code. Pin versions and hashes in a lock file.', ['CWE-494']),
  r('gha-insecure-download-url', 'medium', 'high', 'Download over plain http',
    'A script downloads over `http://`, so anyone on the path can swap the content. Use https and verify a checksum.', ['CWE-319']),
  r('gha-long-lived-publish-token', 'medium', 'medium', 'Publishing with a long-lived registry token',
    'The package is published with a stored npm or PyPI token. Use trusted publishing (OIDC, `id-token: write`): no stored secret to steal.', ['CWE-522']),
  r('gha-cache-poisoning', 'medium', 'medium', 'Build cache restored in a release workflow',
    'A release/tag workflow that publishes restores a cache that pull request runs can write to, so a poisoned cache ends up in the released artifact. Disable caching in release builds.', ['CWE-349']),
  r('gha-dependabot-insecure-execution', 'high', 'high', 'Dependabot may run code from dependencies',
    '`insecure-external-code-execution: allow` lets package manager scripts of updated dependencies run with access to the registries\' credentials. Remove it.', ['CWE-829']),
  r('gha-deprecated-workflow-command', 'low', 'high', 'Deprecated workflow command in a script',
    '`::set-env`, `::add-path`, `::set-output` and `::save-state` are deprecated log commands; set-env/add-path are injectable through logs. Write to $GITHUB_ENV, $GITHUB_OUTPUT, $GITHUB_STATE files.', ['CWE-77']),
  r('gha-debug-logging-enabled', 'low', 'high', 'Runner or step debug logging forced on',
    '`ACTIONS_STEP_DEBUG`/`ACTIONS_RUNNER_DEBUG` set in the workflow makes every run log verbose internals, including unmasked derived values. Enable debug only when re-running a job.', ['CWE-532']),
  r('gha-adhoc-package-install', 'low', 'medium', 'Package installed ad hoc in a script',
    '`gem install rake`, `npm install lodash`, `pip install requests`, `cargo install ripgrep`, `npx -y pkg`, `uvx tool` fetch whatever the registry serves at run time, outside any lock file, so a compromised or typosquatted release runs in CI at once. Declare the tool in a lock file (npm ci, pip install -r with hashes, cargo install --locked --version) or a pinned setup action.', ['CWE-494']),
  r('gha-unpinned-system-package', 'info', 'low', 'System package installed without a version',
    '`apt-get install curl` installs the distribution\'s current build, which changes between runs. Pin `name=version` where reproducibility matters, or use a pinned container image.', ['CWE-1357']),
  r('gha-unpinned-tool', 'medium', 'high', 'Setup action installs an unpinned tool version',
    'A setup action (setup-trivy, setup-just, 1password/load-secrets-action, setup-uv, setup-terraform, ...) is told to install `latest` (or installs the newest release by default), so every run may execute a different binary. Set the version input to an exact version.', ['CWE-1357']),
  r('gha-github-app-token-scope', 'high', 'high', 'GitHub App token with blanket scope',
    '`actions/create-github-app-token` without `permission-<scope>` inputs mints a token with every permission of the App installation; `owner:` without `repositories:` reaches every repository the App is installed on; `skip-token-revoke: true` keeps it valid after the job. Name the permissions and repositories the job needs.', ['CWE-250']),
  r('gha-cmd-shell', 'low', 'high', 'Step runs under shell: cmd',
    '`cmd` has no grammar tools can analyse (several continuation and expansion rules), so injections and unsafe commands in it go unseen; it has not been the Windows default since 2019. Use `shell: pwsh` or `shell: bash`.', ['CWE-1164']),
  r('gha-uncommon-shell', 'low', 'high', 'Step runs under a shell GitHub Actions does not know (pedantic)',
    'A `shell:` other than bash, sh, pwsh, powershell, python or cmd (a custom interpreter such as `perl {0}` or `node {0}`) runs a script no workflow tool can analyse, so injections in it go unseen. Use bash or pwsh, or move the code into a file the interpreter runs. Reported from the `pedantic` persona up (zizmor\'s `misfeature`).'),
  r('gha-setup-python-pip-install', 'low', 'high', 'setup-python installs packages globally (pip-install)',
    'The `pip-install` input of actions/setup-python installs packages into the runner\'s global interpreter, unpinned and outside a virtual environment. Create a venv and install from a lock file.', ['CWE-1357']),
  r('gha-unsound-ternary', 'low', 'high', 'Pseudo-ternary whose true value is falsy',
    'In `cond && a || b`, when `a` is falsy (`\'\'`, `0`, `false`, `null`) the expression yields `b` whatever `cond` is, so the branch meant for `cond` never happens. Make the true value truthy (swap the condition and branches).', ['CWE-670']),
  r('gha-dangerous-trigger', 'low', 'high', 'pull_request_target or workflow_run trigger',
    '`pull_request_target` and `workflow_run` run in the base repository with secrets and a write token on events a fork causes. They are rarely needed and hard to use safely: prefer `pull_request`; when needed, never check out, build or interpolate the event\'s code and text (see gha-untrusted-checkout-exec, gha-template-injection).', ['CWE-829']),
  r('gha-dependabot-cooldown', 'low', 'high', 'Dependabot updates without a cooldown',
    'Without `cooldown:` (or with fewer than 7 `default-days`), Dependabot proposes a release minutes after it is published, before a malicious release is noticed and pulled. Set `cooldown: default-days: 7` on each update entry.', ['CWE-1357']),
  r('gha-stale-runner', 'low', 'high', 'Job runs on a removed or deprecated GitHub-hosted image',
    'GitHub removes old runner images (ubuntu-20.04, macos-13, windows-2019, ...): a job that asks for one waits for a runner that never comes, or is picked up by any self-hosted runner that carries the label. Images whose removal is announced (ubuntu-22.04, windows-2022) stop working on a known date. Use a current image (ubuntu-24.04, macos-15, windows-2025) or `-latest`.', ['CWE-1104']),
  r('gha-anonymous-definition', 'info', 'high', 'Workflow or job without a name (pedantic)',
    'A workflow without `name:` shows as its file path in the Actions UI and in required status checks; a job without one shows its id. Name them. Reported from the `pedantic` persona up.'),
  r('gha-concurrency-limits', 'low', 'high', 'No concurrency limit, or one that never cancels (pedantic)',
    'Without `concurrency:` (or with one lacking `cancel-in-progress`), every push starts a run even when a newer one supersedes it, piling up queued runs that hold tokens and runner minutes. Set `concurrency: { group: ${{ github.workflow }}-${{ github.ref }}, cancel-in-progress: true }` (workflows only called by others are left alone). Reported from the `pedantic` persona up.'),
  r('gha-undocumented-permissions', 'low', 'high', 'Permission granted without a comment saying why (pedantic)',
    'Each scope in `permissions:` other than a lone `contents: read` should carry a comment saying which step needs it, so a reviewer can tell when it can be dropped. Reported from the `pedantic` persona up.'),
  r('gha-superfluous-action', 'info', 'medium', 'Third-party action doing what a preinstalled tool does (pedantic)',
    'Actions such as dtolnay/rust-toolchain or peter-evans/create-or-update-comment wrap `rustup`, `cargo` or `gh`, which every GitHub-hosted runner has: each is one more dependency that can be compromised. Run the tool in a script step. Reported from the `pedantic` persona up.', ['CWE-1357']),
  r('gha-missing-timeout', 'low', 'high', 'Job without timeout-minutes (pedantic)',
    'A job without `timeout-minutes` runs up to 6 hours when a step hangs, holding the runner and its token. Set a timeout that fits the job. Reported from the `pedantic` persona up.', ['CWE-400']),
  r('gha-impostor-commit', 'critical', 'medium', 'SHA pin on no branch or tag of the action (online)',
    'The pinned commit is reachable from no branch or tag of the action\'s repository. GitHub serves commits of any fork under the parent\'s name, so a pin can name code the owner never published (an impostor commit). Checked with `--online` (a GitHub token in GITHUB_TOKEN or GH_TOKEN). Pin a commit of the repository\'s own history.', ['CWE-829']),
  r('gha-ref-confusion', 'medium', 'high', 'Action ref that is both a branch and a tag (online)',
    'The ref names a branch and a tag at once; GitHub picks one, and whoever can push the branch can decide which code runs. Checked with `--online`. Pin a commit SHA.', ['CWE-829']),
  r('gha-stale-action-ref', 'low', 'high', 'SHA pin that no tag points at (online)',
    'The pinned commit is not the commit of any tag of the action: an unreleased commit, which may not have had the review a release gets, and which update tools cannot map to a version. Checked with `--online`. Pin the commit of a release tag.', ['CWE-1357']),
  r('gha-ref-version-mismatch', 'medium', 'high', 'SHA pin whose version comment names another commit (online)',
    'The comment beside the SHA (`# v4.1.1`) names a tag that points at a different commit, so reviewers and update tools believe a version runs that does not. Checked with `--online`. Re-pin to the tag\'s commit or correct the comment.', ['CWE-1357']),
  r('gha-agentic-untrusted-trigger', 'medium', 'medium', 'AI agent action on a trigger outside users can start',
    'An AI agent action (anthropics/claude-code-action, openai/codex-action, google-github-actions/run-gemini-cli, actions/ai-inference, ...) runs on issues, issue_comment, pull_request(_target), reviews, discussions or workflow_call, so anyone who can open an issue or comment can start the agent and put instructions in front of it (prompt injection) while it holds the job\'s token and secrets. Gate it (an `if:` on `author_association`, a label only maintainers set, `types:` filters), give the job read-only permissions, and keep secrets it does not need out of its environment.', ['CWE-1427']),
  r('gha-agentic-prompt-injection', 'high', 'high', 'Attacker-controlled text in an AI agent\'s prompt',
    'An issue or pull request title or body, a comment, a branch name or a commit message is expanded into an input (`prompt`, `direct_prompt`, `claude_args`, ...) of an AI agent action, so whoever writes that text instructs the agent, which can run commands and use the job\'s token. Let the agent fetch the event itself with read-only tools, or pass only fields nobody outside chooses (numbers, SHAs).', ['CWE-1427']),
  r('gha-agentic-unrestricted', 'high', 'high', 'AI agent allowed any user or unrestricted tools',
    'The agent action is configured so that any user may invoke it (`allowed_non_write_users: \'*\'`, `allow-users: \'*\'`, bots `*`) or so that it runs any shell command without approval (`sandbox: danger-full-access`, `safety-strategy: unsafe`, `claude_args` or `allowed_tools` with `Bash(*)` or a bare `Bash`, `--dangerously-skip-permissions` or `--dangerously-bypass-approvals-and-sandbox` in any input, Gemini `run_shell_command` without a command, `sandbox: false`, yolo mode). Name the users and list the commands the agent may run.', ['CWE-250']),
  r('gha-agentic-no-tool-restriction', 'medium', 'high', 'Gemini CLI agent without a tool restriction',
    '`google-github-actions/run-gemini-cli` without `tools.core` or `tools.exclude` in its `settings` JSON may use every tool, the shell included. List the tools the agent needs in `settings.tools.core`.', ['CWE-250']),
  r('gha-forbidden-uses', 'high', 'high', 'Action forbidden by the forbiddenUses policy',
    'The action is on the deny-list, or not on the allow-list, of `scanners.pipeline.forbiddenUses` (zizmor\'s `forbidden-uses`). Replace it with an allowed action or change the policy. Nothing is reported unless the policy is set.', ['CWE-829']),
  r('gha-self-repository', 'low', 'high', 'Local action or workflow referenced with ./ instead of $/',
    '`uses: ./path` resolves against whatever is checked out in the workspace: in a reusable workflow that is the caller\'s repository, and after a checkout of another ref it is that ref\'s code. GitHub\'s self-repository syntax `uses: $/path` names this repository\'s file at the revision of the running workflow. Write `$/` (actionlint 1.7.12 still rejects it: disable this rule until your linter accepts it).', ['CWE-829']),
  r('gha-expression-syntax', 'low', 'high', 'Expression does not parse',
    'A `${{ }}` expression is malformed, so the workflow fails or behaves unexpectedly. Fix its syntax.'),
];

/** The online rules cannot be shown by fixture files (they ask the API): their examples (test/scanners/pipeline/online.test.ts runs them against a local API double). */
const ONLINE_EXAMPLES: Record<string, { positive: string[]; negative: string[] }> = {
  'gha-impostor-commit': { positive: ['uses: acme/act@<sha of a fork commit, on no branch or tag of acme/act>'], negative: ['uses: acme/act@<sha that tag v1 points at> # v1'] },
  'gha-ref-confusion': { positive: ['uses: acme/act@main   (acme/act has a branch main and a tag main)'], negative: ['uses: acme/act@v2   (a tag only)'] },
  'gha-stale-action-ref': { positive: ['uses: acme/act@<sha of a commit on main that no tag points at>'], negative: ['uses: acme/act@<sha of tag v2>'] },
  'gha-ref-version-mismatch': { positive: ['uses: acme/act@<sha of tag v2> # v1'], negative: ['uses: acme/act@<sha of tag v1> # v1'] },
};
for (const x of GHA_RULES) if (ONLINE_EXAMPLES[x.id]) x.examples = ONLINE_EXAMPLES[x.id];

/** The GitLab CI rules. */
export const GITLAB_RULES: PipelineRule[] = [
  r('gl-mr-variable-injection', 'high', 'medium', 'Merge request variable used unquoted in a script',
    'CI_MERGE_REQUEST_TITLE, CI_MERGE_REQUEST_DESCRIPTION, CI_COMMIT_MESSAGE, CI_COMMIT_BRANCH, source branch names and similar are chosen by the MR author. Used unquoted (or inside eval/sh -c) the shell splits and expands them. Quote them ("$VAR") and never eval them.', ['CWE-78']),
  r('gl-input-injection', 'medium', 'medium', 'Component input interpolated into a script',
    '`$[[ inputs.name ]]` in `script:` is replaced by the input\'s text before the shell parses the script (with `expand_vars`, CI variables in it are expanded too), so whoever includes the component or sets the input chooses code. Map the input to a job variable (`variables: NAME: $[[ inputs.name ]]`) and use "$NAME".', ['CWE-94']),
  r('gl-secret-in-mr-pipeline', 'medium', 'low', 'Secret-looking variable used by a merge request job',
    'A job that runs in merge request pipelines uses a variable named like a secret. Mark the variable protected so MR pipelines from untrusted branches cannot read it, and move the job to protected-branch pipelines.', ['CWE-200']),
  r('gl-hardcoded-variable-secret', 'high', 'medium', 'Credential written literally in variables:',
    'A CI variable named like a token, password or key has a literal value in the file. Define it as a masked, protected CI/CD variable.', ['CWE-798']),
  r('gl-remote-include', 'high', 'high', 'include: of a remote URL',
    'A remote include runs whatever the URL serves at pipeline time. Vendor the file or include a project file pinned to a commit SHA.', ['CWE-829']),
  r('gl-unpinned-include', 'medium', 'high', 'include: of another project without a pinned ref',
    'A project or component include without `ref:` (or on a branch/tag) follows whatever is pushed there. Pin a commit SHA.', ['CWE-829']),
  r('gl-image-no-digest', 'low', 'high', 'Image without digest',
    'A job image or service referenced by tag can change under you. Pin `image:tag@sha256:...`.', ['CWE-829']),
  r('gl-image-latest', 'medium', 'high', 'Image on latest or no tag',
    'The image has no tag or `latest`: every pipeline may run different code. Pin a version and digest.', ['CWE-829']),
  r('gl-privileged-dind', 'medium', 'medium', 'Docker-in-Docker service without TLS',
    'A `docker:dind` service with TLS disabled (`DOCKER_TLS_CERTDIR: ""` or `DOCKER_HOST` on tcp://...:2375) exposes an unauthenticated root Docker daemon on the runner network. Keep TLS on or use rootless builders (kaniko, buildah).', ['CWE-306']),
  r('gl-debug-trace', 'high', 'high', 'CI_DEBUG_TRACE enabled',
    '`CI_DEBUG_TRACE`/`CI_DEBUG_SERVICES` print every command and every variable, secrets included, into the job log. Remove it from the file.', ['CWE-532']),
  r('gl-curl-pipe-shell', 'medium', 'high', 'Downloaded script piped into a shell',
    '`curl ... | sh` runs whatever the server returns, unverified. Download a pinned version and check its hash.', ['CWE-494']),
];

/** The pre-commit config rules. */
export const PRECOMMIT_RULES: PipelineRule[] = [
  r('precommit-unpinned-hook', 'medium', 'high', 'pre-commit hook repository not pinned to a commit',
    'A `.pre-commit-config.yaml` repository with `rev:` set to a tag or branch runs whatever code that ref points to when hooks are installed, on developer machines and in CI. Pin the full commit SHA (`pre-commit autoupdate --freeze` writes it, keeping the tag in a comment).', ['CWE-829']),
  r('precommit-insecure-url', 'high', 'high', 'pre-commit hook repository fetched over http:// or git://',
    'A hook `repo:` URL with `http://` or `git://` is fetched unauthenticated and in clear text, so anyone on the network path can serve other hook code, which then runs on developer machines and in CI. Use `https://`.', ['CWE-319']),
];

/** Rules reported only from a stricter persona up (zizmor's personas): the rest are on in every persona. */
export const PERSONA_OF: ReadonlyMap<string, 'pedantic' | 'auditor'> = new Map<string, 'pedantic' | 'auditor'>([
  ['gha-unpinned-image', 'pedantic'],
  ['gha-anonymous-definition', 'pedantic'],
  ['gha-concurrency-limits', 'pedantic'],
  ['gha-undocumented-permissions', 'pedantic'],
  ['gha-superfluous-action', 'pedantic'],
  ['gha-missing-timeout', 'pedantic'],
  ['gha-uncommon-shell', 'pedantic'],
  ['gha-secrets-outside-environment', 'auditor'],
]);

/** True when the rule is reported in the persona. */
export function inPersona(ruleId: string, persona: 'regular' | 'pedantic' | 'auditor' = 'regular'): boolean {
  const need = PERSONA_OF.get(ruleId);
  return !need || persona === 'auditor' || (persona === 'pedantic' && need === 'pedantic');
}

/** The Azure Pipelines, Tekton and Bitbucket Pipelines rules. */
export const PLATFORM_RULES: PipelineRule[] = [
  r('azp-injection', 'high', 'medium', 'Author-controlled Azure variable pasted into a script',
    'Macro syntax `$(Build.SourceBranch)`, `$(Build.SourceVersionMessage)`, `$(System.PullRequest.SourceBranch)` (and `${{ variables.X }}` of those) is replaced in the script text before the shell runs it, and the branch name or commit message is chosen by whoever opens the pull request or pushes. Map the variable to `env:` and use it quoted ("$BRANCH").', ['CWE-94']),
  r('azp-parameter-injection', 'medium', 'medium', 'Template parameter pasted into a script',
    'A string `${{ parameters.x }}` is pasted into the script when the template expands, so whoever queues the run (runtime parameters) or includes the template chooses code. Pass it through `env:` and quote the variable, or restrict it with `values:`.', ['CWE-94']),
  r('azp-debug-enabled', 'low', 'high', 'system.debug forced on',
    '`system.debug: true` (or `agent.diagnostic`) in the file makes every run log verbose internals, including values that are not masked. Enable debug only when re-running a pipeline.', ['CWE-532']),
  r('azp-curl-pipe-shell', 'medium', 'high', 'Downloaded script piped into a shell',
    '`curl ... | bash` runs whatever the server returns, unverified. Download a pinned version, check its hash, then run it.', ['CWE-494']),
  r('azp-unpinned-image', 'low', 'high', 'Container image without digest',
    'A job `container:` or `resources.containers` image referenced by tag (or with none, or latest) can change under you. Pin `image:tag@sha256:...`.', ['CWE-829']),
  r('azp-untrusted-checkout-exec', 'high', 'medium', 'Pull request code built in a PR validation pipeline',
    'With pull request validation on (no `pr: none`), a job that checks out the source (`checkout: self`) and then runs a build tool (npm, make, mvn, gradle, pre-commit, terraform plan, ...) runs the contributor\'s code with the pipeline\'s service connections and any secrets exposed to fork builds. Keep secrets and service connections out of PR validation, or build forks without them.', ['CWE-829']),
  r('tkn-untrusted-checkout-exec', 'high', 'medium', 'Pull request code built in a Pipelines-as-Code run',
    'A PipelineRun triggered on `pull_request` (pipelinesascode on-event) that clones the source (git-clone) and runs a build tool on it runs the contributor\'s code with the run\'s service account and secrets. Restrict such runs to trusted authors (`/ok-to-test`) or give them no secrets.', ['CWE-829']),
  r('tkn-param-injection', 'high', 'medium', 'Tekton parameter or result substituted into a script',
    '`$(params.x)`, `$(tasks.t.results.r)` and Pipelines-as-Code `{{ body.* }}`/`{{ source_branch }}` are substituted into a step `script:` before the container starts, so whoever sets the parameter (a trigger from a pull request, a PipelineRun) chooses code; quoting does not help. Pass the value through `env:` (`value: $(params.x)`) and use "$X".', ['CWE-94']),
  r('tkn-unpinned-image', 'low', 'high', 'Tekton step image without digest',
    'A step `image:` referenced by tag (or with none, or latest) can change under you; the step runs with the workspace and the task\'s credentials. Pin `image:tag@sha256:...`.', ['CWE-829']),
  r('tkn-curl-pipe-shell', 'medium', 'high', 'Downloaded script piped into a shell',
    '`curl ... | sh` in a step script runs whatever the server returns, unverified. Download a pinned version, check its hash, then run it.', ['CWE-494']),
  r('bb-injection', 'high', 'medium', 'Branch or tag name evaluated as code',
    '`$BITBUCKET_BRANCH`, `$BITBUCKET_TAG` and `$BITBUCKET_PR_DESTINATION_BRANCH` are named by whoever pushes; inside `eval` or `sh -c` a name like `x$(curl …|sh)` runs. Never evaluate them; use them quoted as data.', ['CWE-78']),
  r('bb-unpinned-image', 'low', 'high', 'Image or pipe without digest',
    'A build `image:` or a `pipe:` (pipes are container images) referenced by tag (or with none, or latest) can change under you. Pin `name:tag@sha256:...`.', ['CWE-829']),
  r('bb-curl-pipe-shell', 'medium', 'high', 'Downloaded script piped into a shell',
    '`curl ... | bash` runs whatever the server returns, unverified. Download a pinned version, check its hash, then run it.', ['CWE-494']),
];

/** Every pipeline rule. */
export const PIPELINE_RULES: PipelineRule[] = [...GHA_RULES, ...GITLAB_RULES, ...PRECOMMIT_RULES, ...PLATFORM_RULES];

/** Rules by id. */
export const RULES_BY_ID: ReadonlyMap<string, PipelineRule> = new Map(PIPELINE_RULES.map((x) => [x.id, x]));

/** The rules as {@link RuleMeta}, with the configured severities. */
export function ruleMetas(severity: Record<string, string> = {}, disabled: string[] = []): RuleMeta[] {
  return toRuleMeta('pipeline', PIPELINE_RULES, { disabled: new Set(disabled), severity: severity as Record<string, Severity> });
}
