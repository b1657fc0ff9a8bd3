import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The frozen OSV sample and version vectors, `<repo>/../shared/data`; tests that need it skip when it is absent. */
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data', import.meta.url));

/** `{ skip: reason }` when the shared data folder is missing, for `test(name, skipUnlessShared(), fn)`. */
export function skipUnlessShared(): { skip?: string } {
  return existsSync(SHARED_DATA) ? {} : { skip: `needs the shared data folder ${SHARED_DATA}` };
}
