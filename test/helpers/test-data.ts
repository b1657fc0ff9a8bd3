import { fileURLToPath } from 'node:url';

/**
 * The advisory records and version vectors the tests use: a small subset of the frozen OSV sample, vendored
 * under test/fixtures/ (see its README for sources and licences), so a fresh clone needs nothing beside it.
 */
export const TEST_DATA = fileURLToPath(new URL('../fixtures', import.meta.url));
