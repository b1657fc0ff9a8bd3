import type { RuleInfo } from '../../core/rules.js';

/** Every repository-posture rule. */
export const POSTURE_RULES: RuleInfo[] = [
  { id: 'posture-no-security-policy', title: 'No security policy', severity: 'low', help: 'Add SECURITY.md (in the root, .github/ or docs/) saying how to report vulnerabilities.' },
  { id: 'posture-no-codeowners', title: 'No CODEOWNERS', severity: 'low', help: 'Add a CODEOWNERS file (root, .github/, docs/ or .gitlab/) so changes to CI and sensitive paths need an owner\'s review.' },
  { id: 'posture-codeowners-ci-uncovered', title: 'CI files or pipeguard.yml have no code owner', severity: 'medium', help: 'No CODEOWNERS entry covers the CI definitions (.github/workflows/, .gitlab-ci.yml) or the gate\'s policy (pipeguard.yml). Add e.g. `/.github/workflows/ @org/security` and `/pipeguard.yml @org/security`.', cwe: ['CWE-284'] },
  { id: 'posture-no-dependency-updates', title: 'No dependency-update tool', severity: 'low', help: 'Configure Dependabot (.github/dependabot.yml) or Renovate (renovate.json) so vulnerable dependencies get update PRs.', cwe: ['CWE-1104'] },
  { id: 'posture-missing-lockfile', title: 'Manifest without lockfile', severity: 'medium', help: 'Commit the lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml, poetry.lock, Pipfile.lock, Gemfile.lock, Cargo.lock, go.sum, composer.lock) so builds install reviewed versions.', cwe: ['CWE-1357'] },
  { id: 'posture-binary-artifact', title: 'Binary artifact committed', severity: 'medium', help: 'Compiled binaries in the repository cannot be reviewed. Build them in CI from source instead.', cwe: ['CWE-506'] },
  { id: 'posture-ci-no-tests', title: 'CI runs no tests', severity: 'low', help: 'No workflow or GitLab job runs a test command (npm test, pytest, go test, cargo test, mvn verify...).' },
  { id: 'posture-ci-no-security-scan', title: 'CI runs no security scan', severity: 'medium', help: 'No workflow or GitLab job runs a security scanner (pipeguard, CodeQL, Semgrep, Trivy, gitleaks, osv-scanner, npm audit...).' },
  { id: 'posture-workflow-no-permissions', title: 'Workflow without token permissions', severity: 'medium', help: 'Declare `permissions:` at the top of the workflow (or on every job) so GITHUB_TOKEN gets least privilege.', cwe: ['CWE-272'] },
  { id: 'posture-unpinned-dependencies', title: 'Unpinned dependencies in Dockerfile or install script', severity: 'medium', help: 'Pin base images by digest and packages by version in Dockerfiles and install scripts (`npm install -g x@1.2.3`, `pip install x==1.2.3`).', cwe: ['CWE-1357'] },
];
