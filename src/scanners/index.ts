import type { Scanner } from '../core/types.js';

/** A registered scanner: its id, and how to load it (scanners load only when a run needs them). */
export interface ScannerEntry {
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load(): Promise<Scanner<any>>;
}

/**
 * Every scanner, in run order: an explicit list, no import side effects. Loading is lazy so that
 * `pipeguard secrets --staged` in a pre-commit hook does not pay for the SAST parser or SQLite.
 * Adding a scanner is one line here; test/scanners/registry.test.ts checks each scanner folder is listed.
 */
export const SCANNER_ENTRIES: readonly ScannerEntry[] = [
  { id: 'secrets', load: async () => (await import('./secrets/index.js')).secretsScanner },
  { id: 'iac', load: async () => (await import('./iac/index.js')).iacScanner },
  { id: 'exposure', load: async () => (await import('./exposure/index.js')).exposureScanner },
  { id: 'posture', load: async () => (await import('./posture/index.js')).postureScanner },
  { id: 'pipeline', load: async () => (await import('./pipeline/index.js')).pipelineScanner },
  { id: 'sast', load: async () => (await import('./sast/index.js')).sastScanner },
  { id: 'deps', load: async () => (await import('./deps/index.js')).depsScanner },
  { id: 'licenses', load: async () => (await import('./licenses/index.js')).licensesScanner },
  { id: 'image', load: async () => (await import('./image/index.js')).imageScanner },
  { id: 'dast', load: async () => (await import('./dast/index.js')).dastScanner },
  { id: 'integrity', load: async () => (await import('./integrity/index.js')).integrityScanner },
  { id: 'patch-level', load: async () => (await import('./patch-level/index.js')).patchLevelScanner },
];

/** Every scanner id, in run order. */
export const SCANNER_IDS: readonly string[] = SCANNER_ENTRIES.map((e) => e.id);

/** Loads the scanners with these ids (all when omitted), in registry order. Unknown ids are ignored. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function loadScanners(ids?: readonly string[]): Promise<Scanner<any>[]> {
  return Promise.all(SCANNER_ENTRIES.filter((e) => !ids || ids.includes(e.id)).map((e) => e.load()));
}
