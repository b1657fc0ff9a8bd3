import * as z from 'zod';
import { threatModelSchema } from './schema.js';
import { ruleFileSchema } from './rules/schema.js';

/** The JSON Schema of threatmodel.yml for editors, generated from the zod schema the loader validates with. */
export function threatModelJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(threatModelSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://pipeguard.dev/schema/threatmodel.schema.json',
    title: 'threatmodel.yml',
    description: 'Threat model as code for `pipeguard threat-model`: elements, flows, trust boundaries, assets, controls and accepted risks.',
  };
}

/** The JSON Schema of a threat rule file (threatModel.rules). */
export function threatRulesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ruleFileSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://pipeguard.dev/schema/threat-rules.schema.json',
    title: 'pipeguard threat rules',
    description: 'Threat rules (CEL conditions, STRIDE, CWE/CAPEC, mitigating checks) and extra mitigations for `pipeguard threat-model`.',
  };
}
