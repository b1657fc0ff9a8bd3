// Writes docs/rules/dast.md from the DAST rule table (src/scanners/dast/rules.ts): `npm run` it after editing a rule.
//   node --import tsx scripts/gen-dast-rules.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dastRulesDoc } from '../src/scanners/dast/rules-doc.js';

const path = new URL('../docs/rules/dast.md', import.meta.url);
const text = dastRulesDoc();
if (process.argv.includes('--check')) {
  if (readFileSync(path, 'utf8') !== text) {
    console.error('docs/rules/dast.md is out of date: run node --import tsx scripts/gen-dast-rules.ts');
    process.exit(1);
  }
} else writeFileSync(path, text);
