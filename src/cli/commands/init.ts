import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { parse } from '../args.js';
import type { Command } from '../io.js';

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

const HOOK = `#!/bin/sh
# pipeguard pre-commit hook: blocks a commit that adds a secret. Installed by 'pipeguard init'.
# It scans what is staged (the index), so 'git commit -a' and partial staging are both covered.
exec npx --no-install pipeguard secrets --staged --no-progress
`;

const WORKFLOW = `name: pipeguard
on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  pipeguard:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write # upload SARIF to code scanning
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with:
          persist-credentials: false
      - uses: actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0
        with:
          node-version: 20
      - run: npm ci
      - name: pipeguard scan
        run: npx --no-install pipeguard scan . --format table --format sarif --output pipeguard.sarif
      - name: upload SARIF
        if: \${{ !cancelled() }}
        uses: github/codeql-action/upload-sarif@f443b600d91635bebf5b0d9ebc620189c0d6fba5 # v4.30.8
        with:
          sarif_file: pipeguard.sarif
          category: pipeguard
`;

const GITLAB = `# Include from .gitlab-ci.yml:
#   include:
#     - local: .gitlab/pipeguard.gitlab-ci.yml
pipeguard:
  stage: test
  image: node:20-bookworm-slim
  script:
    - npm ci
    - npx --no-install pipeguard scan . --format table --format sarif --output gl-pipeguard.sarif --format junit --output gl-pipeguard.xml
  artifacts:
    when: always
    paths:
      - gl-pipeguard.sarif
    reports:
      junit: gl-pipeguard.xml
`;

/** `pipeguard init`: starter config, pre-commit hook, GitHub Actions workflow and GitLab CI job. */
export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter pipeguard.yml, a pre-commit hook, and CI jobs for GitHub Actions and GitLab CI',
  help: `Usage: pipeguard init [PATH] [--force]

Writes into PATH (default: the current folder):
  pipeguard.yml                       starter config with comments
  .git/hooks/pre-commit               runs 'pipeguard secrets --staged' (only in a git repository)
  .github/workflows/pipeguard.yml     scans on push and pull request, uploads SARIF to code scanning
  .gitlab/pipeguard.gitlab-ci.yml     a GitLab CI job to include; keeps SARIF and JUnit reports
Existing files are left alone unless --force.
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { force: { type: 'boolean' } });
    const root = resolve(io.cwd, positionals[0] ?? '.');
    if (!existsSync(root)) throw new InputError('no such directory', positionals[0] ?? '.');
    const files: [string, string, boolean][] = [
      ['pipeguard.yml', CONFIG, false],
      ['.github/workflows/pipeguard.yml', WORKFLOW, false],
      ['.gitlab/pipeguard.gitlab-ci.yml', GITLAB, false],
    ];
    if (existsSync(join(root, '.git'))) files.push(['.git/hooks/pre-commit', HOOK, true]);
    else io.stderr.write('pipeguard: not a git repository: no pre-commit hook written\n');
    for (const [rel, text, exec] of files) {
      const p = join(root, rel);
      if (existsSync(p) && !values.force) {
        io.stdout.write(`kept    ${rel} (exists; --force to overwrite)\n`);
        continue;
      }
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      if (exec) chmodSync(p, 0o755);
      io.stdout.write(`wrote   ${rel}\n`);
    }
    return 0;
  },
};
