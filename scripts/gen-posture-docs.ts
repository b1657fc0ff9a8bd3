// Regenerates the check and token tables of docs/posture.md. Run: node --import tsx scripts/gen-posture-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { configSchema } from '../src/config/schema.js';
import { checksMarkdown, replaceSection, scopesMarkdown } from '../src/posture/docs.js';
import { loadScanners } from '../src/scanners/index.js';

const file = new URL('../docs/posture.md', import.meta.url);
const [posture] = await loadScanners(['posture']);
const rules = posture!.rules(configSchema.parse({}).scanners.posture);
let doc = readFileSync(file, 'utf8');
doc = replaceSection(doc, 'checks', checksMarkdown(rules));
doc = replaceSection(doc, 'scopes', scopesMarkdown());
writeFileSync(file, doc);
console.log('wrote docs/posture.md');
