/**
 * Every scanner's fixture suites, for the one rule tester (test/helpers/rule-tester.ts): where the annotated
 * fixtures are and how each is scanned. Adding a scanner's fixtures is one entry here.
 */
import { join } from 'node:path';
import type { FixtureSuite, Placement } from '../helpers/rule-tester.js';

const T = join(import.meta.dirname, '..', 'scanners');

/** Pipeline fixture name -> where the file sits in a repository. */
function pipelinePlace(rel: string): Placement | string | undefined {
  const [group, name] = rel.split('/') as [string, string];
  if (!/\.ya?ml$/.test(name)) return undefined;
  if (group === 'gitlab') {
    // A GitLab file other than .gitlab-ci.yml is read when .gitlab-ci.yml includes it.
    return name.startsWith('gitlab-ci') ? '.gitlab-ci.yml' : { path: `ci/${name}`, beside: { '.gitlab-ci.yml': `include:\n  - local: ci/${name}\n` } };
  }
  if (name.startsWith('pre-commit')) return '.pre-commit-config.yaml';
  if (group === 'platforms') {
    // Azure Pipelines, Bitbucket Pipelines (one folder each, the name is fixed) and Tekton (under .tekton/).
    if (name.startsWith('azure-')) return `azure-pipelines-${name.slice(6)}`;
    if (name.startsWith('bitbucket-')) return `bb/${name.slice(10, -4)}/bitbucket-pipelines.yml`;
    return `.tekton/${name}`;
  }
  if (name.startsWith('action-')) return `actions/${name.slice(7, -4)}/action.yml`;
  if (name.startsWith('dependabot.')) return '.github/dependabot.yml';
  return `.github/workflows/${name}`;
}

/** zizmor's code-quality audits, shown by the fixtures under pipeline/fixtures/pedantic/. */
const PEDANTIC_ONLY = ['gha-anonymous-definition', 'gha-concurrency-limits', 'gha-undocumented-permissions', 'gha-superfluous-action', 'gha-missing-timeout', 'gha-uncommon-shell'];

/** Every suite, in the order the tests run them. */
export const SUITES: FixtureSuite[] = [
  {
    name: 'pipeline',
    scanner: 'pipeline',
    dir: join(T, 'pipeline', 'fixtures'),
    layout: { kind: 'place', place: (rel) => (rel.startsWith('pedantic/') ? undefined : pipelinePlace(rel)) },
    // The auditor persona (the pedantic and auditor-only rules included), less zizmor's code-quality audits, which
    // would fire on nearly every job of the project fixtures: those have a suite of their own (pipeline-pedantic).
    config: { scanners: { pipeline: { persona: 'auditor', disable: PEDANTIC_ONLY, forbiddenUses: { deny: ['forbidden-org/*', 'acme/banned@v1'] } } } },
    // Realistic project workflows are checked against every rule; focused fixtures against the rules they annotate.
    strict: (rel) => rel.startsWith('projects/'),
  },
  {
    name: 'pipeline-pedantic',
    scanner: 'pipeline',
    dir: join(T, 'pipeline', 'fixtures'),
    layout: { kind: 'place', place: (rel) => (rel.startsWith('pedantic/') ? pipelinePlace(rel) : undefined) },
    config: { scanners: { pipeline: { persona: 'pedantic' } } },
    strict: () => false,
  },
  {
    name: 'iac',
    scanner: 'iac',
    dir: join(T, 'iac', 'fixtures'),
    layout: { kind: 'place', place: (rel) => (rel.split('/')[1]!.startsWith('malformed') ? undefined : rel) },
    strict: () => false,
  },
  {
    name: 'exposure',
    scanner: 'exposure',
    dir: join(T, 'exposure', 'fixtures', 'repo'),
    layout: { kind: 'tree' },
    configFile: 'pipeguard.yml',
  },
  {
    name: 'patch-level',
    scanner: 'patch-level',
    dir: join(T, 'patch-level', 'fixtures', 'repo'),
    layout: { kind: 'tree' },
    // no lockfile here: nothing is asked of a registry; end of life is judged on the data's own date
    config: { scanners: { 'patch-level': { enabled: true, offline: true, asOf: '2026-12-06' } } },
  },
  { name: 'sast rules', scanner: 'sast', dir: join(T, 'sast', 'fixtures', 'rules'), layout: { kind: 'tree' } },
  { name: 'sast languages', scanner: 'sast', dir: join(T, 'sast', 'fixtures', 'langs'), layout: { kind: 'tree' } },
];
