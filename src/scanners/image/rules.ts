import type { RuleInfo } from '../../core/rules.js';

/** Every rule of the image configuration checks. */
export const IMAGE_RULES: RuleInfo[] = [
  {
    id: 'image-runs-as-root',
    title: 'Image runs as root',
    severity: 'medium',
    help: 'The image configuration sets no user, or root (uid 0): its processes run as root unless the runtime overrides it. Add `USER <uid>` (a non-zero uid) to the last stage of the Dockerfile.',
    cwe: ['CWE-250'],
    confidence: 'high',
    tags: ['image', 'container'],
  },
  {
    id: 'image-secret-in-env',
    title: 'Secret in the image environment',
    severity: 'high',
    help: 'An `ENV` value of the image configuration is a credential: everyone who can pull the image can read it (`docker inspect`). Pass it at run time (a secret store, `--env-file`, a mounted file) and rotate it.',
    cwe: ['CWE-798'],
    confidence: 'high',
    tags: ['image', 'container', 'secrets'],
  },
  {
    id: 'image-secret-in-label',
    title: 'Secret in an image label',
    severity: 'high',
    help: 'A label of the image configuration holds a credential, readable by anyone who can pull the image. Remove it and rotate the credential.',
    cwe: ['CWE-798'],
    confidence: 'high',
    tags: ['image', 'container', 'secrets'],
  },
  {
    id: 'image-secret-in-history',
    title: 'Secret in the image history',
    severity: 'high',
    help: 'A build instruction recorded in the image history (`created_by`: a `RUN`, `ARG` or `ENV` line) holds a credential: `docker history` shows it to anyone who can pull the image. Use build secrets (`RUN --mount=type=secret`) and rotate the credential.',
    cwe: ['CWE-798'],
    confidence: 'high',
    tags: ['image', 'container', 'secrets'],
  },
  {
    id: 'image-no-healthcheck',
    title: 'Image has no health check',
    severity: 'low',
    help: 'The image configuration has no `HEALTHCHECK` (or disables its base image\'s): a runtime cannot tell a hung service from a healthy one. Add `HEALTHCHECK CMD ...`, or configure a probe in the orchestrator.',
    cwe: ['CWE-754'],
    confidence: 'high',
    tags: ['image', 'container'],
  },
  {
    id: 'image-base-eol',
    title: 'Base distribution past end of life',
    severity: 'high',
    help: 'The distribution the image is built on (from `etc/os-release`) no longer gets security updates, or will not soon: vulnerabilities found from now on stay unfixed. Rebuild on a supported release.',
    cwe: ['CWE-1104'],
    confidence: 'high',
    tags: ['image', 'container'],
  },
];
