import { defaultConfig } from './defaults.js';
import { findConfig, shownConfigPath } from './find.js';
import type { LoadedConfig } from './load.js';

/**
 * {@link resolveConfig} for the CLI: the file given with `--config`, else the one found from the scanned path, else
 * defaults; the YAML parser, zod and the config schemas are loaded only when there is a file to read.
 */
export async function loadConfig(scanPath: string, explicit: string | undefined, knownScanners?: readonly string[], cwd?: string): Promise<LoadedConfig> {
  const path = explicit ?? findConfig(scanPath);
  if (!path) return { config: defaultConfig(), path: undefined, warnings: [] };
  const { loadConfigFile } = await import('./load.js');
  return loadConfigFile(path, knownScanners, shownConfigPath(path, cwd));
}
