/**
 * The direction of imports, enforced by `npm run lint` (see docs/architecture.md):
 *   cli -> engine, gate, report -> scanners -> analyzers -> targets -> core
 * plus the stages that act (deliver) and the server beside the scanners. Type-only imports count too.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only ones included) make a layer depend on itself through others.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      severity: 'error',
      comment: 'core is the vocabulary every layer shares: it depends on no other part of pipeguard.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'targets-import-only-core',
      severity: 'error',
      comment: 'A target says where bytes come from; it knows nothing of what reads them.',
      from: { path: '^src/targets/' },
      to: { path: '^src/', pathNot: '^src/(core|targets)/' },
    },
    {
      name: 'analyzers-import-targets-and-core',
      severity: 'error',
      comment: 'Analyzers parse what targets yield, once per scan, for every scanner.',
      from: { path: '^src/analyzers/' },
      to: { path: '^src/', pathNot: '^src/(core|targets|analyzers)/' },
    },
    {
      name: 'scanners-do-not-import-scanners',
      severity: 'error',
      comment: 'What two scanners both need is an analyzer; a scanner never reaches into another.',
      from: { path: '^src/scanners/([^/]+)/' },
      to: { path: '^src/scanners/[^/]+/', pathNot: '^src/scanners/$1/' },
    },
    {
      name: 'scanners-stay-below-the-engine',
      severity: 'error',
      comment: 'Scanners yield findings; they never run the engine, the gate, reporters or the CLI.',
      from: { path: '^src/scanners/' },
      to: { path: '^src/(cli|engine|gate|report|deliver|server)/' },
    },
    {
      name: 'reporters-and-gate-are-pure',
      severity: 'error',
      comment: 'Reporters and the gate read reports and policy; they do not run scanners or the CLI.',
      from: { path: '^src/(report|gate)/' },
      to: { path: '^src/(cli|engine|scanners|targets|analyzers|deliver|server)/' },
    },
    {
      name: 'attest-is-a-library-layer',
      comment: 'Signing, provenance and verification (src/attest) read artifacts and lockfiles; they never run the engine, the gate, reporters or the CLI.',
      severity: 'error',
      from: { path: '^src/attest/' },
      to: { path: '^src/(cli|engine|gate|report|deliver|server)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is a thin shell over the library; the library never calls back into it.',
      from: { path: '^src/', pathNot: '^src/(cli/|index\\.ts$)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-uses-scanners-through-their-entry',
      severity: 'error',
      comment: 'The CLI may use the scanner registry and each scanner folder\'s index.ts, never a scanner\'s internals.',
      from: { path: '^src/cli/' },
      to: { path: '^src/scanners/[^/]+/', pathNot: '^src/scanners/[^/]+/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(wat|md)$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
