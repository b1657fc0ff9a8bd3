import type { RuleInfo } from '../../core/rules.js';

/**
 * An example is the JSON of an image as far as the rules read it: `config` (the OCI image config's `config`
 * object: User, Env, Labels, Healthcheck), `history` (its `history` entries), `osRelease` (the text of
 * `etc/os-release`) and `asOf` (the date end of life is judged at). Test tokens are built from pieces so that no
 * credential-shaped text sits in this file.
 */
const ex = (o: Record<string, unknown>): string => JSON.stringify(o);
const AWS_TEST_KEY = ['AKIA', 'Z7Q3J5K2M4N4P6R2'].join('');
const GH_TEST_TOKEN = ['ghp', 'R8n2Kq4Lm7Xv1Zp9Tb3Wc6Yd5Hf0Js2Ag8Ek'].join('_');
const USER = { User: 'app', Healthcheck: { Test: ['CMD', 'true'] } };

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
    examples: { positive: [ex({ config: { User: '' } }), ex({ config: { User: '0:0' } })], negative: [ex({ config: { User: '10001' } }), ex({ config: { User: 'rooty' } })] },
  },
  {
    id: 'image-secret-in-env',
    title: 'Secret in the image environment',
    severity: 'high',
    help: 'An `ENV` value of the image configuration is a credential: everyone who can pull the image can read it (`docker inspect`). Pass it at run time (a secret store, `--env-file`, a mounted file) and rotate it.',
    cwe: ['CWE-798'],
    confidence: 'high',
    tags: ['image', 'container', 'secrets'],
    examples: { positive: [ex({ config: { ...USER, Env: [`AWS_ACCESS_KEY_ID=${AWS_TEST_KEY}`] } })], negative: [ex({ config: { ...USER, Env: ['PATH=/usr/bin', 'PASSWORD_FILE=/run/secrets/db'] } })] },
  },
  {
    id: 'image-secret-in-label',
    title: 'Secret in an image label',
    severity: 'high',
    help: 'A label of the image configuration holds a credential, readable by anyone who can pull the image. Remove it and rotate the credential.',
    cwe: ['CWE-798'],
    confidence: 'high',
    tags: ['image', 'container', 'secrets'],
    examples: { positive: [ex({ config: { ...USER, Labels: { 'ci.token': GH_TEST_TOKEN } } })], negative: [ex({ config: { ...USER, Labels: { 'org.opencontainers.image.source': 'https://example.test/shop' } } })] },
  },
  {
    id: 'image-secret-in-history',
    title: 'Secret in the image history',
    severity: 'high',
    help: 'A build instruction recorded in the image history (`created_by`: a `RUN`, `ARG` or `ENV` line) holds a credential: `docker history` shows it to anyone who can pull the image. Use build secrets (`RUN --mount=type=secret`) and rotate the credential.',
    cwe: ['CWE-798'],
    confidence: 'high',
    tags: ['image', 'container', 'secrets'],
    examples: { positive: [ex({ config: USER, history: [{ created_by: `RUN git clone https://x-access-token:${GH_TEST_TOKEN}@github.com/o/r.git` }] })], negative: [ex({ config: USER, history: [{ created_by: 'RUN --mount=type=secret,id=token git clone https://github.com/o/r.git' }] })] },
  },
  {
    id: 'image-no-healthcheck',
    title: 'Image has no health check',
    severity: 'low',
    help: 'The image configuration has no `HEALTHCHECK` (or disables its base image\'s): a runtime cannot tell a hung service from a healthy one. Add `HEALTHCHECK CMD ...`, or configure a probe in the orchestrator.',
    cwe: ['CWE-754'],
    confidence: 'high',
    tags: ['image', 'container'],
    examples: { positive: [ex({ config: { User: 'app' } }), ex({ config: { User: 'app', Healthcheck: { Test: ['NONE'] } } })], negative: [ex({ config: USER })] },
  },
  {
    id: 'image-base-eol',
    title: 'Base distribution past end of life',
    severity: 'high',
    help: 'The distribution the image is built on (from `etc/os-release`) no longer gets security updates, or will not soon: vulnerabilities found from now on stay unfixed. Rebuild on a supported release.',
    cwe: ['CWE-1104'],
    confidence: 'high',
    tags: ['image', 'container'],
    examples: { positive: [ex({ config: USER, osRelease: 'ID=debian\nVERSION_ID="10"\n', asOf: '2026-12-06' })], negative: [ex({ config: USER, osRelease: 'ID=debian\nVERSION_ID="13"\n', asOf: '2026-12-06' })] },
  },
];
