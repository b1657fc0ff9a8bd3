import * as z from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema of pipeguard.yml for editors (YAML language servers), generated from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://pipeguard.dev/schema/pipeguard.schema.json',
    title: 'pipeguard.yml',
    description: 'Configuration of pipeguard: scanners, gate thresholds, suppressions and policies.',
  };
}
