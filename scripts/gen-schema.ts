// Writes the JSON Schemas in schema/ from the zod schemas. Run: npm run schema
import { mkdirSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';
import { threatModelJsonSchema, threatRulesJsonSchema } from '../src/threatmodel/json-schema.js';

mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
const out: [string, Record<string, unknown>][] = [
  ['pipeguard.schema.json', configJsonSchema()],
  ['threatmodel.schema.json', threatModelJsonSchema()],
  ['threat-rules.schema.json', threatRulesJsonSchema()],
];
for (const [name, schema] of out) {
  writeFileSync(new URL(`../schema/${name}`, import.meta.url), JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote schema/${name}`);
}
