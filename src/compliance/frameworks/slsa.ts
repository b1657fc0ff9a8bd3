import type { Framework } from './types.js';

/** SLSA v1.0 (April 2023), Build track levels 1-3. */
export const SLSA: Framework = {
  id: 'slsa',
  name: 'Supply-chain Levels for Software Artifacts (SLSA), Build track',
  version: '1.0 (April 2023)',
  url: 'https://slsa.dev/spec/v1.0/levels',
  scope: 'the Build track; the Source track is not part of SLSA 1.0',
  controls: [
    { id: 'build-l1', group: 'Build track', title: 'Build L1: provenance exists', guidance: 'Build with a scripted process (CI) and generate provenance describing how each artifact was built (e.g. actions/attest-build-provenance, npm publish --provenance).' },
    { id: 'build-l2', group: 'Build track', title: 'Build L2: hosted build platform, signed provenance', guidance: 'Build on hosted runners and sign the provenance with the platform\'s identity (Sigstore through attest-build-provenance or npm provenance).' },
    { id: 'build-l3', group: 'Build track', title: 'Build L3: hardened builds', guidance: 'Generate provenance in an isolated job the build steps cannot influence (slsa-github-generator reusable workflows) and keep untrusted code out of build jobs (no cache poisoning, no untrusted checkouts in privileged workflows).' },
  ],
};
