import { writeOutputs, type OutputItem } from '../core/output-file.js';
import { resolve } from 'node:path';
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
