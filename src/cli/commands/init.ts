import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { InputError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import { parse } from '../args.js';
import type { Command } from '../io.js';
import { repoFacts, runnerFor, type RepoFacts, type Runner } from './init-repo.js';

/** The workflow and job file names `init` writes (not `pipeguard.yml`, which is the config's name). */
export const WORKFLOW_PATH = '.github/workflows/security.yml';
export const GITLAB_PATH = '.gitlab/security.gitlab-ci.yml';

/** What a user without pipeguard is told to run (the README's Install section says the same). */
const INSTALL_HINT = `npm install --save-dev pipeguard (before a release is on the registry: npm install --save-dev git+<pipeguard repository URL>, or a tarball from 'npm pack' in a clone)`;

const CONFIG = `# pipeguard.yml: security checks as code. Schema: schema/pipeguard.schema.json in the pipeguard package.
version: 1

# Lowest severity that fails the pipeline: critical, high, medium, low, info or none.
failOn: high
# Per-scanner thresholds override failOn, e.g. secrets fail on anything:
thresholds:
  secrets: low

# Paths no scanner reads (globs). Files ignored by .gitignore are skipped too (gitignore: false to scan them).
exclude:
  - "**/node_modules/**"
  - ".pipeguard-cache/**"

# The pre-commit hook blocks a commit when pipeguard is not installed; false lets it through with a warning.
hooks:
  required: true

scanners:
  secrets:
    enabled: true
    # Custom rules for your own token formats:
    # rules:
    #   - id: acme-api-key
    #     title: ACME API key
    #     severity: high
    #     keywords: [acme_]
    #     regex: "\\\\b(acme_[A-Za-z0-9]{32})\\\\b"
    allowlist:
      paths: []

# Accepted risks. Each needs a reason; an expired one stops suppressing and the report says so.
suppressions: []
#  - rule: generic-password
#    path: "test/fixtures/**"
#    reason: synthetic credentials used by the tests
#    expires: 2027-06-30
`;

const STAGED = 'secrets --staged --no-progress';

/**
 * The plain git hook: runs the project's pipeguard (node_modules/.bin) or one on PATH. Without either it says how
 * to install it, and blocks the commit unless pipeguard.yml sets `hooks: { required: false }`.
 */
export const HOOK = `#!/bin/sh
# pipeguard pre-commit hook: blocks a commit that adds a secret. Installed by 'pipeguard init'.
# It scans what is staged (the index), so 'git commit -a' and partial staging are both covered.
top=$(git rev-parse --show-toplevel) || exit 1
if [ -x "$top/node_modules/.bin/pipeguard" ]; then exec "$top/node_modules/.bin/pipeguard" ${STAGED}; fi
if command -v pipeguard >/dev/null 2>&1; then exec pipeguard ${STAGED}; fi
# Not installed: hooks.required in pipeguard.yml decides (default true: block the commit).
required=true
for f in pipeguard.yml pipeguard.yaml .pipeguard.yml .pipeguard.yaml; do
  [ -f "$top/$f" ] || continue
  if awk '/^hooks:[[:space:]]*\\{.*required:[[:space:]]*false/ { found = 1 }
          /^hooks:/ { h = 1; next }
          /^[^[:space:]#]/ { h = 0 }
          h && /^[[:space:]]+required:[[:space:]]*false([[:space:]]|#|$)/ { found = 1 }
          END { exit !found }' "$top/$f"; then required=false; fi
  break
done
echo "pipeguard: not installed, so the staged changes were not checked for secrets." >&2
echo "pipeguard: install it: ${INSTALL_HINT}" >&2
if [ "$required" = false ]; then
  echo "pipeguard: hooks.required is false in pipeguard.yml: the commit goes on unchecked." >&2
  exit 0
fi
echo "pipeguard: commit blocked. To commit without the check, set 'hooks: { required: false }' in pipeguard.yml." >&2
exit 1
`;

const PINS = {
  checkout: 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0',
  setupNode: 'actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0',
  cache: 'actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9 # v4.0.2',
  uploadSarif: 'github/codeql-action/upload-sarif@f443b600d91635bebf5b0d9ebc620189c0d6fba5 # v4.30.8',
};

/** The GitHub Actions workflow: install, advisory database from a weekly cache (refreshed on a miss), scan, SARIF upload. */
export function githubWorkflow(facts: RepoFacts, r: Runner): string {
  const env = facts.dependency
    ? ''
    : `
env:
  # pipeguard is not a dependency of this project: the job installs this package spec (a registry version, a git URL
  # such as git+https://host/owner/pipeguard.git#<commit>, or a tarball URL).
  PIPEGUARD_PACKAGE: pipeguard@${VERSION}
`;
  return `name: security
on:
  push:
    branches: [${facts.defaultBranch}]
  pull_request:

permissions:
  contents: read
${env}
jobs:
  pipeguard:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write # upload SARIF to code scanning
    steps:
      - uses: ${PINS.checkout}
        with:
          persist-credentials: false
      - uses: ${PINS.setupNode}
        with:
          node-version: 20${r.nodeCache ? `\n          cache: ${r.nodeCache}` : ''}
${r.install.map((c) => `      - run: ${c}\n`).join('')}      - name: week of the year (the advisory database cache key)
        id: week
        run: echo "week=$(date -u +%G-%V)" >> "$GITHUB_OUTPUT"
      - name: advisory database cache
        id: advisories
        uses: ${PINS.cache}
        with:
          path: ~/.cache/pipeguard
          key: pipeguard-advisories-\${{ steps.week.outputs.week }}
          restore-keys: pipeguard-advisories-
      - name: advisory database update
        if: steps.advisories.outputs.cache-hit != 'true'
        run: ${r.exec} db update
      - name: pipeguard scan
        run: ${r.exec} scan . --format table --format sarif --output pipeguard.sarif
      - name: upload SARIF
        if: \${{ !cancelled() }}
        uses: ${PINS.uploadSarif}
        with:
          sarif_file: pipeguard.sarif
          category: pipeguard
`;
}

/** The GitLab CI job to include: the advisory database in the job cache (the scan refreshes it when stale). */
export function gitlabJob(facts: RepoFacts, r: Runner): string {
  const pkg = facts.dependency ? '' : `\n    PIPEGUARD_PACKAGE: pipeguard@${VERSION} # or a git URL / tarball URL until it is on the registry`;
  return `# Include from .gitlab-ci.yml:
#   include:
#     - local: ${GITLAB_PATH}
pipeguard:
  stage: test
  image: node:20-bookworm-slim
  variables:
    PIPEGUARD_DB: \${CI_PROJECT_DIR}/.pipeguard-cache/advisories.db${pkg}
  cache:
    - key: pipeguard-advisories
      paths:
        - .pipeguard-cache/
  script:
${r.install.map((c) => `    - ${c}\n`).join('')}    - ${r.exec} db status >/dev/null 2>&1 || ${r.exec} db update
    - ${r.exec} scan . --format table --format sarif --output gl-pipeguard.sarif --format junit --output gl-pipeguard.xml
  artifacts:
    when: always
    paths:
      - gl-pipeguard.sarif
    reports:
      junit: gl-pipeguard.xml
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == "${facts.defaultBranch}"
`;
}

/** One file `init` writes or edits, and how to report it. */
interface Planned {
  rel: string;
  text: string;
  exec?: boolean;
  /** An existing file of the repository's hook tool, edited in place (kept when it already runs pipeguard). */
  edit?: boolean;
}

/** The entry the repository's hook tool runs, or undefined for a plain git hook. */
function hookFile(root: string, facts: RepoFacts, r: Runner): Planned | undefined {
  const command = `${r.exec === 'pipeguard' ? 'npx --no-install pipeguard' : r.exec} ${STAGED}`;
  if (facts.hookTool === 'pre-commit') {
    const rel = '.pre-commit-config.yaml';
    const doc = parseDocument(readFileSync(join(root, rel), 'utf8'));
    const repos = doc.get('repos', true);
    if (!isSeq(repos)) return undefined;
    repos.add(doc.createNode({ repo: 'local', hooks: [{ id: 'pipeguard-secrets', name: 'pipeguard secrets (staged changes)', entry: command, language: 'system', pass_filenames: false }] }));
    return { rel, text: doc.toString(), edit: true };
  }
  if (facts.hookTool === 'lefthook') {
    const rel = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml'].find((f) => existsSync(join(root, f)))!;
    const doc = parseDocument(readFileSync(join(root, rel), 'utf8'));
    if (doc.contents !== null && !isMap(doc.contents)) return undefined;
    doc.setIn(['pre-commit', 'commands', 'pipeguard-secrets', 'run'], command);
    return { rel, text: doc.toString(), edit: true };
  }
  if (facts.hookTool === 'husky') {
    const rel = '.husky/pre-commit';
    const old = existsSync(join(root, rel)) ? readFileSync(join(root, rel), 'utf8') : '';
    return { rel, text: `${old}${old && !old.endsWith('\n') ? '\n' : ''}${command}\n`, exec: true, edit: old !== '' };
  }
  return undefined;
}

/** `pipeguard init`: starter config, pre-commit hook, GitHub Actions workflow and GitLab CI job, fitted to the repository. */
export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter pipeguard.yml, a pre-commit hook, and CI jobs for GitHub Actions and GitLab CI',
  help: `Usage: pipeguard init [PATH] [--force]

Writes into PATH (default: the current folder):
  pipeguard.yml                       starter config with comments
  pre-commit hook                     runs 'pipeguard secrets --staged': added to .pre-commit-config.yaml,
                                      lefthook.yml or .husky/pre-commit when the repository uses one, else
                                      .git/hooks/pre-commit (only in a git repository)
  ${WORKFLOW_PATH}      scans on push to the default branch and on pull requests, caches the
                                      advisory database, uploads SARIF to code scanning
  ${GITLAB_PATH}     a GitLab CI job to include; caches the advisory database, keeps SARIF
                                      and JUnit reports
The CI jobs use the repository's package manager (from its lockfile) when pipeguard is one of its
dependencies, and install pipeguard on its own otherwise. Existing files are left alone unless --force.
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { force: { type: 'boolean' } });
    const root = resolve(io.cwd, positionals[0] ?? '.');
    if (!existsSync(root)) throw new InputError('no such directory', positionals[0] ?? '.');
    const facts = repoFacts(root);
    const runner = runnerFor(facts);
    const files: Planned[] = [
      { rel: 'pipeguard.yml', text: CONFIG },
      { rel: WORKFLOW_PATH, text: githubWorkflow(facts, runner) },
      { rel: GITLAB_PATH, text: gitlabJob(facts, runner) },
    ];
    if (!facts.git) io.stderr.write('pipeguard: not a git repository: no pre-commit hook written\n');
    else {
      const tool = hookFile(root, facts, runner);
      if (tool) files.push(tool);
      else if (facts.hooksDir) files.push({ rel: relative(root, join(facts.hooksDir, 'pre-commit')).split(sep).join('/'), text: HOOK, exec: true });
    }
    for (const f of files) {
      const p = join(root, f.rel);
      const already = f.edit && /\bpipeguard\b/.test(readFileSync(p, 'utf8'));
      if ((existsSync(p) && !values.force && !f.edit) || already) {
        io.stdout.write(`kept    ${f.rel} (${already ? 'already runs pipeguard' : 'exists; --force to overwrite'})\n`);
        continue;
      }
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.text);
      if (f.exec) chmodSync(p, 0o755);
      io.stdout.write(`${f.edit ? 'edited ' : 'wrote  '} ${f.rel}\n`);
    }
    if (!facts.dependency) {
      io.stderr.write(`pipeguard: pipeguard is not a dependency of this project: the CI jobs install PIPEGUARD_PACKAGE (pipeguard@${VERSION}); add it with ${INSTALL_HINT}\n`);
    }
    return 0;
  },
};
