/**
 * The mapping, kept as data, from every pipeguard rule and posture check (and from the CI facts the compliance
 * report reads) to the controls of each framework. A rule is matched by `scanner:NAME` (every rule of a scanner),
 * an id, or an id glob; a rule can be reached by several entries (their controls add up). Rules that are not
 * evidence for any control are listed in {@link UNMAPPED} with the reason. test/compliance/mapping.test.ts checks
 * that every registered rule is mapped or unmapped, and that every control named exists.
 */

/** Framework ids. */
export type FrameworkId = 'ssdf' | 'cis-supply-chain' | 'slsa' | 'samm';

/** Controls by framework. */
export type Controls = Partial<Record<FrameworkId, string[]>>;

/** Rules (by `scanner:NAME`, id or glob) and the controls their results are evidence for. */
export interface RuleMapping {
  match: string[];
  controls: Controls;
}

/** Every rule mapping. */
export const RULE_MAPPING: readonly RuleMapping[] = [
  // Code scanners: a scan that ran and what it found.
  { match: ['scanner:secrets'], controls: { ssdf: ['PW.7.2', 'RV.1.2'], 'cis-supply-chain': ['1.5.1'], samm: ['I-SD-B', 'V-ST-A'] } },
  { match: ['scanner:sast'], controls: { ssdf: ['PW.5.1', 'PW.7.2', 'RV.1.2', 'RV.3.3'], 'cis-supply-chain': ['1.5.4'], samm: ['V-ST-A'] } },
  { match: ['scanner:deps'], controls: { ssdf: ['PW.4.1', 'PW.4.4', 'RV.1.1', 'RV.2.1'], 'cis-supply-chain': ['1.5.5', '3.2.2'], samm: ['D-SR-B', 'I-SB-B', 'O-EM-B'] } },
  { match: ['scanner:licenses'], controls: { ssdf: ['PW.4.4'], 'cis-supply-chain': ['1.5.6', '3.2.3'], samm: ['D-SR-B', 'I-SB-B'] } },
  { match: ['scanner:pipeline'], controls: { ssdf: ['PO.3.2', 'PW.7.2'], 'cis-supply-chain': ['1.5.2', '2.3.7'], samm: ['I-SB-A', 'V-ST-A'] } },
  { match: ['scanner:iac'], controls: { ssdf: ['PW.9.1', 'PW.9.2'], 'cis-supply-chain': ['1.5.3'], samm: ['O-EM-A', 'V-ST-A'] } },
  { match: ['scanner:exposure'], controls: { ssdf: ['PW.9.1', 'PW.9.2'], 'cis-supply-chain': ['1.5.3'], samm: ['O-EM-A'] } },
  { match: ['scanner:image'], controls: { ssdf: ['PW.9.1', 'PW.9.2'], samm: ['O-EM-A', 'V-ST-A'] } },
  { match: ['scanner:dast'], controls: { ssdf: ['PW.8.2', 'RV.1.2'], samm: ['V-ST-A'] } },
  { match: ['image-secret-*'], controls: { ssdf: ['PW.7.2'], samm: ['I-SD-B'] } },
  { match: ['image-base-eol'], controls: { ssdf: ['PW.4.1', 'PW.4.4'], samm: ['I-SB-B', 'O-EM-B'] } },
  // Patch level: components kept current, runtimes and bases supported.
  { match: ['scanner:patch-level'], controls: { ssdf: ['PW.4.1', 'PW.4.4'], samm: ['I-SB-B', 'O-EM-B'] } },
  // The build gate: signatures are release-integrity evidence, provenance is SLSA's.
  { match: ['artifact-unsigned', 'artifact-signature-invalid', 'artifact-tampered'], controls: { ssdf: ['PS.2.1'], samm: ['I-SB-B'] } },
  { match: ['provenance-missing', 'provenance-invalid'], controls: { ssdf: ['PS.3.2'], slsa: ['build-l1', 'build-l2'], samm: ['I-SB-B'] } },
  // Pipeline rules that are evidence for more specific controls.
  { match: ['gha-pull-request-target-unrestricted', 'gha-untrusted-checkout', 'gha-untrusted-checkout-exec', 'gha-workflow-run-artifact', 'gha-self-hosted-public-trigger', 'gha-dependabot-insecure-execution'], controls: { 'cis-supply-chain': ['2.3.5'], slsa: ['build-l3'], ssdf: ['PO.5.1'] } },
  { match: ['gha-cache-poisoning', 'gha-artifact-credential-leak', 'gha-checkout-persist-credentials'], controls: { slsa: ['build-l3'], ssdf: ['PO.5.1'] } },
  { match: ['gha-missing-permissions', 'gha-write-all-permissions', 'gha-workflow-level-write', 'gha-id-token-write-workflow', 'gha-read-all-permissions', 'gha-secrets-inherit', 'gha-secrets-tojson', 'gha-secrets-outside-environment'], controls: { ssdf: ['PO.5.1'], samm: ['I-SD-B'] } },
  { match: ['gha-hardcoded-container-credentials', 'gha-secret-in-run', 'gha-unredacted-secret', 'gha-hardcoded-env-credential', 'gl-hardcoded-variable-secret', 'gl-secret-in-mr-pipeline', 'gl-debug-trace', 'gha-debug-logging-enabled'], controls: { 'cis-supply-chain': ['2.3.8'], samm: ['I-SD-B'] } },
  { match: ['gha-unpinned-*', 'gha-branch-ref-action', 'gha-mutable-latest-image', 'gl-image-no-digest', 'gl-image-latest', 'gl-unpinned-include', 'gl-remote-include', 'gha-typosquat-action', 'gha-archived-action'], controls: { 'cis-supply-chain': ['2.4.2'], ssdf: ['PW.4.1'], samm: ['I-SB-B'] } },
  { match: ['gha-long-lived-publish-token'], controls: { slsa: ['build-l2'], samm: ['I-SD-B'] } },
  // IaC rules about pinning.
  { match: ['docker-base-latest', 'docker-base-untagged', 'docker-base-no-digest', 'docker-*-unpinned', 'docker-npm-global-unpinned', 'docker-go-install-latest', 'k8s-image-latest', 'k8s-image-no-digest', 'compose-image-latest'], controls: { 'cis-supply-chain': ['3.1.7'], samm: ['I-SB-B'] } },
  { match: ['docker-secret-env', 'docker-secret-arg', 'docker-copy-secret-file', 'k8s-secret-in-env', 'compose-secret-in-environment', 'docker-url-credentials'], controls: { samm: ['I-SD-B'] } },
  // Offline posture file checks.
  { match: ['posture-no-security-policy'], controls: { ssdf: ['RV.1.3'], 'cis-supply-chain': ['1.2.1'], samm: ['O-IM-B'] } },
  { match: ['posture-no-codeowners', 'posture-codeowners-ci-uncovered'], controls: { ssdf: ['PS.1.1', 'PW.7.1'], 'cis-supply-chain': ['1.1.6'], samm: ['I-SB-A'] } },
  { match: ['posture-no-dependency-updates'], controls: { ssdf: ['PW.4.1', 'RV.2.2'], samm: ['I-SB-B', 'O-EM-B', 'D-SA-B'] } },
  { match: ['posture-missing-lockfile'], controls: { ssdf: ['PW.4.1', 'PS.3.2'], 'cis-supply-chain': ['2.4.2', '3.1.7'], samm: ['I-SB-B'] } },
  { match: ['posture-unpinned-dependencies'], controls: { ssdf: ['PW.4.1'], 'cis-supply-chain': ['2.4.2', '3.1.7'], samm: ['I-SB-B'] } },
  { match: ['posture-binary-artifact'], controls: { ssdf: ['PW.4.2', 'PS.1.1'], samm: ['I-SB-A'] } },
  { match: ['posture-ci-no-tests'], controls: { ssdf: ['PW.8.2'] } },
  { match: ['posture-ci-no-security-scan'], controls: { ssdf: ['PO.3.1', 'PO.4.2', 'PW.7.2'], samm: ['V-ST-A'] } },
  { match: ['posture-workflow-no-permissions'], controls: { ssdf: ['PO.3.2', 'PO.5.1'], samm: ['I-SB-A'] } },
  // Live settings (pipeguard posture).
  { match: ['forge-branch-unprotected'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.1.15', '1.1.16', '1.1.17'], samm: ['I-SB-A'] } },
  { match: ['forge-no-required-reviews'], controls: { ssdf: ['PS.1.1', 'PW.7.1', 'PW.7.2'], 'cis-supply-chain': ['1.1.3', '1.1.15'], samm: ['I-SB-A'] } },
  { match: ['forge-fewer-than-two-approvals'], controls: { 'cis-supply-chain': ['1.1.3'] } },
  { match: ['forge-no-code-owner-review'], controls: { ssdf: ['PW.7.1'], 'cis-supply-chain': ['1.1.7'] } },
  { match: ['forge-stale-approvals-kept', 'forge-no-last-push-approval'], controls: { ssdf: ['PW.7.2'], 'cis-supply-chain': ['1.1.4'] } },
  { match: ['forge-admins-bypass'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.1.14', '1.1.15'], samm: ['I-SB-A'] } },
  { match: ['forge-no-required-status-checks'], controls: { ssdf: ['PO.4.2'], 'cis-supply-chain': ['1.1.9'], samm: ['I-SB-A'] } },
  { match: ['forge-pipeguard-check-not-required'], controls: { ssdf: ['PO.4.1', 'PO.4.2'], 'cis-supply-chain': ['1.1.9'], samm: ['G-PC-A', 'I-DM-A'] } },
  { match: ['forge-branch-not-up-to-date'], controls: { 'cis-supply-chain': ['1.1.10'] } },
  { match: ['forge-unresolved-conversations-allowed'], controls: { 'cis-supply-chain': ['1.1.11'] } },
  { match: ['forge-unsigned-commits-allowed'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.1.12'] } },
  { match: ['forge-nonlinear-history'], controls: { 'cis-supply-chain': ['1.1.13'] } },
  { match: ['forge-force-push-allowed'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.1.16'], samm: ['I-SB-A'] } },
  { match: ['forge-branch-deletion-allowed'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.1.17'] } },
  { match: ['forge-codeowners-errors'], controls: { ssdf: ['PW.7.1'], 'cis-supply-chain': ['1.1.6'] } },
  { match: ['forge-too-many-admins', 'forge-outside-collaborator-privileged'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.3.7'], samm: ['O-EM-A'] } },
  { match: ['forge-deploy-key-write', 'forge-deploy-key-stale'], controls: { ssdf: ['PS.1.1', 'PO.5.1'], samm: ['I-SD-B'] } },
  { match: ['forge-author-can-approve', 'forge-unreviewed-changes'], controls: { ssdf: ['PW.7.2'], 'cis-supply-chain': ['1.1.3'], samm: ['I-SB-A'] } },
  { match: ['forge-repo-level-secrets', 'forge-environment-unprotected', 'forge-gitlab-variable-unprotected', 'forge-gitlab-variable-unmasked'], controls: { ssdf: ['PO.5.1'], 'cis-supply-chain': ['2.3.8'], samm: ['I-SD-A', 'I-SD-B'] } },
  { match: ['forge-default-token-write', 'forge-workflows-can-approve-prs', 'forge-actions-unrestricted', 'forge-gitlab-runner-unprotected'], controls: { ssdf: ['PO.3.2', 'PO.5.1'], slsa: ['build-l3'], samm: ['I-SB-A'] } },
  { match: ['forge-fork-pr-approval-weak'], controls: { ssdf: ['PO.5.1'], 'cis-supply-chain': ['2.3.5'], slsa: ['build-l3'] } },
  { match: ['forge-secret-scanning-off', 'forge-push-protection-off'], controls: { ssdf: ['PW.7.2'], 'cis-supply-chain': ['1.5.1'], samm: ['I-SD-B'] } },
  { match: ['forge-dependency-alerts-off'], controls: { ssdf: ['RV.1.1'], 'cis-supply-chain': ['1.5.5'], samm: ['O-EM-B'] } },
  { match: ['forge-webhook-no-secret', 'forge-webhook-insecure'], controls: { ssdf: ['PO.3.2'], samm: ['O-EM-A'] } },
  { match: ['forge-org-2fa-not-required'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.3.5', '1.1.3'] } },
  { match: ['forge-org-base-permission-write'], controls: { ssdf: ['PS.1.1'], 'cis-supply-chain': ['1.3.8'] } },
];

/** Rules that are evidence for no control, and why. They are left out even when a `scanner:` entry covers them. */
export const UNMAPPED: readonly { match: string; reason: string }[] = [
  { match: 'gha-expression-syntax', reason: 'a malformed expression is a correctness error, not a security control' },
  { match: 'gha-deprecated-workflow-command', reason: 'deprecation hygiene; the unsafe command itself is gha-unsecure-commands' },
  { match: 'docker-apt-no-recommends', reason: 'image size, not security' },
  { match: 'docker-apt-no-cleanup', reason: 'image size, not security' },
  { match: 'docker-apk-no-cache', reason: 'image size, not security' },
  { match: 'docker-yum-no-cleanup', reason: 'image size, not security' },
  { match: 'docker-pip-no-cache-dir', reason: 'image size, not security' },
  { match: 'docker-missing-healthcheck', reason: 'availability, not a supply-chain or development control' },
  { match: 'image-no-healthcheck', reason: 'availability, not a supply-chain or development control' },
  { match: 'k8s-no-cpu-limit', reason: 'capacity, not a supply-chain or development control' },
  { match: 'k8s-default-namespace', reason: 'organisation of workloads, not a security control by itself' },
  { match: 'exposure-declared-not-exposed', reason: 'an informational difference from the exposure policy (a declared port nothing exposes)' },
];

/** A fact the compliance report reads from the repository's CI files and pipeguard.yml. */
export type CiSignal =
  | 'ci-defined'
  | 'policy-as-code'
  | 'ci-gate'
  | 'ci-reports-kept'
  | 'ci-sbom'
  | 'ci-provenance'
  | 'ci-signed-provenance'
  | 'ci-isolated-provenance'
  | 'ci-signing'
  | 'ci-hosted-runners';

/** The controls each CI fact is evidence for. */
export const CI_MAPPING: readonly { signal: CiSignal; controls: Controls }[] = [
  { signal: 'ci-defined', controls: { 'cis-supply-chain': ['2.3.1'], slsa: ['build-l1'], samm: ['I-SB-A'], ssdf: ['PO.3.1'] } },
  { signal: 'policy-as-code', controls: { ssdf: ['PO.4.1'], samm: ['G-PC-A'] } },
  { signal: 'ci-gate', controls: { ssdf: ['PO.4.1', 'PO.4.2', 'RV.2.2'], samm: ['G-PC-A', 'I-DM-A'] } },
  { signal: 'ci-reports-kept', controls: { ssdf: ['PO.3.3'], samm: ['I-DM-A'] } },
  { signal: 'ci-sbom', controls: { ssdf: ['PS.3.2'], 'cis-supply-chain': ['2.4.6'], samm: ['D-SA-B'] } },
  { signal: 'ci-provenance', controls: { ssdf: ['PS.3.2'], slsa: ['build-l1', 'build-l2', 'build-l3'], samm: ['I-SB-A'] } },
  { signal: 'ci-signed-provenance', controls: { ssdf: ['PS.2.1'], slsa: ['build-l2', 'build-l3'] } },
  { signal: 'ci-isolated-provenance', controls: { slsa: ['build-l3'] } },
  { signal: 'ci-signing', controls: { ssdf: ['PS.2.1'], samm: ['I-SD-A'] } },
  { signal: 'ci-hosted-runners', controls: { slsa: ['build-l2', 'build-l3'] } },
];

/** Scanners whose results count as a control's evidence only when they also run in CI (what `pipeguard scan` runs). */
export const CI_SCANNERS: readonly string[] = ['secrets', 'sast', 'deps', 'licenses', 'pipeline', 'iac', 'exposure'];
