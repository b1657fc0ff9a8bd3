import { join } from 'node:path';
import { writeDatabase } from '../../src/advisories/db.js';
import { loadRecords } from '../../src/advisories/load.js';
import { TEST_DATA } from './test-data.js';
import { makeDir } from './tmp.js';

let db: string | undefined;

/**
 * An advisory database holding every vendored OSV record (test/fixtures/osv), built once per test file. Call it
 * at the top level of a test file (or before its first test) so its clean-up runs when the file ends.
 */
export function testAdvisoryDb(): string {
  if (db) return db;
  db = join(makeDir(), 'advisories.db');
  writeDatabase(db, [{ name: 'import:sample', origin: TEST_DATA, records: loadRecords(join(TEST_DATA, 'osv')) }], new Date());
  return db;
}
