import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default;
const SCHEMAS = fileURLToPath(new URL('../sbom/fixtures/schemas', import.meta.url));
const schema = (n: string): Record<string, unknown> => JSON.parse(readFileSync(join(SCHEMAS, n), 'utf8')) as Record<string, unknown>;

/** A validator of the official CycloneDX 1.6 JSON schema (with the SPDX licence list and JSF schemas it refers to). */
export function cyclonedxValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  ajv.addSchema(schema('spdx.schema.json'));
  ajv.addSchema(schema('jsf-0.82.schema.json'));
  return ajv.compile(schema('bom-1.6.schema.json'));
}
