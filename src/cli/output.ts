import { writeOutputs, writeOutputSync, type OutputItem } from '../core/output-file.js';
import { dirname, resolve } from 'node:path';
import type { CliIO } from './io.js';

/**
 * Writes reports to the files the user named, all or nothing (src/core/output-file.ts: temporary files renamed
 * into place once all are complete; FIFOs and devices in place; links and folders refused; SIGINT cleans up).
 */
export async function writeReports(files: { file: string; text: OutputItem['data'] }[], io: CliIO): Promise<void> {
  await writeOutputs(
    files.map((f) => ({ shown: f.file, path: resolve(io.cwd, f.file), data: f.text })),
    { cwd: io.cwd, ...(io.onSignal ? { onSignal: io.onSignal } : {}) },
  );
}

/**
 * One report written synchronously by the same rules (src/core/output-file.ts), `file` absolute or relative to
 * `cwd`. Prefer {@link writeReports}: it is all or nothing over several files and cleans up on SIGINT.
 */
export function writeAtomic(file: string, text: string, cwd = dirname(resolve(file))): void {
  writeOutputSync({ shown: file, path: resolve(cwd, file), data: text }, cwd);
}
