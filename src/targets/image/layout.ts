import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a folder is an OCI image layout (`oci-layout`, `index.json`, `blobs/`). On its own, so that opening a
 * plain folder tells it apart without loading the image code (targets/open.ts).
 */
export function isLayoutDir(dir: string): boolean {
  return existsSync(join(dir, 'oci-layout')) && existsSync(join(dir, 'index.json')) && statSync(join(dir, 'blobs'), { throwIfNoEntry: false })?.isDirectory() === true;
}
