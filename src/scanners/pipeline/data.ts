/**
 * Data the GitHub Actions audits read: which contexts an outside contributor controls, which action
 * inputs run as code, archived actions, and the owners typosquats imitate. Written for pipeguard.
 */

/**
 * Context paths whose text an outside contributor chooses (issue/PR authors, commenters, fork branch
 * names, commit authors). `*` matches any one segment. A reference to a prefix of one of these (a whole
 * object such as `github.event.pull_request`) is tainted too.
 */
export const ATTACKER_CONTEXTS: string[][] = [
  'github.head_ref',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.pull_request.head.repo.description',
  'github.event.pull_request.head.repo.homepage',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.name',
  'github.event.commits.*.author.email',
  'github.event.commits.*.committer.name',
  'github.event.commits.*.committer.email',
  'github.event.head_commit.message',
  'github.event.head_commit.author.name',
  'github.event.head_commit.author.email',
  'github.event.head_commit.committer.name',
  'github.event.head_commit.committer.email',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.event.workflow_run.head_repository.description',
].map((s) => s.split('.'));

/**
 * Last segments of `github.event.*` paths that hold free text in webhook payloads (titles, bodies, messages,
 * branch names, descriptions): a context ending in one of these is attacker-controlled even when the exact path is
 * not listed above. `name` counts only under the parents in {@link FREE_TEXT_NAME_PARENTS}.
 */
export const FREE_TEXT_LEAVES: ReadonlySet<string> = new Set(['title', 'body', 'message', 'description', 'display_title', 'head_branch', 'head_ref', 'label', 'homepage', 'page_name', 'email', 'default_branch', 'summary', 'text', 'body_text', 'body_html']);

/** Parents whose `name` field is free text (`labels.*.name`, `author.name`, `committer.name`). */
export const FREE_TEXT_NAME_PARENTS: ReadonlySet<string> = new Set(['labels', 'label', 'author', 'committer', 'pages', 'new_discussion']);

/** Context roots an invoker (dispatcher, calling workflow) controls: medium-risk inputs. */
export const INPUT_CONTEXTS: string[][] = ['inputs', 'github.event.inputs', 'github.event.client_payload'].map((s) => s.split('.'));

/** Action inputs that are executed as code: `owner/repo` (lower-case) → input names. */
export const CODE_INPUTS: ReadonlyMap<string, string[]> = new Map([
  ['actions/github-script', ['script']],
  ['azure/cli', ['inlinescript']],
  ['azure/powershell', ['inlinescript']],
  ['appleboy/ssh-action', ['script']],
  ['garygrossgarten/github-action-ssh', ['command']],
  ['nick-fields/retry', ['command']],
  ['wandalen/wretry.action', ['command']],
  ['cypress-io/github-action', ['command', 'build', 'start']],
  ['addnab/docker-run-action', ['run']],
  ['mathiasvr/command-output', ['run']],
  ['jannekem/run-python-script-action', ['script']],
  ['amadevus/pwsh-script', ['script']],
  ['mikefarah/yq', ['cmd']],
  ['devorbitus/yq-action-output', ['cmd']],
  ['sergeysova/jq-action', ['cmd']],
  ['cardinalby/js-eval-action', ['expression']],
  ['satackey/action-js-inline', ['script']],
  ['webiny/action-post-run', ['run']],
  ['cloudflare/wrangler-action', ['command', 'precommands', 'postcommands']],
]);

/** Actions whose outputs carry attacker-controlled text (branch names, PR titles): `owner/repo` → outputs ('*' = all). */
export const TAINTED_OUTPUT_ACTIONS: ReadonlyMap<string, string[]> = new Map([
  ['tj-actions/branch-names', ['*']],
  ['xt0rted/pull-request-comment-branch', ['head_ref', 'base_ref']],
  ['potiuk/get-workflow-origin', ['sourceheadbranch', 'pullrequestlabels']],
  ['8bitjonny/gh-get-current-pr', ['pr_title', 'pr_body', 'pr']],
  ['peter-evans/find-comment', ['comment-body']],
  ['actions-ecosystem/action-get-merged-pull-request', ['title', 'body']],
  ['dawidd6/action-get-tag', ['tag']],
]);

/** Archived or abandoned actions (`owner/repo` or `owner/*`) and what to use instead. */
export const ARCHIVED_ACTIONS: ReadonlyMap<string, string> = new Map([
  ['actions/create-release', 'softprops/action-gh-release or `gh release create`'],
  ['actions/upload-release-asset', 'softprops/action-gh-release or `gh release upload`'],
  ['actions-rs/*', 'dtolnay/rust-toolchain and plain cargo commands'],
  ['actions/setup-ruby', 'ruby/setup-ruby'],
  ['actions/setup-haskell', 'haskell-actions/setup'],
  ['actions/setup-elixir', 'erlef/setup-beam'],
  ['haskell/actions', 'haskell-actions/setup'],
  ['crazy-max/ghaction-docker-buildx', 'docker/setup-buildx-action'],
  ['crazy-max/ghaction-docker-login', 'docker/login-action'],
  ['andymckay/cancel-action', 'the `concurrency:` key'],
  ['dawidd6/action-get-tag', 'the `github.ref_name` context'],
  ['actions-ecosystem/*', 'maintained alternatives or `gh` CLI'],
]);

/** Publishers whose names typosquats imitate. */
export const POPULAR_OWNERS: string[] = [
  'actions',
  'github',
  'docker',
  'aws-actions',
  'azure',
  'google-github-actions',
  'hashicorp',
  'pypa',
  'codecov',
  'softprops',
  'peter-evans',
  'dtolnay',
  'golangci',
  'goreleaser',
  'JamesIves',
  'peaceiris',
  'ruby',
  'astral-sh',
  'pnpm',
  'gradle',
  'sigstore',
  'slsa-framework',
  'stefanzweifel',
  'ossf',
  'oven-sh',
  'denoland',
  'cachix',
  'Swatinem',
  'taiki-e',
  'shivammathur',
  'mozilla-actions',
  'rust-lang',
  'microsoft',
  'vercel',
  'cloudflare',
  'SonarSource',
  'snyk',
  'aquasecurity',
  'anchore',
  'tj-actions',
  'EndBug',
  'ncipollo',
  'release-drafter',
  'dorny',
  'nick-fields',
  'mikefarah',
  'hadolint',
  'reviewdog',
  'jwalton',
  'crazy-max',
  'burnett01',
  'appleboy',
  'webfactory',
  'subosito',
  'erlef',
  'haskell-actions',
  'julia-actions',
  'r-lib',
  'conda-incubator',
  'mamba-org',
  'bufbuild',
  'helm',
  'azure-actions',
];

/** Owners that look like a popular owner but are real, distinct publishers. */
export const KNOWN_NEAR_OWNERS: ReadonlySet<string> = new Set(['actions-rs', 'actionsx', 'r-hub', 'pypi', 'dockur']);

/** Branch names treated as mutable branch refs in `uses:`. */
export const BRANCH_REFS: ReadonlySet<string> = new Set(['main', 'master', 'dev', 'develop', 'development', 'trunk', 'head', 'latest', 'next', 'canary', 'nightly', 'stable', 'release', 'edge', 'unstable']);
