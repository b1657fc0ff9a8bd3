// Writes schema/pipeguard.schema.json from the config schema. Run: npm run schema
import { mkdirSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';

mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(new URL('../schema/pipeguard.schema.json', import.meta.url), JSON.stringify(configJsonSchema(), null, 2) + '\n');
console.log('wrote schema/pipeguard.schema.json');
