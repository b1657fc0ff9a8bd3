import type { Command } from '../io.js';

/** A registered command: its name, and how to load it (only the command that runs is loaded). */
export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

/** Every `pipeguard` sub-command, in the order `--help` lists them. Adding one is one line here. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'scan', load: async () => (await import('./scan.js')).scanCommand },
  { name: 'secrets', load: async () => (await import('./secrets.js')).secretsCommand },
  { name: 'rules', load: async () => (await import('./rules.js')).rulesCommand },
  { name: 'init', load: async () => (await import('./init.js')).initCommand },
  { name: 'exposure', load: async () => (await import('./exposure.js')).exposureCommand },
  { name: 'fix', load: async () => (await import('./fix.js')).fixCommand },
  { name: 'db', load: async () => (await import('./db.js')).dbCommand },
  { name: 'sbom', load: async () => (await import('./sbom.js')).sbomCommand },
  { name: 'threat-model', load: async () => (await import('./threat-model.js')).threatModelCommand },
  { name: 'pipeline', load: async () => (await import('./pipeline.js')).pipelineCommand },
  { name: 'run', load: async () => (await import('./run-with-secrets.js')).runCommand },
  { name: 'secrets-file', load: async () => (await import('./secrets-file.js')).secretsFileCommand },
  { name: 'audit', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'deploy', load: async () => (await import('./deploy.js')).deployCommand },
  { name: 'monitor', load: async () => (await import('./monitor.js')).monitorCommand },
  { name: 'postmortem', load: async () => (await import('./postmortem.js')).postmortemCommand },
  { name: 'serve', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'admin', load: async () => (await import('./admin.js')).adminCommand },
  { name: 'fleet', load: async () => (await import('./fleet.js')).fleetCommand },
  { name: 'worker', load: async () => (await import('./worker.js')).workerCommand },
  { name: 'dast', load: async () => (await import('./dast.js')).dastCommand },
  { name: 'posture', load: async () => (await import('./posture.js')).postureCommand },
  { name: 'compliance', load: async () => (await import('./compliance.js')).complianceCommand },
  { name: 'attest', load: async () => (await import('./attest.js')).attestCommand },
  { name: 'sign', load: async () => (await import('./sign.js')).signCommand },
  { name: 'verify', load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'outdated', load: async () => (await import('./outdated.js')).outdatedCommand },
];
