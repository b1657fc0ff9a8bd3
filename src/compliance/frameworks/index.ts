import { CIS_SUPPLY_CHAIN } from './cis.js';
import { SAMM } from './samm.js';
import { SLSA } from './slsa.js';
import { SSDF } from './ssdf.js';
import type { Control, Framework } from './types.js';

export type { Control, Framework } from './types.js';

/** Every framework, by the id `--framework` and `compliance.require` use. Adding one is one line here. */
export const FRAMEWORKS: readonly Framework[] = [SSDF, CIS_SUPPLY_CHAIN, SLSA, SAMM];

/** The framework with this id, or undefined. */
export function framework(id: string): Framework | undefined {
  return FRAMEWORKS.find((f) => f.id === id);
}

/** `ssdf:PS.1.1` → the framework and the control, or undefined when either does not exist. */
export function controlRef(ref: string): { framework: Framework; control: Control } | undefined {
  const i = ref.indexOf(':');
  const f = i > 0 ? framework(ref.slice(0, i)) : undefined;
  const control = f?.controls.find((c) => c.id.toLowerCase() === ref.slice(i + 1).toLowerCase());
  return f && control ? { framework: f, control } : undefined;
}
