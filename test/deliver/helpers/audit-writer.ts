// A second process that appends to an audit log: `node --import tsx audit-writer.ts LOG NAME COUNT [KEYFILE]`.
// Used by the concurrency test, which starts two at once.
import { readFileSync } from 'node:fs';
import { AuditLog } from '../../../src/deliver/audit/log.js';
import { signerFromPem } from '../../../src/deliver/audit/signer.js';

const [path, name, count, keyFile] = process.argv.slice(2);
const log = new AuditLog({
  path: path!,
  actor: { user: name!, host: 'test', pid: process.pid },
  checkpointEvery: 25,
  ...(keyFile ? { signer: signerFromPem(readFileSync(keyFile, 'utf8')) } : {}),
});
// wait for the go signal (a file) so both processes start appending at the same moment
const go = `${path}.go`;
for (let i = 0; i < 500; i++) {
  try {
    readFileSync(go);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 10));
  }
}
const all: Promise<unknown>[] = [];
for (let i = 0; i < Number(count); i++) all.push(log.append('test.event', { writer: name, i, pad: 'x'.repeat(i % 50) }));
await Promise.all(all);
